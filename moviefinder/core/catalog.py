"""Title records, the text that gets embedded for each, and look-ups in a catalogue."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from moviefinder.core.countries import country_name

if TYPE_CHECKING:
    from moviefinder.core.words import WordIndex

TitleType = Literal["movie", "series"]
TITLE_TYPES: Final = ("movie", "series")

#: Main cast members that go into the embedded text (the rest stays in the record).
CAST_IN_TEXT: Final = 5


@dataclass(frozen=True)
class Title:
    """One movie or series.

    ``id`` is stable and source-prefixed (``jw:tm82169`` JustWatch, ``nft:s2`` the Kaggle Netflix
    list). ``runtime`` is minutes (per episode for a series); ``seasons`` counts a series' seasons.
    ``synopsis`` and ``keywords`` are our own words. Availability per region lives elsewhere
    (keyed by ``id``).
    """

    id: str
    title: str
    type: TitleType
    year: int | None = None
    alt_titles: tuple[str, ...] = ()
    runtime: int | None = None
    seasons: int | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    synopsis: str = ""
    keywords: tuple[str, ...] = ()
    imdb_id: str | None = None
    tmdb_id: int | None = None
    imdb_score: float | None = None
    imdb_votes: int | None = None
    tmdb_score: float | None = None
    tmdb_popularity: float | None = None
    netflix_original: bool | None = None
    #: Hours viewed on Netflix per half-year ("2025H1"), from Netflix's engagement reports; a
    #: series sums its seasons. Two parallel tuples, oldest half-year first.
    netflix_periods: tuple[str, ...] = ()
    netflix_hours: tuple[int, ...] = ()
    #: Key phrases (at most three words each) taken from outside descriptions: facts, not
    #: prose. Our own ``keywords`` come first wherever there are any.
    key_phrases: tuple[str, ...] = ()
    #: How many TMDB users voted on it (a catalogue imported from TMDB has no hours viewed).
    tmdb_votes: int | None = None

    def wording(self) -> str:
        """The words a query's own wording is matched against (:mod:`moviefinder.core.words`): its
        names, keywords, key phrases, people and synopsis."""
        return " ".join(
            (
                self.title,
                *self.alt_titles,
                *self.keywords,
                *self.key_phrases,
                *self.directors,
                *self.cast,
                self.synopsis,
            )
        )

    def latest_hours(self) -> tuple[str, int] | None:
        """The latest half-year with hours viewed, and the hours: ("2025H1", 312_000_000)."""
        if not self.netflix_periods:
            return None
        return self.netflix_periods[-1], self.netflix_hours[-1]


def title_text(title: Title) -> str:
    """Exactly the text that is embedded for TITLE — change it and every row re-embeds.

    Order matters: the model reads at most 256 word pieces, so what people remember (name,
    kind, genres, keywords, premise) comes before people and countries.

    >>> title_text(Title(id="x:1", title="Heat", type="movie", year=1995, genres=("crime",)))
    'Heat (1995 movie). Genres: crime.'
    """
    kind = " ".join(str(part) for part in (title.year, title.type) if part)
    parts = [f"{title.title} ({kind})."]
    if title.alt_titles:
        parts.append(f"Also known as: {', '.join(title.alt_titles)}.")
    if title.genres:
        parts.append(f"Genres: {', '.join(title.genres)}.")
    if title.keywords:
        parts.append(f"Keywords: {', '.join(title.keywords)}.")
    if title.key_phrases:
        parts.append(f"Key phrases: {', '.join(title.key_phrases)}.")
    if title.synopsis:
        parts.append(title.synopsis.strip())
    if title.directors:
        verb = "Directed by" if title.type == "movie" else "Created by"
        parts.append(f"{verb} {', '.join(title.directors)}.")
    if title.cast:
        parts.append(f"Starring {', '.join(title.cast[:CAST_IN_TEXT])}.")
    if title.countries:
        parts.append(f"From {', '.join(country_name(c) for c in title.countries)}.")
    return " ".join(parts)


def normalise_title(text: str) -> str:
    """Fold a title for exact matching: case, accents, '&', punctuation and spacing.

    >>> normalise_title("Amélie & the  Café: Part II!")
    'amelie and the cafe part ii'
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("&", " and ")
    folded = re.sub(r"[^\w]+", " ", folded)
    return " ".join(folded.split())


#: Title fields held as tuples (lists in files and columns).
LIST_FIELDS: Final = frozenset(f.name for f in fields(Title) if str(f.type).startswith("tuple"))
FIELD_NAMES: Final = tuple(f.name for f in fields(Title))


_SEQUEL = re.compile(
    r"\s+(?:\d{1,2}|ii|iii|iv|v|vi|part \w+|chapter \w+|the \w+ chapter)$", re.IGNORECASE
)


