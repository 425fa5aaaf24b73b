"""Catalogue files at their worst: generated garbage for every importer, and named bad inputs
through the command line. Whatever comes in, the outcome is titles with skipped rows or one
InputError line — never a traceback, never a damaged catalogue."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from moviefinder.app import library
from moviefinder.core.catalog import FIELD_NAMES, LIST_FIELDS, TITLE_TYPES, Catalog, title_text
from moviefinder.core.errors import MovieFinderError
from moviefinder.sources.importers import (
    FORMATS,
    MAX_WHOLE,
    Imported,
    justwatch,
    netflix_titles,
    read_catalog_file,
    tmdb5000,
)
from moviefinder.storage import paths, store
from tests.conftest import FUZZ, REPO, FakeEncoder, run

NETFLIX_HEADER = [
    "show_id", "type", "title", "director", "cast", "country", "date_added", "release_year",
    "rating", "duration", "listed_in", "description",
]  # fmt: skip
JUSTWATCH_HEADER = [
    "id", "title", "type", "description", "release_year", "age_certification", "runtime",
    "genres", "production_countries", "seasons", "imdb_id", "imdb_score", "imdb_votes",
    "tmdb_popularity", "tmdb_score",
]  # fmt: skip
TMDB_HEADER = [
    "budget", "genres", "homepage", "id", "keywords", "original_language", "original_title",
    "overview", "popularity", "production_companies", "production_countries", "release_date",
    "revenue", "runtime", "spoken_languages", "status", "tagline", "title", "vote_average",
    "vote_count",
]  # fmt: skip
TMDB_JSON_COLUMNS = {
    "genres", "keywords", "production_companies", "production_countries", "spoken_languages",
}  # fmt: skip
GENERIC_HEADER = [*FIELD_NAMES, "extra"]
assert set(netflix_titles.COLUMNS) <= set(NETFLIX_HEADER)
assert set(justwatch.COLUMNS) <= set(JUSTWATCH_HEADER)
assert set(tmdb5000.COLUMNS) <= set(TMDB_HEADER)

#: Cells people and broken exports really produce, and the ones that broke the importers.
NASTY = [
    "", " ", "nan", "NaN", "inf", "-inf", "1e999", "-1", "-2020", "0", "²", "١٩٩٩", "1_999",
    "99999999999999999999", "9" * 5000, "1999", "1999.5", "2021-03-04", "²⁰²¹-01-01",
    "90 min", "99999999999 min", "3 Seasons", "TV Show", "Movie", "SHOW", "MOVIE", "movie",
    "series", "true", "false", '"', '""', "'", "\n", "\r\n", "\r", ",", ";", "|", "\x00",
    "\u2028", "\ufeff", "ſ", "İ", "tt0111161", "United States, France", "drama|crime",
    "['drama', 'crime']", "['us']", "{[1]}", "[" * 300, "-" * 3000 + "1", "[" + "9" * 5000 + "]",
    '[{"id": 28, "name": "Action"}]', '[{"iso_3166_1": "US", "name": "United States"}]',
    '[{"name": {"nested": [1, 2]}}]', '[{"name": ' + "9" * 5000 + "}]", "[" * 3000 + "]" * 3000,
    '{"name": "not a list"}', "[1, 2, 3]", "[null]", '[{"name": ""}]', "Infinity", "-0",
]  # fmt: skip

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=12)
)
#: Nested values come from a pool: drawing deep structures would take most of the run.
NESTED = [
    [], {}, [[1, [2, [3]]]], {"a": {"b": {"c": None}}}, [{"name": ["x", {"y": 1}]}],
    {"name": "x"}, [None, True, 1.5, "s"], [{"id": 1, "name": "Drama"}, {"name": None}],
    [{"iso_3166_1": "US"}, {"iso_3166_1": 7}, {"iso_639_1": ["en"]}], [[]] * 3, {"": {"": []}},
]  # fmt: skip
JSON_VALUES = SCALARS | st.lists(SCALARS, max_size=3) | st.sampled_from(NESTED)
JSON_POOL = [json.dumps(value) for value in NESTED] + [
    cell for cell in NASTY if cell[:1] in ("[", "{")
]
#: Strings that look like the JSON columns of tmdb_5000_movies.csv, most of them a little wrong.
JSONISH = st.one_of(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "name", "iso_3166_1", "iso_639_1", ""]), SCALARS, max_size=2
        ),
        max_size=3,
    ).map(json.dumps),
    st.sampled_from(JSON_POOL),
    st.tuples(st.sampled_from(JSON_POOL), st.integers(0, 40)).map(lambda t: t[0][: t[1]]),
    st.text(max_size=20),
)
#: Strings like justwatch's Python-list columns, and Python literals that are not lists.
PYLISTISH = st.one_of(
    st.lists(st.text(max_size=10), max_size=3).map(repr),
    JSON_VALUES.map(repr),
    st.tuples(st.lists(st.text(max_size=10), max_size=3).map(repr), st.integers(0, 20)).map(
        lambda t: t[0][: t[1]]
    ),
    st.sampled_from(JSON_POOL),
)
Rows: TypeAlias = st.SearchStrategy[list[list[str] | str]]
CELLS = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats().map(str),
)


#: A plausible row of each format (our own made-up values): fuzzed rows are one of these with
#: a few cells spoiled, so the importers get past their first check and meet the garbage deep.
NETFLIX_ROW = {
    "show_id": "s1", "type": "TV Show", "title": "Some Show", "director": "A. Person",
    "cast": "B. Person, C. Person", "country": "United States, France",
    "date_added": "September 25, 2021", "release_year": "2020", "rating": "TV-MA",
    "duration": "2 Seasons", "listed_in": "Dramas, TV Comedies", "description": "Our words.",
}  # fmt: skip
JUSTWATCH_ROW = {
    "id": "tm1", "title": "Some Film", "type": "MOVIE", "description": "Our words.",
    "release_year": "1999", "age_certification": "R", "runtime": "95",
    "genres": "['drama', 'crime']", "production_countries": "['US']", "seasons": "",
    "imdb_id": "tt0000001", "imdb_score": "7.1", "imdb_votes": "1000",
    "tmdb_popularity": "12.5", "tmdb_score": "7.0",
}  # fmt: skip
TMDB_ROW = {
    "budget": "1", "genres": '[{"id": 18, "name": "Drama"}]', "homepage": "", "id": "101",
    "keywords": '[{"id": 1, "name": "moon"}]', "original_language": "fr",
    "original_title": "La Lune", "overview": "Our words.", "popularity": "12.5",
    "production_companies": "[]", "production_countries": '[{"iso_3166_1": "FR"}]',
    "release_date": "1999-05-01", "revenue": "0", "runtime": "95",
    "spoken_languages": '[{"iso_639_1": "fr"}]', "status": "Released", "tagline": "Up.",
    "title": "Moon Crew", "vote_average": "6.5", "vote_count": "100",
}  # fmt: skip
GENERIC_ROW = {
    "id": "m:1", "title": "Heat", "type": "movie", "year": "1995", "runtime": "170",
    "seasons": "", "tmdb_id": "949", "imdb_votes": "1000", "imdb_score": "8.3",
    "tmdb_score": "7.9", "tmdb_popularity": "50.5", "netflix_original": "false",
    "imdb_id": "tt0113277", "synopsis": "Our words.", "extra": "ignored",
    **dict.fromkeys(LIST_FIELDS, "a|b"),
}  # fmt: skip


def rows_for(
    header: list[str], plausible: dict[str, str], special: dict[str, st.SearchStrategy[str]]
) -> Rows:
    """Rows for a file with HEADER: PLAUSIBLE with a few cells spoiled (SPECIAL strategies for
    some columns, CELLS for the rest), sometimes cut short or run long; or a raw line of text."""
    template = [plausible.get(column, "") for column in header]
    columns = [c for c in header if c in special]
    spoiled = st.tuples(
        st.lists(st.tuples(st.integers(0, len(header) - 1), CELLS), max_size=3),
        st.lists(
            st.tuples(st.sampled_from(columns), st.one_of(*(special[c] for c in columns))),
            max_size=2,
        )
        if columns
        else st.just([]),
    ).map(lambda cells: _spoil(header, template, *cells))
    ragged = st.tuples(spoiled, st.integers(0, len(header) + 2)).map(
        lambda row_size: (row_size[0] + ["extra", "cells"])[: row_size[1]]
    )
    return st.lists(st.one_of(spoiled, ragged, st.text(max_size=60)), max_size=4)


def _spoil(
    header: list[str],
    template: list[str],
    by_index: list[tuple[int, str]],
    by_column: list[tuple[str, str]],
) -> list[str]:
    row = list(template)
    for index, cell in by_index:
        row[index] = cell
    for column, cell in by_column:
        row[header.index(column)] = cell
    return row


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where generated files go (hypothesis reruns a test; a function's tmp_path would not)."""
    return tmp_path_factory.mktemp("fuzz")


