"""Pure array code for ranking: cosine scores, the blend, masks and top-k. No models, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScoreParts:
    """What one title's score is made of: score = (1 − w)·(query + words) + w·taste + hints,
    or query + words + hints without a taste. The one statement of the formula that results
    carry and renderers print (:func:`blend` computes it for every title at once)."""

    query: float
    words: float
    taste: float | None = None
    #: w, the taste weight (0 without a taste).
    weight: float = 0.0
    #: The popularity prior's share of the taste score (:func:`taste.prior_scores`).
    prior: float | None = None
    #: What a long description's hints added or took.
    hints: float = 0.0

    @property
    def total(self) -> float:
        matched = self.query + self.words
        if self.taste is None or self.weight == 0.0:
            return matched + self.hints
        return (1.0 - self.weight) * matched + self.weight * self.taste + self.hints


def cosine_scores(matrix: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of each unit row of MATRIX (n, d) with unit VECTORS.

    A vector (d,) gives scores (n,); a stack of queries (q, d) gives (q, n).
    """
    return np.asarray(vectors.astype(matrix.dtype, copy=False) @ matrix.T, dtype=np.float32)


def blend(query: np.ndarray, taste: np.ndarray | None, weight: float) -> np.ndarray:
    """score = (1 − w)·query + w·taste; without a taste vector the query score stands alone."""
    if taste is None or weight == 0.0:
        return query
    return np.asarray((1.0 - weight) * query + weight * taste, dtype=np.float32)


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the K best SCORES, best first, among rows where MASK is True.

    Ties go to the lower index, so results are deterministic.

    >>> top_k(np.array([0.1, 0.9, 0.5, 0.9]), 2).tolist()
    [1, 3]
    """
    candidates = np.arange(len(scores)) if mask is None else np.flatnonzero(mask)
    k = min(k, len(candidates))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    values = scores[candidates]
    if k < len(candidates):
        # argpartition is O(n); only the k survivors get sorted.
        keep = np.argpartition(-values, k - 1)[:k]
        # Rows tied with the k-th score may have been cut arbitrarily: take all of them back.
        threshold = values[keep].min()
        keep = np.flatnonzero(values >= threshold)
    else:
        keep = np.arange(len(candidates))
    order = np.lexsort((candidates[keep], -values[keep]))[:k]
    return candidates[keep][order]


def rank_of(scores: np.ndarray, rows: np.ndarray, mask: np.ndarray | None = None) -> int | None:
    """1-based rank of the best of ROWS under SCORES (ties to the lower index), or None.

    Matches :func:`top_k`: ``top_k(scores, n)[rank - 1]`` is that row.
    """
    if mask is not None:
        rows = rows[mask[rows]]
    if len(rows) == 0:
        return None
    best = rows[np.lexsort((rows, -scores[rows]))[0]]
    pool = scores if mask is None else np.where(mask, scores, -np.inf)
    ahead = np.count_nonzero(pool > pool[best]) + np.count_nonzero(pool[:best] == pool[best])
    return int(ahead) + 1


def diversify(
    rows: np.ndarray,
    scores: np.ndarray,
    matrix: np.ndarray,
    groups: np.ndarray,
    k: int,
    lam: float,
) -> np.ndarray:
    """Pick K of ROWS (best first) by maximal marginal relevance, one row per group.

    Each step takes the row maximising lam·score − (1 − lam)·(its highest cosine to a row
    already taken); a row whose group (franchise) is already taken is skipped. lam = 1 keeps
    the score order. GROUPS[i] is the group of ROWS[i].

    >>> rows, scores = np.array([0, 1, 2]), np.array([0.9, 0.8, 0.7])
    >>> diversify(rows, scores, np.eye(3), np.array([0, 0, 1]), 2, 1.0).tolist()
    [0, 2]
    """
    vectors = np.asarray(matrix[rows], dtype=np.float32)
    relevance = scores[rows].astype(np.float32)
    closest = np.full(len(rows), -np.inf, dtype=np.float32)
    open_ = np.ones(len(rows), dtype=bool)
    taken: list[int] = []
    while len(taken) < k and open_.any():
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        value = np.where(open_, lam * relevance - (1.0 - lam) * penalty, -np.inf)
        best = int(np.argmax(value))
        taken.append(best)
        open_ &= groups != groups[best]
        closest = np.maximum(closest, vectors @ vectors[best])
    return rows[taken]
