"""One module per outside catalogue format; each turns a file into Title records."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from moviefinder.errors import InputError

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
