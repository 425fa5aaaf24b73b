"""The catalogue commands: build embeddings, import a file, sync a region from TMDB, add
evidence, list, describe and remove — each writing through the data directory's commit."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from moviefinder.core.catalog import Catalog, Coverage
from moviefinder.core.errors import (
    REBUILD,
    CatalogError,
    InputError,
)
from moviefinder.models.embed import load_encoder
from moviefinder.storage import paths, snapshot
from moviefinder.storage.files import discard, replace_together, settle

if TYPE_CHECKING:
    from moviefinder.app.context import EncoderFactory
    from moviefinder.core.progress import Progress
    from moviefinder.sources.importers import Imported
    from moviefinder.sources.importers.tmdb_api import TmdbClient
    from moviefinder.sources.sync import SyncResult
    from moviefinder.storage.store import BuildReport, Embeddings
from moviefinder.app.library import availability_path, embeddings_path, open_catalog, read_evidence


def build(
    name: str,
    model: str,
    encoder_kind: str = "auto",
    force: bool = False,
    progress: Progress | None = None,
    encoders: EncoderFactory | None = None,
) -> BuildReport:
    """Embed what is new or changed in catalogue NAME with MODEL; save to the user's data dir.

    Starts from the user's own store, else the shipped one when it used the same model.
    ``force`` starts from nothing (needed to switch models).

    Raises:
        StoreError: the user's store was made with another model and ``force`` is off.
    """
    from moviefinder.storage import (
        store,  # pyarrow: kept off the query path, which uses the snapshot
    )

    embeddings, report = _embed(open_catalog(name), model, encoder_kind, force, progress, encoders)
    store.write_embeddings(embeddings, paths.own_embeddings_file(name))
    return report


def _embed(
    catalog: Catalog,
    model: str,
    encoder_kind: str = "auto",
    force: bool = False,
    progress: Progress | None = None,
    encoders: EncoderFactory | None = None,
) -> tuple[Embeddings, BuildReport]:
    """CATALOG embedded with MODEL (encoded by what ENCODERS makes; None: :func:`load_encoder`),
    reusing the stored vectors of unchanged titles."""
    from moviefinder.storage import store

    encoder = (encoders or load_encoder)(model, encoder_kind)
    own = paths.own_embeddings_file(catalog.name)
    previous = None
    if not force:
        source = embeddings_path(catalog.name)
        if source.is_file():
            previous = store.read_embeddings(source, remedy=REBUILD)
            if source != own and previous.model != encoder.model_id:
                previous = None  # the shipped vectors are for another model: nothing to mix
    return store.refresh(catalog, encoder, previous, progress)


_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class CatalogImport:
    """What `catalog import` did: the rows read and skipped, and the embedding it took."""

    name: str
    imported: Imported
    build: BuildReport


def import_catalog(
    path: Path,
    name: str,
    fmt: str,
    model: str,
    encoder_kind: str = "auto",
    progress: Progress | None = None,
    encoders: EncoderFactory | None = None,
) -> CatalogImport:
    """Read PATH into catalogue NAME (replacing its titles) and embed what is new or changed.
    Titles and embeddings are replaced together: interrupted, the catalogue stays as it was.

    Raises:
        InputError: a bad name, an unreadable file, or no usable row.
    """
    from moviefinder.sources.importers import read_catalog_file
    from moviefinder.storage import store

    _check_name(name)
    imported = read_catalog_file(path, fmt)
    with replace_together(paths.catalog_dir(name)) as new:
        titles = new(paths.TITLES_FILE)
        store.write_titles(Catalog.of(name, imported.titles), titles)
        # Embedded as read back: exactly what every later command will read.
        embeddings, report = _embed(
            store.read_titles(titles, name), model, encoder_kind, False, progress, encoders
        )
        store.write_embeddings(embeddings, new(paths.EMBEDDINGS_FILE))
    return CatalogImport(name, imported, report)


@dataclass(frozen=True)
class CatalogSync:
    """What `catalog sync` did: the sync's counts and the embedding it took."""

    name: str
    region: str
    sync: SyncResult
    build: BuildReport


