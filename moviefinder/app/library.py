"""The user's catalogues: where each one's files are, opening them, building their embeddings.

The default catalogue ships inside the package (titles and embeddings for the packaged model).
``catalog build`` writes embeddings to the user's data directory, which then take precedence.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from moviefinder.core import bundle
from moviefinder.core.catalog import Catalog, Coverage
from moviefinder.core.errors import (
    BUILD,
    REBUILD,
    REINSTALL,
    CatalogError,
    InputError,
    MovieFinderError,
    Remedy,
    StoreError,
)
from moviefinder.core.finder import Finder
from moviefinder.models.embed import OnnxEncoder, load_encoder
from moviefinder.storage import paths, snapshot
from moviefinder.storage.files import discard, replace_together, settle, versions

if TYPE_CHECKING:
    from moviefinder.app.context import EncoderFactory
    from moviefinder.core.availability import Availability, RegionView
    from moviefinder.core.progress import Progress
    from moviefinder.core.taste import Taste
    from moviefinder.sources.importers import Imported
    from moviefinder.sources.importers.tmdb_api import TmdbClient
    from moviefinder.sources.sync import SyncResult
    from moviefinder.storage.store import BuildReport, Embeddings


def embeddings_path(name: str = paths.DEFAULT_CATALOG) -> Path:
    """The user's built embeddings if there are any, else (default catalogue) the shipped ones."""
    own = paths.catalog_dir(name) / paths.EMBEDDINGS_FILE
    if own.is_file() or name != paths.DEFAULT_CATALOG:
        return own
    return bundle.bundled_dir() / paths.EMBEDDINGS_FILE


def open_catalog(name: str = paths.DEFAULT_CATALOG) -> Catalog:
    """Load catalogue NAME.

    Raises:
        CatalogError: there is no catalogue of that name.
        StoreError: its file is unreadable.
    """
    from moviefinder.storage import (
        store,  # pyarrow: kept off the query path, which uses the snapshot
    )

    settle(paths.catalog_dir(name))  # finish a change that a crash interrupted
    path = paths.titles_file(name)
    if name != paths.DEFAULT_CATALOG and not path.is_file():
        raise CatalogError(f"No catalogue named '{name}'.")
    remedy = (
        REINSTALL
        if name == paths.DEFAULT_CATALOG
        else Remedy(
            "run",
            f"catalog import FILE --name {name}",
            "again",
            Remedy("", f"catalog remove {name}", "and sync it again"),
        )
    )
    return store.read_titles(path, name, remedy=remedy)


def open_matrix(
    catalog: Catalog, model: str, on_damage: Callable[[MovieFinderError], None] | None = None
) -> np.ndarray:
    """Embeddings of CATALOG's titles in row order, made by MODEL. A damaged (or out of date)
    copy the user built of the default catalogue does not stop the search: the shipped
    embeddings serve when they are MODEL's, and ON_DAMAGE hears what was wrong.

    Raises:
        StoreError: missing, corrupt, out of date, or made with another model.
    """
    path = embeddings_path(catalog.name)
    shipped = bundle.bundled_dir() / paths.EMBEDDINGS_FILE
    if catalog.name != paths.DEFAULT_CATALOG or path == shipped:
        return _matrix_at(path, catalog, model, REBUILD)
    try:  # the user's own build of the default catalogue
        remedy = Remedy("the shipped embeddings serve meanwhile;", "doctor --fix", "removes it")
        return _matrix_at(path, catalog, model, remedy)
    except StoreError as exc:
        try:
            matrix = _matrix_at(shipped, catalog, model, REINSTALL)
        except StoreError:
            raise exc from None
        if on_damage is not None:
            on_damage(exc)
        return matrix


def _matrix_at(path: Path, catalog: Catalog, model: str, remedy: Remedy) -> np.ndarray:
    from moviefinder.storage import (
        store,  # pyarrow: kept off the query path, which uses the snapshot
    )

    embeddings = store.read_embeddings(path, remedy=remedy)
    if embeddings.model != model:
        raise StoreError(
            f"Catalogue '{catalog.name}' was embedded with {embeddings.model}, but the configured "
            f"model is {model}",
            BUILD,
        )
    return store.aligned_matrix(embeddings, catalog)


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
    store.write_embeddings(embeddings, paths.catalog_dir(name) / paths.EMBEDDINGS_FILE)
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
    own = paths.catalog_dir(catalog.name) / paths.EMBEDDINGS_FILE
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


