"""Known-item evaluation: does the title someone describes come back near the top?"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from moviefinder import rank
from moviefinder.errors import InputError
from moviefinder.finder import Finder

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

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
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
    """Read JSONL lines ``{"query": "…", "expected": ["tt4179452", …]}``.

    Raises:
        InputError: missing file, bad JSON, or a line without a query or expected list.
    """
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    items = []
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
        query = record.get("query") if isinstance(record, dict) else None
        expected = record.get("expected") if isinstance(record, dict) else None
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


def evaluate(finder: Finder, items: Sequence[KnownItem]) -> EvalReport:
    """Rank the whole catalogue for each item's query (query score only: no taste, no filters)."""
    outcomes = []
    for start in range(0, len(items), _QUERY_BATCH):
        batch = items[start : start + _QUERY_BATCH]
        scores = finder.query_scores([item.query for item in batch])
        for item, row_scores in zip(batch, scores, strict=True):
            rows = np.array(sorted({r for ref in item.expected for r in finder.catalog.find(ref)}))
            position = rank.rank_of(row_scores, rows.astype(np.int64)) if len(rows) else None
            outcomes.append(QueryOutcome(item.query, item.expected, position, bool(len(rows))))
    n = len(outcomes)
    ranks = [o.rank for o in outcomes]
    hits = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in CUTOFFS}
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return EvalReport(n, hits, mrr, tuple(outcomes))
