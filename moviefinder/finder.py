"""Answering a query: encode it, score every title, filter, rank, explain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from moviefinder import rank
from moviefinder.catalog import Catalog, Title, TitleType
from moviefinder.embed import Encoder
from moviefinder.errors import QueryError
from moviefinder.explain import Explanation, explain_match


@dataclass(frozen=True)
class Match:
    """One ranked result with the numbers behind it."""

    rank: int
    title: Title
    score: float
    query_score: float
    taste_score: float | None
    why: Explanation


@dataclass(frozen=True)
class Finder:
    """A catalogue, its embedding matrix (row i = title i) and the encoder for queries."""

    catalog: Catalog
    matrix: np.ndarray
    encoder: Encoder

    def query_scores(self, queries: Sequence[str]) -> np.ndarray:
        """Cosine score of every title for each query: shape (len(queries), titles)."""
        cleaned = [q.strip() for q in queries]
        if any(not q for q in cleaned):
            raise QueryError("The query is empty — describe what you want to watch.")
        return rank.cosine_scores(self.matrix, self.encoder.encode(cleaned))

    def type_mask(self, kind: TitleType | None) -> np.ndarray | None:
        if kind is None:
            return None
        mask: np.ndarray = np.asarray(self.catalog.columns["type"]) == kind
        return mask

    def ask(self, query: str, limit: int = 10, kind: TitleType | None = None) -> list[Match]:
        """The LIMIT best titles for QUERY, optionally only movies or only series.

        Raises:
            QueryError: the query is empty or LIMIT is not positive.
        """
        if limit < 1:
            raise QueryError("--limit must be at least 1.")
        query_scores = self.query_scores([query])[0]
        taste_scores = None  # no viewing history yet: the blend is the query score alone
        scores = rank.blend(query_scores, taste_scores, 0.0)
        rows = rank.top_k(scores, limit, self.type_mask(kind))
        matches = []
        for position, row in enumerate(rows, start=1):
            title = self.catalog.title(int(row))
            matches.append(
                Match(
                    rank=position,
                    title=title,
                    score=float(scores[row]),
                    query_score=float(query_scores[row]),
                    taste_score=None,
                    why=explain_match(query, title),
                )
            )
        return matches
