"""The user's stored viewing history: imports merged without duplicates, ratings, and the
links made by hand from history titles to catalogue titles. It never leaves the data directory.

``<data dir>/history/`` holds ``viewings.jsonl``, ``ratings.jsonl`` and ``links.json``, each
replaced atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from moviefinder import paths
from moviefinder.catalog import Catalog, Title
from moviefinder.errors import CatalogError, InputError
from moviefinder.files import atomic_file
from moviefinder.history import HistoryFile, Rating, Viewing, for_profile, read_export, split_title
from moviefinder.matching import Matcher, TitleMatch

VIEWINGS_FILE: Final = "viewings.jsonl"
RATINGS_FILE: Final = "ratings.jsonl"
LINKS_FILE: Final = "links.json"
MATCHES_FILE: Final = "matches.json"


@dataclass(frozen=True)
class Journal:
    viewings: tuple[Viewing, ...] = ()
    ratings: tuple[Rating, ...] = ()
    links: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """What an import read, kept, skipped and matched."""

    rows: int
    kept: int
    added: int
    skipped: dict[str, int]
    ratings: int
    titles: int
    matched_titles: int
    matched_views: float
    unmatched: tuple[tuple[str, int], ...]


def journal_dir() -> Path:
    return paths.history_dir()


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def load_journal() -> Journal:
    """The stored history (empty before the first import).

    Raises:
        InputError: a stored file is damaged (it names the file).
    """
    folder = journal_dir()
    try:
        viewings = tuple(
            Viewing(
                r["title"],
                datetime.fromisoformat(r["when"]),
                r.get("profile", ""),
                r.get("seconds"),
            )
            for r in _read_lines(folder / VIEWINGS_FILE)
        )
        ratings = tuple(
            Rating(r["title"], int(r["thumbs"]), _when(r.get("when")), r.get("profile", ""))
            for r in _read_lines(folder / RATINGS_FILE)
        )
        links_path = folder / LINKS_FILE
        links = json.loads(links_path.read_text(encoding="utf-8")) if links_path.is_file() else {}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"The stored history in {folder} is damaged ({exc}).") from None
    return Journal(viewings, ratings, dict(links))


def _read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write_lines(path: Path, records: list[dict[str, Any]]) -> None:
    with atomic_file(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")


def save_journal(journal: Journal) -> None:
    folder = journal_dir()
    _write_lines(
        folder / VIEWINGS_FILE,
        [
            {
                "title": v.title,
                "when": v.when.isoformat(),
                "profile": v.profile,
                "seconds": v.seconds,
            }
            for v in journal.viewings
        ],
    )
    _write_lines(
        folder / RATINGS_FILE,
        [
            {
                "title": r.title,
                "thumbs": r.thumbs,
                "when": r.when.isoformat() if r.when else None,
                "profile": r.profile,
            }
            for r in journal.ratings
        ],
    )
    with atomic_file(folder / LINKS_FILE) as handle:
        handle.write(json.dumps(journal.links, ensure_ascii=False, indent=1).encode())


def merge(journal: Journal, export: HistoryFile, replace: bool = False) -> tuple[Journal, int]:
    """JOURNAL with EXPORT's viewings and ratings added once each; links always survive."""
    base = Journal(links=journal.links) if replace else journal
    seen = {(v.profile, v.title, v.when) for v in base.viewings}
    fresh = [v for v in export.viewings if (v.profile, v.title, v.when) not in seen]
    rated = {(r.profile, r.title) for r in export.ratings}
    ratings = tuple(r for r in base.ratings if (r.profile, r.title) not in rated) + export.ratings
    merged = Journal(
        tuple(sorted((*base.viewings, *fresh), key=lambda v: v.when)), ratings, base.links
    )
    return merged, len(fresh)


@dataclass(frozen=True)
class ShowViews:
    """A show (a series counts all its episodes) with its viewings and catalogue match."""

    show: str
    views: int
    match: TitleMatch


def watched_shows(
    viewings: tuple[Viewing, ...], links: dict[str, str], catalog: Catalog
) -> list[ShowViews]:
    """VIEWINGS grouped by show and matched to CATALOG, most watched first."""
    matcher = Matcher(catalog)
    counts = Counter(v.title for v in viewings)
    shows: dict[str, ShowViews] = {}
    for title, count in counts.items():
        match = matcher.match(title, links)
        known = shows.get(match.title)
        if known is None:
            shows[match.title] = ShowViews(match.title, count, match)
        else:
            best = known.match if known.match.matched else match
            shows[match.title] = ShowViews(match.title, known.views + count, best)
    return sorted(shows.values(), key=lambda s: (-s.views, s.show))


