"""Netflix's own published lists, read as listings: what was on Netflix, where, when, how watched.

Four formats, none with ids (matching is by title, type and year,
:mod:`moviefinder.sources.listing_match`):

- the semiannual engagement reports ("What We Watched"): every title with its hours viewed per
  half-year; "available globally: Yes" means it was on Netflix in every region that half-year;
- the official weekly top 10 per country (Netflix's spreadsheet) and a scraped daily NL top 10;
- a uNoGS catalogue snapshot: the titles listed in the Netherlands around March 2021.

A TV row names one season ("X: Season 2", "X: Limited Series"); seasons count for their series.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from moviefinder.core.catalog import TitleType
from moviefinder.core.errors import InputError

ENGAGEMENT: Final = "netflix-engagement"
TOP10_WEEKLY: Final = "netflix-top10-nl-weekly"
TOP10_DAILY: Final = "netflix-top10-nl-daily"
UNOGS: Final = "unogs-nl"
#: Every region of the service.
EVERY_REGION: Final = "*"
#: A list file larger than this is not one of these lists (the engagement reports are ~6 MB).
MAX_BYTES: Final = 200_000_000

_SEASON = re.compile(
    r"(?::|\s-)\s*(?:(?:season|series|part|volume|vol\.|book|chapter|collection|staffel|"
    r"temporada|saison|stagione|sezon|seizoen|parte)\s*[\w.]+|limited series|"
    r"the complete series|miniseries|the final season(?: part \d+)?)(?:\s*[:(].*)?$",
    re.IGNORECASE,
)
_FIRST_SEASON = re.compile(
    r":\s*(?:season|series|part|volume|book|chapter|staffel|temporada|saison)\s*(?:1|one)\s*$"
    r"|:\s*(?:limited series|miniseries)\s*$",
    re.IGNORECASE,
)
_YEAR_SUFFIX = re.compile(r"\s+\((\d{4})\)$")
#: Dubbed versions listed beside the original: "Boomika (Hindi)", "Jawan (Tamil Version)".
_DUB_SUFFIX = re.compile(
    r"\s*\((?:hindi|tamil|telugu|malayalam|kannada|marathi|bengali|english|spanish|dubbed)"
    r"(?: version| dub(?:bed)?)?\)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Listing:
    """One title as a list names it, with what the list says about it.

    ``region`` is a country code or ``*`` (every region); ``first_seen``/``last_seen`` are the
    dates the list covers for it (ISO). ``evidence`` is False where the list says nothing about
    availability (an engagement row not available globally: hours viewed only). ``hours`` is
    hours viewed per half-year ("2025H1"), seasons summed.
    """

    name: str
    kind: TitleType
    source: str
    region: str
    first_seen: str
    last_seen: str
    year: int | None = None
    original_title: str = ""
    hours: tuple[tuple[str, int], ...] = ()
    runtime: int | None = None
    tmdb_id: int | None = None
    evidence: bool = True
    #: The year came from the list's own "(2018)" that tells same-named titles apart.
    exact_year: bool = False
    #: For a series, the year is its first season's (a "Season 1" or limited-series row).
    starts: bool = False
    #: The title is known to be from this year or later (though its own year is unknown).
    after: int | None = None


def series_name(title: str) -> str:
    """The series a season row belongs to.

    >>> [series_name(t) for t in ("The Crown: Season 5", "Wednesday", "Dahmer: Limited Series")]
    ['The Crown', 'Wednesday', 'Dahmer']
    """
    return _SEASON.sub("", title).strip() or title.strip()


def _original_series(original: str) -> str:
    """The series in a season row's original-language title, whatever language names the
    season: "더 글로리: 시즌 1" → "더 글로리"."""
    head, colon, _ = original.rpartition(":")
    return series_name(head if colon and head.strip() else original)


def undubbed(title: str) -> str:
    """TITLE without a dubbed-version tag: "Boomika (Hindi)" → "Boomika"."""
    return _DUB_SUFFIX.sub("", title).strip() or title.strip()


def _period_dates(period: str) -> tuple[str, str]:
    """ "2024H2" → ("2024-07-01", "2024-12-31")."""
    year, half = period[:4], period[5:]
    return (f"{year}-01-01", f"{year}-06-30") if half == "1" else (f"{year}-07-01", f"{year}-12-31")


_PERIOD = re.compile(r"\d{4}H[12]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rows(
    path: Path, needed: set[str], what: str, delimiter: str = ","
) -> Iterator[dict[str, str]]:
    """The rows of a list file, after checking it is one (a clear error if it is not)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path} is too large to be a {what}.")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = needed - set(reader.fieldnames or ())
    if missing:
        raise InputError(f"{path} is not a {what} (it lacks {', '.join(sorted(missing))}).")
    try:
        for number, row in enumerate(reader, start=2):
            if None in row or any(row.get(name) is None for name in needed):
                raise InputError(f"{path}:{number}: a row has the wrong number of fields.")
            yield row
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable {what} ({exc}).") from None