def sync_catalog(
    name: str,
    region: str,
    client: TmdbClient,
    model: str,
    encoder_kind: str = "auto",
    progress: Progress | None = None,
    encoders: EncoderFactory | None = None,
) -> CatalogSync:
    """Bring catalogue NAME up to date with what TMDB lists on Netflix in REGION, then embed
    what is new or changed. Titles, availability and embeddings are replaced together at the
    end; until then the checkpoint keeps every fetched detail, so an interrupted sync leaves
    the catalogue as it was and the next one fetches only what is left.

    Raises:
        InputError: a bad name.
        ServiceError: TMDB refused or kept failing (finished details stay in the checkpoint).
    """
    from datetime import date

    from moviefinder.sources.sync import sync_catalog as sync_titles
    from moviefinder.storage import store
    from moviefinder.storage.evidence import read_availability, write_availability

    _check_name(name)
    folder = paths.catalog_dir(name)
    settle(folder)  # a change that a crash interrupted is the previous state
    previous = open_catalog(name).titles if paths.titles_file(name).is_file() else ()
    records = read_availability(availability_path(name))
    checkpoint = folder / f"sync-{region.lower()}.jsonl"
    today = date.today()
    result = sync_titles(
        client, region, previous, records, checkpoint, today, progress, keep_checkpoint=True
    )
    with replace_together(folder) as new:
        titles = new(paths.TITLES_FILE)
        store.write_titles(Catalog.of(name, result.titles), titles)
        write_availability(result.availability, new(paths.AVAILABILITY_FILE))
        embeddings, report = _embed(
            store.read_titles(titles, name), model, encoder_kind, False, progress, encoders
        )
        store.write_embeddings(embeddings, new(paths.EMBEDDINGS_FILE))
    checkpoint.unlink(missing_ok=True)  # only now: until the change is in, it keeps the details
    return CatalogSync(name, region, result, report)


def _check_name(name: str) -> None:
    if name == paths.DEFAULT_CATALOG or not _NAME.fullmatch(name):
        raise InputError(
            f"Choose another catalogue name than {name!r}: lower-case letters, digits, - and _"
            + (" (default is the shipped catalogue)." if name == paths.DEFAULT_CATALOG else ".")
        )


def catalog_names() -> list[str]:
    """The default catalogue, then every imported one, by name."""
    root = paths.catalogs_dir()
    found = root.glob(f"*/{paths.TITLES_FILE}") if root.is_dir() else ()
    # Valid names only: not a folder that a killed `catalog remove` left to be swept.
    own = sorted(p.parent.name for p in found if _NAME.fullmatch(p.parent.name))
    return [paths.DEFAULT_CATALOG, *(n for n in own if n != paths.DEFAULT_CATALOG)]


def remove_catalog(name: str) -> None:
    """Delete imported catalogue NAME and everything derived from it.

    Raises:
        CatalogError: the default catalogue, or no such catalogue.
    """
    if name == paths.DEFAULT_CATALOG:
        raise CatalogError("The default catalogue ships with moviefinder and cannot be removed.")
    if not paths.titles_file(name).is_file():
        raise CatalogError(f"No catalogue named '{name}'.")
    discard(paths.catalog_dir(name))  # first, at once: from here on it is gone
    shutil.rmtree(snapshot.snapshot_dir(name), ignore_errors=True)


@dataclass(frozen=True)
class EvidenceImport:
    """What `catalog evidence` did: listings read and matched, and titles with evidence."""

    name: str
    listings: int
    matched: int
    records: int
    before: dict[str, int]
    after: dict[str, int]


def add_evidence(name: str, path: Path, fmt: str = "auto") -> EvidenceImport:
    """Add what the Netflix list at PATH shows to catalogue NAME's availability evidence.

    Raises:
        InputError: not a list moviefinder reads, or a damaged one (nothing is stored then).
        StoreError, CatalogError: the catalogue cannot be opened.
    """
    from moviefinder.core.availability import evidence_titles
    from moviefinder.sources.listing_match import ListingMatcher, evidence_from, merge_evidence
    from moviefinder.sources.netflix_lists import read_listings
    from moviefinder.storage.evidence import read_availability, write_availability

    listings = read_listings(path, fmt)
    catalog = open_catalog(name)
    matched = sum(1 for row in ListingMatcher(catalog).match_all(listings) if row is not None)
    before = read_evidence(name)
    own = read_availability(availability_path(name))
    new = evidence_from(catalog, listings)
    merged = merge_evidence(own, new)
    write_availability(merged, availability_path(name))
    mine = set(own)
    shipped = [r for r in before if r not in mine]
    return EvidenceImport(
        name,
        len(listings),
        matched,
        len(new),
        evidence_titles(before, catalog),
        evidence_titles([*shipped, *merged], catalog),
    )


@dataclass(frozen=True)
class CatalogInfo:
    """What catalogue NAME holds: its coverage and its availability evidence."""

    name: str
    coverage: Coverage
    #: Titles with evidence, per region ("*" = every region) and source.
    availability: dict[str, dict[str, int]]
    #: Distinct titles with any evidence per region, every-region evidence included.
    evidence_titles: dict[str, int]
    #: Titles per release year (None: unknown).
    years: dict[int | None, int]


def catalog_info(name: str = paths.DEFAULT_CATALOG) -> CatalogInfo:
    """Count what catalogue NAME holds (reads its metadata and all its availability records)."""
    from collections import Counter

    from moviefinder.core.availability import evidence_counts, evidence_titles

    catalog = open_catalog(name)
    records = read_evidence(name)
    years = Counter(catalog.columns["year"])
    return CatalogInfo(
        name,
        catalog.coverage(),
        evidence_counts(records, catalog),
        evidence_titles(records, catalog),
        dict(sorted(years.items(), key=lambda item: (item[0] is None, item[0] or 0))),
    )
