"""Viewing histories at their worst (issue 9): generated garbage for every parser, and named bad
inputs through `moviefinder import-history`. Whatever comes in, the outcome is a history or one
InputError line — never a traceback, and never a change to the history stored before."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import ExitStatus, InputError
from moviefinder.core.progress import PROGRESS_EVERY
from moviefinder.core.viewing import HistoryFile, ParsedTitle, Rating, split_title
from moviefinder.sources import netflix_export
from moviefinder.sources.netflix_export import (
    DATE_FORMATS,
    parse_activity,
    parse_ratings,
    parse_simple,
    read_export,
)
from moviefinder.storage import paths
from tests.conftest import FUZZ, REPO, SHARED, run

HISTORIES = SHARED / "histories"
T = TypeVar("T")


SIMPLE_HEADER = "Title,Date"
ACTIVITY_HEADER = (
    "Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,Device Type,"
    "Bookmark,Latest Bookmark,Country"
)
RATINGS_HEADER = (
    "Profile Name,Title Name,Rating Type,Star Value,Thumbs Value,Device Model,Event Utc Ts,"
    "Region View Date"
)
ACTIVITY = f"""{ACTIVITY_HEADER}
Ann,2021-01-05 10:16:17,00:22:43,,The Last Kingdom: Season 1: Episode 2,,TV,00:22:43,00:22:43,NL
Ann,2021-01-04 20:50:00,00:00:40,,Heat_hook_primary_16x9,HOOK,TV,00:00:40,00:00:40,NL
Bob,2021-01-03 21:00:00,01:58:00,,Heat,,TV,01:58:00,01:58:00,NL
"""
#: A simple export's titles: series episodes, films, and some the catalogue does not know.
TITLES = [
    *(f"The Last Kingdom: Season {s}: Episode {e}" for s in range(1, 6) for e in range(1, 11)),
    "Heat",
    "Star Voyage",
    "Space Dogs",
    "Kitchen Battle: Season 2: Finale",
    *(f"Some Film Nobody Catalogued {n}" for n in range(200)),
]

#: Cells that broke or nearly broke CSV readers somewhere.
NASTY = [
    "", " ", '"', '""', "'", ",", ";", "\n", "\r", "\r\n", "\x00", "\t", "\ufeff", "\u2028",
    "\x85", "é", "’", "ſ", "İ", "٣", "²", "[/x]", ": ", "Season 1", "(Episode 3)", "9" * 300,
    " " * 200, "1" + " " * 500 + "x", "a" * 5000,
]  # fmt: skip
CELLS = st.one_of(st.sampled_from(NASTY), st.text(max_size=16))
#: Dates in the formats Netflix uses, in others it does not, and not dates at all.
DATES = st.one_of(
    st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(min_value=date(1900, 1, 1)),
        st.sampled_from([*DATE_FORMATS, "%d %B %Y", "%b %d, %Y", "%Y%m%d", "%d-%m-%Y %H:%M"]),
    ),
    st.from_regex(r"\A\d{1,4}[-/. ]\d{1,4}[-/. ]\d{1,5}\Z"),
    st.sampled_from(NASTY),
    st.text(max_size=12),
)
DURATIONS = st.one_of(
    st.integers(0, 10**6).map(lambda s: f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}"),
    st.from_regex(r"\A\s?\d{1,8}:\d{1,3}:\d{1,3}\s?\Z"),
    st.sampled_from(NASTY),
    st.text(max_size=10),
)
TIMESTAMPS = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(NASTY),
    st.text(max_size=20),
)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where generated files go (hypothesis reruns a test; a function's tmp_path would not)."""
    return tmp_path_factory.mktemp("history-fuzz")


def csv_text(header: str, rows: list[list[str] | str], end: str, quoted: bool = True) -> str:
    """HEADER and ROWS (cells written by the csv module, or a raw line) with line ends END."""
    out = io.StringIO()
    # QUOTE_ALL: minimal quoting leaves a "\n" unquoted when lines end in "\r" alone, and such
    # a file is not well formed (hypothesis found it: a title "0\n" read as two rows).
    writer = csv.writer(out, lineterminator=end, quoting=csv.QUOTE_ALL)
    out.write(header + end)
    for row in rows:
        if isinstance(row, str):
            out.write(row + end)
        elif quoted:
            writer.writerow(row)
        else:
            out.write(",".join(row) + end)
    return out.getvalue()


def outcome(parse: Callable[[], T]) -> T | None:
    """PARSE's result, or None when it was refused with one line of InputError."""
    try:
        result = parse()
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, message
        # Which refusal, for --hypothesis-show-statistics: the fuzzing must reach them all.
        event(re.sub(r"^(?:/\S*|\w+\.csv)(?: \([^)]*\))?:? ", "", message).split(", e.g.")[0])
        return None
    event("read")
    return result


def check_history(result: HistoryFile | None) -> None:
    if result is None:
        return
    assert result.rows == len(result.viewings) + len(result.skips) > 0
    for viewing in result.viewings:
        assert viewing.title and viewing.title == viewing.title.strip()
        assert isinstance(viewing.when, datetime)
    assert all(p and p == p.strip() for p in result.profiles)


