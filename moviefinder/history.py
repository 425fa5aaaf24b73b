"""Netflix viewing exports → viewing events: formats, dates, profiles, episodes, skipped rows.

Reads the simple ``NetflixViewingHistory.csv`` (``Title,Date`` in the account's locale) and the
personal-data export (``CONTENT_INTERACTION/ViewingActivity.csv`` and ``Ratings.csv``, as a
file, a folder or the ``.zip``). Titles stay as Netflix wrote them; :func:`split_title` tells
a series episode ("Show: Season 2: Name") from a title that merely has a colon in it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Final

from moviefinder.errors import InputError

SIMPLE_FILE: Final = "NetflixViewingHistory.csv"
ACTIVITY_FILE: Final = "ViewingActivity.csv"
RATINGS_FILE: Final = "Ratings.csv"
#: Shorter views are not "watched": trailers that started, a peek at an episode.
MIN_SECONDS: Final = 120
#: Zip members larger than this are refused (a viewing history is a few MB at most).
MAX_MEMBER_BYTES: Final = 200 * 2**20

#: Date orders tried on a simple export, decided once per file.
DATE_FORMATS: Final = (
    "%d-%m-%y",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d.%m.%y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
)

# A title segment that names a season-like division: "Season 2", "Seizoen 1", "2ª temporada",
# "Limited Series", "Part B", "Book One", "Stranger Things 3" is handled by the catalogue.
_DIVISION_WORDS = (
    r"season|seizoen|staffel|temporada|saison|sæson|säsong|sesong|stagione|sezon|kausi|"
    r"series|serie|série|part|deel|parte|teil|partie|book|boek|libro|buch|livre|volume|vol\.?|"
    r"chapter|hoofdstuk|cap[ií]tulo|kapitel|chapitre|collection|collectie|cole[cç][aã]o|"
    r"colecci[oó]n|episode|aflevering|epis[oó]dio|episodio|folge|[ée]pisode|afsnit|avsnitt"
)
_NUMBER = r"(?:\d+|[ivxlc]+|[a-z]|one|two|three|four|five|six|seven|eight|nine|ten)"
_DIVISION = re.compile(
    rf"^(?:\d+\s*(?:st|nd|rd|th|ª|º|e|\.)?\s+)?(?:{_DIVISION_WORDS})(?:\s+{_NUMBER})?"
    rf"(?:\s+(?:part|deel|parte|teil)\s+{_NUMBER})?$",
    re.IGNORECASE,
)
_LIMITED = re.compile(
    r"^(?:limited series|miniseries|miniserie|minissérie|mini-series|mini series|"
    r"limitierte serie|série limitée|serie limitada|kerstspecial|christmas special)$",
    re.IGNORECASE,
)
_EPISODE_SUFFIX = re.compile(
    r"\s*\((?:episode|aflevering|epis[oó]dio|episodio|folge|[ée]pisode|afsnit|avsnitt|jakso|"
    r"odcinek)\s*\d+\)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Viewing:
    """One row of a viewing history: what was played, when, how long (full export only)."""

    title: str
    when: datetime
    profile: str = ""
    seconds: int | None = None


@dataclass(frozen=True)
class Rating:
    """A thumbs rating from Ratings.csv: 1 down, 2 up, 3 love."""

    title: str
    thumbs: int
    when: datetime | None
    profile: str = ""


@dataclass(frozen=True)
class ParsedTitle:
    """A history title split into the show and, for an episode, the rest."""

    show: str
    episode: str | None = None

    @property
    def is_episode(self) -> bool:
        return self.episode is not None


@dataclass(frozen=True)
class HistoryFile:
    """What one export held: viewings kept, rows skipped (profile, reason), and ratings."""

    viewings: tuple[Viewing, ...]
    skips: tuple[tuple[str, str], ...] = ()
    ratings: tuple[Rating, ...] = ()
    profiles: tuple[str, ...] = ()

    @property
    def skipped(self) -> dict[str, int]:
        """Rows skipped, by reason."""
        return dict(Counter(reason for _, reason in self.skips))

    @property
    def rows(self) -> int:
        return len(self.viewings) + len(self.skips)


def split_title(title: str) -> ParsedTitle:
    """Split "Show: Season 1: Episode" into show and episode; leave other titles whole.

    A title with a colon but no season or episode marker ("Glass Onion: A Knives Out
    Mystery", "The Defeated: Homecoming") comes back whole: only the catalogue can tell a
    movie from an episode of a series, and :mod:`moviefinder.matching` asks it.

    >>> split_title("Trinkets: Seizoen 1: Paper Tiger (Aflevering 2)")
    ParsedTitle(show='Trinkets', episode='Seizoen 1: Paper Tiger')
    >>> split_title("Glass Onion: A Knives Out Mystery")
    ParsedTitle(show='Glass Onion: A Knives Out Mystery', episode=None)
    """
    text = title.strip()
    suffixed = _EPISODE_SUFFIX.search(text) is not None
    text = _EPISODE_SUFFIX.sub("", text)
    parts = [p.strip() for p in text.split(": ")]
    for i in range(1, len(parts)):
        if _DIVISION.match(parts[i]) or _LIMITED.match(parts[i]):
            return ParsedTitle(": ".join(parts[:i]), ": ".join(parts[i:]))
    if suffixed and len(parts) > 1:
        return ParsedTitle(parts[0], ": ".join(parts[1:]))
    return ParsedTitle(text)


def detect_date_format(values: Sequence[str]) -> str:
    """The one date order that reads every value of a file (ties: fewest future dates, then
    the most rows in newest-first order, as Netflix writes them).

    Raises:
        InputError: no known order reads every date.
    """
    sample = [v.strip() for v in values if v.strip()]
    if not sample:
        raise InputError("The history has no dates.")
    now = datetime.now()
    best: tuple[int, int, str] | None = None
    for fmt in DATE_FORMATS:
        try:
            dates = [datetime.strptime(v, fmt) for v in sample]
        except ValueError:
            continue
        future = sum(1 for d in dates if d > now)
        ordered = sum(1 for a, b in pairwise(dates) if a >= b)
        candidate = (-future, ordered, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise InputError(f"Unrecognised date format, e.g. {sample[0]!r}.")
    return best[2]


def _read_csv(text: str, name: str, required: set[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip() for h in reader.fieldnames or ()}
    missing = required - header
    if missing:
        raise InputError(f"{name} lacks column(s): {', '.join(sorted(missing))}.")
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def _seconds(duration: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+):(\d{1,2}):(\d{1,2})\s*", duration)
    if not match:
        return None
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_simple(text: str, name: str = SIMPLE_FILE) -> HistoryFile:
    """Rows of ``NetflixViewingHistory.csv``; the date order is detected for the file."""
    rows = _read_csv(text, name, {"Title", "Date"})
    fmt = detect_date_format([r["Date"] for r in rows])
    viewings, skips = [], []
    for row in rows:
        title, date = row["Title"].strip(), row["Date"].strip()
        if not title or not date:
            skips.append(("", "no title or date"))
            continue
        viewings.append(Viewing(title, datetime.strptime(date, fmt)))
    return HistoryFile(tuple(viewings), tuple(skips))


def parse_activity(text: str, name: str = ACTIVITY_FILE) -> HistoryFile:
    """Rows of ``ViewingActivity.csv``; trailers, hooks, recaps and short views are skipped."""
    rows = _read_csv(text, name, {"Profile Name", "Duration", "Title"})
    viewings, skips = [], []
    for row in rows:
        profile = row["Profile Name"].strip()
        start = row.get("Start Time") or row.get("StartTime") or ""
        kind = row.get("Supplemental Video Type", "").strip()
        seconds = _seconds(row["Duration"])
        reason = None
        if kind:
            reason = kind.lower().replace("_", " ")
        elif seconds is None or not row["Title"].strip():
            reason = "unreadable row"
        elif seconds < MIN_SECONDS:
            reason = "shorter than 2 minutes"
        else:
            try:
                when = datetime.strptime(start.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                reason = "unreadable start time"
        if reason is not None:
            skips.append((profile, reason))
            continue
        viewings.append(Viewing(row["Title"].strip(), when, profile, seconds))
    profiles = tuple(sorted({r["Profile Name"].strip() for r in rows if r["Profile Name"].strip()}))
    return HistoryFile(tuple(viewings), tuple(skips), profiles=profiles)


def parse_ratings(text: str, name: str = RATINGS_FILE) -> tuple[Rating, ...]:
    rows = _read_csv(text, name, {"Profile Name", "Title Name", "Thumbs Value"})
    ratings = []
    for row in rows:
        thumbs = row["Thumbs Value"].strip()
        if thumbs not in {"1", "2", "3"} or not row["Title Name"].strip():
            continue
        try:
            when: datetime | None = datetime.strptime(
                row.get("Event Utc Ts", "").strip(), "%Y-%m-%d %H:%M:%S"
            )
        except ValueError:
            when = None
        ratings.append(
            Rating(row["Title Name"].strip(), int(thumbs), when, row["Profile Name"].strip())
        )
    return tuple(ratings)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name} is not a text file.")
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    return data.decode("latin-1")


def _from_files(files: dict[str, bytes]) -> HistoryFile:
    """Combine the export files found (keyed by base name) into one HistoryFile."""
    if ACTIVITY_FILE in files:
        result = parse_activity(_decode(files[ACTIVITY_FILE], ACTIVITY_FILE))
    elif SIMPLE_FILE in files:
        result = parse_simple(_decode(files[SIMPLE_FILE], SIMPLE_FILE))
    else:
        raise InputError(f"No {SIMPLE_FILE} or {ACTIVITY_FILE} found.")
    if RATINGS_FILE in files:
        ratings = parse_ratings(_decode(files[RATINGS_FILE], RATINGS_FILE))
        result = HistoryFile(result.viewings, result.skips, ratings, result.profiles)
    return result


def _zip_members(path: Path) -> dict[str, bytes]:
    wanted = {SIMPLE_FILE, ACTIVITY_FILE, RATINGS_FILE}
    found: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
                if base not in wanted or base in found:
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError(f"{path}: {info.filename} is too large to be a history.")
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    raise InputError(f"{path}: {info.filename} is too large to be a history.")
                found[base] = data
    except zipfile.BadZipFile:
        raise InputError(f"{path} is not a readable zip file.") from None
    return found


def read_export(path: Path) -> HistoryFile:
    """Read a Netflix export: a CSV, a CONTENT_INTERACTION folder, the export folder, or the zip.

    Raises:
        InputError: missing path, unknown file, unreadable content or columns.
    """
    if not path.exists():
        raise InputError(f"No such file or folder: {path}")
    if path.is_dir():
        files: dict[str, bytes] = {}
        for name in (SIMPLE_FILE, ACTIVITY_FILE, RATINGS_FILE):
            matches = sorted(path.rglob(name))
            if matches:
                files[name] = matches[0].read_bytes()
        if not files:
            raise InputError(f"{path} holds no {SIMPLE_FILE} or {ACTIVITY_FILE}.")
        return _from_files(files)
    if zipfile.is_zipfile(path):
        return _from_files(_zip_members(path))
    data = path.read_bytes()
    header = _decode(data, path.name).lstrip("\ufeff").split("\n", 1)[0]
    if "Profile Name" in header and "Duration" in header:
        return _from_files({ACTIVITY_FILE: data})
    if "Thumbs Value" in header:
        raise InputError(f"{path} holds ratings only: import the viewing activity with it.")
    if "Title" in header and "Date" in header:
        return _from_files({SIMPLE_FILE: data})
    raise InputError(f"{path} is not a Netflix viewing history (no Title/Date columns).")


def for_profile(history: HistoryFile, profile: str | None) -> HistoryFile:
    """Keep one profile's rows; several profiles and no choice is an error listing them.

    Raises:
        InputError: several profiles and none chosen, or an unknown profile.
    """
    if not history.profiles or (profile is None and len(history.profiles) == 1):
        return history
    if profile is None:
        listed = ", ".join(f"'{p}'" for p in history.profiles)
        raise InputError(f"This export has several profiles; choose one with --profile: {listed}.")
    if profile not in history.profiles:
        listed = ", ".join(f"'{p}'" for p in history.profiles)
        raise InputError(f"No profile '{profile}' in this export (profiles: {listed}).")
    return HistoryFile(
        tuple(v for v in history.viewings if v.profile == profile),
        tuple(s for s in history.skips if s[0] == profile),
        tuple(r for r in history.ratings if r.profile == profile),
        (profile,),
    )


def distinct_titles(viewings: Iterable[Viewing]) -> Counter[str]:
    """How often each show (a series' episodes count towards the series) was watched."""
    return Counter(split_title(v.title).show for v in viewings)
