"""Opening the user's catalogues for a search: where each one's files are, its titles and
embeddings (the query-path copy when current), the history's taste over it, and the evidence of
where its titles stream. Changing catalogues is :mod:`moviefinder.app.catalogs`.

The default catalogue ships inside the package (titles and embeddings for the packaged model).
``catalog build`` writes embeddings to the user's data directory, which then take precedence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from moviefinder.core import bundle
from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import (
    BUILD,
    REBUILD,
    REINSTALL,
    CatalogError,
    MovieFinderError,
    Remedy,
    StoreError,
)
from moviefinder.core.finder import Finder
from moviefinder.models.embed import OnnxEncoder, load_encoder
from moviefinder.storage import paths, snapshot
from moviefinder.storage.files import settle, versions

if TYPE_CHECKING:
    from moviefinder.app.context import EncoderFactory
    from moviefinder.core.availability import Availability, RegionView
    from moviefinder.core.taste import Taste


def embeddings_path(name: str = paths.DEFAULT_CATALOG) -> Path:
    """The user's built embeddings if there are any, else (default catalogue) the shipped ones."""
    own = paths.own_embeddings_file(name)
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
