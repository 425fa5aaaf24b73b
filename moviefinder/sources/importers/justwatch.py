"""The Kaggle "Netflix TV Shows and Movies" list (JustWatch, US, 2023): titles.csv."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final

from moviefinder.core.catalog import Title
from moviefinder.sources.importers.source import (
    Imported,
    genre_name,
    number,
    read_csv_rows,
    storable,
    whole,
)

PREFIX: Final = "jw:"
COLUMNS: Final = {
    "id",
    "title",
    "type",
    "release_year",
    "runtime",
    "genres",
    "production_countries",
    "seasons",
    "imdb_id",
    "imdb_score",
    "imdb_votes",
    "tmdb_popularity",
    "tmdb_score",
}


def _names(text: str) -> tuple[str, ...]:
    """Parse a Python-list string like "['drama', 'crime']" (the file's own format)."""
    try:
        value = ast.literal_eval(text) if text.strip() else []
    # Hostile text fails in more ways than ValueError: "{[1]}" raises TypeError, deep nesting
    # MemoryError or RecursionError.
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(s for v in value if (s := str(v).strip()) and storable(s))


def read_justwatch(path: Path, descriptions: bool = False) -> Imported:
    """Titles from the JustWatch export; the description column is read only if DESCRIPTIONS
    (a user's own catalogue; the shipped one never reads it)."""
    titles, lines, skipped = [], [], []
    for line, row in read_csv_rows(path, COLUMNS):
        if not row["id"].strip() or not row["title"].strip():
            skipped.append((line, "no id or title"))
            continue
        lines.append(line)
        titles.append(
            Title(
                id=PREFIX + row["id"].strip(),
                title=row["title"].strip(),
                type="series" if row["type"].strip().upper() == "SHOW" else "movie",
                year=whole(row["release_year"]),
                runtime=whole(row["runtime"]) or None,
                seasons=whole(row["seasons"]),
                genres=tuple(dict.fromkeys(genre_name(g) for g in _names(row["genres"]))),
                countries=tuple(c.upper() for c in _names(row["production_countries"])),
                imdb_id=row["imdb_id"].strip() or None,
                imdb_score=number(row["imdb_score"]),
                imdb_votes=whole(row["imdb_votes"]),
                tmdb_score=number(row["tmdb_score"]),
                tmdb_popularity=number(row["tmdb_popularity"]),
                synopsis=(row.get("description") or "").strip() if descriptions else "",
            )
        )
    return Imported(tuple(titles), tuple(lines), tuple(skipped))