def _unreadable(path: Path, exc: Exception) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"No file at {path}.")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path} is a folder: give the list file itself.")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"{path} is not UTF-8 text, so not a Netflix list.")
    return InputError(
        f"Cannot read {path} ({getattr(exc, 'strerror', None) or exc.__class__.__name__})."
    )


def _bad(path: Path, number: int, what: str, value: str) -> InputError:
    return InputError(f"{path}:{number}: unreadable {what} {value[:40]!r}.")


def _int(value: str) -> int | None:
    text = value.strip().replace(",", "")
    return int(text) if text.isdigit() else None


@dataclass
class _Seasons:
    """What the rows of one film or series add up to while a report is read."""

    yes: set[str] = field(default_factory=set)
    released: set[str] = field(default_factory=set)
    start: str = ""
    original: str = ""
    runtime: int | None = None
    hours: dict[str, int] = field(default_factory=dict)


def read_engagement(path: Path) -> list[Listing]:
    """Netflix's engagement reports: one listing per film or series (its seasons summed).

    Raises:
        InputError: not an engagement report, or a row with an unreadable period, kind or date.
    """
    needed = {"period", "kind", "title", "available_globally", "release_date", "hours_viewed"}
    groups: dict[tuple[TitleType, str, int | None], _Seasons] = {}
    what = "Netflix engagement report"
    for number, row in enumerate(_rows(path, needed, what), start=2):
        period, raw_kind = row["period"].strip(), row["kind"].strip().lower()
        if not _PERIOD.fullmatch(period):
            raise _bad(path, number, "period", period)
        if raw_kind not in ("film", "tv"):
            raise _bad(path, number, "kind", raw_kind)
        kind: TitleType = "movie" if raw_kind == "film" else "series"
        title = row["title"].strip()
        released = row["release_date"].strip()
        if released and not _DAY.fullmatch(released):
            raise _bad(path, number, "release date", released)
        if not title:
            continue
        name = series_name(title) if kind == "series" else title
        suffix = _YEAR_SUFFIX.search(name)
        year = int(suffix.group(1)) if suffix else None
        if year is not None and not 1900 <= year <= int(period[:4]) + 1:
            year = None  # "My Girl (2037)": part of the name, not a release year
        else:
            name = _YEAR_SUFFIX.sub("", name)
        group = groups.setdefault((kind, name, year), _Seasons())
        if released and kind == "series" and (_FIRST_SEASON.search(title) or name == title):
            group.start = min(filter(None, (group.start, released)))
        if row["available_globally"].strip().lower() == "yes":
            group.yes.add(period)
        if released:
            group.released.add(released)
        original = (row.get("original_title") or "").strip()
        if original and not group.original:
            group.original = _original_series(original) if name != title else original
        runtime = _int(row.get("runtime_minutes") or "")
        if runtime and kind == "movie":
            group.runtime = runtime
        group.hours[period] = group.hours.get(period, 0) + (_int(row["hours_viewed"]) or 0)
    return [_engagement_listing(key, group) for key, group in groups.items()]


def _engagement_listing(key: tuple[TitleType, str, int | None], group: _Seasons) -> Listing:
    kind, name, year = key
    yes, periods = sorted(group.yes), sorted(group.hours.items())
    first = yes[0] if yes else periods[0][0]
    last = yes[-1] if yes else periods[-1][0]
    dated = group.start or min(group.released, default="")
    return Listing(
        name=name,
        kind=kind,
        source=ENGAGEMENT,
        region=EVERY_REGION,
        first_seen=_period_dates(first)[0],
        last_seen=_period_dates(last)[1],
        year=year or (int(dated[:4]) if dated else None),
        original_title=group.original,
        hours=tuple(periods),
        runtime=group.runtime,
        evidence=bool(yes),
        exact_year=year is not None,
        starts=bool(group.start),
    )


def read_weekly_top10(path: Path) -> list[Listing]:
    """Netflix's official weekly top 10 of one country (its rows for other countries skipped).

    Raises:
        InputError: not a weekly top-10 file, or a row with an unreadable week or category.
    """
    needed = {"country_iso2", "week", "category", "show_title"}
    seen: dict[tuple[str, TitleType, str], list[str]] = defaultdict(list)
    what = "Netflix weekly top-10 file"
    for number, row in enumerate(_rows(path, needed, what, delimiter="\t"), start=2):
        week, category = row["week"].strip(), row["category"].strip().lower()
        if not _DAY.fullmatch(week):
            raise _bad(path, number, "week", week)
        if not category.startswith(("films", "tv")):  # "Films (English)", "TV (Non-English)"
            raise _bad(path, number, "category", category)
        kind: TitleType = "series" if category.startswith("tv") else "movie"
        region = row["country_iso2"].strip().upper()
        name = row["show_title"].strip()
        if name and re.fullmatch(r"[A-Z]{2}", region):
            seen[(region, kind, name)].append(week)
    return [
        Listing(name, kind, TOP10_WEEKLY, region, min(weeks), max(weeks))
        for (region, kind, name), weeks in seen.items()
    ]