def csv_text(header: list[str], rows: list[list[str] | str], crlf: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, str):
            out.write(row + ("\r\n" if crlf else "\n"))
        else:
            writer.writerow(row)
    return out.getvalue()


def outcome(path: Path, fmt: str) -> Imported | None:
    """Import PATH as FMT and check what came out; None when it was refused with one line."""
    try:
        imported = read_catalog_file(path, fmt)
    except MovieFinderError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message
        event("refused")
        return None
    event("imported, some rows skipped" if imported.skipped else "imported every row")
    assert imported.titles and len(imported.lines) == len(imported.titles)
    assert all(line >= 1 for line in imported.lines)
    assert all(line >= 1 and reason for line, reason in imported.skipped)
    assert len({t.id for t in imported.titles}) == len(imported.titles)
    for title in imported.titles:
        assert title.id.strip() and title.title.strip() and title.type in TITLE_TYPES
        for name in ("year", "runtime", "seasons", "tmdb_id", "imdb_votes"):
            value = getattr(title, name)
            assert value is None or (isinstance(value, int) and 0 <= value <= MAX_WHOLE), name
        for name in ("imdb_score", "tmdb_score", "tmdb_popularity"):
            value = getattr(title, name)
            assert value is None or math.isfinite(value), name
        for name in LIST_FIELDS:
            assert all(isinstance(v, str) for v in getattr(title, name)), name
        title_text(title).encode("utf-8")  # what gets embedded can be embedded
    # What was read can be stored: the store's table holds years as 32-bit integers, text as
    # UTF-8 (building it is what fails; writing it to disk each time would double the run).
    columns = Catalog.of("fuzz", imported.titles).columns
    pa.table({n: columns[n] for n in store.TITLE_SCHEMA.names}, schema=store.TITLE_SCHEMA)
    return imported


