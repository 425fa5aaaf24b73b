"""What ships inside the package: the default catalogue's files and the Dutch lexicon."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from moviefinder.core.errors import CatalogError

TITLES_FILE: Final = "catalog.parquet"


def bundled_dir() -> Path:
    """The default catalogue shipped with the package.

    A wheel carries it as ``moviefinder/_bundled``; a source checkout (editable install) has it
    in the repository's ``data/``.
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_bundled", package.parent / "data"):
        if (candidate / TITLES_FILE).is_file():
            return candidate
    raise CatalogError("The bundled default catalogue is missing — reinstall moviefinder.")
