"""Viewing history + ratings → per-title signals → a taste made of interest centroids.

Every matched title gets a :class:`Signal` whose parts stay visible for explanations:

* **explicit**: a thumbs rating (down −1, up +1, love +2) — it overrides the implicit part;
* **implicit**: a movie watched to the end +0.6, given up early −0.3, watched with unknown
  duration +0.4, rewatched on another day +0.4 more; a series +0.4 growing with the number of
  episodes (+0.2 per doubling, at most +1.5), dropped after a single episode −0.3;
* **recency**: ½^(age / half-life), age counted back from the newest viewing in the history.

The weight is (explicit or implicit) × recency. Taste works on embeddings centred on the
catalogue's mean vector: raw sentence embeddings share a common direction, and titles with
little text sit close to it, so an uncentred average of likes prefers near-empty titles ("Don",
"15-Aug") over anything related. Liked titles (weight > 0) are grouped into up to
:data:`MAX_CLUSTERS` interest centroids by spherical k-means, so someone who loves cartoons and
crime noir keeps both tastes instead of an average that matches neither. The taste score of a
title is its best cosine to any centroid minus :data:`DISLIKE_PUSH` × its cosine to the weighted
mean of the disliked titles (when positive).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

import numpy as np

from moviefinder.catalog import Catalog

if TYPE_CHECKING:
    from moviefinder.history import Rating, Viewing

MAX_CLUSTERS: Final = 4
DISLIKE_PUSH: Final = 0.5
THUMBS: Final = {1: -1.0, 2: 1.0, 3: 2.0}
FINISHED: Final = 0.7
GAVE_UP: Final = 0.25


@dataclass(frozen=True)
class Signal:
    """How one catalogue title counts towards the taste, part by part."""

    row: int
    views: int
    explicit: float
    implicit: float
    recency: float
    reason: str

    @property
    def weight(self) -> float:
        return (self.explicit if self.explicit else self.implicit) * self.recency


@dataclass(frozen=True)
class Taste:
    """Interest centroids (unit rows, centred space), their member rows, the dislike direction
    and the catalogue mean they are centred on."""

    mean: np.ndarray
    centroids: np.ndarray
    members: tuple[tuple[int, ...], ...]
    dislike: np.ndarray | None
    signals: tuple[Signal, ...]

    @property
    def watched(self) -> frozenset[int]:
        return frozenset(s.row for s in self.signals if s.views)


def _implicit(kind: str, views: Sequence[Viewing], runtime: int | None) -> tuple[float, str]:
    if kind == "series":
        episodes = len({v.title for v in views})
        if episodes == 1:
            return -0.3, "dropped after one episode"
        return min(1.5, 0.4 + 0.2 * math.log2(episodes)), f"{episodes} episodes"
    days = len({v.when.date() for v in views})
    longest = max((v.seconds or 0) for v in views)
    if longest and runtime:
        completion = longest / (runtime * 60)
        if completion >= FINISHED:
            value, reason = 0.6, "watched to the end"
        elif completion < GAVE_UP and days == 1:
            return -0.3, f"stopped after {completion:.0%}"
        else:
            value, reason = 0.4, f"watched {completion:.0%}"
    else:
        value, reason = 0.4, "watched"
    if days > 1:
        return value + 0.4, f"{reason}, rewatched"
    return value, reason


def build_signals(
    viewings: Sequence[Viewing],
    ratings: Sequence[Rating],
    rows: Mapping[str, int],
    catalog: Catalog,
    half_life_days: float,
) -> list[Signal]:
    """One signal per catalogue title found in VIEWINGS or RATINGS (ROWS: title → row)."""
    by_row: dict[int, list[Viewing]] = defaultdict(list)
    for viewing in viewings:
        if viewing.title in rows:
            by_row[rows[viewing.title]].append(viewing)
    rated: dict[int, Rating] = {}
    for given in sorted(ratings, key=lambda r: r.when or datetime.min):
        if given.title in rows:
            rated[rows[given.title]] = given
    # Age is counted from the newest viewing: a history exported years ago is not all stale,
    # and a rating given today does not age it either.
    moments = [v.when for v in viewings] or [r.when for r in ratings if r.when]
    newest = max(moments) if moments else datetime.now()
    kinds, runtimes = catalog.columns["type"], catalog.columns["runtime"]
    signals = []
    for row in sorted(set(by_row) | set(rated)):
        views = by_row.get(row, [])
        implicit, reason = _implicit(kinds[row], views, runtimes[row]) if views else (0.0, "")
        rating = rated.get(row)
        explicit = THUMBS[rating.thumbs] if rating else 0.0
        if rating:
            reason = {1: "thumbs down", 2: "thumbs up", 3: "loved"}[rating.thumbs]
        last = max([v.when for v in views] + ([rating.when] if rating and rating.when else []))
        age = max(0.0, (newest - last).total_seconds() / 86400)
        recency = 0.5 ** (age / half_life_days) if half_life_days > 0 else 1.0
        signals.append(Signal(row, len(views), explicit, implicit, recency, reason))
    return signals


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _clusters(vectors: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    """Spherical k-means, deterministic: farthest-point start from the heaviest title."""
    k = min(MAX_CLUSTERS, max(1, round(math.sqrt(len(vectors) / 3))))
    centres = [vectors[int(np.argmax(weights))]]
    while len(centres) < k:
        nearest = np.max(vectors @ np.array(centres).T, axis=1)
        centres.append(vectors[int(np.argmin(nearest))])
    assignment = np.zeros(len(vectors), dtype=np.int64)
    for _ in range(10):
        assignment = np.argmax(vectors @ np.array(centres).T, axis=1)
        centres = [
            _unit((weights[assignment == c, None] * vectors[assignment == c]).sum(axis=0))
            if np.any(assignment == c)
            else centres[c]
            for c in range(k)
        ]
    return [np.flatnonzero(assignment == c) for c in range(k) if np.any(assignment == c)]


def centred(matrix: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Rows of MATRIX minus MEAN, back to unit length."""
    shifted = np.asarray(matrix, dtype=np.float32) - mean
    norms = np.linalg.norm(shifted, axis=-1, keepdims=True)
    return np.asarray(shifted / np.clip(norms, 1e-12, None), dtype=np.float32)