def put(path: Path, data: bytes) -> Path:
    """PATH holding DATA. A new file each time: on ext4, rewriting a file in place waits for
    the disk (a flush on truncate), which made writing most of the run."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str] | str], crlf: bool) -> Path:
    return put(path, csv_text(header, rows, crlf).encode())


@FUZZ
@given(rows=rows_for(NETFLIX_HEADER, NETFLIX_ROW, {}), crlf=st.booleans())
def test_fuzz_netflix_titles(workdir: Path, rows: list[list[str] | str], crlf: bool) -> None:
    outcome(write_csv(workdir / "netflix.csv", NETFLIX_HEADER, rows, crlf), "netflix-titles")


@FUZZ
@given(
    rows=rows_for(
        JUSTWATCH_HEADER,
        JUSTWATCH_ROW,
        {"genres": PYLISTISH, "production_countries": PYLISTISH},
    ),
    crlf=st.booleans(),
)
def test_fuzz_justwatch(workdir: Path, rows: list[list[str] | str], crlf: bool) -> None:
    outcome(write_csv(workdir / "justwatch.csv", JUSTWATCH_HEADER, rows, crlf), "justwatch")


@FUZZ
@given(
    rows=rows_for(TMDB_HEADER, TMDB_ROW, dict.fromkeys(TMDB_JSON_COLUMNS, JSONISH)),
    crlf=st.booleans(),
)
def test_fuzz_tmdb5000(workdir: Path, rows: list[list[str] | str], crlf: bool) -> None:
    outcome(write_csv(workdir / "tmdb.csv", TMDB_HEADER, rows, crlf), "tmdb5000")


GENERIC_CELLS = {
    "id": st.sampled_from(["m:1", "m:2", "", " "]) | CELLS,
    "title": st.sampled_from(["Heat", ""]) | CELLS,
    "type": st.sampled_from(TITLE_TYPES) | CELLS,
    **dict.fromkeys(LIST_FIELDS, st.lists(CELLS, max_size=3).map("|".join) | CELLS),
}
#: The required columns and a few others, in several orders: headers of people's own files.
GENERIC_HEADERS = [
    ["id", "title", "type"],
    ["type", "title", "id"],
    ["id", "title", "type", "year", "genres", "synopsis", "netflix_original"],
    ["title", "year", "id", "runtime", "imdb_score", "type", "cast", "extra"],
    ["id", "type", "title", "seasons", "tmdb_id", "imdb_votes", "countries", "imdb_id"],
    GENERIC_HEADER,
]


@FUZZ
@given(
    header_rows=st.one_of(
        *(
            st.tuples(st.just(header), rows_for(header, GENERIC_ROW, GENERIC_CELLS))
            for header in GENERIC_HEADERS
        )
    ),
    crlf=st.booleans(),
)
def test_fuzz_generic_csv(
    workdir: Path, header_rows: tuple[list[str], list[list[str] | str]], crlf: bool
) -> None:
    header, rows = header_rows
    outcome(write_csv(workdir / "generic.csv", header, rows, crlf), "csv")


#: JSON values a field of a title may be given: right kinds, wrong kinds, out of range.
FIELD_VALUES = st.one_of(
    st.integers(-10, 3000),
    st.floats(),
    st.text(max_size=8),
    st.lists(st.text(max_size=8), max_size=3),
    st.booleans(),
    st.none(),
    st.sampled_from(NESTED),
    st.sampled_from(NASTY),
)
#: An object with Title's keys, mostly right for the required ones, anything for the rest.
JSONL_OBJECTS = st.tuples(
    st.fixed_dictionaries(
        {
            "id": st.sampled_from(["a", "b", "c", "d", "e", " f ", "", 1, None, ["a"]]),
            "title": st.sampled_from(["A", "B", "Heat", "Amélie", " x ", "", None, ["A"]]),
            "type": st.sampled_from(["movie", "series", "movie", "series", "Movie", "show", 1]),
        }
    ),
    st.dictionaries(st.sampled_from(GENERIC_HEADER[3:]), FIELD_VALUES, max_size=3),
).map(lambda parts: json.dumps({**parts[0], **parts[1]}, ensure_ascii=False))
JSONL_OTHER_LINES = st.one_of(
    JSON_VALUES.map(json.dumps),  # not objects, mostly
    st.sampled_from(
        [
            '{"id": "\\ud800", "title": "half a character", "type": "movie"}',
            '{"id": "a", "title": "x", "type": "movie", "year": ' + "9" * 5000 + "}",
            '{"id": "a", "title": "x", "type": "movie", "cast": ' + "[" * 5000 + "}",
            '{"id": "a", "title": "x", "type": "movie", "imdb_score": NaN}',
            '{"id": "a", "title": "x\u2028y", "type": "movie"}',
            "[1, 2]",
            "",
            "   ",
            "{",
        ]
    ),
    st.text(max_size=60),
)
#: Objects with the other lines somewhere among them.
JSONL_LINES = st.tuples(
    st.lists(JSONL_OBJECTS, min_size=1, max_size=4),
    st.lists(JSONL_OTHER_LINES, max_size=2),
    st.integers(0, 4),
).map(lambda parts: parts[0][: parts[2]] + parts[1] + parts[0][parts[2] :])


@FUZZ
@given(lines=JSONL_LINES, crlf=st.booleans())
def test_fuzz_generic_jsonl(workdir: Path, lines: list[str], crlf: bool) -> None:
    path = workdir / "generic.jsonl"
    outcome(put(path, ("\r\n" if crlf else "\n").join(lines).encode()), "jsonl")


HEADERS = st.sampled_from(
    [NETFLIX_HEADER, JUSTWATCH_HEADER, TMDB_HEADER, GENERIC_HEADER, ["id", "title", "type"]]
)


@FUZZ
@given(
    header=st.one_of(HEADERS, HEADERS.flatmap(st.permutations), st.lists(CELLS, max_size=6)),
    rows=rows_for(["id", "title", "type", "show_id", "listed_in"], GENERIC_ROW, {}),
    bom=st.booleans(),
    suffix=st.sampled_from([".csv", ".txt", ".jsonl", ".CSV", ""]),
)
def test_fuzz_auto_detection(
    workdir: Path, header: list[str], rows: list[list[str] | str], bom: bool, suffix: str
) -> None:
    path = workdir / f"auto{suffix}"
    text = csv_text(header, rows, crlf=False)
    outcome(put(path, (codecs.BOM_UTF8 if bom else b"") + text.encode()), "auto")


@FUZZ
@given(
    prefix=st.sampled_from(
        [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"id,title,type\n", b"\x89PNG\r\n\x1a\n"]
    ),
    data=st.binary(max_size=2000),
    fmt=st.sampled_from(["auto", *FORMATS]),
    suffix=st.sampled_from([".csv", ".jsonl"]),
)
def test_fuzz_random_bytes(
    workdir: Path, prefix: bytes, data: bytes, fmt: str, suffix: str
) -> None:
    path = workdir / f"bytes{suffix}"
    outcome(put(path, prefix + data), fmt)


# --- Named bad inputs through the command line ------------------------------------------------

GOOD = "id,title,type,year\nm:1,Heat,movie,1995\ns:1,Space Dogs,series,2010\n"


@pytest.fixture
def existing(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[[], Any]:
    """Catalogue "x" imported from a good file; returns a snapshot of it to compare after."""
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert run(["catalog", "import", str(good), "--name", "x"]) == 0
    capsys.readouterr()

    def snapshot() -> tuple[dict[str, bytes], str]:
        folder = paths.catalog_dir("x")
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        assert run(["catalog", "info", "--catalog", "x", "--json"]) == 0
        return files, capsys.readouterr().out

    return snapshot


def _bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


BAD_INPUTS: dict[str, tuple[bytes | None, list[str], str]] = {
    # name: (file content, or None for no file; extra arguments; what the one line says)
    "empty": (b"", [], "is empty: give a file with a header row and titles."),
    "header_only": (b"id,title,type\n", [], "has no usable csv row (it has no rows)"),
    "binary": (
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        [],
        "is not UTF-8 text (line 1): save it as UTF-8",
    ),
    "utf16": (_bytes("\ufeff" + GOOD, "utf-16-le"), [], "is UTF-16 text: save it as UTF-8"),
    "latin1": (
        _bytes(GOOD + "m:2,Amélie,movie,2001\n", "latin-1"),
        [],
        "is not UTF-8 text (line 4): save it as UTF-8",
    ),
    "wrong_columns": (b"name,kind,when\nHeat,movie,1995\n", [], "Cannot tell the format of"),
    "missing_required_columns": (
        b"id,title,type\nm:1,Heat,movie\n",
        ["--format", "justwatch"],
        "lacks column(s): genres, imdb_id, imdb_score",
    ),
    "unknown_format": (GOOD.encode(), ["--format", "xml"], "Unknown format 'xml'"),
    "no_json_objects": (b'[1, 2]\n"text"\n', ["--format", "jsonl"], "not a JSON object"),
    "every_row_bad": (
        b"id,title,type\nm:1,,movie\nm:2,Heat,documentary\n",
        [],
        "has no usable csv row (line 2: no title)",
    ),
    "cell_over_ten_million": (
        b'id,title,type\nm:1,"' + b"y" * 10_000_001 + b'",movie\n',
        [],
        "is not a CSV file moviefinder can read (line 2: field larger than field limit",
    ),
    "folder": (None, [], "is a folder: give the catalogue file inside it."),
    "missing_path": (None, [], "No such file:"),
    "bad_name_dotdot": (GOOD.encode(), ["--name", "../x"], "Choose another catalogue name"),
    "bad_name_empty": (GOOD.encode(), ["--name", ""], "Choose another catalogue name than ''"),
    "bad_name_default": (GOOD.encode(), ["--name", "default"], "Choose another catalogue name"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_catalogue_input_is_one_line_and_harmless(
    case: str, existing: Callable[[], Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, extra, message = BAD_INPUTS[case]
    before = existing()
    path = tmp_path / ("folder" if case == "folder" else f"{case}.csv")
    if case == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    args = ["catalog", "import", str(path), "--name", "x", *extra]
    assert run(args) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Error: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == ""
    assert existing() == before  # catalogue "x" is as it was: same files, same info


@pytest.mark.parametrize(
    ("case", "content"),
    [
        ("utf8_bom", codecs.BOM_UTF8 + GOOD.encode()),
        ("crlf", GOOD.replace("\n", "\r\n").encode()),
        ("bom_and_crlf", codecs.BOM_UTF8 + GOOD.replace("\n", "\r\n").encode()),
    ],
)
def test_bom_and_crlf_files_import_like_plain_ones(
    case: str, content: bytes, bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content)
    assert run(["catalog", "import", str(path), "--name", "x"]) == 0
    assert "Imported 2 titles into 'x'." in capsys.readouterr().out
    titles = read_catalog_file(path).titles
    assert [(t.id, t.title, t.year) for t in titles] == [
        ("m:1", "Heat", 1995),
        ("s:1", "Space Dogs", 2010),
    ]


def test_bad_rows_are_reported_by_line_and_good_rows_imported(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id,title,type,year,runtime,imdb_score\n"
        "m:1,Heat,movie,1995,170,8.3\n"
        "m:2,Huge,movie,99999999999,,\n"
        "m:3,Ancient,movie,-5,,\n"
        "m:4,Score,movie,,,NaN\n"
        "m:5,Short row\n"
        '"m:6","Two\nlines",movie,2001,,\n'
        "m:7,Fine,series,2010,,\n",
        encoding="utf-8",
    )
    assert run(["catalog", "import", str(path), "--name", "x"]) == 0
    out = capsys.readouterr().out
    assert "Imported 3 titles into 'x', skipped 4 rows:" in out
    assert "line 3: year must be between 0 and 2147483647, not '99999999999'" in out
    assert "line 4: year must be between 0 and 2147483647, not '-5'" in out
    assert "line 5: imdb_score must be a number, not 'NaN'" in out
    assert "line 6: no type" in out
    titles = read_catalog_file(path).titles
    assert [t.title for t in titles] == ["Heat", "Two\nlines", "Fine"]


#: Imports a file through the command line with the fake encoder, in a process of its own so
#: its peak memory is its own; prints the peak resident size before and after, in KiB.
LARGE_IMPORT = """
import resource, sys
from moviefinder import cli
from tests.conftest import FakeEncoder

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
argv = ["catalog", "import", sys.argv[1], "--name", "large"]
status = cli.run(argv, encoders=lambda model, kind="auto", export=None: FakeEncoder())
print(status, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_a_large_catalogue_imports_in_bounded_memory(home: Path, tmp_path: Path) -> None:
    rows = 200_000
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,title,type\n")
        for i in range(rows):
            handle.write(f"m:{i},Title number {i},{TITLE_TYPES[i % 2]}\n")
    env = {**os.environ, paths.HOME_ENV: str(home), "MOVIEFINDER_MODEL": FakeEncoder.model_id}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LARGE_IMPORT, str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    status, before, after = map(int, done.stdout.split()[-3:])
    assert status == 0 and f"Imported {rows} titles into 'large'." in done.stdout
    growth = (after - before) / 1024  # MiB
    print(f"{rows} rows: {seconds:.1f} s, peak RSS growth {growth:.0f} MiB")
    # Measured: about 500 MiB, 2.5 KiB a row, for titles held as records, columns and a table,
    # and 64-dimensional vectors. The reader streams the file, so the file's size adds nothing.
    assert growth < rows * 5 / 1024
    assert len(library.open_catalog("large")) == rows
