from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moviefinder.core import rank


def brute_force(scores: np.ndarray, k: int, mask: np.ndarray | None) -> list[int]:
    rows = [i for i in range(len(scores)) if mask is None or mask[i]]
    return sorted(rows, key=lambda i: (-scores[i], i))[:k]


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(0, 60),
    k=st.integers(0, 70),
    seed=st.integers(0, 2**32 - 1),
    coarse=st.booleans(),
    masked=st.booleans(),
)
def test_top_k_agrees_with_brute_force_sort(
    n: int, k: int, seed: int, coarse: bool, masked: bool
) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.random(n).astype(np.float32)
    if coarse:  # many ties
        scores = np.round(scores * 4) / 4
    mask = rng.random(n) < 0.6 if masked else None
    assert rank.top_k(scores, k, mask).tolist() == brute_force(scores, k, mask)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_rank_of_matches_position_in_top_k(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = (np.round(rng.random(n) * 5) / 5).astype(np.float32)
    rows = np.unique(rng.integers(0, n, size=rng.integers(1, 4)))
    full = rank.top_k(scores, n).tolist()
    expected = min(full.index(int(r)) for r in rows) + 1
    assert rank.rank_of(scores, rows) == expected


def test_rank_of_respects_mask_and_empty_rows() -> None:
    scores = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    mask = np.array([False, True, True])
    assert rank.rank_of(scores, np.array([2]), mask) == 2
    assert rank.rank_of(scores, np.array([0]), mask) is None
    assert rank.rank_of(scores, np.array([], dtype=np.int64)) is None


def test_cosine_scores_on_random_unit_matrix() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(200, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = matrix[17]
    scores = rank.cosine_scores(matrix, query)
    assert scores.shape == (200,)
    assert rank.top_k(scores, 1).tolist() == [17]
    assert abs(float(scores[17]) - 1.0) < 1e-5


def test_blend_weights_query_and_taste() -> None:
    query = np.array([1.0, 0.0], dtype=np.float32)
    taste = np.array([0.0, 1.0], dtype=np.float32)
    assert rank.blend(query, None, 0.5).tolist() == [1.0, 0.0]
    assert rank.blend(query, taste, 0.25).tolist() == [0.75, 0.25]
    assert rank.blend(query, taste, 0.0).tolist() == [1.0, 0.0]


def test_cosine_scores_for_a_stack_of_queries_match_one_by_one() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(50, 8)).astype(np.float32)
    queries = rng.normal(size=(4, 8)).astype(np.float32)
    stacked = rank.cosine_scores(matrix, queries)
    assert stacked.shape == (4, 50)
    for row, query in zip(stacked, queries, strict=True):
        np.testing.assert_allclose(row, rank.cosine_scores(matrix, query), atol=1e-5)


def test_diversify_keeps_order_at_lambda_one_and_one_row_per_group() -> None:
    rows = np.array([5, 6, 7, 8])
    scores = np.zeros(10, dtype=np.float32)
    scores[rows] = [0.9, 0.85, 0.8, 0.7]
    matrix = np.eye(10, dtype=np.float32)
    groups = np.array([0, 1, 1, 2])
    assert rank.diversify(rows, scores, matrix, groups, 4, 1.0).tolist() == [5, 6, 8]


def test_diversify_trades_relevance_for_variety() -> None:
    # Rows 0 and 1 are near-duplicates; row 2 is a little less relevant but different.
    matrix = np.array([[1, 0], [0.99, 0.14], [0, 1]], dtype=np.float32)
    scores = np.array([0.9, 0.89, 0.8], dtype=np.float32)
    rows, groups = np.array([0, 1, 2]), np.array([0, 1, 2])
    assert rank.diversify(rows, scores, matrix, groups, 2, 1.0).tolist() == [0, 1]
    assert rank.diversify(rows, scores, matrix, groups, 2, 0.7).tolist() == [0, 2]


def test_score_parts_state_the_formula_that_blend_computes() -> None:
    """A result's parts add up to the score ranking used: one formula, two forms."""
    from moviefinder.core.rank import ScoreParts, blend

    rng = np.random.default_rng(3)
    query, taste, hints = rng.normal(size=(3, 50)).astype(np.float32)
    for weight in (0.0, 0.3, 1.0):
        scores = blend(query, taste, weight) + hints
        for row in range(50):
            parts = ScoreParts(
                float(query[row]), 0.0, float(taste[row]), weight, None, float(hints[row])
            )
            assert parts.total == pytest.approx(float(scores[row]), abs=1e-5)
    no_taste = blend(query, None, 0.3)
    assert ScoreParts(float(query[0]), 0.25).total == pytest.approx(float(no_taste[0]) + 0.25)
