"""Pure array code for ranking: cosine scores, the blend, masks and top-k. No models, no I/O."""

from __future__ import annotations

import numpy as np


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
