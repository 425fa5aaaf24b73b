"""moviefinder's own catalogue schema, as CSV or JSON lines: one column or key per Title field.

``id``, ``title`` and ``type`` (``movie`` or ``series``) are required; every other field of
:class:`moviefinder.catalog.Title` is optional. Lists are JSON arrays in JSON lines and
``|``-separated in CSV (``drama|crime``). Unknown columns are ignored. A row with a missing
required value or a value of the wrong kind is skipped and reported with its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

from moviefinder.catalog import LIST_FIELDS, TITLE_TYPES, Title
from moviefinder.errors import InputError
from moviefinder.importers import Imported, read_csv_rows

REQUIRED: Final = ("id", "title", "type")
_INTS: Final = frozenset({"year", "runtime", "seasons", "tmdb_id", "imdb_votes"})
_FLOATS: Final = frozenset({"imdb_score", "tmdb_score", "tmdb_popularity"})
_KNOWN: Final = frozenset(f.name for f in fields(Title))


def title_from(values: Mapping[str, Any]) -> Title:
    """One row as a Title. Raises ValueError naming the field that is missing or wrong."""
    row: dict[str, Any] = {}
    for key in REQUIRED:
        value = values.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"no {key}")
        row[key] = value.strip()
    if row["type"] not in TITLE_TYPES:
        raise ValueError(f"type must be movie or series, not {row['type']!r}")
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
        return tuple(i.strip() for i in items if i.strip())
    if key in _INTS:
        try:
            return int(str(value))
        except ValueError:
            raise ValueError(f"{key} must be a whole number, not {value!r}") from None
    if key in _FLOATS:
        try:
            return float(str(value))
        except ValueError:
            raise ValueError(f"{key} must be a number, not {value!r}") from None
    if key == "netflix_original":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() not in ("true", "false"):
            raise ValueError(f"netflix_original must be true or false, not {value!r}")
        return str(value).strip().lower() == "true"
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value.strip()


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
        InputError: missing file or not UTF-8.
    """
    if not path.is_file():
        raise InputError(f"No such file: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.") from None

    def rows() -> Iterable[tuple[int, Mapping[str, Any] | str]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not JSON ({exc.msg})"
                continue
            yield number, value if isinstance(value, dict) else "not a JSON object"

    return _collect(rows())
