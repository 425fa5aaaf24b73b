"""The Kaggle "Netflix Movies and TV Shows" list (2021): netflix_titles.csv."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from moviefinder.core.catalog import Title
from moviefinder.core.countries import country_code
from moviefinder.sources.importers.source import Imported, read_csv_rows, whole

PREFIX: Final = "nft:"
COLUMNS: Final = {
    "show_id",
    "type",
    "title",
    "director",
    "cast",
    "country",
    "release_year",
    "duration",
    "listed_in",
}

#: Netflix's browse categories → genres; categories that only say "international" map to nothing.
CATEGORY_GENRES: Final[dict[str, tuple[str, ...]]] = {
    "Action & Adventure": ("action", "adventure"),
    "TV Action & Adventure": ("action", "adventure"),
    "Anime Features": ("animation", "anime"),
    "Anime Series": ("animation", "anime"),
    "Children & Family Movies": ("family",),
    "Kids' TV": ("family", "kids"),
    "Classic Movies": ("classic",),
    "Classic & Cult TV": ("classic", "cult"),
    "Cult Movies": ("cult",),
    "Comedies": ("comedy",),
    "TV Comedies": ("comedy",),
    "Stand-Up Comedy": ("comedy", "stand-up"),
    "Stand-Up Comedy & Talk Shows": ("comedy", "stand-up", "talk show"),
    "Crime TV Shows": ("crime",),
    "Documentaries": ("documentary",),
    "Docuseries": ("documentary",),
    "Science & Nature TV": ("documentary", "nature"),
    "Dramas": ("drama",),
    "TV Dramas": ("drama",),
    "Faith & Spirituality": ("faith",),
    "Horror Movies": ("horror",),
    "TV Horror": ("horror",),
    "Independent Movies": ("independent",),
    "LGBTQ Movies": ("lgbtq",),
    "Music & Musicals": ("music",),
    "Reality TV": ("reality",),
    "Romantic Movies": ("romance",),
    "Romantic TV Shows": ("romance",),
    "Sci-Fi & Fantasy": ("sci-fi", "fantasy"),
    "TV Sci-Fi & Fantasy": ("sci-fi", "fantasy"),
    "Sports Movies": ("sport",),
    "Teen TV Shows": ("teen",),
    "Thrillers": ("thriller",),
    "TV Thrillers": ("thriller",),
    "TV Mysteries": ("mystery",),
    "Korean TV Shows": ("korean",),
    "British TV Shows": ("british",),
    "Spanish-Language TV Shows": ("spanish-language",),
}


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def read_netflix_titles(path: Path, descriptions: bool = False) -> Imported:
    """Titles from the Kaggle Netflix list; the description column is read only if DESCRIPTIONS
    (a user's own catalogue; the shipped one never reads it)."""
    titles, lines, skipped = [], [], []
    for line, row in read_csv_rows(path, COLUMNS):
        if not row["show_id"].strip() or not row["title"].strip():
            skipped.append((line, "no show_id or title"))
            continue
        # At most nine ASCII digits: a longer or stranger number is no runtime the store holds.
        duration = re.match(r"\s*([0-9]{1,9})\s*(min|season)", row["duration"], re.IGNORECASE)
        minutes = seasons = None
        if duration:
            amount = int(duration.group(1))
            if duration.group(2).lower() == "min":
                minutes = amount
            else:
                seasons = amount
        genres = [g for cat in _split(row["listed_in"]) for g in CATEGORY_GENRES.get(cat, ())]
        countries = [code for name in _split(row["country"]) if (code := country_code(name))]
        lines.append(line)
        titles.append(
            Title(
                id=PREFIX + row["show_id"].strip(),
                title=row["title"].strip(),
                type="series" if row["type"].strip() == "TV Show" else "movie",
                year=whole(row["release_year"]),
                runtime=minutes,
                seasons=seasons,
                genres=tuple(dict.fromkeys(genres)),
                countries=tuple(dict.fromkeys(countries)),
                directors=_split(row["director"]),
                cast=_split(row["cast"]),
                synopsis=(row.get("description") or "").strip() if descriptions else "",
            )
        )
    return Imported(tuple(titles), tuple(lines), tuple(skipped))
