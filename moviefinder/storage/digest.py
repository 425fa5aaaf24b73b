"""The stored history summed up per catalogue title: what `ask` and `explain` read instead of
every viewing, so their time does not grow with the history.

``<data dir>/history/digest.json`` is derived, never the only copy of anything. Its key names
the versions of the history's files and of the catalogue's titles it was made from; when one
has changed, or the file is missing or damaged, it is made again from the history
(:func:`moviefinder.storage.journal.digest`) — after every import, rating and link, and otherwise by
the first search that needs it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from moviefinder.core.taste import Seen, Summary, summarise
from moviefinder.storage import paths
from moviefinder.storage.files import atomic_file, settle, versions

if TYPE_CHECKING:
    from moviefinder.core.availability import Availability
    from moviefinder.core.catalog import Catalog
    from moviefinder.core.viewing import Rating, Viewing

DIGEST_FILE: Final = "digest.json"
#: Raised whenever what a digest holds changes: an older file is then made again.
FORMAT: Final = 1


@dataclass(frozen=True)
class Place:
    """A title watched in a country, first to last day: evidence it was on Netflix there."""

    row: int
    country: str
    first: str
    last: str


@dataclass(frozen=True)
class Digest:
    summary: Summary
    places: tuple[Place, ...]

    @property
    def watched(self) -> frozenset[int]:
        return frozenset(seen.row for seen in self.summary.seen if seen.views)

    def evidence(self, catalog: Catalog) -> list[Availability]:
        """The places as availability records of CATALOG's titles."""
        from moviefinder.core.availability import HISTORY_SOURCE, Availability

        ids = catalog.columns["id"]
        return [
            Availability(str(ids[p.row]), p.country, "netflix", HISTORY_SOURCE, p.first, p.last)
            for p in self.places
        ]


def key(catalog: str) -> dict[str, Any]:
    """What a digest for catalogue CATALOG is made of: the versions of the history's files and
    of the catalogue's titles (a changed catalogue may match other titles)."""
    folder = paths.history_dir()
    settle(folder)  # finish a save that a crash interrupted
    return {
        "catalog": paths.catalog_stamp(catalog),
        "journal": versions(folder / name for name in paths.HISTORY_FILES),
    }


def current(catalog: Catalog) -> Digest | None:
    """The stored digest for CATALOG if it is up to date (else None: it is to be made again)."""
    return read(key(catalog.name), len(catalog))


def make(viewings: Sequence[Viewing], ratings: Sequence[Rating], rows: Mapping[str, int]) -> Digest:
    """The digest of a history's VIEWINGS and RATINGS, whose matched titles ROWS maps to
    catalogue rows."""
    seen: dict[tuple[int, str], tuple[str, str]] = {}
    for viewing in viewings:
        row = rows.get(viewing.title)
        if row is None or not viewing.country:
            continue
        day = viewing.when.date().isoformat()
        first, last = seen.get((row, viewing.country), (day, day))
        seen[(row, viewing.country)] = (min(first, day), max(last, day))
    places = tuple(Place(row, country, *days) for (row, country), days in seen.items())
    return Digest(summarise(viewings, ratings, rows), places)


def read(made_of: Mapping[str, Any], titles: int) -> Digest | None:
    """The stored digest if it was made of MADE_OF (see :func:`key`) for a catalogue of TITLES
    rows; None when it is missing, damaged or out of date (it is then made again)."""
    try:
        document = json.loads(_path().read_bytes())
        if document["key"] != _stored(made_of):
            return None
        seen = tuple(
            Seen(row, views, episodes, days, longest, _when(first), _when(last), thumbs, _when(at))
            for row, views, episodes, days, longest, first, last, thumbs, at in document["seen"]
        )
        places = tuple(Place(*place) for place in document["places"])
        summary = Summary(seen, _when(document["newest"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if any(not 0 <= s.row < titles for s in seen) or any(not 0 <= p.row < titles for p in places):
        return None
    return Digest(summary, places)


def write(made_of: Mapping[str, Any], digest: Digest) -> None:
    """Store DIGEST, made of MADE_OF; where that cannot be written it is made again next time."""
    document = {
        "key": _stored(made_of),
        "newest": _iso(digest.summary.newest),
        "seen": [
            [
                *(s.row, s.views, s.episodes, s.days, s.longest),
                *(_iso(s.first), _iso(s.last), s.thumbs, _iso(s.rated)),
            ]
            for s in digest.summary.seen
        ],
        "places": [[p.row, p.country, p.first, p.last] for p in digest.places],
    }
    try:
        with atomic_file(_path()) as handle:
            handle.write(json.dumps(document, ensure_ascii=False).encode())
    except OSError:
        pass  # a read-only data directory: only a cache


def _path() -> Path:
    return paths.history_dir() / DIGEST_FILE


def _stored(made_of: Mapping[str, Any]) -> Any:
    """MADE_OF as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps({"format": FORMAT, **made_of}))


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
