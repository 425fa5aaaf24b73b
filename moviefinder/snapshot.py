"""A catalogue's copy for the query path: no pyarrow, no parsing of Parquet on every `ask`.

``<data dir>/cache/<catalogue>/`` holds ``matrix.npy`` (the embedding matrix in catalogue row
order, opened memory-mapped), ``columns.json`` (the title columns) and ``stamp.json`` (which
Parquet files, at which size and mtime, and which model it was made from). The Parquet files
stay the source of truth: when they change, the stamp no longer matches and the copy is made
again. It is only an optimisation, so a copy that cannot be read or written is ignored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Final

import numpy as np

from moviefinder import paths
from moviefinder.catalog import FIELD_NAMES, Catalog
from moviefinder.files import replace_dir, staging_dir

FORMAT: Final = 1
MATRIX_FILE: Final = "matrix.npy"
COLUMNS_FILE: Final = "columns.json"
STAMP_FILE: Final = "stamp.json"


def snapshot_dir(name: str) -> Path:
    return paths.data_dir() / "cache" / name


def _stamp(sources: tuple[Path, Path], model: str) -> dict[str, Any]:
    files = []
    for source in sources:
        stat = source.stat()
        files.append([str(source.resolve()), stat.st_size, stat.st_mtime_ns])
    return {"format": FORMAT, "model": model, "sources": files}


def load(name: str, sources: tuple[Path, Path], model: str) -> tuple[Catalog, np.ndarray] | None:
    """The copy of catalogue NAME if it was made from SOURCES (titles, embeddings) and MODEL."""
    folder = snapshot_dir(name)
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
        if stamp != _stamp(sources, model):
            return None
        columns = json.loads((folder / COLUMNS_FILE).read_text(encoding="utf-8"))
        matrix = np.load(folder / MATRIX_FILE, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if not isinstance(columns, dict) or set(columns) != set(FIELD_NAMES):
        return None
    if matrix.ndim != 2 or len(columns["id"]) != matrix.shape[0]:
        return None
    return Catalog(name, columns), matrix


def save(catalog: Catalog, matrix: np.ndarray, sources: tuple[Path, Path], model: str) -> None:
    """Write the copy for CATALOG; silently skipped where the data directory is not writable."""
    target = snapshot_dir(catalog.name)
    try:
        stamp = _stamp(sources, model)
        staging = staging_dir(target)
    except OSError:
        return
    try:
        np.save(staging / MATRIX_FILE, np.ascontiguousarray(matrix, dtype=np.float32))
        columns = {f: list(catalog.columns[f]) for f in FIELD_NAMES}
        (staging / COLUMNS_FILE).write_text(
            json.dumps(columns, ensure_ascii=False), encoding="utf-8"
        )
        (staging / STAMP_FILE).write_text(json.dumps(stamp), encoding="utf-8")
        replace_dir(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
