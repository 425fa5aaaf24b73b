"""Sync a catalogue with what TMDB lists on Netflix in one region.

The listing is cheap (20 titles a request); details cost a request per title, so they are
fetched only for titles that are new or whose listing moved, and each fetched title is appended
to a checkpoint at once: a sync that is interrupted picks up where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from moviefinder.core.availability import Availability
from moviefinder.core.catalog import Title
from moviefinder.core.errors import ServiceError
from moviefinder.sources.importers.generic import title_from
from moviefinder.sources.importers.tmdb_api import GoneError, TmdbClient, id_prefix
from moviefinder.storage.files import atomic_file

if TYPE_CHECKING:  # the store's imports (pyarrow, numpy) are not needed to sync
    from moviefinder.core.progress import Progress

SERVICE: Final = "netflix"
SOURCE: Final = "tmdb-watch-providers"


@dataclass(frozen=True)
class SyncResult:
    """The catalogue after a sync, and what changed.

    ``titles`` keeps every previous title (those that left the region too) and adds the new
    ones; ``availability`` keeps every previous record but this region's TMDB ones, which are
    replaced by today's. Counts: ``added`` listed and new; ``updated`` listed, known, details
    fetched again because the listing moved; ``unchanged`` listed, known, details reused;
    ``retired`` listed here before, not now; ``fetched`` details requests made by this run
    (an interrupted run's are in the checkpoint).
    """

    titles: tuple[Title, ...]
    availability: tuple[Availability, ...]
    added: int
    updated: int
    unchanged: int
    retired: int
    fetched: int
    #: Listed titles whose details TMDB no longer has (deleted or merged): left out.
    gone: tuple[str, ...] = ()
    #: Kinds TMDB listed past its 500-page cap: their unseen titles were not retired.
    capped: tuple[str, ...] = ()


def sync_catalog(
    client: TmdbClient,
    region: str,
    previous_titles: Sequence[Title],
    previous_availability: Iterable[Availability],
    checkpoint_path: Path,
    today: date,
    progress: Progress | None = None,
    keep_checkpoint: bool = False,
) -> SyncResult:
    """What TMDB lists on Netflix in REGION today, merged into the previous catalogue.

    Details already in CHECKPOINT_PATH (left by an interrupted sync) are not fetched again;
    the checkpoint is deleted once every title is in, unless KEEP_CHECKPOINT: then the caller
    deletes it once the result is saved, so that a crash before that refetches nothing.
    PROGRESS gets (done, total) details.

    Raises:
        ServiceError: TMDB rejected the key, kept failing (the checkpoint keeps what was done),
            or lists nothing in REGION (so a wrong code cannot retire every title).

    Example::

        client = TmdbClient(key)
        result = sync_catalog(client, "NL", titles, records, folder / "sync.jsonl", today)
    """
    region = region.upper()
    listings, capped = client.discover(region)
    if not listings:
        raise ServiceError(f"TMDB lists no Netflix titles in {region}: is the region code right?")
    previous = {title.id: title for title in previous_titles}
    finished = _read_checkpoint(checkpoint_path)
    todo = [
        listing
        for listing in listings
        if listing.id not in finished
        and not (listing.id in previous and listing.matches(previous[listing.id]))
    ]
    if progress is not None:
        progress(0, len(todo))
    gone: list[str] = []
    if todo:
        checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        with checkpoint_path.open("a", encoding="utf-8") as checkpoint:
            for done, listing in enumerate(todo, start=1):
                try:
                    title = client.details(listing.type, listing.tmdb_id)
                except GoneError:  # listed, but deleted or merged: skipped, not fatal
                    gone.append(listing.id)
                    continue
                checkpoint.write(json.dumps(asdict(title), ensure_ascii=False) + "\n")
                checkpoint.flush()
                finished[listing.id] = title
                if progress is not None:
                    progress(done, len(todo))

    left_out = set(gone)
    listings = [listing for listing in listings if listing.id not in left_out]
    listed = {listing.id: finished.get(listing.id) or previous[listing.id] for listing in listings}
    known = listed.keys() & previous.keys()
    titles = [listed.get(title.id, title) for title in previous_titles]
    titles += [title for id_, title in listed.items() if id_ not in previous]
    unseen = tuple(id_prefix(kind) for kind in capped)
    availability, retired = _availability(previous_availability, listed, region, today, unseen)
    if not keep_checkpoint:
        checkpoint_path.unlink(missing_ok=True)
    return SyncResult(
        titles=tuple(titles),
        availability=availability,
        added=len(listed) - len(known),
        updated=len(known & finished.keys()),
        unchanged=len(known - finished.keys()),
        retired=retired,
        fetched=len(todo),
        gone=tuple(gone),
        capped=capped,
    )


def _availability(
    previous: Iterable[Availability],
    listed: Iterable[str],
    region: str,
    today: date,
    unseen: tuple[str, ...] = (),
) -> tuple[tuple[Availability, ...], int]:
    """Previous records with this region's TMDB ones replaced, and how many titles left; a
    record whose id starts with one of UNSEEN (a kind TMDB listed past its page cap) is kept
    as it was: not seen is not gone."""

    def ours(record: Availability) -> bool:
        return (record.region, record.service, record.source) == (region, SERVICE, SOURCE)

    records = list(previous)
    first_seen = {r.id: r.first_seen for r in records if ours(r)}
    day = today.isoformat()
    fresh = [Availability(i, region, SERVICE, SOURCE, first_seen.get(i, day), day) for i in listed]
    listed_now = {r.id for r in fresh}
    kept = [
        r for r in records if not ours(r) or (r.id.startswith(unseen) and r.id not in listed_now)
    ]
    left = {i for i in first_seen.keys() - listed_now if not i.startswith(unseen)}
    return tuple(kept + fresh), len(left)


def _read_checkpoint(path: Path) -> dict[str, Title]:
    """Titles an interrupted sync finished, the file rewritten without any unreadable line.

    A crash can tear the last line; it is dropped (that title is fetched again) so that the
    next appended title starts on a line of its own.
    """
    if not path.is_file():
        return {}
    titles: dict[str, Title] = {}
    # split("\n"), not splitlines(): a title may hold U+2028, which json.dumps leaves as is
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        try:
            title = title_from(json.loads(line))
        except (ValueError, AttributeError, RecursionError):  # not JSON, an object, a Title
            continue
        titles[title.id] = title
    with atomic_file(path) as handle:
        for title in titles.values():
            handle.write(json.dumps(asdict(title), ensure_ascii=False).encode() + b"\n")
    return titles