def open_finder(
    name: str,
    model: str,
    encoder_kind: str = "auto",
    on_export: Callable[[], None] | None = None,
    prepare: bool = False,
    on_damage: Callable[[MovieFinderError], None] | None = None,
    encoders: EncoderFactory | None = None,
) -> Finder:
    """A finder over catalogue NAME with MODEL's embeddings, encoded by what ENCODERS makes
    (None: :func:`load_encoder`). The model loads on the first query, or with PREPARE (a query
    is coming) starts loading at once, beside the reading. ON_DAMAGE hears of a damaged file
    that the search went on without (see :func:`open_matrix`).

    Served from the query-path copy (:mod:`moviefinder.storage.snapshot`) when it is current.
    """
    encoder = (encoders or load_encoder)(model, encoder_kind, on_export)
    if prepare and isinstance(encoder, OnnxEncoder):
        encoder.prepare()
    settle(paths.catalog_dir(name))  # finish a change that a crash interrupted
    sources = (paths.titles_file(name), embeddings_path(name))
    cached = snapshot.load(name, sources, model)
    if cached is None:
        cached = _read_one_version(name, model, sources, on_damage)
    catalog, matrix = cached
    return Finder(catalog, matrix, encoder)


def _read_one_version(
    name: str,
    model: str,
    sources: tuple[Path, Path],
    on_damage: Callable[[MovieFinderError], None] | None = None,
) -> tuple[Catalog, np.ndarray]:
    """Catalogue NAME's titles and matrix from SOURCES, and the query-path copy made of them.

    Readers take no lock, so a writer may replace both files between the two reads: then they
    are read again (not reported as out of date), and no copy is stamped with files it was not
    made from.
    """
    before = versions(sources)
    try:
        catalog = open_catalog(name)
        matrix = open_matrix(catalog, model, on_damage)
    except StoreError:
        if versions(sources) == before:
            raise
        return _read_one_version(name, model, sources, on_damage)
    if versions(sources) == before:
        snapshot.save(catalog, matrix, sources, model)
    return catalog, matrix


def with_taste(finder: Finder, half_life_days: float) -> tuple[Finder, Taste | None]:
    """FINDER with the stored history's taste scores and watched titles; as it was without one.

    It reads the history's digest, not the history: its time does not grow with the history.
    """
    if not paths.history_dir().is_dir():
        return finder, None  # no history yet: spare `ask` the import of the history modules
    from moviefinder.core import taste
    from moviefinder.storage import digest as digests

    digest = digests.current(finder.catalog)
    if digest is None:  # made again from the history (after a catalogue change, say)
        from moviefinder.storage import journal  # imported only then: the history's readers

        digest = journal.digest(finder.catalog)
        if digest is None:
            return finder, None
    made = taste.taste_of(digest.summary, finder.catalog, finder.matrix, half_life_days)
    profile, scores, prior = (None, None, None) if made is None else made
    found = replace(
        finder,
        taste=scores,
        prior=prior,
        watched=digest.watched,
        profile=profile,
        viewed=tuple(digest.evidence(finder.catalog)),
    )
    return found, profile


def availability_path(name: str) -> Path:
    """Where catalogue NAME keeps the evidence written for it (by `catalog sync` or
    `catalog evidence`); the default catalogue also has the shipped evidence."""
    return paths.catalog_dir(name) / paths.AVAILABILITY_FILE


def availability_paths(name: str) -> list[Path]:
    """Every file of catalogue NAME's availability evidence: the shipped one first."""
    own = [availability_path(name)]
    return (
        [bundle.bundled_dir() / paths.AVAILABILITY_FILE, *own]
        if name == paths.DEFAULT_CATALOG
        else own
    )


def read_evidence(name: str, regions: set[str] | None = None) -> list[Availability]:
    """Catalogue NAME's availability records (only REGIONS' if given)."""
    from moviefinder.storage.evidence import read_availability

    return [r for path in availability_paths(name) for r in read_availability(path, regions)]


def open_availability(
    catalog: Catalog, region: str, viewed: Sequence[Availability] = ()
) -> RegionView:
    """The evidence of what CATALOG has on Netflix in REGION: the catalogue's, and VIEWED
    (what the user's own history shows)."""
    from moviefinder.core.availability import EVERY_REGION, for_region

    code = region.strip().upper()
    view = snapshot.region_view(
        catalog.name,
        code,
        [paths.titles_file(catalog.name), *availability_paths(catalog.name)],
        lambda: for_region(read_evidence(catalog.name, {code, EVERY_REGION}), catalog, code),
    )
    return view.with_records(viewed, catalog)


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
