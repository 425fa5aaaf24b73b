"""Evaluation: does the title someone describes come back near the top (known items), does taste
predict what was watched next, and how much of a real history does the catalogue know?"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

import numpy as np

from moviefinder.core import rank
from moviefinder.core.availability import RegionView
from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.errors import InputError
from moviefinder.core.finder import Finder, View
from moviefinder.core.query import read_query
from moviefinder.core.taste import Summary, summarise, taste_of
from moviefinder.core.viewing import Rating, Viewing
from moviefinder.storage.journal import watched_shows

if TYPE_CHECKING:
    from moviefinder.app.context import Context

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


def ranking_scores(ranked: np.ndarray, relevant: frozenset[int], k: int) -> RankingScores:
    hits = [i for i, row in enumerate(ranked[:k]) if int(row) in relevant]
    dcg = sum(1.0 / math.log2(i + 2) for i in hits)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return RankingScores(len(hits) / len(relevant), dcg / ideal if ideal else 0.0)


@dataclass(frozen=True)
class Split:
    """One person's history up to a moment, and the titles they watched (or liked) after it."""

    summary: Summary
    held_out: frozenset[int]
    #: Every title of the history part: not recommended again.
    seen: frozenset[int]


def history_split(
    viewings: Sequence[Viewing],
    ratings: Sequence[Rating],
    rows: Mapping[str, int],
    held_out_share: float = 0.2,
) -> Split:
    """Hold out the last HELD_OUT_SHARE of a Netflix history's distinct titles by first viewing.

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
    train, held_out = set(ordered[:-cut]), frozenset(ordered[-cut:])
    cutoff = first_seen[ordered[-cut]]
    past = [v for v in viewings if v.when < cutoff and rows.get(v.title) in train]
    known = [r for r in ratings if rows.get(r.title) in train]
    return Split(summarise(past, known, rows), held_out, frozenset(train))


#: MovieLens stars: at least this much is a like (thumbs up), at most DISLIKED a dislike.
LIKED: Final = 4.0
DISLIKED: Final = 2.0


def read_movielens(ratings: Path, links: Path, catalog: Catalog) -> dict[str, list[Rated]]:
    """MovieLens ``ratings.csv`` (userId, movieId, rating, timestamp) per user, oldest first,
    for the movies ``links.csv`` ties to CATALOG (by TMDB id, else IMDb id).

    Raises:
        InputError: a file is missing or lacks its columns.
    """
    row_of: dict[str, int] = {}
    for record in _csv_rows(links, {"movieId", "imdbId", "tmdbId"}):
        found = catalog.find(f"tmdb:{record['tmdbId']}") if record["tmdbId"] else []
        if not found and record["imdbId"]:
            found = catalog.find(f"tt{record['imdbId']}")
        if found:
            row_of[record["movieId"]] = found[0]
    users: dict[str, list[Rated]] = defaultdict(list)
    for record in _csv_rows(ratings, {"userId", "movieId", "rating", "timestamp"}):
        row = row_of.get(record["movieId"])
        if row is not None:
            when = datetime.fromtimestamp(int(record["timestamp"]))
            users[record["userId"]].append(Rated(when, row, float(record["rating"])))
    return {user: sorted(rated) for user, rated in users.items()}


class Rated(NamedTuple):
    when: datetime
    row: int
    stars: float


def _csv_rows(path: Path, needed: set[str]) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path} lacks column(s): {', '.join(sorted(missing))}.")
        yield from reader


def ratings_split(rated: Sequence[Rated], history_share: float = 0.8) -> Split | None:
    """The first HISTORY_SHARE of one user's ratings by time as a history (a like at
    :data:`LIKED` stars or more, a dislike at :data:`DISLIKED` or less, anything else watched),
    the later ones liked as held out; None when nothing liked is left to predict."""
    cut = int(len(rated) * history_share)
    past = rated[:cut]
    seen = frozenset(r.row for r in past)
    held_out = frozenset(r.row for r in rated[cut:] if r.stars >= LIKED and r.row not in seen)
    if not past or not held_out:
        return None
    viewings = [Viewing(str(r.row), r.when) for r in past]
    thumbs = [
        Rating(str(r.row), 2 if r.stars >= LIKED else 1, r.when)
        for r in past
        if r.stars >= LIKED or r.stars <= DISLIKED
    ]
    rows = {str(r.row): r.row for r in past}
    return Split(summarise(viewings, thumbs, rows), held_out, seen)


@dataclass(frozen=True)
class SplitsReport:
    """Taste alone against popularity over many people's held-out titles (means per person)."""

    users: int
    k: int
    taste: RankingScores
    popularity: RankingScores
    #: Titles learned from and held out, over all people.
    learned_from: int
    held_out: int

    def as_dict(self) -> dict[str, object]:
        return {
            "users": self.users,
            "learned_from": self.learned_from,
            "held_out": self.held_out,
            f"recall@{self.k}": self.taste.recall,
            f"ndcg@{self.k}": self.taste.ndcg,
            f"popularity_recall@{self.k}": self.popularity.recall,
            f"popularity_ndcg@{self.k}": self.popularity.ndcg,
        }


