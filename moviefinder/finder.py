"""Answering a query: encode it, score every title, filter, rank, explain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from moviefinder import rank
from moviefinder.availability import Availability, RegionView
from moviefinder.catalog import Catalog, Title, franchise_key
from moviefinder.embed import Encoder
from moviefinder.errors import QueryError
from moviefinder.explain import Explanation, explain_match
from moviefinder.query import Filters

#: How many candidates per shown result diversification may choose from.
POOL_FACTOR: Final = 5


@dataclass(frozen=True)
class Match:
    """One ranked result with the numbers behind it."""

    rank: int
    title: Title
    score: float
    query_score: float
    taste_score: float | None
    why: Explanation
    watched: bool = False
    availability: Availability | None = None


@dataclass(frozen=True)
class Finder:
    """A catalogue, its embedding matrix (row i = title i), the encoder for queries and, once a
    history is imported, the taste score of every title and the rows already watched."""

    catalog: Catalog
    matrix: np.ndarray
    encoder: Encoder
    taste: np.ndarray | None = None
    watched: frozenset[int] = frozenset()

    def query_scores(self, queries: Sequence[str]) -> np.ndarray:
        """Cosine score of every title for each query: shape (len(queries), titles)."""
        cleaned = [q.strip() for q in queries]
        if any(not q for q in cleaned):
            raise QueryError("The query is empty — describe what you want to watch.")
        return rank.cosine_scores(self.matrix, self.encoder.encode(cleaned))

    def ask(
        self,
        query: str,
        limit: int = 10,
        filters: Filters | None = None,
        taste_weight: float = 0.0,
        include_watched: bool = False,
        region: RegionView | None = None,
        include_unknown: bool = False,
        diversity: float = 1.0,
    ) -> list[Match]:
        """The LIMIT best titles for QUERY that pass FILTERS: score = (1 − w)·query + w·taste,
        watched titles hidden, and — given a REGION with evidence — only titles known to be
        there (INCLUDE_UNKNOWN adds those without evidence either way). Results come one per
        franchise, re-ranked by MMR with lam = DIVERSITY (1.0: score order).

        Raises:
            QueryError: the query is empty, LIMIT is not positive or w is outside 0..1.
        """
        if limit < 1:
            raise QueryError("--limit must be at least 1.")
        if not 0.0 <= taste_weight <= 1.0:
            raise QueryError("--taste-weight must be between 0 and 1.")
        query_scores = self.query_scores([query])[0]
        scores = rank.blend(query_scores, self.taste, taste_weight)
        mask = None if filters is None else filters.mask(self.catalog)
        if self.watched and not include_watched:
            unwatched = np.ones(len(scores), dtype=bool)
            unwatched[list(self.watched)] = False
            mask = unwatched if mask is None else mask & unwatched
        if region is not None and region.has_evidence and not include_unknown:
            known = np.zeros(len(scores), dtype=bool)
            known[list(region.best)] = True
            mask = known if mask is None else mask & known
        pool = rank.top_k(scores, limit * POOL_FACTOR, mask)
        titles = self.catalog.columns["title"]
        keys = [franchise_key(titles[int(row)]) for row in pool]
        groups = np.unique(np.array(keys, dtype=object), return_inverse=True)[1]
        rows = rank.diversify(pool, scores, self.matrix, groups, limit, diversity)
        matches = []
        for position, row in enumerate(rows, start=1):
            title = self.catalog.title(int(row))
            matches.append(
                Match(
                    rank=position,
                    title=title,
                    score=float(scores[row]),
                    query_score=float(query_scores[row]),
                    taste_score=None if self.taste is None else float(self.taste[row]),
                    why=explain_match(query, title),
                    watched=int(row) in self.watched,
                    availability=None if region is None else region.best.get(int(row)),
                )
            )
        return matches