def franchise_key(title: str) -> str:
    """Titles of one franchise share a key: sequels, parts and subtitles fold away.

    >>> [franchise_key(t) for t in ("Rocky II", "The Hunger Games: Catching Fire", "Heat")]
    ['rocky', 'the hunger games', 'heat']
    """
    head = title.split(":")[0].split(" - ")[0]
    return normalise_title(_SEQUEL.sub("", head.strip()))


@dataclass(frozen=True)
class Coverage:
    """What a catalogue holds beyond the bare facts."""

    titles: int
    with_synopsis: int
    with_keywords: int
    with_alt_titles: int
    with_key_phrases: int = 0
    #: Titles with any words beyond the facts: a synopsis, keywords or key phrases.
    described: int = 0


@dataclass(frozen=True, eq=False)
class Catalog:
    """A named, ordered collection of titles held as columns; row i is row i of its matrix.

    Titles are built only when asked for: a query needs a handful of them, not all ten
    thousand. ``row``, when given, reads one title's values (in field order) without
    touching the columns, so a store may load columns lazily.
    """

    name: str
    columns: Mapping[str, Sequence[Any]]
    row: Callable[[int], Sequence[Any]] | None = None
    #: Which titles hold which word (:mod:`moviefinder.core.words`); built from the titles when
    #: not given.
    words: WordIndex | None = None
    #: :attr:`popularity`, when a store keeps it; worked out from the titles when not given.
    popular: np.ndarray | None = None

    @cached_property
    def word_index(self) -> WordIndex:
        """The word index of this catalogue: the one given, else built (for ten thousand
        titles ~0.7 s, so the query-path copy keeps one)."""
        from moviefinder.core.words import WordIndex

        if self.words is not None:
            return self.words
        return WordIndex.of(self.title(row).wording() for row in range(len(self)))

    @classmethod
    def of(cls, name: str, titles: Iterable[Title]) -> Catalog:
        rows = list(titles)
        return cls(name, {f: [getattr(t, f) for t in rows] for f in FIELD_NAMES})

    def __len__(self) -> int:
        return len(self.columns["id"])

    def title(self, row: int) -> Title:
        if self.row is None:
            values = {f: self.columns[f][row] for f in FIELD_NAMES}
        else:
            values = dict(zip(FIELD_NAMES, self.row(row), strict=True))
        for f in LIST_FIELDS:
            values[f] = tuple(values[f] or ())
        values["synopsis"] = values["synopsis"] or ""
        return Title(**values)

    @cached_property
    def titles(self) -> tuple[Title, ...]:
        """Every title (builds them all: for catalogue builds, not for queries)."""
        return tuple(self.title(row) for row in range(len(self)))

    @cached_property
    def _index(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = defaultdict(list)
        columns = (self.columns[f] for f in ("id", "title", "imdb_id", "tmdb_id"))
        for row, (id_, name, imdb_id, tmdb_id) in enumerate(zip(*columns, strict=True)):
            keys = {id_.lower(), f"title:{normalise_title(name)}"}
            if imdb_id:
                keys.add(imdb_id.lower())
            if tmdb_id is not None:
                keys.add(f"tmdb:{tmdb_id}")
            for key in keys:
                index[key].append(row)
        return dict(index)

    @cached_property
    def popularity(self) -> np.ndarray:
        """How widely each title is watched, log-scaled (0: unknown): hours viewed on Netflix
        over every reported half-year where the catalogue has them (the default one), else
        IMDb or TMDB votes."""
        if self.popular is not None:
            return self.popular
        if any(self.columns["netflix_hours"]):
            counts = [sum(hours or ()) for hours in self.columns["netflix_hours"]]
        else:
            votes = zip(self.columns["imdb_votes"], self.columns["tmdb_votes"], strict=True)
            counts = [max(imdb or 0, tmdb or 0) for imdb, tmdb in votes]
        return np.log1p(np.array(counts, dtype=np.float64)).astype(np.float32)

    def genre_names(self) -> list[str]:
        """Every genre a title of this catalogue has, sorted."""
        return sorted({g for genres in self.columns["genres"] for g in genres or ()})

    def coverage(self) -> Coverage:
        """How many titles carry our own words, key phrases and other names (reads five
        columns)."""

        def has(field: str) -> list[bool]:
            return [value is not None and len(value) > 0 for value in self.columns[field]]

        synopsis, keywords, phrases = has("synopsis"), has("keywords"), has("key_phrases")
        return Coverage(
            titles=len(self),
            with_synopsis=sum(synopsis),
            with_keywords=sum(keywords),
            with_alt_titles=sum(has("alt_titles")),
            with_key_phrases=sum(phrases),
            described=sum(map(any, zip(synopsis, keywords, phrases, strict=True))),
        )

    def find(self, ref: str) -> list[int]:
        """Rows for REF: a catalogue id, an imdb id, ``tmdb:<id>``, or a title (any case).

        >>> Catalog.of("demo", [Title(id="x:1", title="Heat", type="movie")]).find("HEAT")
        [0]
        """
        key = ref.strip().lower()
        return self._index.get(key) or self._index.get(f"title:{normalise_title(ref)}", [])
