"""Netflix viewing exports → viewing events: formats, dates, profiles, episodes, skipped rows.

Reads the simple ``NetflixViewingHistory.csv`` (``Title,Date`` in the account's locale) and the
personal-data export (``CONTENT_INTERACTION/ViewingActivity.csv`` and ``Ratings.csv``, as a
file, a folder or the ``.zip``). Titles stay as Netflix wrote them; :func:`split_title` tells
a series episode ("Show: Season 2: Name") from a title that merely has a colon in it.
"""

from __future__ import annotations

import codecs
import csv
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Final

from moviefinder.core.errors import InputError
from moviefinder.core.progress import PROGRESS_EVERY
from moviefinder.core.viewing import HistoryFile, Rating, Viewing

if TYPE_CHECKING:
    from moviefinder.core.progress import Progress

SIMPLE_FILE: Final = "NetflixViewingHistory.csv"
ACTIVITY_FILE: Final = "ViewingActivity.csv"
RATINGS_FILE: Final = "Ratings.csv"
#: Shorter views are not "watched": trailers that started, a peek at an episode.
MIN_SECONDS: Final = 120
#: Files and zip members larger than this are refused (a viewing history is a few MB at most;
#: a million rows of NetflixViewingHistory.csv are about 45 MB).
MAX_MEMBER_BYTES: Final = 200 * 2**20
#: The longest cell read (characters): a history cell is a title, a date or a duration. The
#: csv module's limit is process-wide, so it is set on every read, not trusted.
MAX_CELL: Final = 131_072

#: Date orders tried on a simple export, decided once per file.
#: Unreadable rows named by line in an import's report.
BAD_SHOWN: Final = 3
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


def detect_date_format(values: Sequence[str]) -> str:
    """The date order that reads the most values of a file (ties: fewest future dates, then
    the most rows in newest-first order, as Netflix writes them). A value no order reads is a
    bad row, not a reason to reject the file.

    Raises:
        InputError: no known order reads any of the dates.
    """
    sample = [v.strip() for v in values if v.strip()]
    if not sample:
        raise InputError("The history has no dates.")
    # A long history repeats its days: read each distinct one once (strptime is slow).
    distinct = set(sample)
    now = datetime.now()
    best: tuple[int, int, int, str] | None = None
    for fmt in DATE_FORMATS:
        day = {v: d for v in distinct if (d := _date(v, fmt)) is not None}
        if not day:
            continue
        dates = [day[v] for v in sample if v in day]
        future = sum(1 for d in dates if d > now)
        ordered = sum(1 for a, b in pairwise(dates) if a >= b)
        candidate = (len(dates), -future, ordered, fmt)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    if best is None:
        raise InputError(f"Unrecognised date format, e.g. {sample[0]!r}.")
    return best[3]


