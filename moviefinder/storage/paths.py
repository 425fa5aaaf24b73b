"""Where moviefinder keeps its data: one function decides, the `paths` command shows it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from moviefinder.core import bundle

HOME_ENV: Final = "MOVIEFINDER_HOME"
DEFAULT_CATALOG: Final = "default"
TITLES_FILE: Final = bundle.TITLES_FILE
EMBEDDINGS_FILE: Final = "embeddings.parquet"
AVAILABILITY_FILE: Final = "availability.jsonl"


def data_dir() -> Path:
    """The user's data directory: $MOVIEFINDER_HOME, else the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only needed when no override is set

    return Path(platformdirs.user_data_dir("moviefinder", appauthor=False))


def make_private(folder: Path) -> None:
    """Close FOLDER, if it exists and is ours, to other users (0700); quietly leave it be
    where that is not allowed (a read-only or foreign data directory)."""
    try:
        stat = folder.stat()
        if stat.st_mode & 0o077 and stat.st_uid == os.getuid():
            folder.chmod(0o700)
    except OSError:
        pass


def config_file() -> Path:
    return data_dir() / "config.toml"


def history_dir() -> Path:
    """The user's imported viewing history and ratings."""
    return data_dir() / "history"


#: The files of history_dir() that are the user's history (viewings, ratings, links made by
#: hand: see :mod:`moviefinder.storage.journal`); the others there are derived from them.
HISTORY_FILES: Final = ("viewings.jsonl", "ratings.jsonl", "links.json")


def titles_file(name: str = DEFAULT_CATALOG) -> Path:
    """Catalogue NAME's titles (the default catalogue's ship with the package)."""
    if name == DEFAULT_CATALOG:
        return bundle.bundled_dir() / TITLES_FILE
    return catalog_dir(name) / TITLES_FILE


def catalog_stamp(name: str) -> str:
    """Changes whenever catalogue NAME's titles file does (it is only ever replaced whole)."""
    stat = titles_file(name).stat()
    return f"{name}:{stat.st_size}:{stat.st_mtime_ns}"


def own_embeddings_file(name: str = DEFAULT_CATALOG) -> Path:
    """Catalogue NAME's embeddings as the user built them (for the default catalogue, they then
    take precedence over the shipped ones)."""
    return catalog_dir(name) / EMBEDDINGS_FILE


def catalogs_dir() -> Path:
    """The user's catalogues, a folder each."""
    return data_dir() / "catalogs"


def catalog_dir(name: str = DEFAULT_CATALOG) -> Path:
    """The user's own folder for catalogue NAME (built embeddings, later imported titles)."""
    return catalogs_dir() / name


def caches_dir() -> Path:
    """The query-path copies of the catalogues (:mod:`moviefinder.storage.snapshot`), a folder
    each."""
    return data_dir() / "cache"


def models_dir() -> Path:
    """The ONNX exports of the models (:mod:`moviefinder.models.export`), a folder each."""
    return data_dir() / "models"
