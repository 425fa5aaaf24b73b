"""Query text at its worst: generated unicode, tags, decades that are not decades, very long
descriptions. The reader always returns sane filters and hints that the ranking can use."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from moviefinder.core.catalog import Catalog, title_text
from moviefinder.core.errors import QueryError
from moviefinder.core.finder import Finder, View
from moviefinder.core.query import (
    GENRE_WORDS,
    NATIONALITIES,
    Filters,
    Hints,
    ParsedQuery,
    era_of,
    parse_query,
    read_query,
)
from moviefinder.core.translation import OTHER_MARKERS, detect_language, render_query
from tests.conftest import FUZZ, TITLES, FakeEncoder

#: Pieces of queries people type, and pieces that look like what the reader looks for.
WORDS = [
    # years, decades and numbers that are almost those
    "1999", "1999s", "1990s", "90s", "'90s", "90's", "0s", "00s", "10s", "2040s", "20000",
    "1899", "2100", "nineties", "ninetieſ", "eighties", "early", "late", "mid", "mid-", "between",
    "and", "before", "after", "since", "pre", "post", "older than", "newer than", "made in the",
    "released in the", "in the", "٩٠s", "１９９９", "１９９０s", "19٩٩", "9" * 400,
    # lengths
    "under", "over", "at most", "at least", "less than", "longer than", "2 hours", "90 minutes",
    "1.5h", "90m", "9999 hours", "0 min", "short", "short story", "hours", "min",
    # kinds, genres, negations, nationalities
    "movie", "film", "feature", "series", "show", "tv show", "miniseries", "docuseries",
    *GENRE_WORDS, "no", "not", "not a", "without", "nothing", "isn't", "too", "very",
    *NATIONALITIES, "ſpaniſh", "Korean", "thrıller", "İ", "K",
    # Dutch
    "de", "het", "een", "jaren", "jaren 80", "de jaren '90", "serie", "over", "niet", "geen",
    "scheikundeleraar", "oorlogsfilm", "onbetaald", "gemaakt", "zombie-uitbraak", "-", "--",
    # tags, brackets, quotes, punctuation and odd characters
    "[TOMT]", "[Movie]", "[2000s]", "[", "]", "[[", "]]", "[]", "(", ")", '"', "'", "’", "“",
    ",", ".", "?", "!", ";", ":", "\n", "\t", "\x00", "\u200b", "\u202e", "ﬀ", "e\u0301", "🎬",
]  # fmt: skip
PHRASES = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=25).map(" ".join)
QUERIES = st.one_of(
    st.text(max_size=120),
    PHRASES,
    # Very long texts: a phrase told many times over (up to some tens of thousands of characters).
    st.tuples(PHRASES, st.integers(1, 400)).map(
        lambda phrase_times: phrase_times[0] * phrase_times[1]
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map("".join),  # no spaces at all
)

LANGUAGES = {"nl", "en", *OTHER_MARKERS, "Japanese", "Chinese", "Korean", "Russian", "Arabic",
             "Hebrew", "Thai", "Hindi", "Greek"}  # fmt: skip
GENRES = {genre for genres in GENRE_WORDS.values() for genre in genres}
CATALOG = Catalog.of("fuzz", TITLES)
FINDER = Finder(CATALOG, FakeEncoder().encode([title_text(t) for t in TITLES]), FakeEncoder())


def sane_years(low: int | None, high: int | None) -> None:
    for year in (low, high):
        assert year is None or (isinstance(year, int) and 1800 <= year <= 2100), year


def check_filters(filters: Filters) -> None:
    sane_years(filters.year_from, filters.year_to)
    for minutes in (filters.min_runtime, filters.max_runtime):
        assert minutes is None or (isinstance(minutes, int) and 0 <= minutes <= 10_000 * 60)
    assert filters.kind in (None, "movie", "series")
    assert set(filters.genres) <= GENRES and set(filters.exclude_genres) <= GENRES
    assert set(filters.countries) <= set(NATIONALITIES.values())
    assert all(isinstance(part, str) for part in filters.describe())
    mask = filters.mask(CATALOG)
    assert mask is None or (mask.dtype == bool and mask.shape == (len(CATALOG),))


def check_hints(hints: Hints) -> None:
    if hints.years is not None:
        low, high = hints.years
        sane_years(low, high)
        assert low <= high
    assert set(hints.genres) <= GENRES and set(hints.exclude_genres) <= GENRES
    boost = hints.boost(CATALOG)
    assert boost is None or (boost.shape == (len(CATALOG),) and np.isfinite(boost).all())
    assert all(isinstance(part, str) for part in hints.describe())


def check_ranking(parsed: ParsedQuery) -> None:
    """The parsed query ranks the small catalogue, or is refused as empty."""
    view = View(limit=3, filters=parsed.filters, hints=parsed.hints)
    try:
        matches = FINDER.ask(parsed.text, view).matches
    except QueryError:
        assert not parsed.text.strip()
        return
    assert len(matches) <= 3
    assert all(np.isfinite(m.score) for m in matches)


@FUZZ
@given(text=QUERIES, literal=st.booleans())
@example(text="a short 90s comedy, no horror", literal=False)
@example(text="between 2010 and 1990 under " + "9" * 400 + " minutes", literal=False)
@example(text="an ninetieſ movie, no comedieſ, ſpaniſh film", literal=False)
@example(text="[TOMT] " + "I think it was the late 80s, maybe horror, " * 20, literal=False)
def test_fuzz_read_query(text: str, literal: bool) -> None:
    parsed = read_query(text, literal)
    assert isinstance(parsed.text, str)
    assert parsed.read_as is None or isinstance(parsed.read_as, str)
    check_filters(parsed.filters)
    check_hints(parsed.hints)
    check_ranking(parsed)


@FUZZ
@given(text=QUERIES)
@example(text="between 2005 and 1995 heist movie")
@example(text="no no horror horror")
def test_fuzz_parse_query(text: str) -> None:
    parsed = parse_query(text)
    assert isinstance(parsed.text, str) and parsed.hints == Hints()
    check_filters(parsed.filters)
    check_ranking(parsed)


@FUZZ
@given(text=QUERIES)
@example(text="1999s 0s 20000")
@example(text="early 1900s and late 2040s")
def test_fuzz_era_of(text: str) -> None:
    years = era_of(text)
    if years is not None:
        low, high = years
        sane_years(low, high)
        assert low <= high
        check_hints(Hints(years=years))


@FUZZ
@given(text=QUERIES)
@example(text="serie over een scheikundeleraar die drugs gaat maken in de jaren 80")
@example(text="de het een " + "schei" * 2000)
def test_fuzz_render_query(text: str) -> None:
    rendering = render_query(text)
    assert isinstance(rendering.text, str) and rendering.language in LANGUAGES
    if rendering.language != "nl":
        assert rendering.text == text
    assert all(isinstance(word, str) and word for word in rendering.kept)


@FUZZ
@given(text=QUERIES)
def test_fuzz_detect_language(text: str) -> None:
    assert detect_language(text) in LANGUAGES


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("1999s", None),  # not a decade, and no year on its own
        ("0s", None),
        ("20000", None),
        ("00s", (1999, 2010)),
        ("19٩0s", (1989, 2000)),
        ("between", None),
    ],
)
def test_era_of_odd_numbers(text: str, years: tuple[int, int] | None) -> None:
    assert era_of(text) == years


@pytest.mark.parametrize(
    ("text", "understood"),
    [
        ("an ninetieſ movie", ["only movie", "years 1990–1999"]),  # "ſ" matches "s" ignoring case
        ("no comedieſ", ["not comedy"]),
        ("a ſpaniſh film", ["only movie", "from ES"]),
        ("no thrıller", ["not thriller"]),
        ("between 2010 and 1990", ["years 1990–2010"]),
        ("under " + "9" * 400 + " minutes", []),
        ("no no horror horror", ["not horror"]),
    ],
)
def test_parse_query_odd_letters_and_numbers(text: str, understood: list[str]) -> None:
    assert parse_query(text).filters.describe() == understood


def test_a_very_long_query_reads_in_linear_time() -> None:
    text = "no horror, a 90s comedy under 2 hours " * 5_000  # 190,000 characters
    start = time.perf_counter()
    parsed = read_query(text)
    assert time.perf_counter() - start < 5  # was minutes: one pass per "no horror"
    assert parsed.text == text.strip() and parsed.hints.exclude_genres == ("horror",)