def _date(value: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(value, fmt)
    except ValueError:
        return None


# A line with its ending: \n, \r\n or a lone \r (old Mac files), or the last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """TEXT's lines for the csv module. Not io.StringIO: it copies the text at four bytes a
    character (170 MB more for a million-row history)."""
    return (match.group() for match in _LINE.finditer(text))


def _read_csv(
    text: str, name: str, required: set[str], progress: Progress | None = None
) -> Iterator[dict[str, str]]:
    """The rows of TEXT one at a time (a long history never sits in memory as dicts), calling
    PROGRESS(rows read, rows expected) every :data:`PROGRESS_EVERY` rows of a long file."""
    csv.field_size_limit(MAX_CELL)
    reader = csv.DictReader(_lines(text), restval="", delimiter=_delimiter(text, required))
    expected = max(text.count("\n"), text.count("\r")) if progress is not None else 0
    try:
        header = {h.strip() for h in reader.fieldnames or ()}
        missing = required - header
        if missing:
            raise InputError(f"{name} lacks column(s): {', '.join(sorted(missing))}.")
        done = 0
        for done, row in enumerate(reader, 1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, max(done, expected))
            # Cells beyond the header land under the key None: dropped.
            yield {k.strip(): v for k, v in row.items() if k is not None}
        if progress is not None and done >= PROGRESS_EVERY:
            progress(done, done)
    except csv.Error as exc:
        raise InputError(
            f"{name} is not a readable CSV file (line {reader.line_num}: {exc})."
        ) from None


def _delimiter(text: str, required: set[str]) -> str:
    """The delimiter under which TEXT's first line names the REQUIRED columns: "," as Netflix
    writes, ";" as a spreadsheet saves CSV in the Netherlands or Germany, or a tab (a
    spreadsheet's "Unicode text"); "," when none does."""
    header = next(_lines(text[:10_000]), "")
    for delimiter in (",", ";", "\t"):
        names = next(csv.reader([header], delimiter=delimiter), [])
        if required <= {name.strip() for name in names}:
            return delimiter
    return ","


def _seconds(duration: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+):(\d{1,2}):(\d{1,2})\s*", duration)
    if not match:
        return None
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_simple(
    text: str, name: str = SIMPLE_FILE, progress: Progress | None = None
) -> HistoryFile:
    """Rows of ``NetflixViewingHistory.csv``; the date order is detected for the file.

    Raises:
        InputError: missing columns, no rows, or dates in no known order (naming NAME).
    """
    rows: list[tuple[str, str]] = []
    shared: dict[str, str] = {}  # one copy of each title and day: a long history repeats them
    for row in _read_csv(text, name, {"Title", "Date"}, progress):
        title, date = row["Title"].strip(), row["Date"].strip()
        rows.append((shared.setdefault(title, title), shared.setdefault(date, date)))
    if not rows:
        raise InputError(f"{name} has a header but no rows.")
    try:
        fmt = detect_date_format([date for _, date in rows])
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    day = {date: _date(date, fmt) for date in {date for _, date in rows} if date}
    viewings, skips, bad = [], [], []
    for line, (title, date) in enumerate(rows, start=2):  # line 1 is the header
        when = day.get(date)
        if not title or not date:
            skips.append(("", "no title or date"))
        elif when is None:
            skips.append(("", "unreadable date"))
            bad.append((line, f"unreadable date {date!r}"))
        else:
            viewings.append(Viewing(title, when))
    if bad and not viewings:
        raise InputError(f"{name}: no row could be read, e.g. line {bad[0][0]}: {bad[0][1]}.")
    return HistoryFile(tuple(viewings), tuple(skips), bad=tuple(bad[:BAD_SHOWN]))


_COUNTRY = re.compile(r"\s*([A-Za-z]{2})\b")


def country_code(value: str | None) -> str:
    """The country a full export names: "NL (Netherlands)" → "NL"; "" when there is none."""
    found = _COUNTRY.match(value or "")
    return found.group(1).upper() if found else ""


def parse_activity(
    text: str, name: str = ACTIVITY_FILE, progress: Progress | None = None
) -> HistoryFile:
    """Rows of ``ViewingActivity.csv``; trailers, hooks, recaps and short views are skipped.

    Raises:
        InputError: missing columns or no rows (naming NAME).
    """
    viewings, skips, profiles, bad = [], [], set(), []
    rows = _read_csv(text, name, {"Profile Name", "Duration", "Title"}, progress)
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        profile = row["Profile Name"].strip()
        profiles.add(profile)
        start = row.get("Start Time") or row.get("StartTime") or ""
        kind = row.get("Supplemental Video Type", "").strip()
        seconds = _seconds(row["Duration"])
        when = _date(start.strip(), "%Y-%m-%d %H:%M:%S")
        reason = wrong = None
        if kind:
            reason = kind.lower().replace("_", " ")
        elif seconds is None or not row["Title"].strip():
            reason = "unreadable row"
            wrong = f"unreadable duration {row['Duration']!r}" if seconds is None else "no title"
        elif seconds < MIN_SECONDS:
            reason = "shorter than 2 minutes"
        elif when is None:
            reason, wrong = "unreadable start time", f"unreadable start time {start.strip()!r}"
        if wrong is not None:
            bad.append((line, wrong))
        if reason is None and when is not None and seconds is not None:
            title, country = row["Title"].strip(), country_code(row.get("Country"))
            viewings.append(Viewing(title, when, profile, seconds, country))
        else:
            skips.append((profile, reason or "unreadable row"))
    if not viewings and not skips:
        raise InputError(f"{name} has a header but no rows.")
    return HistoryFile(
        tuple(viewings),
        tuple(skips),
        profiles=tuple(sorted(profiles - {""})),
        full=True,
        bad=tuple(bad[:BAD_SHOWN]),
    )


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


_UTF16_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode(data: bytes, name: str) -> str:
    """DATA as text: UTF-8 (with or without a BOM), UTF-16, else Windows-1252 or Latin-1."""
    head = data[:4096]
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else None
    if encoding is None and b"\x00" in head:
        # UTF-16 without a byte-order mark, starting like a header: "T\0i\0" or "\0T\0i".
        first = head[:4]
        if first[1::2] == b"\0\0" and 0 not in first[::2]:
            encoding = "utf-16-le"
        elif first[::2] == b"\0\0" and 0 not in first[1::2]:
            encoding = "utf-16-be"
        else:
            raise InputError(f"{name} is not a text file.")
    if encoding is not None:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise InputError(f"{name} is damaged: it is not valid UTF-16 text.") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _from_files(
    files: dict[str, tuple[str, str]], where: Path, progress: Progress | None
) -> HistoryFile:
    """Combine the export files found at WHERE (base name → (name for errors, text))."""
    if ACTIVITY_FILE in files:
        result = parse_activity(files[ACTIVITY_FILE][1], files[ACTIVITY_FILE][0], progress)
    elif SIMPLE_FILE in files:
        result = parse_simple(files[SIMPLE_FILE][1], files[SIMPLE_FILE][0], progress)
    else:
        raise InputError(f"{where} holds no {SIMPLE_FILE} or {ACTIVITY_FILE}.")
    if RATINGS_FILE in files:
        ratings = parse_ratings(files[RATINGS_FILE][1], files[RATINGS_FILE][0])
        result = replace(result, ratings=ratings)
    return result


def _too_large(name: str) -> InputError:
    limit = MAX_MEMBER_BYTES // 2**20
    return InputError(f"{name} is too large to be a viewing history (over {limit} MB).")


def _read_file(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise _too_large(str(path))
    return _decode(data, str(path))


def _zip_members(path: Path) -> dict[str, tuple[str, str]]:
    """The export files in the zip at PATH, read into memory: nothing is ever extracted."""
    wanted = {SIMPLE_FILE, ACTIVITY_FILE, RATINGS_FILE}
    found: dict[str, tuple[str, str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
                if base not in wanted or base in found:
                    continue
                name = f"{path} ({info.filename})"
                if info.file_size > MAX_MEMBER_BYTES:
                    raise _too_large(name)
                # The member's own size is not trusted: read one byte past the limit at most.
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    raise _too_large(name)
                found[base] = (name, _decode(data, name))
    # zipfile raises all of these on damaged, encrypted or oddly compressed archives.
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        zlib.error,
        lzma.LZMAError,
    ):
        raise InputError(
            f"{path} is not a readable zip file (damaged, encrypted or compressed in an "
            "unsupported way)."
        ) from None
    return found


def _export_files(path: Path) -> dict[str, tuple[str, str]]:
    if not path.exists():
        raise InputError(f"No such file or folder: {path}")
    if path.is_dir():
        files: dict[str, tuple[str, str]] = {}
        for name in (SIMPLE_FILE, ACTIVITY_FILE, RATINGS_FILE):
            matches = sorted(p for p in path.rglob(name) if p.is_file())
            if matches:
                files[name] = (str(matches[0]), _read_file(matches[0]))
        if not files:
            raise InputError(f"{path} holds no {SIMPLE_FILE} or {ACTIVITY_FILE}.")
        return files
    if not path.is_file():
        raise InputError(f"{path} is not a file or folder.")
    if zipfile.is_zipfile(path):
        return _zip_members(path)
    text = _read_file(path)
    header = (text[:4096].splitlines() or [""])[0]
    if "Profile Name" in header and "Duration" in header:
        return {ACTIVITY_FILE: (str(path), text)}
    if "Thumbs Value" in header:
        raise InputError(f"{path} holds ratings only: import the viewing activity with it.")
    if "Title" in header and "Date" in header:
        return {SIMPLE_FILE: (str(path), text)}
    raise InputError(f"{path} is not a Netflix viewing history (no Title/Date columns).")


def read_export(path: Path, progress: Progress | None = None) -> HistoryFile:
    """Read a Netflix export: a CSV, a CONTENT_INTERACTION folder, the export folder, or the zip.

    Nothing is written: a zip's members are read into memory, never extracted. PROGRESS is
    called with (rows read, rows expected) while a long file is read.

    Raises:
        InputError: missing or unreadable path, unknown file, too large, unreadable content
            or columns, no rows; the message names the file.
    """
    try:
        return _from_files(_export_files(path), path, progress)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def for_profile(history: HistoryFile, profile: str | None) -> HistoryFile:
    """Keep one profile's rows; several profiles and no choice is an error listing them.

    Raises:
        InputError: several profiles and none chosen, or an unknown profile.
    """
    if not history.profiles and profile is not None:
        raise InputError(
            f"No profile '{profile}' in this export: it names no profiles (a "
            f"{SIMPLE_FILE} holds one profile's history), so leave out --profile."
        )
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
        history.full,
        history.bad,  # by line in the file, whichever profile they are of
    )
