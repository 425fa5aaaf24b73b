"""The default catalogue shipped in ``data/``: how it is regenerated from the outside facts.

``data/notes.jsonl`` is the human-edited source, one title per line in id order: our own
synopsis, keywords, alternative titles and Netflix-original flag. Facts (title, year, type,
runtime, genres, countries, people, ids, scores) come from ``../shared/data/catalogs``;
descriptions there are never read. Regenerate the runtime files with::

    python -m moviefinder.bundled            # reads ../shared/data, writes data/*.parquet

Only titles whose embedded text changed are re-embedded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from moviefinder import availability, paths, store
from moviefinder.catalog import Catalog, Title, normalise_title
from moviefinder.embed import PACKAGED_MODEL, load_encoder
from moviefinder.errors import InputError
from moviefinder.importers.justwatch import read_justwatch
from moviefinder.importers.netflix_titles import read_netflix_titles

NOTES_FILE: Final = "notes.jsonl"
#: When our notes (and so their Netflix-original flags) were last reviewed: the originals' date.
NOTES_REVIEWED: Final = "2026-11-23"
WEEKLY_TOP10: Final = "availability/nl_top10_weekly_2021_2022.tsv"
DAILY_TOP10: Final = "availability/nl_top10_daily_2025_2026.csv"
JUSTWATCH_FILE: Final = "catalogs/netflix_justwatch_2023_titles.csv"
NETFLIX_FILE: Final = "catalogs/netflix_titles.csv"
#: Series in the Kaggle Netflix list carry the year of their latest season, not their first.
SERIES_YEAR_SLACK: Final = 15


@dataclass(frozen=True)
class Note:
    """Our own words about one title."""

    id: str
    title: str
    synopsis: str
    keywords: tuple[str, ...]
    alt_titles: tuple[str, ...]
    netflix_original: bool | None


def read_notes(path: Path) -> list[Note]:
    """Parse notes.jsonl. Raises InputError naming the line of any malformed entry."""
    notes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            notes.append(
                Note(
                    id=raw["id"],
                    title=raw["title"],
                    synopsis=raw.get("synopsis", "").strip(),
                    keywords=tuple(raw.get("keywords", ())),
                    alt_titles=tuple(raw.get("alt_titles", ())),
                    netflix_original=raw.get("netflix_original"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: malformed note ({exc})") from None
    return notes


def write_notes(notes: Iterable[Note], path: Path) -> None:
    """Write notes sorted by id, one per line, so diffs stay reviewable."""
    lines = [
        json.dumps(
            {
                "id": n.id,
                "title": n.title,
                "synopsis": n.synopsis,
                "keywords": list(n.keywords),
                "alt_titles": list(n.alt_titles),
                "netflix_original": n.netflix_original,
            },
            ensure_ascii=False,
        )
        for n in sorted(notes, key=lambda n: n.id)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _year_fits(primary: Title, other: Title) -> bool:
    if primary.year is None or other.year is None:
        return False
    if primary.type == "series":
        return 0 <= other.year - primary.year <= SERIES_YEAR_SLACK
    return abs(other.year - primary.year) <= 1


def merge(primary: list[Title], secondary: list[Title]) -> list[Title]:
    """Merge two title lists: PRIMARY rows keep their id and facts, SECONDARY fills gaps.

    Duplicates are found by imdb id, else normalised title + type + year (exact, then a
    unique same-name candidate whose year fits). Unmatched secondary rows are kept as they are.
    """
    merged: dict[str, Title] = {}
    by_imdb: dict[str, str] = {}
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in primary:
        if t.imdb_id and t.imdb_id in by_imdb:
            continue
        merged[t.id] = t
        if t.imdb_id:
            by_imdb[t.imdb_id] = t.id
        by_name[(normalise_title(t.title), t.type)].append(t.id)
    taken: set[str] = set()
    leftovers = []
    for t in secondary:
        if t.imdb_id and t.imdb_id in by_imdb:
            match: str | None = by_imdb[t.imdb_id]
        else:
            candidates = [
                c for c in by_name.get((normalise_title(t.title), t.type), []) if c not in taken
            ]
            exact = [c for c in candidates if merged[c].year == t.year]
            fitting = [c for c in candidates if _year_fits(merged[c], t)]
            match = exact[0] if exact else fitting[0] if len(fitting) == 1 else None
        if match is None:
            leftovers.append(t)
            continue
        taken.add(match)
        base = merged[match]
        merged[match] = replace(
            base,
            runtime=base.runtime or t.runtime,
            seasons=base.seasons or t.seasons,
            genres=tuple(dict.fromkeys((*base.genres, *t.genres))),
            countries=base.countries or t.countries,
            directors=base.directors or t.directors,
            cast=base.cast or t.cast,
        )
    for t in leftovers:
        merged.setdefault(t.id, t)
    return sorted(merged.values(), key=lambda t: t.id)


def apply_notes(titles: list[Title], notes: Iterable[Note]) -> list[Title]:
    """Attach our own words to the titles they describe.

    Raises:
        InputError: a note names an id that is not in the catalogue.
    """
    by_id = {n.id: n for n in notes}
    unknown = sorted(set(by_id) - {t.id for t in titles})
    if unknown:
        raise InputError(f"notes for unknown id(s): {', '.join(unknown[:5])}")
    out = []
    for t in titles:
        note = by_id.get(t.id)
        if note is not None:
            t = replace(
                t,
                synopsis=note.synopsis,
                keywords=note.keywords,
                alt_titles=note.alt_titles,
                netflix_original=note.netflix_original,
            )
        out.append(t)
    return out


def default_titles(shared: Path, notes: Path) -> list[Title]:
    """Every title of the two shared Netflix catalogues, merged, with our notes applied."""
    titles = merge(
        list(read_justwatch(shared / JUSTWATCH_FILE).titles),
        list(read_netflix_titles(shared / NETFLIX_FILE).titles),
    )
    return apply_notes(titles, read_notes(notes))


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Regenerate the bundled default catalogue.")
    parser.add_argument("--shared", type=Path, default=repo.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=repo / "data")
    args = parser.parse_args(argv)
    titles = default_titles(args.shared, args.out / NOTES_FILE)
    catalog = Catalog.of(paths.DEFAULT_CATALOG, titles)
    store.write_titles(catalog, args.out / paths.TITLES_FILE)
    evidence = availability.top10_records(
        catalog, args.shared / WEEKLY_TOP10, args.shared / DAILY_TOP10
    ) + availability.catalogue_records(catalog, NOTES_REVIEWED)
    availability.write_availability(evidence, args.out / paths.AVAILABILITY_FILE)
    target = args.out / paths.EMBEDDINGS_FILE
    previous = store.read_embeddings(target) if target.is_file() else None

    def progress(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total}", end="", file=sys.stderr, flush=True)

    embeddings, report = store.refresh(catalog, load_encoder(PACKAGED_MODEL), previous, progress)
    store.write_embeddings(embeddings, target)
    print(
        f"\n{report.titles} titles ({sum(1 for t in titles if t.synopsis)} with synopsis); "
        f"embedded {report.embedded}, reused {report.reused}, removed {report.removed}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