# --- Fuzzing: every outcome is a result or an InputError -----------------------------------


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.text(alphabet=st.sampled_from(list('TitleDa,"\r\n\x00 :/-.0123456789')), max_size=400),
        st.lists(st.sampled_from(NASTY), max_size=20).map("".join),
    ),
    header=st.sampled_from(["", SIMPLE_HEADER + "\n", ACTIVITY_HEADER + "\n"]),
)
def test_fuzz_parse_simple_on_any_text(text: str, header: str) -> None:
    check_history(outcome(lambda: parse_simple(header + text)))


@FUZZ
@given(
    header=st.sampled_from(
        [SIMPLE_HEADER, '"Title","Date"', " Title , Date ", "Date,Title", "Title,Date,", "Title"]
    ),
    fmt=st.sampled_from(DATE_FORMATS),
    # Days in the file's one format, and anything at all.
    rows=st.lists(
        st.one_of(
            st.tuples(CELLS, st.dates(min_value=date(1900, 1, 1))),
            st.tuples(CELLS, DATES),
            st.lists(st.one_of(CELLS, DATES), max_size=4),
        ),
        max_size=8,
    ),
    clean=st.booleans(),
    end=LINE_ENDS,
    quoted=st.booleans(),
)
def test_fuzz_parse_simple_with_real_header(
    header: str,
    fmt: str,
    rows: list[tuple[str, date | str] | list[str]],
    clean: bool,
    end: str,
    quoted: bool,
) -> None:
    if clean:  # only the rows with real days: the file should read
        rows = [row for row in rows if isinstance(row, tuple) and isinstance(row[1], date)]
    cells: list[list[str] | str] = [
        [c.strftime(fmt) if isinstance(c, date) else c for c in row] for row in rows
    ]
    result = outcome(lambda: parse_simple(csv_text(header, cells, end, quoted)))
    check_history(result)
    if result is not None:
        assert not result.profiles and all(v.seconds is None for v in result.viewings)
    if clean and quoted and header == SIMPLE_HEADER and rows:  # a well-formed file reads whole
        assert result is not None and result.rows == len(rows)


@FUZZ
@given(
    rows=st.lists(
        st.one_of(
            st.tuples(
                st.sampled_from(["Ann", "Bob", "", " Cy "]) | CELLS,
                TIMESTAMPS,
                DURATIONS,
                CELLS,
                CELLS,
                st.sampled_from(["", "HOOK", "TRAILER", "RECAP", "TEASER_TRAILER"]) | CELLS,
            ).map(list),
            st.lists(st.one_of(CELLS, DURATIONS, TIMESTAMPS), max_size=8),
            st.text(max_size=60),
        ),
        max_size=6,
    ),
    header=st.sampled_from(
        [
            "Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type",
            "Profile Name,StartTime,Duration,Attributes,Title,Supplemental Video Type",
            "Profile Name,Start Time,Duration,Attributes,Title",
            "Profile Name,Duration,Title",
        ]
    ),
    end=LINE_ENDS,
    quoted=st.booleans(),
)
def test_fuzz_parse_activity(
    rows: list[list[str] | str], header: str, end: str, quoted: bool
) -> None:
    result = outcome(lambda: parse_activity(csv_text(header, rows, end, quoted)))
    check_history(result)
    if result is not None:
        for viewing in result.viewings:
            assert viewing.seconds is not None and viewing.seconds >= netflix_export.MIN_SECONDS


@FUZZ
@given(
    rows=st.lists(
        st.one_of(
            st.tuples(
                CELLS,
                CELLS,
                st.sampled_from(["thumb", ""]),
                CELLS,
                st.sampled_from(["1", "2", "3", "0", "4", " 2 ", ""]) | CELLS,
                CELLS,
                TIMESTAMPS,
            ).map(list),
            st.lists(CELLS, max_size=8),
            st.text(max_size=60),
        ),
        max_size=6,
    ),
    end=LINE_ENDS,
    quoted=st.booleans(),
)
def test_fuzz_parse_ratings(rows: list[list[str] | str], end: str, quoted: bool) -> None:
    ratings = outcome(lambda: parse_ratings(csv_text(RATINGS_HEADER, rows, end, quoted)))
    for rating in ratings or ():
        assert isinstance(rating, Rating) and rating.thumbs in (1, 2, 3) and rating.title


#: Beginnings that steer random bytes into each branch of read_export.
PREFIXES = [
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"Title,Date\n",
    b"Title,Date\r\nHeat,01-02-23\r\n",
    "Title,Date\n".encode("utf-16"),
    "Title,Date\n".encode("utf-16-be"),
    b"\x00T\x00i",
    b"Profile Name,Duration,Title\n",
    b"Profile Name,Title Name,Thumbs Value\n",
    b"PK\x03\x04",
    b"PK\x05\x06" + bytes(18),
]


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=600))
def test_fuzz_read_export_on_random_bytes(workdir: Path, prefix: bytes, data: bytes) -> None:
    path = workdir / "export.csv"
    path.write_bytes(prefix + data)
    check_history(outcome(lambda: read_export(path)))


