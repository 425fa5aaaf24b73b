"""One module per outside catalogue format; each turns a file into Title records.

:func:`read_catalog_file` picks the reader by name or by looking at the file; the readers
share :mod:`moviefinder.sources.importers.source`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from moviefinder.core.errors import InputError
from moviefinder.sources.importers.source import (
    FIELD_LIMIT,
    MAX_WHOLE,
    Imported,
    check_file,
    not_utf8,
    open_text,
)

__all__ = ["FORMATS", "MAX_WHOLE", "Imported", "detect_format", "read_catalog_file"]

#: The formats `catalog import` reads, and the columns that identify each CSV kind.
FORMATS: Final = ("netflix-titles", "justwatch", "tmdb5000", "csv", "jsonl")
_SIGNATURES: Final = {
    "netflix-titles": {"show_id", "listed_in"},
    "justwatch": {"production_countries", "imdb_votes", "seasons"},
    "tmdb5000": {"original_title", "vote_count", "overview"},
}


def detect_format(path: Path) -> str:
    """The format of PATH from its extension and, for CSV, its header.

    Raises:
        InputError: missing, empty or unreadable file, or a file none of the readers knows.
    """
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson") and path.is_file():
        return "jsonl"
    check_file(path)
    csv.field_size_limit(FIELD_LIMIT)
    with open_text(path) as handle:
        try:
            header = set(next(csv.reader(handle), []))
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except csv.Error as exc:
            raise InputError(
                f"{path} is not a CSV file moviefinder can read ({exc}): give a CSV or JSON lines "
                "file."
            ) from None
    for name, columns in _SIGNATURES.items():
        if columns <= header:
            return name
    if {"id", "title", "type"} <= header:
        return "csv"
    raise InputError(
        f"Cannot tell the format of {path}: give --format ({', '.join(FORMATS)}), or name its "
        "columns id, title, type, …"
    )


def read_catalog_file(path: Path, fmt: str = "auto") -> Imported:
    """Titles from PATH in format FMT (``auto`` detects it), descriptions read as synopses.

    Raises:
        InputError: unknown format, unreadable file, or not one usable row.
    """
    from moviefinder.sources.importers import generic, justwatch, netflix_titles, tmdb5000

    name = detect_format(path) if fmt.lower() == "auto" else fmt.lower()
    readers = {
        "netflix-titles": netflix_titles.read_netflix_titles,
        "justwatch": justwatch.read_justwatch,
        "tmdb5000": tmdb5000.read_tmdb5000,
        "csv": generic.read_generic_csv,
        "jsonl": generic.read_generic_jsonl,
    }
    if name not in readers:
        raise InputError(
            f"Unknown format {fmt!r} for {path}: use one of auto, {', '.join(FORMATS)}."
        )
    imported = readers[name](path, descriptions=True).unique()
    if not imported.titles:
        first = (
            f" (line {imported.skipped[0][0]}: {imported.skipped[0][1]})"
            if imported.skipped
            else " (it has no rows)"
        )
        raise InputError(
            f"{path} has no usable {name} row{first}: fix its rows, or give the right --format."
        )
    return imported