def build_taste(signals: Sequence[Signal], matrix: np.ndarray) -> Taste | None:
    """The taste behind SIGNALS, or None when nothing was liked."""
    likes = [s for s in signals if s.weight > 0]
    if not likes:
        return None
    mean = np.asarray(matrix, dtype=np.float32).mean(axis=0)
    rows = np.array([s.row for s in likes])
    weights = np.array([s.weight for s in likes], dtype=np.float32)
    vectors = centred(matrix[rows], mean)
    groups = _clusters(vectors, weights)
    centroids = np.array([_unit((weights[g, None] * vectors[g]).sum(axis=0)) for g in groups])
    members = tuple(tuple(int(r) for r in rows[g]) for g in groups)
    dislikes = [s for s in signals if s.weight < 0]
    dislike = None
    if dislikes:
        d_rows = np.array([s.row for s in dislikes])
        d_weights = np.array([-s.weight for s in dislikes], dtype=np.float32)
        dislike = _unit((d_weights[:, None] * centred(matrix[d_rows], mean)).sum(axis=0))
    return Taste(mean, centroids.astype(np.float32), members, dislike, tuple(signals))


def taste_scores(taste: Taste, matrix: np.ndarray) -> np.ndarray:
    """Best centroid cosine minus the dislike push, for every row of MATRIX (centred)."""
    space = centred(matrix, taste.mean)
    scores = np.max(space @ taste.centroids.T, axis=1)
    if taste.dislike is not None:
        push = space @ taste.dislike
        scores = scores - DISLIKE_PUSH * np.clip(push, 0.0, None)
    return np.asarray(scores, dtype=np.float32)


def representatives(taste: Taste, matrix: np.ndarray, count: int = 3) -> list[list[int]]:
    """For each interest, the member rows nearest its centroid: the titles that name it."""
    names = []
    for centroid, members in zip(taste.centroids, taste.members, strict=True):
        rows = np.array(members)
        closeness = centred(matrix[rows], taste.mean) @ centroid
        names.append([int(rows[i]) for i in np.argsort(-closeness, kind="stable")[:count]])
    return names