@FUZZ
@given(
    member=st.sampled_from(
        ["NetflixViewingHistory.csv", "x/CONTENT_INTERACTION/ViewingActivity.csv", "Ratings.csv"]
    ),
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(st.tuples(CELLS, DATES).map(list), max_size=5).map(
            lambda rows: csv_text(SIMPLE_HEADER, rows, "\n").encode()
        ),
    ),
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]),
    damage=st.lists(st.tuples(st.integers(0, 10**4), st.integers(0, 255)), max_size=4),
)
def test_fuzz_read_export_on_damaged_zips(
    workdir: Path, member: str, content: bytes, method: int, damage: list[tuple[int, int]]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr(member, content)
    raw = bytearray(buffer.getvalue())
    for where, value in damage:
        raw[where % len(raw)] = value
    path = workdir / "export.zip"
    path.write_bytes(bytes(raw))
    check_history(outcome(lambda: read_export(path)))


@FUZZ
@given(
    title=st.one_of(
        st.text(max_size=80),
        st.lists(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(
                    ["Season 1", "Seizoen 2", "Part B", "Limited Series", "2ª temporada", "1st"]
                ),
                st.sampled_from([": ", ":", " ", "(Episode 4)", " (Aflevering 12) ", "\u3000"]),
            ),
            max_size=10,
        ).map("".join),
    )
)
def test_fuzz_split_title(title: str) -> None:
    parsed = split_title(title)
    assert isinstance(parsed, ParsedTitle) and isinstance(parsed.show, str)
    assert parsed.episode is None or parsed.episode.strip()
    assert parsed.show == parsed.show.strip()
    assert split_title(title) == parsed


@pytest.mark.parametrize(
    "title",
    [
        "a" + " " * 100_000 + "b",
        "x: 1" + " " * 100_000 + "b",
        "x: 1" + " " * 50_000 + "st" + " " * 50_000 + "b",
        "x: Season" + " " * 100_000 + "part" + " " * 100_000 + "!",
        "x: " + "1" * 50_000 + " " * 50_000 + "b",
        "x (" + "episode " * 20_000 + "1" * 20_000,
        ": ".join(["Season 1 x"] * 20_000),
    ],
    ids=[
        "spaces",
        "number-spaces",
        "ordinal-spaces",
        "season-part",
        "digits-spaces",
        "suffix",
        "colons",
    ],
)
def test_split_title_is_linear_on_long_titles(title: str) -> None:
    # Quadratic backtracking made the first ones take seconds to hours before the fix.
    start = time.perf_counter()
    split_title(title)
    assert time.perf_counter() - start < 1.0


# --- Through the command line: stored history before, bad input, stored history after -------


def stored_files() -> dict[str, bytes]:
    """Every file under $MOVIEFINDER_HOME/history/, byte for byte."""
    folder = paths.history_dir()
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def stored(bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, bytes]:
    """A real history imported first (a shared export when there, else a small one)."""
    source = HISTORIES / "us-simple"
    if not source.is_dir():
        source = tmp_path / "NetflixViewingHistory.csv"
        source.write_text("Title,Date\nHeat,3/2/21\nStar Voyage,3/1/21\n", encoding="utf-8")
    assert run(["import-history", str(source)]) == 0
    capsys.readouterr()
    files = stored_files()
    assert files and any(files.values())
    return files


