"""The word index: which titles hold which word, over the whole catalogue.

Ranking counts, beside meaning, how much of the query's own distinctive wording a title holds
in its names, keywords, people or synopsis (:func:`word_scores`). Each query word weighs by
how rare it is among all titles, so "alfred" counts for more than "king", and a title holding
the words is found however far down the embedding ranks it.

An index is three arrays: the sorted 64-bit FNV-1a hashes of every word stem, each stem's span
in the postings, and the postings (catalogue rows, ascending). The query-path copy keeps them
as ``.npy`` files opened memory-mapped, so a query reads only the spans of its own words.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import Stemmer

_WORD: Final = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
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
#: Snowball's English stemmer, made once (PyStemmer: the Snowball algorithms in C).
_ENGLISH: Final = Stemmer.Stemmer("english")
_FNV_OFFSET: Final = 0xCBF29CE484222325
_FNV_PRIME: Final = 0x100000001B3
_MASK: Final = 0xFFFFFFFFFFFFFFFF


def words_of(text: str) -> list[str]:
    """Lower-case words of TEXT, in order."""
    return _WORD.findall(text.casefold())


def content_words(text: str) -> list[str]:
    """Lower-case words of TEXT without stopwords, in order, each once."""
    seen: dict[str, None] = {}
    for word in words_of(text):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


def stem(word: str) -> str:
    """WORD's Snowball (Porter 2) English stem, so that forms of a word meet: "vikings" and
    "viking" → "vike", "fighting" and "fights" → "fight". (PyStemmer caches what it stemmed.)"""
    stemmed: str = _ENGLISH.stemWord(word)
    return stemmed


def key(word: str) -> int:
    """A word's 64-bit FNV-1a hash: stable across processes, unlike ``hash()``."""
    value = _FNV_OFFSET
    for byte in word.encode("utf-8"):
        value = ((value ^ byte) * _FNV_PRIME) & _MASK
    return value


@dataclass(frozen=True)
class WordIndex:
    """Which rows hold which stem: sorted ``keys``, each key's ``spans`` [start, end) in
    ``rows``, and ``size``, the number of titles."""

    keys: np.ndarray
    spans: np.ndarray
    rows: np.ndarray
    size: int

    @classmethod
    def of(cls, texts: Iterable[str]) -> WordIndex:
        """The index of TEXTS (each title's wording: :meth:`Title.wording`), row i being the
        i-th text."""
        postings: dict[int, list[int]] = defaultdict(list)
        size = 0
        for row, text in enumerate(texts):
            size = row + 1
            for word in {stem(w) for w in words_of(text)}:
                postings[key(word)].append(row)
        keys = np.array(sorted(postings), dtype=np.uint64)
        lengths = np.array([len(postings[int(k)]) for k in keys], dtype=np.int64)
        ends = np.cumsum(lengths)
        spans = np.stack([ends - lengths, ends], axis=1) if len(keys) else np.zeros((0, 2))
        rows = [r for k in keys for r in postings[int(k)]]
        return cls(keys, spans.astype(np.int64), np.array(rows, dtype=np.int32), size)

    def holders(self, word: str) -> np.ndarray:
        """The rows holding stem WORD (ascending; empty if none)."""
        wanted = np.uint64(key(word))
        at = int(np.searchsorted(self.keys, wanted))
        if at >= len(self.keys) or self.keys[at] != wanted:
            return np.zeros(0, dtype=np.int32)
        start, end = self.spans[at]
        return np.asarray(self.rows[int(start) : int(end)])


def word_scores(query: str, index: WordIndex) -> np.ndarray:
    """The share of QUERY's distinctive wording that each title holds, from 0 to 1.

    Every content word of the query weighs log((n + 1) / (h + 0.5)), h being how many of the
    n titles hold it, so a word few titles share counts for more than one many share, and a
    word none holds lowers every share alike.

    >>> index = WordIndex.of(["The Last Kingdom King Alfred", "Vikings: Valhalla King Canute",
    ...                       "Outlaw King"])
    >>> [round(float(s), 2) for s in word_scores("King Alfred", index)]
    [1.0, 0.12, 0.12]
    """
    scores = np.zeros(index.size, dtype=np.float32)
    held = {word: index.holders(word) for word in {stem(w) for w in content_words(query)}}
    weights = {w: math.log((index.size + 1) / (len(rows) + 0.5)) for w, rows in held.items()}
    total = sum(weights.values())
    if total <= 0:
        return scores
    for word, rows in held.items():
        scores[rows] += weights[word] / total
    return scores
