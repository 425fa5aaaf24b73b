"""What a query asks for beyond its meaning: hard filters, from options or read out of the text.

"a short 90s comedy, no horror" becomes the text "comedy" to embed plus the filters
years 1990–1999, at most 100 minutes, genre comedy, not horror — and a list of what was
understood, so the user can see it (``--literal`` turns the reading off).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypeVar

import numpy as np

from moviefinder.catalog import Catalog, TitleType
from moviefinder.errors import QueryError
from moviefinder.translation import render_query

#: Words people use for a genre → the catalogue's genre names (one word may mean several).
GENRE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "comedy": ("comedy",), "comedies": ("comedy",), "funny": ("comedy",),
    "horror": ("horror",), "scary": ("horror",),
    "documentary": ("documentary",), "documentaries": ("documentary",),
    "docuseries": ("documentary",),
    "thriller": ("thriller",), "thrillers": ("thriller",),
    "romance": ("romance",), "romantic": ("romance",), "romcom": ("romance", "comedy"),
    "animated": ("animation",), "animation": ("animation",), "cartoon": ("animation",),
    "cartoons": ("animation",), "anime": ("animation",),
    "crime": ("crime",), "drama": ("drama",), "dramas": ("drama",),
    "sci-fi": ("sci-fi",), "scifi": ("sci-fi",), "science fiction": ("sci-fi",),
    "fantasy": ("fantasy",), "war": ("war",), "western": ("western",), "westerns": ("western",),
    "musical": ("music",), "family": ("family",), "reality": ("reality",),
    "sports": ("sport",), "sport": ("sport",), "action": ("action",), "historical": ("history",),
}  # fmt: skip
#: Genre words that ask for a genre on their own. Others ("family", "war", "crime", "action")
#: describe a plot as often as a genre ("a family moves money for a cartel") and only count
#: when negated ("no war films").
ASKS_FOR_GENRE: Final = frozenset(
    {"comedy", "comedies", "horror", "documentary", "documentaries", "docuseries", "thriller",
     "thrillers", "romcom", "anime", "cartoon", "cartoons", "animated", "sci-fi", "scifi",
     "science fiction", "western", "westerns", "musical"}
)  # fmt: skip
#: Nationality words → production country codes ("Korean series", "a Danish thriller").
NATIONALITIES: Final = {
    "korean": "KR", "japanese": "JP", "spanish": "ES", "french": "FR", "german": "DE",
    "dutch": "NL", "british": "GB", "english": "GB", "american": "US", "indian": "IN",
    "italian": "IT", "danish": "DK", "swedish": "SE", "norwegian": "NO", "turkish": "TR",
    "mexican": "MX", "brazilian": "BR", "belgian": "BE", "polish": "PL", "nigerian": "NG",
    "australian": "AU", "canadian": "CA", "chinese": "CN", "thai": "TH", "icelandic": "IS",
}  # fmt: skip
_DECADE_WORDS: Final = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
    "seventies": 1970, "eighties": 1980, "nineties": 1990,
}  # fmt: skip
SHORT_MOVIE: Final = 100  # minutes: "a short film" rarely means a feature over 100 minutes
#: A description this long is a story told from memory: the years and genres it mentions are
#: hints that lift titles, not filters that hide them ("I think it was the 90s, maybe horror").
LONG_QUERY: Final = 40
#: What a hint adds to (or takes from) a title's score; measured on real tip-of-the-tongue
#: requests (README, Search quality).
ERA_BOOST: Final = 0.06
GENRE_BOOST: Final = 0.04
UNWANTED_PENALTY: Final = 0.1
#: Tags before a request ("[TOMT] [Movie] [2000s]") are read for hints, not embedded.
_TAGS: Final = re.compile(r"^\s*(?:\[[^\]]*\]\s*)+")
_YEAR: Final = re.compile(r"\b(19[0-9]\d|20[0-4]\d)\b")
_ERA: Final = re.compile(r"\b(?:(early|mid|late)[\s-]*)?(19|20)?(\d)0'?s\b", re.IGNORECASE)


@dataclass(frozen=True)
class Filters:
    """Hard constraints on titles; None or empty means no constraint."""

    kind: TitleType | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_runtime: int | None = None
    max_runtime: int | None = None
    genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_score: float | None = None

    def overridden_by(self, explicit: Filters) -> Filters:
        """These filters with every constraint EXPLICIT sets taking precedence."""
        changes = {k: v for k, v in vars(explicit).items() if v not in (None, ())}
        return replace(self, **changes)

    def mask(self, catalog: Catalog) -> np.ndarray | None:
        """Rows that pass every constraint, or None when there is none."""
        if self == Filters():
            return None
        keep = np.ones(len(catalog), dtype=bool)
        if self.kind is not None:
            keep &= np.asarray(catalog.columns["type"]) == self.kind
        keep &= _within(catalog.columns["year"], self.year_from, self.year_to)
        if self.min_runtime is not None or self.max_runtime is not None:
            keep &= _within(catalog.columns["runtime"], self.min_runtime, self.max_runtime)
        if self.min_score is not None:
            keep &= _within(catalog.columns["imdb_score"], self.min_score, None)
        if self.genres or self.exclude_genres:
            wanted, unwanted = set(self.genres), set(self.exclude_genres)
            keep &= np.array(
                [
                    (not wanted or bool(wanted & set(g or ()))) and not (unwanted & set(g or ()))
                    for g in catalog.columns["genres"]
                ],
                dtype=bool,
            )
        for name, listed in (("countries", self.countries), ("languages", self.languages)):
            if listed:
                column = catalog.columns[name]
                if name == "languages" and not any(column):
                    raise QueryError(
                        "This catalogue records no spoken languages, so --language cannot filter"
                        " it — try --country."
                    )
                codes = {w.upper() if name == "countries" else w.lower() for w in listed}
                keep &= np.array([bool(codes & set(values or ())) for values in column])
        return keep

    def describe(self) -> list[str]:
        """Each constraint in words, for showing what was understood."""
        parts = []
        if self.kind:
            parts.append(f"only {self.kind}")
        if self.year_from is not None or self.year_to is not None:
            parts.append(f"years {self.year_from or '…'}–{self.year_to or '…'}")
        if self.min_runtime is not None:
            parts.append(f"at least {self.min_runtime} min")
        if self.max_runtime is not None:
            parts.append(f"at most {self.max_runtime} min")
        parts += [f"genre {g}" for g in self.genres]
        parts += [f"not {g}" for g in self.exclude_genres]
        parts += [f"from {c}" for c in self.countries]
        parts += [f"spoken in {lang}" for lang in self.languages]
        if self.min_score is not None:
            parts.append(f"imdb score ≥ {self.min_score}")
        return parts


def _within(values: Sequence[Any], low: float | None, high: float | None) -> np.ndarray:
    """Rows whose value lies in [LOW, HIGH]; a missing value fails any bound."""
    if low is None and high is None:
        return np.ones(len(values), dtype=bool)
    array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    keep = ~np.isnan(array)
    if low is not None:
        keep &= array >= low
    if high is not None:
        keep &= array <= high
    return keep


@dataclass(frozen=True)
class Hints:
    """Soft preferences read out of a long description: they lift titles, never hide them."""

    years: tuple[int, int] | None = None
    genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()

    def boost(self, catalog: Catalog) -> np.ndarray | None:
        """What each title gains or loses by these hints, or None when there are none."""
        if self == Hints():
            return None
        boost = np.zeros(len(catalog), dtype=np.float32)
        if self.years is not None:
            era = Filters(year_from=self.years[0], year_to=self.years[1]).mask(catalog)
            boost += ERA_BOOST * np.asarray(era, dtype=np.float32)
        if self.genres:
            wanted = Filters(genres=self.genres).mask(catalog)
            boost += GENRE_BOOST * np.asarray(wanted, dtype=np.float32)
        if self.exclude_genres:
            kept = Filters(exclude_genres=self.exclude_genres).mask(catalog)
            boost -= UNWANTED_PENALTY * np.asarray(~np.asarray(kept), dtype=np.float32)
        return boost

    def describe(self) -> list[str]:
        parts = [] if self.years is None else [f"maybe {self.years[0]}–{self.years[1]}"]
        return (
            parts
            + [f"rather {g}" for g in self.genres]
            + [f"rather not {g}" for g in self.exclude_genres]
        )


def era_of(text: str) -> tuple[int, int] | None:
    """The release years TEXT mentions, widened a little: "1994" → 1992–1996, "late 80s" →
    1984–1990, "early 2000s" → 1999–2005; None when it mentions none.

    >>> era_of("saw it on tv in the late 80s or maybe 1991")
    (1984, 1993)
    """
    spans = [(int(y) - 2, int(y) + 2) for y in _YEAR.findall(text)]
    for part, century, digit in _ERA.findall(text):
        decade = int(digit) * 10
        start = (
            int(century) * 100 + decade if century else decade + (1900 if decade >= 30 else 2000)
        )
        low, high = start, start + 9
        if part.lower() == "early":
            high = start + 4
        elif part.lower() == "late":
            low = start + 5
        spans.append((low - 1, high + 1))
    if not spans:
        return None
    return min(low for low, _ in spans), max(high for _, high in spans)


@dataclass(frozen=True)
class ParsedQuery:
    """The text left to embed, the filters and hints read from the query, and (for a Dutch
    query) the English the model read."""

    text: str
    filters: Filters = field(default_factory=Filters)
    read_as: str | None = None
    hints: Hints = field(default_factory=Hints)


def read_query(text: str, literal: bool = False) -> ParsedQuery:
    """TEXT as the finder needs it: rendered into English if Dutch, leading tags set aside,
    then (unless LITERAL) filters read out of a short query, or hints out of a long one
    (:data:`LONG_QUERY` words or more), whose text is embedded whole."""
    rendering = render_query(text)
    read_as = rendering.text if rendering.translated else None
    body = _TAGS.sub("", rendering.text).strip() or rendering.text
    if literal:
        return ParsedQuery(body, read_as=read_as)
    parsed = parse_query(body)
    if len(body.split()) < LONG_QUERY:
        return replace(parsed, read_as=read_as)
    read = parsed.filters
    hints = Hints(era_of(rendering.text), read.genres, read.exclude_genres)
    return ParsedQuery(body, read_as=read_as, hints=hints)


_KINDS = "|".join(
    [
        *("series", "show", "shows", "sitcom", "film", "films", "movie", "movies", "drama"),
        *sorted((re.escape(w) for w in GENRE_WORDS), key=len, reverse=True),
    ]
)
# At most four digits: "under 99999…9 minutes" is no length, and would overflow as a float.
_DURATION = r"(\d{1,4}(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b"
_NEGATION = r"(?:no|not|without|nothing|isn't|is not|not a|not an|no more)"


def parse_query(text: str) -> ParsedQuery:
    """Read years, decades, length, type, genres, negations and nationality out of TEXT.

    >>> parsed = parse_query("a short 90s comedy, no horror")
    >>> parsed.text
    'a comedy'
    >>> parsed.filters.describe()
    ['years 1990–1999', 'at most 100 min', 'genre comedy', 'not horror']
    """
    rest = f" {text.strip()} "
    found: dict[str, Any] = {}

    def take(pattern: str) -> re.Match[str] | None:
        nonlocal rest
        match = re.search(pattern, rest, re.IGNORECASE)
        if match:
            rest = rest[: match.start()] + " " + rest[match.end() :]
        return match

    lead = r"(?:\b(?:from|in|of|during|made in)\s+)?"
    if m := take(r"\bbetween\s+((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b"):
        found["year_from"], found["year_to"] = sorted((int(m[1]), int(m[2])))
    if m := take(lead + r"\b(?:before|pre|older than)\s+((?:19|20)\d\d)\b"):
        found["year_to"] = int(m[1]) - 1
    if m := take(r"\b(?:after|since|newer than|post)\s+((?:19|20)\d\d)\b"):
        found["year_from"] = int(m[1]) + (0 if m[0].lower().startswith("since") else 1)
    # A decade is a release era only when it says so: "made in the 90s", "a 90s comedy",
    # "an eighties movie". "Kids on bikes in the 80s" is when the story is set.
    decade = r"(?:(?:early|late)\s+)?(?:'?((?:19|20)?\d0)'?s|(" + "|".join(_DECADE_WORDS) + r"))"
    made = r"\b(?:made|released|filmed|shot)\s+in\s+the\s+" + decade + r"\b"
    before_kind = r"\b" + decade + r"(?=\s+(?:" + _KINDS + r")\b)"
    if m := take(made) or take(before_kind):
        start = int(m[1]) if m[1] else _entry(_DECADE_WORDS, m[2])
        found["year_from"], found["year_to"] = decade_years(start)
    if m := take(r"\b(?:under|less than|shorter than|at most|max(?:imum)?)\s+" + _DURATION):
        found["max_runtime"] = _minutes(m[1], m[2])
    if m := take(r"\b(?:over|more than|longer than|at least)\s+" + _DURATION):
        found["min_runtime"] = _minutes(m[1], m[2])
    if "max_runtime" not in found and take(r"\bshort\b(?!\s+(?:story|stories))"):
        found["max_runtime"] = SHORT_MOVIE
    excluded: list[str] = []
    words = "|".join(sorted((re.escape(w) for w in GENRE_WORDS), key=len, reverse=True))
    negated = re.compile(rf"\b{_NEGATION}\s+(?:too\s+|very\s+)?({words})\b", re.IGNORECASE)

    def exclude(match: re.Match[str]) -> str:
        excluded.extend(_entry(GENRE_WORDS, match[1]))
        return " "

    # Every negation in one pass (a pass per match is quadratic in a long text); again while
    # taking one out joins another ("no no horror horror").
    while True:
        rest, count = negated.subn(exclude, rest)
        if not count:
            break
    if m := take(r"\b(tv series|tv show|series|show|miniseries|docuseries)\b"):
        found["kind"] = "series"
        if m[1].lower() == "docuseries":
            found["genres"] = ("documentary",)
    elif take(r"\b(movie|film|feature)\b"):
        found["kind"] = "movie"
    genres: list[str] = list(found.get("genres", ()))
    for word in ASKS_FOR_GENRE:
        if re.search(rf"\b{re.escape(word)}\b", rest, re.IGNORECASE):
            genres += GENRE_WORDS[word]
    # "Korean series", "a Danish thriller" — but not "a Mexican cartel": the nationality must
    # qualify a kind of title or a genre.
    nationality = "|".join(NATIONALITIES)
    if m := re.search(rf"\b({nationality})\s+(?:{_KINDS})\b", text, re.IGNORECASE):
        found["countries"] = (_entry(NATIONALITIES, m[1]),)
    if genres:
        found["genres"] = tuple(dict.fromkeys(genres))
    if excluded:
        found["exclude_genres"] = tuple(dict.fromkeys(excluded))
    cleaned = re.sub(r"\s+([,.!?])", r"\1", " ".join(rest.split())).strip(" ,;")
    return ParsedQuery(cleaned or text.strip(), Filters(**found))


_V = TypeVar("_V")


def _entry(table: Mapping[str, _V], matched: str) -> _V:
    """TABLE's value for MATCHED, text a pattern of its keys matched ignoring case — which
    also matches "ſ" for "s" and "ı" for "i", letters that lower() does not turn into them."""
    key = matched.lower()
    if key not in table:
        key = next(k for k in table if re.fullmatch(re.escape(k), matched, re.IGNORECASE))
    return table[key]


def decade_years(decade: int) -> tuple[int, int]:
    """1990 or 90 → (1990, 1999); 10 → (2010, 2019)."""
    start = decade if decade >= 1000 else (1900 + decade if decade >= 20 else 2000 + decade)
    start -= start % 10
    return start, start + 9


def _minutes(amount: str, unit: str) -> int:
    value = float(amount)
    return round(value * 60) if unit.lower().startswith("h") else round(value)
