"""A catalogue's copy for the query path: no pyarrow, no parsing of Parquet on every `ask`.

``<data dir>/cache/<catalogue>/`` holds ``matrix.npy`` (the embedding matrix in catalogue row
order, opened memory-mapped), one JSON file per title field under ``columns/`` (loaded only
when a filter or look-up needs that field), ``rows.jsonl`` with ``rows.npy`` (one title per
line and where each line starts, so showing ten results reads ten lines), and ``stamp.json``
(which Parquet files, at which size and mtime, and which model it was made from). The Parquet
files stay the source of truth: when they change, the stamp no longer matches and the copy is
made again. It is only an optimisation, so a copy that cannot be read or written is ignored.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from moviefinder import paths
from moviefinder.catalog import FIELD_NAMES, Catalog
from moviefinder.files import replace_dir, staging_dir

FORMAT: Final = 2
MATRIX_FILE: Final = "matrix.npy"
ROWS_FILE: Final = "rows.jsonl"
OFFSETS_FILE: Final = "rows.npy"
COLUMNS_DIR: Final = "columns"
STAMP_FILE: Final = "stamp.json"


def snapshot_dir(name: str) -> Path:
    return paths.data_dir() / "cache" / name


def _stamp(sources: tuple[Path, Path], model: str) -> dict[str, Any]:
    files = []
    for source in sources:
        stat = source.stat()
        files.append([str(source.resolve()), stat.st_size, stat.st_mtime_ns])
    return {"format": FORMAT, "model": model, "sources": files}


class _Columns(Mapping[str, Sequence[Any]]):
    """Title columns read from their JSON files on first use."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._loaded: dict[str, Sequence[Any]] = {}

    def __getitem__(self, field: str) -> Sequence[Any]:
        if field not in FIELD_NAMES:
            raise KeyError(field)
        if field not in self._loaded:
            text = (self._folder / f"{field}.json").read_text(encoding="utf-8")
            self._loaded[field] = json.loads(text)
        return self._loaded[field]

    def __iter__(self) -> Iterator[str]:
        return iter(FIELD_NAMES)

    def __len__(self) -> int:
        return len(FIELD_NAMES)


class _Rows:
    """One title's values, read from its line of rows.jsonl."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self._path = path
        self._offsets = offsets

    def __call__(self, row: int) -> Sequence[Any]:
        with self._path.open("rb") as handle:
            handle.seek(int(self._offsets[row]))
            values: list[Any] = json.loads(handle.readline())
        return values


def load(name: str, sources: tuple[Path, Path], model: str) -> tuple[Catalog, np.ndarray] | None:
    """The copy of catalogue NAME if it was made from SOURCES (titles, embeddings) and MODEL."""
    folder = snapshot_dir(name)
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
        if stamp != _stamp(sources, model):
            return None
        matrix = np.load(folder / MATRIX_FILE, mmap_mode="r")
        offsets = np.load(folder / OFFSETS_FILE)
    except (OSError, ValueError):
        return None
    if matrix.ndim != 2 or len(offsets) != matrix.shape[0] + 1:
        return None
    catalog = Catalog(name, _Columns(folder / COLUMNS_DIR), _Rows(folder / ROWS_FILE, offsets))
    return catalog, matrix


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
        (staging / COLUMNS_DIR).mkdir()
        for field in FIELD_NAMES:
            text = json.dumps(list(catalog.columns[field]), ensure_ascii=False)
            (staging / COLUMNS_DIR / f"{field}.json").write_text(text, encoding="utf-8")
        offsets = [0]
        with (staging / ROWS_FILE).open("wb") as rows:
            for values in zip(*(catalog.columns[f] for f in FIELD_NAMES), strict=True):
                offsets.append(offsets[-1] + rows.write(json.dumps(values).encode() + b"\n"))
        np.save(staging / OFFSETS_FILE, np.array(offsets, dtype=np.int64))
        (staging / STAMP_FILE).write_text(json.dumps(stamp), encoding="utf-8")
        replace_dir(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
