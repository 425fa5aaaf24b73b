"""The Kaggle "TMDB 5000 Movie Dataset": tmdb_5000_movies.csv (movies only)."""

from __future__ import annotations

import json
import re
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

PREFIX: Final = "tmdb:movie:"
COLUMNS: Final = {
    "id",
    "title",
    "original_title",
    "genres",
    "keywords",
    "overview",
    "release_date",
    "runtime",
    "production_countries",
    "spoken_languages",
    "vote_average",
    "vote_count",
    "popularity",
}


def _names(text: str, key: str = "name") -> tuple[str, ...]:
    """Values of KEY in the file's JSON lists, e.g. '[{"id": 28, "name": "Action"}]'."""
    try:
        value = json.loads(text) if text.strip() else []
        if not isinstance(value, list):
            return ()
        names = (str(v[key]).strip() for v in value if isinstance(v, dict) and v.get(key))
        return tuple(name for name in names if storable(name))
    # ValueError covers bad JSON and numbers of thousands of digits; deep nesting recurses.
    except (ValueError, RecursionError):
        return ()


def read_tmdb5000(path: Path, descriptions: bool = False) -> Imported:
    """Titles from tmdb_5000_movies.csv; overview and tagline become the synopsis only if
    DESCRIPTIONS. Rows without a numeric id or a title are skipped with their line number."""
    titles, lines, skipped = [], [], []
    for line, row in read_csv_rows(path, COLUMNS):
        tmdb_id, name = row["id"].strip(), row["title"].strip()
        if not re.fullmatch(r"[0-9]{1,9}", tmdb_id) or not name:
            skipped.append((line, "no numeric id or no title"))
            continue
        year = row["release_date"].strip()[:4]
        original = row["original_title"].strip()
        synopsis = " ".join(
            p for p in (row["overview"].strip(), row.get("tagline", "").strip()) if p
        )
        lines.append(line)
        titles.append(
            Title(
                id=PREFIX + tmdb_id,
                title=name,
                type="movie",
                year=int(year) if year.isascii() and year.isdigit() else None,
                alt_titles=(original,) if original and original != name else (),
                runtime=whole(row["runtime"]) or None,
                genres=tuple(dict.fromkeys(genre_name(g) for g in _names(row["genres"]))),
                countries=_names(row["production_countries"], "iso_3166_1"),
                languages=_names(row["spoken_languages"], "iso_639_1"),
                keywords=_names(row["keywords"]),
                synopsis=synopsis if descriptions else "",
                tmdb_id=int(tmdb_id),
                tmdb_score=number(row["vote_average"]),
                tmdb_popularity=number(row["popularity"]),
                tmdb_votes=whole(row["vote_count"]),
            )
        )
    return Imported(tuple(titles), tuple(lines), tuple(skipped))
