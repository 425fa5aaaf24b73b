"""Evaluation: does the title someone describes come back near the top (known items), does taste
predict what was watched next, and how much of a real history does the catalogue know?"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np

from moviefinder import rank
from moviefinder.availability import RegionView
from moviefinder.catalog import Catalog
from moviefinder.errors import InputError
from moviefinder.finder import Finder, View
from moviefinder.history import Rating, Viewing
from moviefinder.journal import watched_shows
from moviefinder.query import read_query
from moviefinder.taste import build_signals, build_taste, summarise, taste_scores

CUTOFFS: Final = (1, 5, 10)
_QUERY_BATCH: Final = 256


@dataclass(frozen=True)
class KnownItem:
    """A query and the references (id, imdb id, ``tmdb:<id>`` or title) of what it should find."""

    query: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class QueryOutcome:
    query: str
    expected: tuple[str, ...]
    rank: int | None
    found: bool


@dataclass(frozen=True)
class EvalReport:
    """Hit@k and MRR over ``per_query``; an expected title absent from the catalogue is a miss."""

    n: int
    hits: dict[int, float]
    mrr: float
    per_query: tuple[QueryOutcome, ...]
    #: Queries left out because none of their answers is in the catalogue (``answerable_only``).
    left_out: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "left_out": self.left_out,
            **{f"hit@{k}": v for k, v in self.hits.items()},
            "mrr": self.mrr,
            "per_query": [
                {
                    "query": o.query,
                    "expected": list(o.expected),
                    "rank": o.rank,
                    "in_catalog": o.found,
                }
                for o in self.per_query
            ],
        }


def load_known_items(path: Path) -> list[KnownItem]:
    """Read JSONL lines ``{"query": "…", "expected": ["tt4179452", …]}``; tip-of-the-tongue
    lines ``{"query": "…", "answer_imdb_id": "tt…", "answer_tmdb_id": 123}`` work as they are.

    Raises:
        InputError: missing file, bad JSON, or a line without a query or expected list.
    """
    items = []
    for number, record in _json_lines(path):
        query, expected = record.get("query"), record.get("expected")
        if expected is None:
            expected = _answers(record)
        if isinstance(expected, str):
            expected = [expected]
        if not isinstance(query, str) or not query.strip():
            raise InputError(f'{path}:{number}: needs a non-empty "query".')
        if (
            not isinstance(expected, list)
            or not expected
            or not all(isinstance(e, str) for e in expected)
        ):
            raise InputError(f'{path}:{number}: "expected" must be a list of ids or titles.')
        items.append(KnownItem(query.strip(), tuple(expected)))
    if not items:
        raise InputError(f"{path} has no queries.")
    return items


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """Each non-empty line of the JSONL file PATH as (line number, object).

    Raises:
        InputError: missing file, not UTF-8, or a line that is no JSON object.
    """
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg}).") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}: not a JSON object.")
        yield number, record


def _answers(record: Mapping[str, object]) -> list[str] | None:
    """The expected references of a tip-of-the-tongue record, or None when it names none."""
    found = [str(record[k]) for k in ("answer_imdb_id",) if record.get(k)]
    if record.get("answer_tmdb_id") not in (None, ""):
        found.append(f"tmdb:{record['answer_tmdb_id']}")
    return found or None


def evaluate(
    finder: Finder,
    items: Sequence[KnownItem],
    answerable_only: bool = False,
    region: RegionView | None = None,
) -> EvalReport:
    """Rank the whole catalogue for each item's query as `ask` reads it (Dutch in English,
    filters and hints from the text) but without taste, and without availability unless
    REGION is given (then as a default `ask` there: titles without evidence hidden). A title
    the query's own filters (or the region) hide is a miss. ANSWERABLE_ONLY leaves out the
    items none of whose answers is in the catalogue, instead of counting them as misses."""
    total = len(items)
    if answerable_only:
        items = [i for i in items if any(finder.catalog.find(ref) for ref in i.expected)]
        if not items:
            raise InputError("None of these queries has its answer in the catalogue.")
    outcomes = []
    for start in range(0, len(items), _QUERY_BATCH):
        batch = items[start : start + _QUERY_BATCH]
        parsed = [read_query(item.query) for item in batch]
        scores = finder.query_scores([p.text for p in parsed])
        for item, read, row_scores in zip(batch, parsed, scores, strict=True):
            rows = np.array(sorted({r for ref in item.expected for r in finder.catalog.find(ref)}))
            view = View(filters=read.filters, hints=read.hints, include_watched=True, region=region)
            scored = finder.scored(row_scores, read.text, view)
            position = (
                rank.rank_of(scored.scores, rows.astype(np.int64), scored.shown)
                if len(rows)
                else None
            )
            outcomes.append(QueryOutcome(item.query, item.expected, position, bool(len(rows))))
    n = len(outcomes)
    ranks = [o.rank for o in outcomes]
    hits = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in CUTOFFS}
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return EvalReport(n, hits, mrr, tuple(outcomes), total - n)


@dataclass(frozen=True)
class RankingScores:
    recall: float
    ndcg: float


@dataclass(frozen=True)
class TasteEvalReport:
    """Taste alone against popularity, predicting the most recent 20 % of watched titles."""

    train: int
    held_out: int
    k: int
    taste: RankingScores
    popularity: RankingScores

    def as_dict(self) -> dict[str, object]:
        return {
            "train_titles": self.train,
            "held_out_titles": self.held_out,
            "k": self.k,
            f"taste_recall@{self.k}": self.taste.recall,
            f"taste_ndcg@{self.k}": self.taste.ndcg,
            f"popularity_recall@{self.k}": self.popularity.recall,
            f"popularity_ndcg@{self.k}": self.popularity.ndcg,
        }


def _ranking_scores(ranked: np.ndarray, relevant: set[int], k: int) -> RankingScores:
    hits = [i for i, row in enumerate(ranked[:k]) if int(row) in relevant]
    dcg = sum(1.0 / math.log2(i + 2) for i in hits)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return RankingScores(len(hits) / len(relevant), dcg / ideal if ideal else 0.0)


def evaluate_taste(
    viewings: Sequence[Viewing],
    ratings: Sequence[Rating],
    rows: Mapping[str, int],
    catalog: Catalog,
    matrix: np.ndarray,
    half_life_days: float,
    k: int = 10,
    held_out_share: float = 0.2,
) -> TasteEvalReport:
    """Hold out the last HELD_OUT_SHARE of distinct titles by first viewing, build the taste from
    the rest, and rank every title not yet watched by taste alone and by popularity (imdb votes).

    Raises:
        InputError: fewer than 10 distinct matched titles to learn from and test on.
    """
    first_seen: dict[int, datetime] = {}
    for viewing in sorted(viewings, key=lambda v: v.when):
        if viewing.title in rows:
            first_seen.setdefault(rows[viewing.title], viewing.when)
    ordered = sorted(first_seen, key=lambda row: first_seen[row])
    if len(ordered) < 10:
        raise InputError(f"Only {len(ordered)} watched titles match the catalogue; need 10.")
    cut = max(1, round(len(ordered) * held_out_share))
    train, held_out = set(ordered[:-cut]), set(ordered[-cut:])
    cutoff = first_seen[ordered[-cut]]
    past = [v for v in viewings if v.when < cutoff and rows.get(v.title) in train]
    known = [r for r in ratings if rows.get(r.title) in train]
    candidates = np.ones(len(catalog), dtype=bool)
    candidates[list(train)] = False
    signals = build_signals(summarise(past, known, rows), catalog, half_life_days)
    profile = build_taste(signals, matrix)
    taste = (
        taste_scores(profile, matrix)
        if profile is not None
        else np.zeros(len(catalog), dtype=np.float32)
    )
    votes = np.array([v or 0 for v in catalog.columns["imdb_votes"]], dtype=np.float32)
    return TasteEvalReport(
        train=len(train),
        held_out=len(held_out),
        k=k,
        taste=_ranking_scores(rank.top_k(taste, k, candidates), held_out, k),
        popularity=_ranking_scores(rank.top_k(votes, k, candidates), held_out, k),
    )


@dataclass(frozen=True)
class HistoryCoverage:
    """How much of one viewing history the catalogue knows, counted in distinct titles."""

    name: str
    titles: int
    matched: int
    with_synopsis: int


def history_coverage(name: str, viewings: Sequence[Viewing], catalog: Catalog) -> HistoryCoverage:
    """Count VIEWINGS' distinct shows and films, those matching CATALOG, and those with our
    synopsis (episodes count once, under their show)."""
    shows = watched_shows(tuple(viewings), {}, catalog)
    rows = [s.match.row for s in shows if s.match.row is not None]
    synopses = catalog.columns["synopsis"]
    return HistoryCoverage(name, len(shows), len(rows), sum(1 for row in rows if synopses[row]))


@dataclass(frozen=True)
class ReadingCase:
    """A short query and the constraints a right reading finds in it (``Filters.describe``)."""

    query: str
    lang: str
    trap: bool
    understood: frozenset[str]


@dataclass(frozen=True)
class ReadingOutcome:
    case: ReadingCase
    read: frozenset[str]


@dataclass(frozen=True)
class ReadingReport:
    """Precision and recall of constraints read out of query text, per language; a trap is a
    query whose plot words name a genre, era, kind or country that must not filter."""

    outcomes: tuple[ReadingOutcome, ...]

    def scores(self, lang: str | None = None) -> dict[str, float | int]:
        chosen = [o for o in self.outcomes if lang in (None, o.case.lang)]
        right = sum(len(o.read & o.case.understood) for o in chosen)
        read = sum(len(o.read) for o in chosen)
        wanted = sum(len(o.case.understood) for o in chosen)
        traps = [o for o in chosen if o.case.trap]
        return {
            "queries": len(chosen),
            "traps": len(traps),
            "precision": right / read if read else 1.0,
            "recall": right / wanted if wanted else 1.0,
            "traps_hiding": sum(bool(o.read - o.case.understood) for o in traps),
        }

    @property
    def languages(self) -> list[str]:
        return sorted({o.case.lang for o in self.outcomes})

    @property
    def wrong(self) -> list[ReadingOutcome]:
        return [o for o in self.outcomes if o.read != o.case.understood]

    def as_dict(self) -> dict[str, object]:
        return {
            **self.scores(),
            "by_language": {lang: self.scores(lang) for lang in self.languages},
            "wrong": [
                {
                    "query": o.case.query,
                    "expected": sorted(o.case.understood),
                    "read": sorted(o.read),
                }
                for o in self.wrong
            ],
        }


def load_reading_cases(path: Path) -> list[ReadingCase]:
    """Read JSONL lines ``{"query": …, "lang": "en", "case": "trap"|"constraint",
    "understood": ["genre comedy", …]}``.

    Raises:
        InputError: missing file, bad JSON, or a line without those keys.
    """
    cases = []
    for number, record in _json_lines(path):
        query, understood = record.get("query"), record.get("understood")
        if not isinstance(query, str) or not isinstance(understood, list):
            raise InputError(f'{path}:{number}: needs "query" and an "understood" list.')
        trap = record.get("case") == "trap"
        cases.append(
            ReadingCase(query, str(record.get("lang", "en")), trap, frozenset(map(str, understood)))
        )
    if not cases:
        raise InputError(f"{path} has no queries.")
    return cases


def evaluate_reading(cases: Sequence[ReadingCase]) -> ReadingReport:
    """Read each case's query as `ask` does and compare the filters with the expected ones."""
    return ReadingReport(
        tuple(
            ReadingOutcome(case, frozenset(read_query(case.query).filters.describe()))
            for case in cases
        )
    )
