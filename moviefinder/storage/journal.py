"""The user's stored viewing history: imports merged without duplicates, ratings, and the
links made by hand from history titles to catalogue titles. It never leaves the data directory.

``<data dir>/history/`` holds ``viewings.jsonl``, ``ratings.jsonl`` and ``links.json``,
replaced together (:func:`files.replace_together`): a crash leaves the history as it was before
the command or as it is after, never an import's viewings without its ratings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import msgspec

from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import InputError, Remedy
from moviefinder.core.matching import Matcher, TitleMatch
from moviefinder.core.progress import PROGRESS_EVERY
from moviefinder.core.viewing import HistoryFile, Rating, Viewing
from moviefinder.storage import digest as digests
from moviefinder.storage import paths
from moviefinder.storage.digest import Digest
from moviefinder.storage.files import atomic_file, replace_together, settle

if TYPE_CHECKING:
    from moviefinder.core.progress import Progress

VIEWINGS_FILE, RATINGS_FILE, LINKS_FILE = paths.HISTORY_FILES
MATCHES_FILE: Final = "matches.json"
T = TypeVar("T")


@dataclass(frozen=True)
class Journal:
    viewings: tuple[Viewing, ...] = ()
    ratings: tuple[Rating, ...] = ()
    links: dict[str, str] = field(default_factory=dict)


#: How to get past a damaged history file: the export can always be imported again.
HISTORY_REMEDY: Final = Remedy(
    "move it aside and run", "import-history <your Netflix export> --replace"
)
LINKS_REMEDY: Final = Remedy("fix it, or move it aside (the links made by hand are then lost)")


def load_journal() -> Journal:
    """The stored history (empty before the first import).

    Raises:
        InputError: a stored file is damaged (it names the file, the line and the way out).
    """
    folder = paths.history_dir()
    settle(folder)
    return Journal(
        read_viewings(folder / VIEWINGS_FILE),
        read_ratings(folder / RATINGS_FILE),
        read_links(folder / LINKS_FILE),
    )


def read_viewings(path: Path) -> tuple[Viewing, ...]:
    """The viewings stored in PATH (none without the file). Raises InputError if damaged."""
    return tuple(_records(path, Viewing, HISTORY_REMEDY))


def read_ratings(path: Path) -> tuple[Rating, ...]:
    """The ratings stored in PATH (none without the file). Raises InputError if damaged."""
    return tuple(_records(path, Rating, HISTORY_REMEDY))


def read_links(path: Path) -> dict[str, str]:
    """The links made by hand stored in PATH. Raises InputError if damaged."""
    links = _records(path, dict[str, str], LINKS_REMEDY, whole=True)
    return links[0] if links else {}


def _records(path: Path, shape: type[T], remedy: Remedy, whole: bool = False) -> list[T]:
    """PATH's JSON lines (or, if WHOLE, its one JSON document), each decoded and checked as
    SHAPE by msgspec (field types, required fields, RFC 3339 dates, UTF-8)."""
    if not path.is_file():
        return []
    decode = msgspec.json.Decoder(shape).decode
    number = 0
    try:
        data = path.read_bytes()
        if whole:
            return [decode(data)]
        records = []
        for number, line in enumerate(data.split(b"\n"), 1):  # noqa: B007 (named in errors)
            if line.strip():
                records.append(decode(line))
        return records
    except OSError as exc:
        raise InputError(f"Cannot read {path} ({exc.strerror or exc})", remedy) from None
    except msgspec.DecodeError as exc:  # ValidationError is one: a wrong or missing field
        where = f"line {number}: " if number else ""
        raise InputError(f"{path} is damaged ({where}{exc})", remedy) from None


def _ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    """tick(done) that tells PROGRESS every so many of TOTAL steps (a short run stays quiet)."""
    if progress is None or total < PROGRESS_EVERY:
        return lambda done: None

    def tick(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            progress(done, total)

    return tick


def _write_lines(
    path: Path, records: Sequence[Viewing | Rating], progress: Progress | None = None
) -> None:
    tick = _ticker(progress, len(records))
    encode = msgspec.json.Encoder().encode  # a dataclass's fields in order, dates in RFC 3339
    with atomic_file(path) as handle:
        for done, record in enumerate(records, 1):
            handle.write(encode(record) + b"\n")
            tick(done)


def save_journal(journal: Journal, progress: Progress | None = None) -> None:
    """Replace the stored history with JOURNAL, its three files as one change; PROGRESS hears
    of the viewings written."""
    with replace_together(paths.history_dir()) as new:
        _write_lines(new(VIEWINGS_FILE), journal.viewings, progress)
        _write_lines(new(RATINGS_FILE), journal.ratings)
        with atomic_file(new(LINKS_FILE)) as handle:
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
    viewings: tuple[Viewing, ...],
    links: dict[str, str],
    catalog: Catalog,
    progress: Progress | None = None,
    matcher: Matcher | None = None,
) -> list[ShowViews]:
    """VIEWINGS grouped by show and matched to CATALOG (by MATCHER, if one is at hand), most
    watched first; PROGRESS hears of the titles matched."""
    matcher = matcher or Matcher(catalog)
    counts = Counter(v.title for v in viewings)
    shows: dict[str, ShowViews] = {}
    tick = _ticker(progress, len(counts))
    for done, (title, count) in enumerate(counts.items(), 1):
        tick(done)
        match = matcher.match(title, links)
        known = shows.get(match.title)
        if known is None:
            shows[match.title] = ShowViews(match.title, count, match)
        else:
            best = known.match if known.match.matched else match
            shows[match.title] = ShowViews(match.title, known.views + count, best)
    return sorted(shows.values(), key=lambda s: (-s.views, s.show))


def digest(
    catalog: Catalog,
    progress: Progress | None = None,
    stored: Journal | None = None,
    matcher: Matcher | None = None,
) -> Digest | None:
    """The stored history's digest for CATALOG (see :mod:`moviefinder.storage.digest`), None without
    a history. Read when it is current, else made from STORED (the journal just saved) or
    the stored history, and kept; PROGRESS hears of the titles matched on the way (by MATCHER,
    if one is at hand).

    Raises:
        InputError: the history has to be read and a stored file is damaged.
    """
    if not paths.history_dir().is_dir():
        return None
    key = digests.key(catalog.name)
    found = digests.read(key, len(catalog))
    if found is not None:
        return found
    stored = load_journal() if stored is None else stored
    if not stored.viewings and not stored.ratings:
        return None
    rows = resolve(stored, catalog, key["catalog"], progress, matcher)
    made = digests.make(stored.viewings, stored.ratings, rows)
    digests.write(key, made)
    return made


def resolve(
    journal: Journal,
    catalog: Catalog,
    stamp: str,
    progress: Progress | None = None,
    matcher: Matcher | None = None,
) -> dict[str, int]:
    """Catalogue row of every matched title in JOURNAL (viewings and ratings).

    Matching a long history takes a second, so the result is kept in ``matches.json`` for the
    catalogue version STAMP and the current links, and only new titles are matched again.
    """
    path = paths.history_dir() / MATCHES_FILE
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
        found = match_rows(todo, catalog, journal.links, progress, matcher)
        ids.update({t: str(catalog.columns["id"][found[t]]) if t in found else None for t in todo})
        record = {"stamp": stamp, "links": journal.links, "ids": ids}
        try:
            with atomic_file(path) as handle:
                handle.write(json.dumps(record, ensure_ascii=False).encode())
        except OSError:
            pass  # only a cache: a read-only data directory matches again next time
    row_of = {id_: row for row, id_ in enumerate(catalog.columns["id"])}
    return {t: row_of[i] for t in titles if (i := ids.get(t)) is not None and i in row_of}


def match_rows(
    titles: Iterable[str],
    catalog: Catalog,
    links: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    matcher: Matcher | None = None,
) -> dict[str, int]:
    """Catalogue row of each of TITLES that matches (no cache: for one-off files)."""
    matcher = matcher or Matcher(catalog)
    distinct = set(titles)
    tick = _ticker(progress, len(distinct))
    found = {}
    for done, title in enumerate(distinct, 1):
        tick(done)
        if (row := matcher.match(title, links).row) is not None:
            found[title] = row
    return found
