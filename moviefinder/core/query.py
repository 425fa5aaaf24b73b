"""What a query asks for beyond its meaning: hard filters, from options or read out of the text.

"a short 90s comedy, no horror" becomes the text "comedy" to embed plus the filters
years 1990–1999, at most 100 minutes, genre comedy, not horror — and a list of what was
understood, so the user can see it (``--literal`` turns the reading off).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypeVar

import numpy as np

from moviefinder.core.catalog import Catalog, TitleType
from moviefinder.core.errors import QueryError
from moviefinder.core.translation import render_query

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
#: Genre words that ask for a genre on their own ("a comedy", "something scary"). Others
#: ("family", "war", "crime", "action") describe a plot as often as a genre ("a family moves
#: money for a cartel") and count only right before a title noun ("a war movie"); "drama" says
#: too little to filter on ("a Turkish drama", "a crime drama") and counts only when negated.
ASKS_FOR_GENRE: Final = frozenset(
    {"comedy", "comedies", "horror", "documentary", "documentaries", "docuseries", "thriller",
     "thrillers", "romcom", "anime", "cartoon", "cartoons", "animated", "sci-fi", "scifi",
     "science fiction", "western", "westerns", "musical", "scary", "funny", "romantic", "romance"}
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
#: Years a series may have begun before the years asked for: we know when it started, not
#: how long it ran.
SERIES_RUN: Final = 3
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

    def beyond(self, explicit: Filters) -> Filters:
        """These filters without the constraints EXPLICIT sets (what options say, not the text)."""
        cleared = {
            k: getattr(Filters(), k) for k, v in vars(explicit).items() if v not in (None, ())
        }
        return replace(self, **cleared)

    def mask(self, catalog: Catalog) -> np.ndarray | None:
        """Rows that pass every constraint, or None when there is none."""
        if self == Filters():
            return None
        keep = np.ones(len(catalog), dtype=bool)
        if self.kind is not None:
            keep &= np.asarray(catalog.columns["type"]) == self.kind
        if self.year_from is not None or self.year_to is not None:
            years = catalog.columns["year"]
            dated = _within(years, self.year_from, self.year_to)
            if self.year_from is not None:
                # A series is dated by its first season and may run on into the years asked
                # for ("a 90s sitcom": Seinfeld began in 1989).
                series = np.asarray(catalog.columns["type"]) == "series"
                dated |= series & _within(years, self.year_from - SERIES_RUN, self.year_to)
            keep &= dated
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
                known = sum(1 for values in column if values) if name == "languages" else 0
                if name == "languages" and known < LANGUAGES_KNOWN * len(column):
                    held = f"only {known:,} of its {len(column):,}" if known else "none of its"
                    raise QueryError(
                        f"This catalogue records the spoken languages of {held} titles, so "
                        "--language would hide nearly everything — try --country."
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


#: --language filters a catalogue only where at least this share of its titles record their
#: spoken languages; elsewhere it would hide every title whose languages are simply unknown.
LANGUAGES_KNOWN: Final = 0.5


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
    #: The language the query seems to be in when it is one we do not read ("German").
    foreign: str | None = None


def read_query(text: str, literal: bool = False) -> ParsedQuery:
    """TEXT as the finder needs it: rendered into English if Dutch, leading tags set aside,
    then (unless LITERAL) filters read out of a short query, or hints out of a long one
    (:data:`LONG_QUERY` words or more), whose text is embedded whole. A query in a language we
    do not read is searched as typed (names and original titles may still match) and says so."""
    rendering = render_query(text)
    read_as = rendering.text if rendering.translated else None
    body = _TAGS.sub("", rendering.text).strip() or rendering.text
    if rendering.foreign is not None:  # its words mean nothing to the reader: searched as typed
        return ParsedQuery(body, foreign=rendering.foreign)
    if literal:
        return ParsedQuery(body, read_as=read_as)
    parsed = parse_query(body)
    if len(body.split()) < LONG_QUERY:
        return replace(parsed, read_as=read_as)
    read = parsed.filters
    hints = Hints(era_of(rendering.text), read.genres, read.exclude_genres)
    return ParsedQuery(body, read_as=read_as, hints=hints)


#: Nouns that name the kind of title wanted; a genre noun names one too ("a comedy about …").
_SERIES_NOUNS: Final = ("series", "show", "shows", "sitcom", "sitcoms", "miniseries", "docuseries")
_MOVIE_NOUNS: Final = ("movie", "movies", "film", "films", "feature")
_TITLE_NOUNS: Final = (
    *_SERIES_NOUNS, *_MOVIE_NOUNS, "comedy", "comedies", "horror", "documentary",
    "documentaries", "thriller", "thrillers", "romance", "romcom", "anime", "cartoon", "cartoons",
    "drama", "dramas", "sci-fi", "scifi", "western", "westerns", "musical", "animation",
    "fantasy", "special", "specials", "anthology",
)  # fmt: skip
#: Words that say how a title is made, wherever they stand before the plot ("animated horse").
_MEDIUM: Final = ("animated", "cartoon", "stop-motion", "claymation")
#: Words after which a clause tells the plot: "a 90s comedy | about a man who starred in a
#: 70s sitcom". A year or a length right after them is still about the title ("after 2015",
#: "that is under 90 minutes").
_PLOT_START: Final = re.compile(
    r"\b(?:who|whom|whose|which(?!\s+(?:is|runs|lasts)\s+(?:under|over|less|more|shorter|longer"
    r"|at))|that(?!\s+(?:is|'s|runs|lasts)\s+(?:under|over|less|more|shorter|longer|at))"
    r"|where|when|while|whereas|because|until|about|with|starring|featuring|following"
    r"|set\s+in|like|if|after(?!\s+(?:19|20)\d\d)|before(?!\s+(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
#: Words that put what follows inside the plot ("in a 70s film", "his movie").
_INSIDE: Final = frozenset(
    {"in", "into", "on", "onto", "at", "of", "to", "from", "for", "by", "inside", "near",
     "behind", "across", "through", "his", "her", "their", "its", "my", "your", "our"}
)  # fmt: skip
#: Words that may follow a title noun that is the title ("a movie for tonight"); any other word
#: makes the noun part of something else ("a movie star", "a horror writer", "a series of").
_AFTER_TITLE: Final = frozenset(
    {"and", "or", "but", "for", "from", "in", "on", "at", "to", "by", "over", "under", "less",
     "more", "shorter", "longer", "than", "set", "made", "released", "filmed", "shot",
     "produced", "that", "which", "is", "was", "are", "i", "we", "you", "please", "tonight",
     "now", "no", "not", "nothing", "between", "after", "before", "since", "during", "ever",
     "only", "just"}
)  # fmt: skip
#: What a length or a year range may follow: the start of a clause, or a word that names titles
#: (the group "anchor", checked by :func:`_anchors`: one short pattern rather than a long one
#: per phrase keeps the first query's regular-expression compiling cheap).
_ANCHOR: Final = r"(?:^\s*|\b(?P<anchor>[^\W_]+(?:[-'’][^\W_]+)*)\s+)"
_ANCHOR_WORDS: Final = frozenset(
    {*_TITLE_NOUNS, *ASKS_FOR_GENRE, "something", "anything", "stuff", "one", "ones", "title",
     "titles", "made", "released", "that's", "is", "runs", "lasts"}
)  # fmt: skip


def _anchored(phrase: str) -> str:
    """PHRASE where it qualifies a title ("a thriller under 2 hours", "a film from after
    2015"), as the group "said" (with its "from"/"of") that the reading takes out."""
    return rf"{_ANCHOR}(?P<said>(?:(?:from|of)\s+)?{phrase})"


_DECADE: Final = (
    r"(?:(?:early|mid|late)[\s-]+)?(?:'?(?P<digits>(?:19|20)?\d0)'?s|(?P<word>"
    + "|".join(_DECADE_WORDS)
    + r"))"
)
# At most four digits: "under 99999…9 minutes" is no length, and would overflow as a float.
_DURATION = r"(?P<amount>\d{1,4}(?:\.\d+)?)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\b"
_NEGATION = r"(?:no|not|without|nothing|isn't|is not|not a|not an|no more)"
_CLAUSE: Final = re.compile(r"[,;:!?.()\[\]]|\s[-–—]\s|\bbut\b", re.IGNORECASE)
_WORD: Final = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*'?s?|'[^\W_]+")


def _one_of(words: Iterable[str]) -> Callable[[str], bool]:
    """Whether a word is one of WORDS, ignoring case ("ſ" folds to "s"); a set, not a
    pattern: a dozen long alternations cost milliseconds to compile in every `ask`."""
    folded = frozenset(w.casefold() for w in words)
    return lambda word: word.casefold() in folded


_is_noun: Final = _one_of(_TITLE_NOUNS)
_is_series: Final = _one_of(_SERIES_NOUNS)
_is_movie: Final = _one_of(_MOVIE_NOUNS)
_is_kind: Final = _one_of((*_SERIES_NOUNS, *_MOVIE_NOUNS))
_is_medium: Final = _one_of(_MEDIUM)
_is_genre: Final = _one_of(GENRE_WORDS)
_is_asking: Final = _one_of(ASKS_FOR_GENRE)
_is_anchor: Final = _one_of(_ANCHOR_WORDS)
_is_drama: Final = _one_of(("drama", "dramas"))
_is_family: Final = _one_of(("family",))
_is_nationality: Final = _one_of(NATIONALITIES)
_IS_DECADE: Final = re.compile(_DECADE, re.IGNORECASE)
_IS_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def parse_query(text: str) -> ParsedQuery:
    """Read years, decades, length, type, genres, negations and nationality out of TEXT —
    only where they describe the wanted title, never the plot ("a man who starred in a 90s
    sitcom", "the horror of the trenches").

    Each clause (split at punctuation and "but") has a head, the words before its plot starts
    ("about", "who", "with", "set in", …). Constraints are read from heads only, and only
    where they qualify a title: "a 90s comedy", "a Korean series", "a thriller under 2 hours",
    "something scary"; not "a horror writer", "a series of murders", "in a 70s film".

    >>> parsed = parse_query("a short 90s comedy, no horror")
    >>> parsed.text
    'a comedy'
    >>> parsed.filters.describe()
    ['years 1990–1999', 'at most 100 min', 'genre comedy', 'not horror']
    """
    found: dict[str, Any] = {}
    genres: list[str] = []
    excluded: list[str] = []
    kept: list[str] = []
    start = 0
    for separator in [*_CLAUSE.finditer(text), None]:
        end = len(text) if separator is None else separator.start()
        clause = text[start:end]
        plot = _PLOT_START.search(clause)
        cut = len(clause) if plot is None else plot.start()
        head = _read_head(clause[:cut], found, genres, excluded)
        kept.append(head + clause[cut:] + ("" if separator is None else separator[0]))
        start = end if separator is None else separator.end()
    if genres:
        found["genres"] = tuple(dict.fromkeys(genres))
    if excluded:
        found["exclude_genres"] = tuple(dict.fromkeys(excluded))
    cleaned = re.sub(r"\s+([,.!?])", r"\1", " ".join("".join(kept).split())).strip(" ,;")
    cleaned = re.sub(r"(?:\s*,)+", ",", cleaned).strip(" ,;")
    return ParsedQuery(cleaned or text.strip(), Filters(**found))


def _read_head(head: str, found: dict[str, Any], genres: list[str], excluded: list[str]) -> str:
    """Record what HEAD (the start of a clause, before its plot) says about the wanted title in
    FOUND, GENRES and EXCLUDED; return HEAD without the words that said only that."""
    rest = re.sub(r"\bscience[\s-]+fiction\b", "sci-fi", f" {head} ", flags=re.IGNORECASE)

    def take(pattern: str) -> re.Match[str] | None:
        """The first match of PATTERN whose "anchor", if it has one, is a word naming titles
        (:data:`_ANCHOR_WORDS`); its group "said" is taken out of the text."""
        nonlocal rest
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            anchor = match.groupdict().get("anchor")
            if anchor is None or _is_anchor(anchor):
                said = match.span("said")
                rest = rest[: said[0]] + " " + rest[said[1] :]
                return match
        return None

    year = r"(?P<year>(?:19|20)\d\d)\b"
    if m := take(_anchored(rf"\bbetween\s+{year}\s+and\s+(?P<to>(?:19|20)\d\d)\b")):
        found["year_from"], found["year_to"] = sorted((int(m["year"]), int(m["to"])))
    if m := take(_anchored(rf"\b(?:before|pre|older than)\s+{year}")):
        found["year_to"] = int(m["year"]) - 1
    if m := take(_anchored(rf"\b(?:(?P<since>since)|after|newer than|post)\s+{year}")):
        found["year_from"] = int(m["year"]) + (0 if m["since"] else 1)
    nouns = "|".join(_TITLE_NOUNS)
    if m := (
        take(rf"(?P<said>\b(?:made|filmed|shot|produced)\s+in\s+the\s+{_DECADE})\b")
        or take(_anchored(rf"released\s+in\s+the\s+{_DECADE}\b"))
        or take(rf"{_ANCHOR}(?P<said>(?:from|of)\s+the\s+{_DECADE})\b")
        or take(rf"^\s*(?P<said>(?:(?:from|in)\s+)?(?:the\s+)?{_DECADE})\s*$")
    ):
        found["year_from"], found["year_to"] = _decade(m)
    if m := take(
        _anchored(rf"\b(?:under|less than|shorter than|at most|max(?:imum)?)\s+{_DURATION}")
    ):
        found["max_runtime"] = _minutes(m["amount"], m["unit"])
    if m := take(_anchored(rf"\b(?:over|more than|longer than|at least)\s+{_DURATION}")):
        found["min_runtime"] = _minutes(m["amount"], m["unit"])
    words, asking = (
        "|".join(sorted((re.escape(w) for w in group), key=len, reverse=True))
        for group in (GENRE_WORDS, ASKS_FOR_GENRE)
    )
    negated = re.compile(
        rf"\b{_NEGATION}\s+(?:too\s+|very\s+)?(?:({words})\b(?=\s+(?:{nouns})\b)|"
        rf"({asking})\b)",
        re.IGNORECASE,
    )

    def exclude(match: re.Match[str]) -> str:
        excluded.extend(_entry(GENRE_WORDS, match[1] or match[2]))
        return " "

    # Every negation in one pass (a pass per match is quadratic in a long text); again while
    # taking one out joins another ("no no horror horror").
    while True:
        rest, count = negated.subn(exclude, rest)
        if not count:
            break
    return _read_words(rest, found, genres)


def _read_words(head: str, found: dict[str, Any], genres: list[str]) -> str:
    """Read kinds, genres, decades, years, nationalities and "short" from the words of HEAD
    where they qualify a title noun; return HEAD without the kind and era words."""
    words = list(_WORD.finditer(head))
    texts = [w[0] for w in words]

    def titled(i: int) -> bool:
        """Word I is a title noun that names the wanted title ("a comedy", not "a comedy club")."""
        if not _is_noun(texts[i]):
            return False
        after = texts[i + 1].lower() if i + 1 < len(texts) else None
        return after is None or (
            after != "of" and (after in _AFTER_TITLE or bool(_is_genre(after) or _is_noun(after)))
        )

    def qualifies(i: int, reach: int = 3) -> bool:
        """Word I stands before a title noun, within REACH words."""
        return any(titled(j) for j in range(i + 1, min(i + 1 + reach, len(texts))))

    def asks_genre(i: int) -> bool:
        """Word I asks for a genre: "a comedy", "something scary", "a war movie"."""
        text = texts[i]
        if _is_asking(text):
            last = i == len(texts) - 1 and not _is_noun(text)
            return titled(i) or qualifies(i) or last
        if _is_family(text):  # "a family movie"; a "family drama" is about one
            return i + 1 < len(texts) and bool(_is_kind(texts[i + 1])) and titled(i + 1)
        return bool(_is_genre(text)) and not _is_drama(text) and qualifies(i, 1)

    drop: list[re.Match[str]] = []
    for i, (word, text) in enumerate(zip(words, texts, strict=True)):
        if text.lower() in _INSIDE:
            break  # the rest of the head is inside a phrase about something else
        is_noun = titled(i)
        if is_noun and _is_series(text):
            found.setdefault("kind", "series")
            drop.append(word)
            if text.lower() == "docuseries":
                genres.append("documentary")
            if text.lower().startswith("sitcom"):
                genres.append("comedy")
        elif is_noun and _is_movie(text):
            found.setdefault("kind", "movie")
            drop.append(word)
        elif _is_medium(text):
            genres.append("animation")
        elif asks_genre(i):
            genres += _entry(GENRE_WORDS, text)
        elif _is_nationality(text) and qualifies(i) and "countries" not in found:
            found["countries"] = (_entry(NATIONALITIES, text),)
        elif (m := _IS_DECADE.fullmatch(text)) and qualifies(i) and "year_from" not in found:
            found["year_from"], found["year_to"] = _decade(m)
            drop.append(word)
        elif _IS_YEAR.fullmatch(text) and qualifies(i) and "year_from" not in found:
            found["year_from"], found["year_to"] = int(text) - 1, int(text) + 1
        elif text.lower() == "short" and (qualifies(i) or i == len(texts) - 1):
            found.setdefault("max_runtime", SHORT_MOVIE)
            drop.append(word)
    for word in reversed(drop):
        head = head[: word.start()] + " " + head[word.end() :]
    return head


def _decade(match: re.Match[str]) -> tuple[int, int]:
    """The years of a decade :data:`_DECADE` matched ("90s", "1980s", "nineties")."""
    digits = match["digits"]
    return decade_years(int(digits) if digits else _entry(_DECADE_WORDS, match["word"]))


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
