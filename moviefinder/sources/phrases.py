"""Key phrases from outside descriptions: facts a title can be found by, never its prose.

A description we may not ship becomes at most :data:`LIMIT` phrases of one to three words,
lower-cased, in the order YAKE ranks them (statistical keyword extraction: no model, no
network), each sharing no word with a phrase kept before it — so no run of four or more words
of the source is ever shipped, and overlapping variants of one phrase ("war ii-era", "world
war") collapse into the best one. Used when the default catalogue is built (``yake`` is a
build-time dependency, imported only here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, Final

from moviefinder.core.words import STOPWORDS, words_of

#: Phrases kept per description.
LIMIT: Final = 10
#: Words in a phrase, at most.
MAX_WORDS: Final = 3
_EDGES: Final = re.compile(r"^[\W_]+|[\W_]+$")


@cache
def _extractor() -> Any:
    import yake  # the catalogue build only: the query path never extracts

    return yake.KeywordExtractor(lan="en", n=MAX_WORDS, top=LIMIT * 4, dedupLim=0.7)


def key_phrases(text: str, limit: int = LIMIT) -> tuple[str, ...]:
    """The key phrases of TEXT, best first.

    >>> key_phrases("A Philadelphia loan shark gets a shot at the heavyweight title.", 3)
    ('philadelphia loan shark', 'heavyweight title', 'shot')
    """
    if not text.strip():
        return ()
    candidates = (phrase for phrase, _ in _extractor().extract_keywords(text))
    return pick(candidates, limit, source=text)


def pick(candidates: Iterable[str], limit: int = LIMIT, source: str = "") -> tuple[str, ...]:
    """CANDIDATES cleaned (lower-case, one to three words, not only stopwords), best first,
    each sharing no word with one before it and — where the SOURCE text is given — not
    standing next to one of them in it, so that no two phrases put side by side rebuild a
    longer run of the source; at most LIMIT."""
    chosen: list[str] = []
    used: set[str] = set()
    text = f" {' '.join(words_of(source))} "
    for candidate in candidates:
        phrase = " ".join(_EDGES.sub("", w) for w in candidate.casefold().split()).strip()
        words = words_of(phrase)
        if not words or len(phrase.split()) > MAX_WORDS or all(w in STOPWORDS for w in words):
            continue
        if used & set(words) or _beside(" ".join(words), chosen, text):
            continue
        chosen.append(phrase)
        used |= set(words)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def _beside(phrase: str, chosen: Iterable[str], text: str) -> bool:
    """Whether PHRASE stands right before or after one of CHOSEN in TEXT (words, spaced)."""
    for other in chosen:
        near = " ".join(words_of(other))
        if f" {near} {phrase} " in text or f" {phrase} {near} " in text:
            return True
    return False