def import_history(
    path: Path, catalog: Catalog, profile: str | None = None, replace: bool = False
) -> ImportReport:
    """Read the export at PATH, add it to the stored history and report what happened.

    Raises:
        InputError: unreadable export, or profile trouble (see :func:`history.for_profile`).
    """
    export = for_profile(read_export(path), profile)
    journal, added = merge(load_journal(), export, replace)
    save_journal(journal)
    shows = watched_shows(export.viewings, journal.links, catalog)
    total = sum(s.views for s in shows)
    return ImportReport(
        rows=export.rows,
        kept=len(export.viewings),
        added=added,
        skipped=export.skipped,
        ratings=len(export.ratings),
        titles=len(shows),
        matched_titles=sum(1 for s in shows if s.match.matched),
        matched_views=sum(s.views for s in shows if s.match.matched) / total if total else 0.0,
        unmatched=tuple((s.show, s.views) for s in shows if not s.match.matched),
    )


def link(history_title: str, catalogue_ref: str, catalog: Catalog) -> tuple[str, str]:
    """Tie a history title to a catalogue title by hand; kept across re-imports.

    Raises:
        CatalogError: the catalogue has no such title.
    """
    rows = catalog.find(catalogue_ref)
    if not rows:
        raise CatalogError(f"No catalogue title '{catalogue_ref}' (use an id such as jw:ts36577).")
    title_id = str(catalog.columns["id"][rows[0]])
    journal = load_journal()
    show = split_title(history_title).show
    save_journal(Journal(journal.viewings, journal.ratings, {**journal.links, show: title_id}))
    return show, title_id


def resolve(journal: Journal, catalog: Catalog, stamp: str) -> dict[str, int]:
    """Catalogue row of every matched title in JOURNAL (viewings and ratings).

    Matching a long history takes a second, so the result is kept in ``matches.json`` for the
    catalogue version STAMP and the current links, and only new titles are matched again.
    """
    path = journal_dir() / MATCHES_FILE
    titles = {v.title for v in journal.viewings} | {r.title for r in journal.ratings}
    ids: dict[str, str | None] = {}
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached["stamp"] == stamp and cached["links"] == journal.links:
            ids = dict(cached["ids"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    todo = titles - set(ids)
    if todo:
        found = match_rows(todo, catalog, journal.links)
        ids.update({t: str(catalog.columns["id"][found[t]]) if t in found else None for t in todo})
        record = {"stamp": stamp, "links": journal.links, "ids": ids}
        with atomic_file(path) as handle:
            handle.write(json.dumps(record, ensure_ascii=False).encode())
    row_of = {id_: row for row, id_ in enumerate(catalog.columns["id"])}
    return {t: row_of[i] for t in titles if (i := ids.get(t)) is not None and i in row_of}


def match_rows(
    titles: Iterable[str], catalog: Catalog, links: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Catalogue row of each of TITLES that matches (no cache: for one-off files)."""
    matcher = Matcher(catalog)
    found = {title: matcher.match(title, links) for title in set(titles)}
    return {title: m.row for title, m in found.items() if m.row is not None}


RATINGS: Final = {"dislike": 1, "like": 2, "love": 3}


def rate(catalogue_ref: str, verdict: str, catalog: Catalog) -> Title:
    """Record a like, dislike or love for a catalogue title (``clear`` forgets it).

    Raises:
        CatalogError: no such title.
        InputError: an unknown verdict.
    """
    if verdict not in (*RATINGS, "clear"):
        raise InputError(f"Rate with like, dislike, love or clear — not {verdict!r}.")
    rows = catalog.find(catalogue_ref)
    if not rows:
        raise CatalogError(f"No catalogue title '{catalogue_ref}' (try its id, e.g. jw:ts36577).")
    title = catalog.title(rows[0])
    stored = load_journal()
    kept = tuple(r for r in stored.ratings if r.title != title.title)
    if verdict != "clear":
        kept += (Rating(title.title, RATINGS[verdict], datetime.now().replace(microsecond=0)),)
    save_journal(Journal(stored.viewings, kept, stored.links))
    return title
