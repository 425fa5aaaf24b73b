"""Why a title matched: measured evidence, not generated prose."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moviefinder.core.catalog import Title
from moviefinder.core.taste import Taste, centred
from moviefinder.core.words import content_words, stem, words_of


@dataclass(frozen=True)
class Explanation:
    """Evidence behind one result: query words found per field of the title."""

    found: tuple[tuple[str, tuple[str, ...]], ...]

    def summary(self) -> str:
        """A short, one-line reason for the results table.

        >>> Explanation((("keywords", ("alfred", "vikings")),)).summary()
        'keywords: alfred, vikings'
        """
        if not self.found:
            return "close in meaning"
        return "; ".join(f"{field}: {', '.join(words)}" for field, words in self.found)


def explain_match(query: str, title: Title) -> Explanation:
    """Which content words of QUERY occur in which fields of TITLE."""
    fields = {
        "title": " ".join((title.title, *title.alt_titles)),
        "genres": " ".join(title.genres),
        "keywords": " ".join(title.keywords),
        "key phrases": " ".join(title.key_phrases),
        "people": " ".join((*title.directors, *title.cast)),
        "synopsis": title.synopsis,
    }
    remaining = content_words(query)
    found = []
    for field, text in fields.items():
        stems = {stem(w) for w in words_of(text)}
        hits = tuple(w for w in remaining if stem(w) in stems)
        if hits:
            found.append((field, hits))
            remaining = [w for w in remaining if w not in hits]
    return Explanation(tuple(found))


def taste_neighbours(
    taste: Taste, matrix: np.ndarray, row: int, count: int = 3
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The liked and the disliked titles nearest ROW (in the taste's centred space), with
    their cosine: what pulls its taste score up and what pushes it down."""
    signals = [s for s in taste.signals if s.weight != 0 and s.row != row]
    if not signals:
        return [], []
    rows = np.array([s.row for s in signals])
    space = centred(matrix[rows], taste.mean)
    similarity = space @ centred(matrix[row], taste.mean)
    order = np.argsort(-similarity, kind="stable")
    liked = [(int(rows[i]), float(similarity[i])) for i in order if signals[i].weight > 0]
    disliked = [(int(rows[i]), float(similarity[i])) for i in order if signals[i].weight < 0]
    return liked[:count], disliked[:count]