def evaluate_splits(
    splits: Sequence[Split],
    catalog: Catalog,
    matrix: np.ndarray,
    half_life_days: float,
    k: int = 10,
    popularity: np.ndarray | None = None,
) -> SplitsReport:
    """Rank every title a person has not seen by their taste, and by POPULARITY (default: the
    catalogue's own, :attr:`Catalog.popularity`); Recall@K and NDCG@K of the held-out titles,
    averaged over SPLITS."""
    if not splits:
        raise InputError("Nobody here has titles to learn from and to predict.")
    popular = catalog.popularity if popularity is None else popularity
    taste, baseline = [], []
    for split in splits:
        candidates = np.ones(len(catalog), dtype=bool)
        candidates[list(split.seen)] = False
        made = taste_of(split.summary, catalog, matrix, half_life_days, replay=True)
        scores = np.zeros(len(catalog), dtype=np.float32) if made is None else made[1]
        taste.append(ranking_scores(rank.top_k(scores, k, candidates), split.held_out, k))
        baseline.append(ranking_scores(rank.top_k(popular, k, candidates), split.held_out, k))
    learned = sum(len(split.seen) for split in splits)
    held_out = sum(len(split.held_out) for split in splits)
    return SplitsReport(len(splits), k, _mean(taste), _mean(baseline), learned, held_out)


def _mean(scores: Sequence[RankingScores]) -> RankingScores:
    return RankingScores(
        sum(s.recall for s in scores) / len(scores), sum(s.ndcg for s in scores) / len(scores)
    )


def liked_counts(splits: Sequence[Split], size: int) -> np.ndarray:
    """How many of SPLITS liked each of SIZE titles in their history part: popularity among
    the people of an evaluation (never shipped, never used by `ask`)."""
    counts = np.zeros(size, dtype=np.float32)
    for split in splits:
        for seen in split.summary.seen:
            if seen.thumbs >= 2:
                counts[seen.row] += 1
    return counts


@dataclass(frozen=True)
class QueryTasteReport:
    """The query-conditioned measure: each held-out title searched for by its own genres and
    decade, ranked without taste and with it."""

    queries: int
    weight: float
    mrr_without: float
    mrr_with: float
    lifted: float
    lowered: float

    @property
    def lift(self) -> float:
        """How much taste raised the MRR, as a share of the MRR without it."""
        return self.mrr_with / self.mrr_without - 1 if self.mrr_without else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "queries": self.queries,
            "taste_weight": self.weight,
            "mrr_without_taste": self.mrr_without,
            "mrr_with_taste": self.mrr_with,
            "lift": self.lift,
            "lifted": self.lifted,
            "lowered": self.lowered,
        }


def genre_query(title: Title) -> str:
    """What someone might type for TITLE knowing only its kind, genres and decade:
    "a 1990s crime thriller movie"."""
    decade = f"{title.year // 10 * 10}s " if title.year else ""
    return f"a {decade}{' '.join(title.genres[:2])} {title.type}".replace("  ", " ")


