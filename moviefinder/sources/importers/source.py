"""An outside catalogue file as read: its text and CSV rows, its cell values, and what one
import gave (:class:`Imported`). Every reader in this package reads through these."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from moviefinder.core.errors import InputError

if TYPE_CHECKING:
    from moviefinder.core.catalog import Title

#: The longest CSV cell read (characters): a synopsis is short; a longer "cell" is not a CSV.
FIELD_LIMIT: Final = 10_000_000
#: The largest whole number a title holds: the store keeps years, runtimes and seasons as
#: 32-bit integers, and no count or id in a catalogue comes near it.
MAX_WHOLE: Final = 2**31 - 1


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


def check_file(path: Path) -> None:
    """Raises InputError unless PATH is a file with something in it."""
    if path.is_dir():
        raise InputError(f"{path} is a folder: give the catalogue file inside it.")
    if not path.is_file():
        raise InputError(f"No such file: {path} — check the path.")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty: give a file with a header row and titles.")


def open_text(path: Path, newline: str = "") -> TextIO:
    """PATH opened as UTF-8 text (a byte order mark is skipped).

    Raises:
        InputError: the file cannot be opened.
    """
    try:
        return path.open(newline=newline, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"Cannot read {path} ({exc.strerror}): check it and its permissions."
        ) from None


def not_utf8(path: Path) -> InputError:
    """The error for PATH, which did not decode as UTF-8: says where and what to do."""
    remedy = "save it as UTF-8 (in Excel: CSV UTF-8) and import it again"
    with path.open("rb") as handle:
        if handle.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            return InputError(f"{path} is UTF-16 text: {remedy}.")
        handle.seek(0)
        # Lines split at b"\n", which never occurs inside a UTF-8 character: the first line that
        # does not decode is the one to fix (the text reader decodes ahead by thousands of bytes).
        for line, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return InputError(f"{path} is not UTF-8 text (line {line}): {remedy}.")
    return InputError(f"{path} is not UTF-8 text: {remedy}.")


def storable(text: str) -> bool:
    """Whether TEXT can be stored: JSON and Python literals may escape half a character
    ("\\ud800"), which no UTF-8 file holds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def number(text: str) -> float | None:
    """TEXT as a finite number; None when empty, not a number, NaN or infinite."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def whole(text: str) -> int | None:
    """TEXT as a whole number a title can hold ("1999", "95.0"); None when it is none, or
    negative, or larger than :data:`MAX_WHOLE`."""
    value = number(text)
    return int(value) if value is not None and 0 <= value <= MAX_WHOLE else None


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

    A row with fewer cells than the header has "" in the rest, so every required column holds
    a string.

    Raises:
        InputError: missing or empty file, not UTF-8, not CSV, or required columns absent.
    """
    check_file(path)
    csv.field_size_limit(FIELD_LIMIT)
    with open_text(path) as handle:
        reader = csv.DictReader(handle, restval="")
        try:
            missing = required - set(reader.fieldnames or ())
            if missing:
                raise InputError(
                    f"{path} lacks column(s): {', '.join(sorted(missing))} — check its header "
                    "row and --format."
                )
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except csv.Error as exc:
            line = reader.line_num + 1  # the row that failed was not counted yet
            raise InputError(
                f"{path} is not a CSV file moviefinder can read (line {line}: {exc}): give a "
                "CSV or JSON lines file."
            ) from None
