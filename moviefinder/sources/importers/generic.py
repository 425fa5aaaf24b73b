"""moviefinder's own catalogue schema, as CSV or JSON lines: one column or key per Title field.

``id``, ``title`` and ``type`` (``movie`` or ``series``) are required; every other field of
:class:`moviefinder.core.catalog.Title` is optional. Lists are JSON arrays in JSON lines and
``|``-separated in CSV (``drama|crime``). Unknown columns are ignored. A row with a missing
required value or a value of the wrong kind is skipped and reported with its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

from moviefinder.core.catalog import LIST_FIELDS, TITLE_TYPES, Title
from moviefinder.sources.importers.source import (
    MAX_WHOLE,
    Imported,
    check_file,
    not_utf8,
    number,
    open_text,
    read_csv_rows,
    storable,
)

REQUIRED: Final = ("id", "title", "type")
_INTS: Final = frozenset({"year", "runtime", "seasons", "tmdb_id", "imdb_votes", "tmdb_votes"})
_FLOATS: Final = frozenset({"imdb_score", "tmdb_score", "tmdb_popularity"})
#: Hours viewed come from Netflix's engagement reports (`catalog evidence` reads those), not
#: from a catalogue file: those columns are ignored like any other unknown one.
_KNOWN: Final = frozenset(f.name for f in fields(Title)) - {"netflix_periods", "netflix_hours"}


def title_from(values: Mapping[str, Any]) -> Title:
    """One row as a Title. Raises ValueError naming the field that is missing or wrong."""
    row: dict[str, Any] = {}
    for key in REQUIRED:
        value = values.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"no {key}")
        row[key] = _text(key, value)
    if row["type"] not in TITLE_TYPES:
        raise ValueError(f"type must be movie or series, not {_shown(row['type'])}")
    for key, value in values.items():
        if key in REQUIRED or key not in _KNOWN or value in (None, ""):
            continue
        row[key] = _value(key, value)
    return Title(**row)


def _value(key: str, value: Any) -> Any:
    if key in LIST_FIELDS:
        items = value.split("|") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"{key} must be a list of strings")
        return tuple(_text(key, i) for i in items if i.strip())
    if key in _INTS:
        try:
            whole = int(str(value))
        except ValueError:
            raise ValueError(f"{key} must be a whole number, not {_shown(value)}") from None
        if not 0 <= whole <= MAX_WHOLE:
            raise ValueError(f"{key} must be between 0 and {MAX_WHOLE}, not {_shown(value)}")
        return whole
    if key in _FLOATS:
        finite = number(str(value))
        if finite is None:
            raise ValueError(f"{key} must be a number, not {_shown(value)}")
        return finite
    if key == "netflix_original":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() not in ("true", "false"):
            raise ValueError(f"netflix_original must be true or false, not {_shown(value)}")
        return str(value).strip().lower() == "true"
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return _text(key, value)


def _text(key: str, value: str) -> str:
    """VALUE stripped, if it can be stored (see :func:`storable`)."""
    if not storable(value):
        raise ValueError(f"{key} holds an unpaired surrogate escape, not text")
    return value.strip()


def _shown(value: Any, limit: int = 40) -> str:
    """VALUE as a message shows it: a whole synopsis pasted into the year column is cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _collect(rows: Iterable[tuple[int, Mapping[str, Any] | str]]) -> Imported:
    titles, lines, skipped = [], [], []
    for line, values in rows:
        if isinstance(values, str):
            skipped.append((line, values))
            continue
        try:
            titles.append(title_from(values))
        except ValueError as exc:
            skipped.append((line, str(exc)))
        else:
            lines.append(line)
    return Imported(tuple(titles), tuple(lines), tuple(skipped))


def read_generic_csv(path: Path, descriptions: bool = True) -> Imported:
    """Titles from a CSV with a header of Title field names (DESCRIPTIONS: the synopsis column
    is the file's own, so it is always read)."""
    return _collect(read_csv_rows(path, set(REQUIRED)))


def read_generic_jsonl(path: Path, descriptions: bool = True) -> Imported:
    """Titles from JSON lines, one object per line with Title field names.

    Raises:
        InputError: missing, empty or unreadable file, or not UTF-8.
    """
    check_file(path)

    def rows() -> Iterator[tuple[int, Mapping[str, Any] | str]]:
        # Lines end at "\n" only: a JSON string may hold U+2028 and the other breaks that
        # str.splitlines() would cut it at.
        with open_text(path, newline="\n") as handle:
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield number, f"not JSON ({exc.msg})"
                        continue
                    except (ValueError, RecursionError):  # thousands of digits, deep nesting
                        yield number, "not JSON moviefinder can read (a huge number or nesting)"
                        continue
                    yield number, value if isinstance(value, dict) else "not a JSON object"
            except UnicodeDecodeError:
                raise not_utf8(path) from None

    return _collect(rows())
