"""One module per outside catalogue format; each turns a file into Title records.

:func:`read_catalog_file` picks the reader by name or by looking at the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from moviefinder.errors import InputError

if TYPE_CHECKING:
    from moviefinder.catalog import Title

#: The formats `catalog import` reads, and the columns that identify each CSV kind.
FORMATS: Final = ("netflix-titles", "justwatch", "tmdb5000", "csv", "jsonl")
_SIGNATURES: Final = {
    "netflix-titles": {"show_id", "listed_in"},
    "justwatch": {"production_countries", "imdb_votes", "seasons"},
    "tmdb5000": {"original_title", "vote_count", "overview"},
}


@dataclass(frozen=True)
class Imported:
    """What one file gave: its titles with their line numbers, and the rows skipped as
    (line number, reason)."""

    titles: tuple[Title, ...]
    lines: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()

    def unique(self) -> Imported:
        """The first title of each id; later ones are skipped as duplicates."""
        seen: set[str] = set()
        titles, lines, skipped = [], [], list(self.skipped)
        for title, line in zip(self.titles, self.lines, strict=True):
            if title.id in seen:
                skipped.append((line, f"duplicate id {title.id}"))
                continue
            seen.add(title.id)
            titles.append(title)
            lines.append(line)
        return Imported(tuple(titles), tuple(lines), tuple(sorted(skipped)))


def detect_format(path: Path) -> str:
    """The format of PATH from its extension and, for CSV, its header.

    Raises:
        InputError: missing file, or a file none of the readers knows.
    """
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = set(next(csv.reader(handle), []))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None
    for name, columns in _SIGNATURES.items():
        if columns <= header:
            return name
    if {"id", "title", "type"} <= header:
        return "csv"
    raise InputError(f"Cannot tell the format of {path}: give --format ({', '.join(FORMATS)}).")


def read_catalog_file(path: Path, fmt: str = "auto") -> Imported:
    """Titles from PATH in format FMT (``auto`` detects it), descriptions read as synopses.

    Raises:
        InputError: unknown format, unreadable file, or not one usable row.
    """
    from moviefinder.importers import generic, justwatch, netflix_titles, tmdb5000

    name = detect_format(path) if fmt == "auto" else fmt
    readers = {
        "netflix-titles": netflix_titles.read_netflix_titles,
        "justwatch": justwatch.read_justwatch,
        "tmdb5000": tmdb5000.read_tmdb5000,
        "csv": generic.read_generic_csv,
        "jsonl": generic.read_generic_jsonl,
    }
    if name not in readers:
        raise InputError(f"Unknown format {fmt!r}: use one of auto, {', '.join(FORMATS)}.")
    imported = readers[name](path, descriptions=True).unique()
    if not imported.titles:
        first = (
            f" (line {imported.skipped[0][0]}: {imported.skipped[0][1]})"
            if imported.skipped
            else ""
        )
        raise InputError(f"{path} has no usable {name} row{first}.")
    return imported


#: Genre names as outside files spell them → the names moviefinder uses.
GENRE_NAMES: Final = {
    "documentation": "documentary",
    "scifi": "sci-fi",
    "science fiction": "sci-fi",
}


def genre_name(raw: str) -> str:
    name = raw.strip().lower()
    return GENRE_NAMES.get(name, name)


def read_csv_rows(path: Path, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV that has the REQUIRED columns.

    Raises:
        InputError: missing file, not UTF-8, or required columns absent.
    """
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        try:
            missing = required - set(reader.fieldnames or ())
        except UnicodeDecodeError:
            raise InputError(f"{path} is not UTF-8 text.") from None
        if missing:
            raise InputError(f"{path} lacks column(s): {', '.join(sorted(missing))}.")
        try:
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError:
            raise InputError(f"{path} is not UTF-8 text (line {reader.line_num + 1}).") from None