def evaluate_query_taste(
    finder: Finder, splits: Sequence[Split], half_life_days: float, weight: float
) -> QueryTasteReport:
    """For every held-out title of SPLITS, `ask` for :func:`genre_query` of it (read as `ask`
    reads it, the person's history hidden) at taste weight 0 and at WEIGHT: the MRR of the
    held-out title both ways and the share of queries where taste lifts or lowers it."""
    catalog = finder.catalog
    texts = sorted({genre_query(catalog.title(row)) for s in splits for row in s.held_out})
    if not texts:
        raise InputError("No held-out titles to search for.")
    readings = {text: read_query(text) for text in texts}
    encoded = dict(zip(texts, finder.query_scores([readings[t].text for t in texts]), strict=True))
    before: list[int | None] = []
    after: list[int | None] = []
    for split in splits:
        made = taste_of(split.summary, catalog, finder.matrix, half_life_days, replay=True)
        mixed = replace(finder, taste=None if made is None else made[1])
        seen = sorted(split.seen)
        for row in sorted(split.held_out):
            text = genre_query(catalog.title(row))
            read = readings[text]
            view = View(filters=read.filters, hints=read.hints, include_watched=True)
            alone = finder.scored(encoded[text], read.text, view, seen)
            blended = mixed.scored(
                encoded[text], read.text, replace(view, taste_weight=weight), seen
            )
            for scored, ranks in ((alone, before), (blended, after)):
                ranks.append(rank.rank_of(scored.scores, np.array([row]), scored.shown))
    mrr = [sum(1.0 / r for r in ranks if r) / len(ranks) for ranks in (before, after)]
    pairs = list(zip(before, after, strict=True))
    lifted = sum(1 for b, a in pairs if a and (not b or a < b)) / len(pairs)
    lowered = sum(1 for b, a in pairs if b and (not a or a > b)) / len(pairs)
    return QueryTasteReport(len(pairs), weight, mrr[0], mrr[1], lifted, lowered)


def taste_benchmark(
    context: Context,
    ratings: Path | None,
    movielens: bool = False,
    links: Path | None = None,
    profile: str | None = None,
    catalog: str | None = None,
    k: int = 10,
    queries: bool = False,
) -> tuple[SplitsReport, QueryTasteReport | None]:
    """`eval taste`: taste against popularity at predicting what came next, and (QUERIES) how
    much taste lifts a search for it. RATINGS is a Netflix export (None: the imported history),
    or with MOVIELENS a MovieLens ratings file whose LINKS tie its films to the catalogue.

    Raises:
        InputError: an unreadable file, or a profile the export does not have.
    """
    from moviefinder.app.search import open_search
    from moviefinder.sources.netflix_export import for_profile, read_export
    from moviefinder.storage import journal, paths

    settings = context.settings
    finder, _ = open_search(context, catalog, history=False)
    popularity = None
    if movielens:
        if ratings is None or links is None:
            raise InputError("A MovieLens evaluation needs the ratings file and --links.")
        rated = read_movielens(ratings, links, finder.catalog)
        splits = [s for r in rated.values() if (s := ratings_split(r)) is not None]
        popularity = liked_counts(splits, len(finder.catalog))
    else:
        if ratings is None:
            stored = journal.load_journal()
            viewings, thumbs = stored.viewings, stored.ratings
            stamp = paths.catalog_stamp(finder.catalog.name)
            rows = journal.resolve(stored, finder.catalog, stamp)
        else:
            export = for_profile(read_export(ratings), profile)
            viewings, thumbs = export.viewings, export.ratings
            titles = [v.title for v in viewings] + [r.title for r in thumbs]
            rows = journal.match_rows(titles, finder.catalog)
        splits = [history_split(viewings, thumbs, rows)]
    report = evaluate_splits(
        splits, finder.catalog, finder.matrix, settings.half_life_days, k, popularity
    )
    if not queries:
        return report, None
    return report, evaluate_query_taste(
        finder, splits, settings.half_life_days, settings.taste_weight
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