def read_daily_top10(path: Path) -> list[Listing]:
    """The scraped daily NL top 10 (2025–26). Its "series" list sometimes repeats the films
    list: a name on the films list is a film, and a reference of the other kind is dropped.

    Raises:
        InputError: not a daily top-10 file, or a row with an unreadable date.
    """
    needed = {"list", "tmdb_ref", "name", "first_seen", "last_seen"}
    rows = []
    for number, row in enumerate(_rows(path, needed, "daily top-10 file"), start=2):
        first, last = row["first_seen"].strip(), row["last_seen"].strip()
        for value in (first, last):
            if not _DAY.fullmatch(value):
                raise _bad(path, number, "date", value)
        if row["name"].strip():
            rows.append(row)
    films = {row["name"].strip() for row in rows if row["list"].strip() == "movies"}
    merged: dict[tuple[str, TitleType], Listing] = {}
    for row in rows:
        name = row["name"].strip()
        kind: TitleType = "movie" if name in films or row["list"].strip() == "movies" else "series"
        ref = re.fullmatch(r"tmdb:(movie|tv):(\d{1,9})", row["tmdb_ref"].strip())
        tmdb_id = None
        if ref and (ref.group(1) == "movie") == (kind == "movie"):
            tmdb_id = int(ref.group(2))
        listing = Listing(
            name, kind, TOP10_DAILY, "NL", row["first_seen"].strip(), row["last_seen"].strip(),
            tmdb_id=tmdb_id,
        )  # fmt: skip
        known = merged.get((name, kind))
        if known is not None:
            listing = Listing(
                name,
                kind,
                TOP10_DAILY,
                "NL",
                min(known.first_seen, listing.first_seen),
                max(known.last_seen, listing.last_seen),
                tmdb_id=known.tmdb_id or listing.tmdb_id,
            )
        merged[(name, kind)] = listing
    return list(merged.values())


def read_unogs(path: Path) -> list[Listing]:
    """A uNoGS (FlixGem) snapshot of Netflix NL, around March 2021: NL listings, first seen on
    the date Netflix added them ("2015-04-14" means already there when tracking began).

    Raises:
        InputError: not such a snapshot, or a row with an unreadable type or date.
    """
    needed = {"title", "series_or_movie", "netflix_release_date", "country_availability"}
    listings = []
    for number, row in enumerate(_rows(path, needed, "uNoGS catalogue snapshot"), start=2):
        kind_text, added = (
            row["series_or_movie"].strip().lower(),
            row["netflix_release_date"].strip(),
        )
        if kind_text not in ("movie", "series"):
            raise _bad(path, number, "type", kind_text)
        if not _DAY.fullmatch(added):
            raise _bad(path, number, "date", added)
        countries = {c.strip().lower() for c in row["country_availability"].split(",")}
        name = row["title"].strip()
        if name and "netherlands" in countries:
            kind: TitleType = "movie" if kind_text == "movie" else "series"
            listings.append(Listing(name, kind, UNOGS, "NL", added, SNAPSHOT_DATE))
    return listings


#: When the uNoGS snapshot was taken (its README: "around March 2021").
SNAPSHOT_DATE: Final = "2021-03-31"

READERS: Final[dict[str, Callable[[Path], list[Listing]]]] = {
    "engagement": read_engagement,
    "top10-weekly": read_weekly_top10,
    "top10-daily": read_daily_top10,
    "unogs": read_unogs,
}
_SIGNATURES: Final = {
    "engagement": ("period", "hours_viewed"),
    "top10-weekly": ("country_iso2", "weekly_rank"),
    "top10-daily": ("tmdb_ref", "best_rank"),
    "unogs": ("series_or_movie", "country_availability"),
}


def detect_format(path: Path) -> str:
    """Which list PATH is, from its header.

    Raises:
        InputError: unreadable, or none of the known lists.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise _unreadable(path, exc) from None
    header = head.splitlines()[0] if head else ""
    for name, columns in _SIGNATURES.items():
        if all(column in header for column in columns):
            return name
    raise InputError(
        f"{path} is none of the Netflix lists moviefinder reads "
        f"({', '.join(READERS)}): its header does not fit."
    )


def read_listings(path: Path, fmt: str = "auto") -> list[Listing]:
    """The listings of the list at PATH (FMT one of :data:`READERS`, or auto)."""
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in READERS:
        raise InputError(f"Unknown list format {fmt!r}: use one of {', '.join(READERS)}.")
    return READERS[fmt](path)