def rejected(capsys: pytest.CaptureFixture[str], args: list[str], before: dict[str, bytes]) -> str:
    """Run import-history with ARGS; it must fail with one line and leave the history be."""
    code = run(["import-history", *args])
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == ExitStatus.ERROR, captured
    assert len(lines) == 1 and lines[0].startswith("Error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert stored_files() == before
    return lines[0]


def imported(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = run(["import-history", *args])
    captured = capsys.readouterr()
    assert code == ExitStatus.OK, captured
    return captured.out


def test_cli_refuses_generated_bad_files(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "generated.csv"
    words = st.text(alphabet="abcdefgh ,;\t", max_size=40)

    @settings(max_examples=60, deadline=None)
    @given(
        content=st.one_of(
            # Right columns, dates in no known order (letters only).
            st.lists(st.tuples(words, st.text("abcxyz", min_size=1, max_size=9)), min_size=1).map(
                lambda rows: ("Title,Date\n" + "".join(f'"{t}",{d}\n' for t, d in rows)).encode()
            ),
            # No Netflix columns at all.
            st.lists(words, max_size=10).map(lambda lines: "\n".join(lines).encode()),
            # Binary.
            st.binary(max_size=200).map(lambda data: b"\x00\x01\x02\x03\xff" * 4 + data),
            # The header alone.
            st.sampled_from([SIMPLE_HEADER, ACTIVITY_HEADER]).map(lambda h: (h + "\n").encode()),
        )
    )
    def check(content: bytes) -> None:
        path.write_bytes(content)
        line = rejected(capsys, [str(path)], stored)
        assert str(path) in line

    check()


@pytest.fixture
def file_in(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def write(name: str, content: bytes) -> Path:
        path = tmp_path / "input" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    return write


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is not a Netflix viewing history (no Title/Date columns)"),
        ("NetflixViewingHistory.csv", b"Title,Date\n", "has a header but no rows"),
        ("ViewingActivity.csv", ACTIVITY_HEADER.encode() + b"\r\n", "has a header but no rows"),
        ("binary.csv", bytes(range(256)) * 8, "is not a text file"),
        ("wrong.csv", b"Name,When\nHeat,01-02-23\n", "is not a Netflix viewing history"),
        ("missing.csv", b"Title Name,Dated\nHeat,x\n", "lacks column(s): Date, Title"),
        ("missing2.csv", b"Profile Name,Duration\nAnn,01:00:00\n", "lacks column(s): Title"),
        ("ratings.csv", RATINGS_HEADER.encode() + b"\nAnn,Heat,,,2,,,\n", "holds ratings only"),
        (
            "dates.csv",
            b"Title,Date\nHeat,yesterday\n",
            "Unrecognised date format, e.g. 'yesterday'",
        ),
        ("no-dates.csv", b"Title,Date\nHeat,\nDark, \n", "The history has no dates"),
        ("quote.csv", b'Title,Date\n"Heat,01-02-23\n' + b"x" * 200_000, "not a readable CSV file"),
        ("utf16-odd.csv", "Title,Date\n".encode("utf-16") + b"\x00", "not valid UTF-16"),
    ],
    ids=[
        "empty-file",
        "header-only",
        "header-only-activity",
        "binary-file",
        "wrong-columns",
        "missing-columns",
        "missing-columns-activity",
        "ratings-only",
        "unreadable-dates",
        "no-dates",
        "unclosed-quote",
        "truncated-utf16",
    ],
)
def test_bad_file_is_one_line_and_history_is_kept(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = file_in(name, content)
    line = rejected(capsys, [str(path)], stored)
    assert message in line and str(path) in line


def test_missing_path(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nope" / "NetflixViewingHistory.csv"
    assert rejected(capsys, [str(path)], stored) == f"Error: No such file or folder: {path}"


def test_folder_without_history(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    (folder / "CONTENT_INTERACTION" / "ViewingActivity.csv").mkdir(parents=True)  # a folder
    (folder / "CONTENT_INTERACTION" / "Ratings.csv").write_text(RATINGS_HEADER + "\n")
    (folder / "notes.txt").write_text("hello")
    line = rejected(capsys, [str(folder)], stored)
    assert line == f"Error: {folder} holds no NetflixViewingHistory.csv or ViewingActivity.csv."


def test_not_a_file_or_folder(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "NetflixViewingHistory.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    assert rejected(capsys, [str(fifo)], stored) == f"Error: {fifo} is not a file or folder."


def test_name_too_long(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ("x" * 300 + ".csv")
    assert "File name too long" in rejected(capsys, [str(path)], stored)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\nHeat,01-02-23\n")
    path.chmod(0)
    assert "Permission denied" in rejected(capsys, [str(path)], stored)


def test_markup_in_a_path_is_printed_as_is(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "[/old]" / "[bold]history.csv"
    assert rejected(capsys, [str(path)], stored) == f"Error: No such file or folder: {path}"


def test_too_large_file(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(netflix_export, "MAX_MEMBER_BYTES", 2**20)
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\n" + b"Heat,01-02-23\n" * 80_000)
    line = rejected(capsys, [str(path)], stored)
    assert line == f"Error: {path} is too large to be a viewing history (over 1 MB)."


def test_unknown_profile_lists_the_profiles(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = file_in("ViewingActivity.csv", ACTIVITY.encode())
    line = rejected(capsys, [str(path), "--profile", "Cy"], stored)
    assert line == "Error: No profile 'Cy' in this export (profiles: 'Ann', 'Bob')."
    line = rejected(capsys, [str(path)], stored)
    assert line.endswith("choose one with --profile: 'Ann', 'Bob'.")


def test_profile_of_a_simple_export_is_refused(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\nHeat,01-02-23\n")
    line = rejected(capsys, [str(path), "--profile", "Ann"], stored)
    assert line.startswith("Error: No profile 'Ann' in this export: it names no profiles")


def test_title_that_matches_nothing_is_reported(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\nZzyzx Road To Nowhere,01-02-23\n")
    out = imported(capsys, [str(path)])
    assert "Read 1 rows: kept 1 viewings (1 new), skipped 0." in out
    assert "Unmatched, most watched first: Zzyzx Road To Nowhere (1)" in out
    assert stored_files() != stored


# --- Encodings and line endings that must simply work ---------------------------------------

ACCENTED = "Title,Date\nÉlite: Temporada 1: Bienvenidos,28/06/2023\nCafé Society,01/02/2023\n"


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("utf-16-le-bom", codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le")),
        ("utf-16-be-bom", codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be")),
        ("utf-16-be", ACCENTED.encode("utf-16-be")),
        ("utf-16-le", ACCENTED.encode("utf-16-le")),
        ("utf-8-bom", ACCENTED.encode("utf-8-sig")),
        ("latin-1", ACCENTED.encode("latin-1")),
        ("cp1252", ACCENTED.replace("Society", "Society’s").encode("cp1252")),
        ("crlf", ACCENTED.replace("\n", "\r\n").encode()),
        ("cr", ACCENTED.replace("\n", "\r").encode()),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_encodings_and_line_endings(
    bundled: Path, file_in: Callable[[str, bytes], Path], encoding: str, content: bytes
) -> None:
    path = file_in("NetflixViewingHistory.csv", content)
    result = read_export(path)
    society = "Café Society’s" if encoding == "cp1252" else "Café Society"
    assert [v.title for v in result.viewings] == ["Élite: Temporada 1: Bienvenidos", society]
    assert [v.when for v in result.viewings] == [datetime(2023, 6, 28), datetime(2023, 2, 1)]
    assert run(["import-history", str(path)]) == 0


def test_quoted_line_breaks_stay_in_the_title(file_in: Callable[[str, bytes], Path]) -> None:
    path = file_in("NetflixViewingHistory.csv", b'Title,Date\r\n"Two\rLines",01-02-23\r\n')
    assert [v.title for v in read_export(path).viewings] == ["Two\rLines"]


# --- Zips: traversal names, bombs, thousands of members, damage -----------------------------


def zip_with(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_zip_with_parent_paths_writes_nothing(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simple = b"Title,Date\nHeat,01-02-23\n"
    archive = zip_with(
        tmp_path / "deep" / "down" / "export.zip",
        {
            "../../../../escaped/NetflixViewingHistory.csv": simple,
            "/tmp/escaped-absolute/Ratings.csv": RATINGS_HEADER.encode() + b"\nA,Heat,,,3,,,\n",
            "..\\..\\escaped-windows\\evil.txt": b"x",
        },
    )
    outside = tree(tmp_path) - {"home"}
    cwd = set(os.listdir())
    out = imported(capsys, [str(archive)])
    assert "Read 1 rows: kept 1 viewings (1 new), skipped 0, 1 ratings." in out
    assert {p for p in tree(tmp_path) if not p.startswith("home")} == {
        p for p in outside if not p.startswith("home")
    }
    assert set(os.listdir()) == cwd
    assert not Path("/tmp/escaped-absolute").exists()
    assert not (tmp_path.parent / "escaped").exists()


def test_zip_with_parent_paths_and_bad_content(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = zip_with(
        tmp_path / "z" / "export.zip", {"../../NetflixViewingHistory.csv": b"\x00\x01"}
    )
    line = rejected(capsys, [str(archive)], stored)
    assert line == f"Error: {archive} (../../NetflixViewingHistory.csv) is not a text file."
    assert not (tmp_path / "NetflixViewingHistory.csv").exists()


def _patch_sizes(archive: Path, size: int) -> None:
    """Make every member of ARCHIVE declare SIZE bytes uncompressed (local and central)."""
    raw = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.find(signature)
        while at >= 0:
            raw[at + offset : at + offset + 4] = struct.pack("<I", size)
            at = raw.find(signature, at + 4)
    archive.write_bytes(bytes(raw))


def test_zip_bomb_declaring_too_much(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 210 MB of one repeated row deflate to about 200 KB: the declared size gives it away.
    archive = tmp_path / "bomb.zip"
    block = b"Heat,01-02-23\n" * (2**20 // 14)
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb,
        bomb.open("NetflixViewingHistory.csv", "w") as member,
    ):
        member.write(b"Title,Date\n")
        for _ in range(netflix_export.MAX_MEMBER_BYTES // len(block) + 10):
            member.write(block)
    assert archive.stat().st_size < 2 * 2**20
    line = rejected(capsys, [str(archive)], stored)
    assert line == (
        f"Error: {archive} (NetflixViewingHistory.csv) is too large to be a viewing history "
        "(over 200 MB)."
    )


def test_zip_bomb_lying_about_its_size(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = zip_with(
        tmp_path / "liar.zip", {"NetflixViewingHistory.csv": b"Title,Date\n" + bytes(50 * 2**20)}
    )
    _patch_sizes(archive, 100)  # inflating stops at the size declared, and the CRC fails
    assert "is not a readable zip file" in rejected(capsys, [str(archive)], stored)


def test_zip_member_over_a_lowered_limit(
    stored: dict[str, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(netflix_export, "MAX_MEMBER_BYTES", 2**20)
    archive = zip_with(
        tmp_path / "big.zip", {"a/NetflixViewingHistory.csv": b"Heat,01-02-23\n" * 80_000}
    )
    assert "is too large to be a viewing history (over 1 MB)" in rejected(
        capsys, [str(archive)], stored
    )


def test_zip_with_thousands_of_members(
    stored: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = {f"junk/{n:05}.txt": b"x" for n in range(5000)}
    archive = zip_with(tmp_path / "junk.zip", junk, zipfile.ZIP_STORED)
    start = time.perf_counter()
    line = rejected(capsys, [str(archive)], stored)
    assert line == f"Error: {archive} holds no NetflixViewingHistory.csv or ViewingActivity.csv."
    junk["netflix/NetflixViewingHistory.csv"] = b"Title,Date\nHeat,01-02-23\n"
    archive = zip_with(tmp_path / "junk-and-history.zip", junk, zipfile.ZIP_STORED)
    assert "Read 1 rows" in imported(capsys, [str(archive)])
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    ("damage", "method"),
    [
        ("deflate-stream", zipfile.ZIP_DEFLATED),
        ("bzip2-stream", zipfile.ZIP_BZIP2),
        ("lzma-stream", zipfile.ZIP_LZMA),
        ("encrypted", zipfile.ZIP_DEFLATED),
        ("unknown-method", zipfile.ZIP_DEFLATED),
        ("truncated", zipfile.ZIP_DEFLATED),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_damaged_zip(
    stored: dict[str, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: str,
    method: int,
) -> None:
    archive = zip_with(
        tmp_path / "export.zip",
        {"NetflixViewingHistory.csv": b"Title,Date\nHeat,01-02-23\n" * 99},
        method,
    )
    raw = bytearray(archive.read_bytes())
    central = raw.find(b"PK\x01\x02")
    data = 30 + len("NetflixViewingHistory.csv")
    if damage.endswith("-stream"):
        raw[data : data + 16] = b"\xff" * 16
    elif damage == "encrypted":
        raw[6] |= 1
        raw[central + 8] |= 1
    elif damage == "unknown-method":
        raw[8] = raw[central + 10] = 99
    else:
        raw = raw[: central - 10] + raw[central:]
    archive.write_bytes(bytes(raw))
    line = rejected(capsys, [str(archive)], stored)
    assert line.startswith(f"Error: {archive} ") and "zip" in line


# --- A million rows ------------------------------------------------------------------------


def write_simple(path: Path, rows: int) -> None:
    """ROWS viewings of TITLES, newest first as Netflix writes them, 300 a day."""
    start = date(2015, 1, 1)
    days = [f"{start + timedelta(days=d):%d-%m-%y}" for d in range(rows // 300 + 1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Title,Date\n")
        handle.writelines(
            f"{TITLES[i % len(TITLES)]},{days[i // 300]}\n" for i in range(rows - 1, -1, -1)
        )


def test_progress_is_reported_for_long_files(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    write_simple(path, 3 * PROGRESS_EVERY + 5)
    calls: list[tuple[int, int]] = []
    result = read_export(path, lambda done, total: calls.append((done, total)))
    assert len(result.viewings) == 3 * PROGRESS_EVERY + 5
    assert [done for done, _ in calls] == [
        PROGRESS_EVERY,
        2 * PROGRESS_EVERY,
        3 * PROGRESS_EVERY,
        3 * PROGRESS_EVERY + 5,
    ]
    assert all(total >= done for done, total in calls) and calls[-1][1] == 3 * PROGRESS_EVERY + 5
    assert run(["import-history", str(path)]) == 0
    assert "reading history" in capsys.readouterr().err
    write_simple(path, PROGRESS_EVERY - 1)
    calls.clear()
    read_export(path, lambda done, total: calls.append((done, total)))
    assert calls == []  # a short file never shows a bar


def test_a_million_rows(tmp_path: Path) -> None:
    """The whole command on a million-row NetflixViewingHistory.csv (the shipped catalogue), in
    a process of its own. Its time and memory are measured in benchmarks/big_history.py."""
    path = tmp_path / "NetflixViewingHistory.csv"
    write_simple(path, 1_000_000)
    env = {**os.environ, paths.HOME_ENV: str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "moviefinder", "import-history", str(path), "--force"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Read 1000000 rows: kept 1000000 viewings (1000000 new), skipped 0." in done.stdout


# --- Forgiving imports (issue 16): a bad row never rejects a history ---------------------------


def test_one_bad_row_is_reported_by_line_and_the_rest_imported(
    bundled: Path, file_in: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = HISTORIES / "us-simple" / "NetflixViewingHistory.csv"
    if not source.is_file():
        pytest.skip(f"needs {source}")
    head = source.read_text(encoding="utf-8").splitlines()[:101]  # the header and 100 rows
    path = file_in("x.csv", "\n".join([*head, "Ozark: Season 1: Pilot,13/45/19"]).encode())
    out = " ".join(imported(capsys, [str(path)]).split())
    assert "Read 101 rows: kept 100 viewings (100 new), skipped 1." in out
    assert "skipped 1 unreadable date e.g. line 102: unreadable date '13/45/19'" in out
    good = {line.rsplit(",", 1)[1] for line in head[1:]}
    assert not any(repr(value) in out for value in good)  # only the bad value is quoted


def test_bad_rows_of_a_full_export_are_named_too(
    bundled: Path, file_in: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    broken = ACTIVITY + "Ann,last tuesday,00:30:00,,Dark: Season 1: Secrets,,TV,,,NL\n"
    broken += "Ann,2021-01-06 10:00:00,half an hour,,Dark: Season 1: Lies,,TV,,,NL\n"
    path = file_in("ViewingActivity.csv", broken.encode())
    out = " ".join(imported(capsys, [str(path), "--profile", "Ann"]).split())
    assert "e.g. line 5: unreadable start time 'last tuesday'" in out
    assert "e.g. line 6: unreadable duration 'half an hour'" in out


def test_a_history_with_no_readable_row_is_refused_quoting_a_bad_value(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = file_in("x.csv", b"Title,Date\nHeat,13/45/19\nDark,32/13/20\n")
    line = rejected(capsys, [str(path)], stored)
    assert "Unrecognised date format, e.g. '13/45/19'" in line
    assert parse_simple("Title,Date\nHeat,13/45/19\nDark,01-02-23\n").bad == (
        (2, "unreadable date '13/45/19'"),
    )


@pytest.mark.parametrize(
    ("saved_as", "encode"),
    [
        ("Excel 'Unicode text' (UTF-16, tabs)", lambda t: t.replace(",", "\t").encode("utf-16")),
        ("CSV with ';' (Excel NL/DE)", lambda t: t.replace(",", ";").encode("utf-8-sig")),
    ],
)
def test_spreadsheet_saved_exports_import(
    bundled: Path,
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
    saved_as: str,
    encode: Callable[[str], bytes],
) -> None:
    source = HISTORIES / "nl-simple" / "NetflixViewingHistory.csv"
    if not source.is_file():
        pytest.skip(f"needs {source}")
    text = source.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    # titles holding a delimiter would need quoting (a spreadsheet does it): left out here
    plain = "\n".join(",".join(r) for r in rows if not any(d in c for c in r for d in ",;\t"))
    original = parse_simple(plain)
    path = file_in("NetflixViewingHistory.csv", encode(plain))
    assert read_export(path).viewings == original.viewings, saved_as
    assert len(original.viewings) > 100
    assert f"kept {len(original.viewings)} viewings" in imported(capsys, [str(path)])


def test_titles_with_escape_sequences_or_no_end_print_safely(
    bundled: Path, file_in: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Clear screen, colours, a hyperlink, a right-to-left override and a 100,000-character
    title: `import-history` and `history` print them without control characters, cut short."""
    evil = [
        "Clear\x1b[2JScreen",
        "\x1b[31mRed\x1b[0m Title",
        "\x1b]8;;http://evil.example\x1b\\Click\x1b]8;;\x1b\\",
        "Right\u202eto left",
        "Long " + "x" * 100_000,
    ]
    rows = "".join(f'"{title}",01-02-23\n' for title in evil)
    path = file_in("NetflixViewingHistory.csv", ("Title,Date\n" + rows).encode())
    for argv in (["import-history", str(path)], ["history"]):
        assert run(argv) == 0
        out = capsys.readouterr().out
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out), argv
        assert "x" * 300 not in out and "Clear" in out and "Screen" in out, argv


def test_the_data_directory_is_private(
    bundled: Path, home: Path, file_in: Callable[[str, bytes], Path]
) -> None:
    """A history is its owner's: the data directory is closed to others (0700), and what an
    import writes is not readable by them either, even in a folder made open before."""
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o755)
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\nHeat,01-02-23\n")
    caller = os.umask(0o022)
    assert run(["import-history", str(path)]) == 0
    assert os.umask(caller) == 0o022  # the caller's umask again after the command
    assert home.stat().st_mode & 0o777 == 0o700
    written = [p for p in paths.history_dir().rglob("*") if p.is_file()]
    assert written and all(p.stat().st_mode & 0o077 == 0 for p in written)


def test_a_full_disk_is_one_line_and_the_history_is_kept(
    stored: dict[str, bytes],
    file_in: Callable[[str, bytes], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)  # every write goes through one
    path = file_in("NetflixViewingHistory.csv", b"Title,Date\nHeat,01-02-23\n")
    line = rejected(capsys, [str(path)], stored)
    assert "The disk is full" in line and "free some space and run it again" in line


# --- No silent merges (issue 16, item 11) ----------------------------------------------------


def test_importing_a_second_profile_says_their_taste_mixes(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = HISTORIES / "nl-full-export"
    if not export.is_dir():
        pytest.skip(f"needs {export}")
    profiles = sorted(read_export(export).profiles)
    assert len(profiles) >= 2
    first = imported(capsys, [str(export), "--profile", profiles[0]])
    assert "holds the profiles" not in first
    second = " ".join(imported(capsys, [str(export), "--profile", profiles[1]]).split())
    named = ", ".join(f"'{p}'" for p in profiles[:2])
    assert f"Your history now holds the profiles {named}: their viewings make one taste." in second
    again = imported(capsys, [str(export), "--profile", profiles[1], "--replace"])
    assert "holds the profiles" not in again  # kept apart again


def test_linking_a_title_the_history_does_not_hold_is_refused(
    stored: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["history", "link", "Not in my history", "t:2"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "'Not in my history' is not a title in your history" in err
    assert stored_files() == stored


def test_history_lists_every_title_on_request(
    stored: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["history", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    titles = listed["titles"]
    assert listed["viewings"] > 0 and len(titles) > 20
    assert run(["history"]) == 0
    out = capsys.readouterr().out
    assert f"… and {len(titles) - 20} more: `moviefinder history --all` lists them" in " ".join(
        out.split()
    )
    assert run(["history", "--all"]) == 0
    out = capsys.readouterr().out
    assert "more: `moviefinder history --all`" not in out
    assert titles[-1]["title"].split()[0] in out  # the least watched is there too
    assert run(["history", "--unmatched", "--json"]) == 0
    unmatched = json.loads(capsys.readouterr().out)["titles"]
    assert unmatched == [t for t in titles if t["id"] is None]


def test_a_file_that_is_no_netflix_history_is_refused_before_anything_is_stored(
    home: Path, file_in: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Over the shipped catalogue (13,000 titles) a real history matches about half; a list of
    something else with the same columns matches nothing and is not stored unless --force."""
    books = "".join(f'"Book of Quiet Things, Volume {n}",0{1 + n % 9}-01-23\n' for n in range(30))
    path = file_in("NetflixViewingHistory.csv", ("Title,Date\n" + books).encode())
    assert run(["import-history", str(path)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "Only 0 of the 30 titles in NetflixViewingHistory.csv match the catalogue" in err
    assert "Nothing was stored; --force imports it anyway." in err
    assert stored_files() == {}
    assert run(["import-history", str(path), "--force"]) == 0
    assert stored_files()


# --- Big histories stay fast and visible (issue 16, item 3) ----------------------------------


@pytest.fixture
def watched(bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A history of the small catalogue's titles imported (episodes, films, unknown titles)."""
    path = tmp_path / "NetflixViewingHistory.csv"
    write_simple(path, 2_000)
    assert run(["import-history", str(path)]) == 0
    capsys.readouterr()
    return path


def asked(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run(["ask", "space rocket", "--any-region", "--include-watched", *args]) == 0
    return capsys.readouterr().out


def test_ask_and_explain_read_the_digest_not_every_viewing(
    watched: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moviefinder.storage import journal

    before = asked(capsys, "--json")
    assert json.loads(before)["results"][0]["taste_score"] is not None  # a taste was made
    assert run(["explain", "Heat"]) == 0
    explained = capsys.readouterr().out

    def whole_history() -> None:
        raise AssertionError("the whole history was read")

    monkeypatch.setattr(journal, "load_journal", whole_history)
    assert asked(capsys, "--json") == before
    assert run(["explain", "Heat"]) == 0
    assert capsys.readouterr().out == explained


def test_the_digest_follows_the_history_and_the_catalogue(
    watched: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moviefinder.storage import digest, journal
    from tests.conftest import TITLES as CATALOGUE

    catalog = Catalog.of("default", CATALOGUE)
    made = digest.current(catalog)
    assert made is not None and 4 in made.watched  # Heat, row 4, was watched
    assert run(["rate", "Heat", "dislike"]) == 0  # rating makes it again
    capsys.readouterr()
    rated = digest.current(catalog)
    assert rated is not None
    assert [s.thumbs for s in rated.summary.seen if s.row == 4] == [1]
    before = asked(capsys, "--json")
    path = paths.history_dir() / digest.DIGEST_FILE
    path.write_bytes(path.read_bytes()[:50])  # damaged: only a derived file, made again
    assert asked(capsys, "--json") == before
    assert digest.current(catalog) == rated
    reads: list[int] = []
    load = journal.load_journal
    monkeypatch.setattr(journal, "load_journal", lambda: reads.append(1) or load())
    monkeypatch.setattr(paths, "catalog_stamp", lambda name: "another version")
    assert asked(capsys, "--json") == before and reads == [1]  # a new catalogue: made again
    assert asked(capsys, "--json") == before and reads == [1]  # and then kept


def test_every_step_of_a_long_import_shows_progress(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moviefinder.app import history
    from moviefinder.core.matching import Matcher
    from tests.conftest import TITLES as CATALOGUE

    rows = PROGRESS_EVERY + 7
    path = tmp_path / "NetflixViewingHistory.csv"
    lines = [f"The Last Kingdom: Season 1: Episode {i},{1 + i % 28:02}-02-21" for i in range(rows)]
    path.write_text("Title,Date\n" + "\n".join(lines) + "\n", encoding="utf-8")
    shows: list[str] = []
    look_up = Matcher._match_show

    def counted(self: Matcher, show: str, *args: object) -> object:
        shows.append(show)
        return look_up(self, show, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Matcher, "_match_show", counted)
    calls: dict[str, list[tuple[int, int]]] = {}

    def stage(name: str) -> Callable[[int, int], None]:
        return lambda done, total: calls.setdefault(name, []).append((done, total))

    report = history.import_history(path, Catalog.of("default", CATALOGUE), stages=stage)
    assert report.matched_titles == 1 and report.kept == rows
    assert list(calls) == ["reading history", "matching titles", "saving", "summing up"]
    assert all(steps[-1] == (rows, rows) for steps in calls.values())
    assert shows == ["The Last Kingdom"]  # 10,007 episodes, one show looked up once
