"""Why a title matched: measured evidence, not generated prose — and how much of the query's
own wording a title holds (:func:`word_match`), which ranking counts beside meaning."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from moviefinder.catalog import Title
from moviefinder.taste import Taste, centred

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# fmt: off
STOPWORDS: Final = frozenset(
    (
        # English
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
        "before", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
        "have", "he", "her", "him", "his", "how", "i", "in", "into", "is", "it", "its", "just",
        "like", "me", "movie", "my", "no", "not", "of", "on", "one", "or", "our", "out", "over",
        "series", "she", "show", "so", "some", "that", "the", "their", "them", "then", "there",
        "they", "this", "to", "up", "was", "we", "were", "what", "when", "where", "which", "who",
        "with", "would", "you", "your", "film", "films", "movies", "shows", "tv",
        # Dutch
        "een", "het", "de", "en", "van", "over", "die", "dat", "met", "voor", "naar", "op", "in",
        "is", "zijn", "wordt", "waar", "wie", "wat", "film", "serie", "films", "series",
    )
)
# fmt: on


def content_words(text: str) -> list[str]:
    """Lower-case words of TEXT without stopwords, in order, each once."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.casefold()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


def _stem(word: str) -> str:
    # Just enough folding for "vikings" ~ "viking", "fights" ~ "fight".
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def word_match(query: str, titles: Sequence[Title]) -> np.ndarray:
    """The share of QUERY's distinctive wording that each of TITLES holds, from 0 to 1.

    Every content word of the query weighs log((n + 1) / (h + 0.5)), h being how many of these
    n titles hold it (in their names, keywords, people or synopsis), so a word few candidates
    share ("alfred") counts for more than one most of them share ("king"), and a word none
    holds lowers every share alike.

    >>> alfred = Title(id="a", title="The Last Kingdom", type="series", keywords=("King Alfred",))
    >>> canute = Title(id="b", title="Vikings: Valhalla", type="series", keywords=("King Canute",))
    >>> outlaw = Title(id="c", title="Outlaw King", type="movie")
    >>> [round(float(s), 2) for s in word_match("King Alfred", [alfred, canute, outlaw])]
    [1.0, 0.12, 0.12]
    """
    words = {_stem(w) for w in content_words(query)}
    if not words:
        return np.zeros(len(titles), dtype=np.float32)
    held = [words & _stems(title) for title in titles]
    holders = Counter(word for found in held for word in found)
    weight = {w: math.log((len(titles) + 1) / (holders[w] + 0.5)) for w in words}
    total = sum(weight.values())
    return np.array([sum(weight[w] for w in found) / total for found in held], dtype=np.float32)


def _stems(title: Title) -> set[str]:
    text = " ".join(
        (title.title, *title.alt_titles, *title.keywords, *title.directors, *title.cast)
    )
    return {_stem(w) for w in _WORD.findall(f"{text} {title.synopsis}".casefold())}


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
        "people": " ".join((*title.directors, *title.cast)),
        "synopsis": title.synopsis,
    }
    remaining = content_words(query)
    found = []
    for field, text in fields.items():
        stems = {_stem(w) for w in _WORD.findall(text.casefold())}
        hits = tuple(w for w in remaining if _stem(w) in stems)
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
