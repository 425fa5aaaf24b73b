"""A catalogue's copy for the query path: no pyarrow, no parsing of Parquet on every `ask`.

``<data dir>/cache/<catalogue>/`` holds ``matrix.npy`` (the embedding matrix in catalogue row
order, opened memory-mapped), one JSON file per title field under ``columns/`` (loaded only
when a filter or look-up needs that field), ``rows.jsonl`` with ``rows.npy`` (one title per
line and where each line starts, so showing ten results reads ten lines), and ``stamp.json``
(which Parquet files, at which size and mtime, and which model it was made from, plus the size
and CRC-32 of every file of the copy). The Parquet files stay the source of truth: when they
change, the stamp no longer matches and the copy is made again. It is only an optimisation, so
a copy that cannot be read or written is ignored, and a copy that does not match its stamp
(cut short, overwritten) is made again: every file's size is checked on opening, the matrix and
the rows' checksums too, and each column's checksum when it is first read. A column found
damaged halfway through a command removes the copy and stops the command with a
:class:`StoreError` saying so; the next run makes the copy again.
"""

from __future__ import annotations

import json
import re
import shutil
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np

from moviefinder.core.availability import RegionView
from moviefinder.core.catalog import FIELD_NAMES, Catalog
from moviefinder.core.errors import StoreError, one_line
from moviefinder.core.words import WordIndex
from moviefinder.storage import paths
from moviefinder.storage.files import atomic_file, replace_dir, staging_dir

#: Raised whenever what a copy holds changes meaning (5: the word index keys Snowball stems).
FORMAT: Final = 5
MATRIX_FILE: Final = "matrix.npy"
#: The word index (:class:`words.WordIndex`): its keys, spans and postings.
WORD_FILES: Final = ("words_keys.npy", "words_spans.npy", "words_rows.npy")
ROWS_FILE: Final = "rows.jsonl"
#: :attr:`Catalog.popularity`, which taste needs on every search with a history.
POPULARITY_FILE: Final = "popularity.npy"
OFFSETS_FILE: Final = "rows.npy"
COLUMNS_DIR: Final = "columns"
STAMP_FILE: Final = "stamp.json"
_T = TypeVar("_T")


def snapshot_dir(name: str) -> Path:
    return paths.caches_dir() / name


def _column_file(field: str) -> str:
    return f"{COLUMNS_DIR}/{field}.json"


#: Every file of a copy but the stamp, relative to its folder.
FILES: Final = (
    MATRIX_FILE,
    OFFSETS_FILE,
    ROWS_FILE,
    POPULARITY_FILE,
    *WORD_FILES,
    *(_column_file(f) for f in FIELD_NAMES),
)


def _identity(sources: tuple[Path, Path], model: str) -> dict[str, Any]:
    """What the copy was made from: the stamp's part that must match for it to be used."""
    files = []
    for source in sources:
        stat = source.stat()
        files.append([str(source.resolve()), stat.st_size, stat.st_mtime_ns])
    return {"format": FORMAT, "model": model, "sources": files}


def _crc(data: Any) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


class Damaged(Exception):
    """A file of the copy does not match its stamp (internal: ends in None or a StoreError)."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path


@dataclass(frozen=True)
class _Stamp:
    rows: int
    dim: int
    files: dict[str, tuple[int, int]]  # relative name → (size, CRC-32)

    @classmethod
    def read(cls, folder: Path) -> tuple[dict[str, Any], _Stamp]:
        """The copy's identity and its checksums; Damaged if the stamp is unreadable."""
        path = folder / STAMP_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            identity = {k: raw[k] for k in ("format", "model", "sources")}
            files = {
                name: (int(raw["files"][name][0]), int(raw["files"][name][1])) for name in FILES
            }
            return identity, cls(int(raw["rows"]), int(raw["dim"]), files)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise Damaged(path, f"unreadable stamp ({exc})") from None

    def check_size(self, folder: Path, name: str) -> None:
        path = folder / name
        size = path.stat().st_size
        if size != self.files[name][0]:
            raise Damaged(path, f"{size} bytes, the stamp says {self.files[name][0]}")

    def check_crc(self, folder: Path, name: str, data: Any) -> None:
        if _crc(data) != self.files[name][1]:
            raise Damaged(folder / name, "checksum differs from the stamp")


class _Columns(Mapping[str, Sequence[Any]]):
    """Title columns read from their JSON files on first use, each checked against the stamp."""

    def __init__(self, folder: Path, stamp: _Stamp) -> None:
        self._folder = folder
        self._stamp = stamp
        self._loaded: dict[str, Sequence[Any]] = {}

    def __getitem__(self, field: str) -> Sequence[Any]:
        if field not in FIELD_NAMES:
            raise KeyError(field)
        if field not in self._loaded:
            self._loaded[field] = _guarded(self._folder, lambda: self._read(field))
        return self._loaded[field]

    def _read(self, field: str) -> list[Any]:
        name = _column_file(field)
        path = self._folder / name
        data = path.read_bytes()
        self._stamp.check_crc(self._folder, name, data)
        values = json.loads(data)
        if not isinstance(values, list) or len(values) != self._stamp.rows:
            raise Damaged(path, "not one value per title")
        return values

    def __iter__(self) -> Iterator[str]:
        return iter(FIELD_NAMES)

    def __len__(self) -> int:
        return len(FIELD_NAMES)


class _Rows:
    """One title's values, read from its line of rows.jsonl."""

    def __init__(self, folder: Path, offsets: np.ndarray) -> None:
        self._folder = folder
        self._offsets = offsets

    def __call__(self, row: int) -> Sequence[Any]:
        return _guarded(self._folder, lambda: self._read(row))

    def _read(self, row: int) -> list[Any]:
        path = self._folder / ROWS_FILE
        with path.open("rb") as handle:
            handle.seek(int(self._offsets[row]))
            values = json.loads(handle.readline())
        if not isinstance(values, list) or len(values) != len(FIELD_NAMES):
            raise Damaged(path, f"line {row + 1} is not a title")
        return values


def _guarded(folder: Path, read: Callable[[], _T]) -> _T:
    """READ(), or — when the copy turns out damaged mid-command — remove it and say so."""
    try:
        return read()
    except (Damaged, OSError, ValueError) as exc:
        path = exc.path if isinstance(exc, Damaged) else folder
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(
            f"The query cache file {path} was damaged, so the cache was removed — run the "
            "command again to remake it."
        ) from None


def load(name: str, sources: tuple[Path, Path], model: str) -> tuple[Catalog, np.ndarray] | None:
    """The copy of catalogue NAME if it was made from SOURCES (titles, embeddings) and MODEL,
    and its files are whole (None otherwise: the caller makes it again)."""
    folder = snapshot_dir(name)
    try:
        identity, stamp = _Stamp.read(folder)
        if identity != _identity(sources, model):
            return None
        return _open(name, folder, stamp)
    except Exception:  # np.load alone raises ValueError, EOFError, SyntaxError, TokenError…
        return None  # a copy that cannot be read is made again


def _open(name: str, folder: Path, stamp: _Stamp) -> tuple[Catalog, np.ndarray]:
    """The copy in FOLDER, checked against STAMP: sizes of all files, and checksums of the
    matrix, the row offsets and the rows (a few milliseconds for ten thousand titles)."""
    for file in FILES:
        stamp.check_size(folder, file)
    matrix = np.load(folder / MATRIX_FILE, mmap_mode="r")
    if (
        matrix.shape != (stamp.rows, stamp.dim)
        or matrix.dtype != np.float32
        or not matrix.flags.c_contiguous  # a header flipped to Fortran order
    ):
        raise Damaged(
            folder / MATRIX_FILE, f"shape {matrix.shape}, the stamp says {stamp.rows} rows"
        )
    stamp.check_crc(folder, MATRIX_FILE, matrix)
    offsets = np.load(folder / OFFSETS_FILE)
    stamp.check_crc(folder, OFFSETS_FILE, offsets)
    rows = (folder / ROWS_FILE).read_bytes()
    stamp.check_crc(folder, ROWS_FILE, rows)
    if offsets.shape != (stamp.rows + 1,) or int(offsets[-1]) != len(rows):
        raise Damaged(folder / OFFSETS_FILE, "does not match rows.jsonl")
    popular = np.load(folder / POPULARITY_FILE, mmap_mode="r")
    stamp.check_crc(folder, POPULARITY_FILE, popular)
    if popular.shape != (stamp.rows,):
        raise Damaged(folder / POPULARITY_FILE, f"shape {popular.shape}")
    columns, rows_of = _Columns(folder, stamp), _Rows(folder, offsets)
    catalog = Catalog(name, columns, rows_of, _words(folder, stamp), np.asarray(popular))
    return catalog, matrix


def _words(folder: Path, stamp: _Stamp) -> WordIndex:
    """The word index, memory-mapped, checked against the stamp."""
    keys, spans, rows = (np.load(folder / file, mmap_mode="r") for file in WORD_FILES)
    for file, array in zip(WORD_FILES, (keys, spans, rows), strict=True):
        stamp.check_crc(folder, file, array)
    if spans.shape != (len(keys), 2) or (len(spans) and int(spans[-1, 1]) != len(rows)):
        raise Damaged(folder / WORD_FILES[1], "does not match the word index")
    return WordIndex(keys, spans, rows, stamp.rows)


def verify(name: str) -> str | None:
    """What is wrong with catalogue NAME's copy, reading every file in full (for `doctor`);
    None when it is whole or absent."""
    folder = snapshot_dir(name)
    if not folder.exists():
        return None
    try:
        _, stamp = _Stamp.read(folder)
        _open(name, folder, stamp)
        columns = _Columns(folder, stamp)
        for field in FIELD_NAMES:
            columns._read(field)
    except Damaged as exc:
        return str(exc)
    except Exception as exc:  # as in load: whatever np.load or a damaged stamp raises
        return f"{folder}: {one_line(exc)}"
    return None


def save(catalog: Catalog, matrix: np.ndarray, sources: tuple[Path, Path], model: str) -> None:
    """Write the copy for CATALOG; silently skipped where the data directory is not writable."""
    target = snapshot_dir(catalog.name)
    try:
        stamp = _identity(sources, model)
        staging = staging_dir(target)
    except OSError:
        return
    try:
        data = np.ascontiguousarray(matrix, dtype=np.float32)
        files: dict[str, list[int]] = {}
        np.save(staging / MATRIX_FILE, data)
        files[MATRIX_FILE] = [0, _crc(data)]
        np.save(staging / POPULARITY_FILE, catalog.popularity)
        files[POPULARITY_FILE] = [0, _crc(catalog.popularity)]
        index = catalog.word_index
        for file, array in zip(WORD_FILES, (index.keys, index.spans, index.rows), strict=True):
            np.save(staging / file, array)
            files[file] = [0, _crc(np.ascontiguousarray(array))]
        (staging / COLUMNS_DIR).mkdir()
        for field in FIELD_NAMES:
            text = json.dumps(list(catalog.columns[field]), ensure_ascii=False).encode()
            (staging / _column_file(field)).write_bytes(text)
            files[_column_file(field)] = [0, _crc(text)]
        lines = [
            json.dumps(values).encode() + b"\n"
            for values in zip(*(catalog.columns[f] for f in FIELD_NAMES), strict=True)
        ]
        rows = b"".join(lines)
        (staging / ROWS_FILE).write_bytes(rows)
        files[ROWS_FILE] = [0, _crc(rows)]
        offsets = np.cumsum([0, *(len(line) for line in lines)], dtype=np.int64)
        np.save(staging / OFFSETS_FILE, offsets)
        files[OFFSETS_FILE] = [0, _crc(offsets)]
        for file, entry in files.items():
            entry[0] = (staging / file).stat().st_size
        stamp |= {"rows": len(lines), "dim": int(data.shape[1]), "files": files}
        (staging / STAMP_FILE).write_text(json.dumps(stamp), encoding="utf-8")
        replace_dir(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


# --- a region's availability evidence, kept beside the copy ---------------------------------

REGIONS_DIR: Final = "regions"
_REGION: Final = re.compile(r"[A-Z]{2}")


def region_view(
    name: str, region: str, sources: Sequence[Path], build: Callable[[], RegionView]
) -> RegionView:
    """REGION's evidence view of catalogue NAME: kept in the copy's folder while SOURCES (the
    titles and the evidence files) are unchanged, else BUILT and kept.

    Reading and checking ten thousand evidence lines costs ~40 ms of every `ask`; the kept
    view, one JSON document with a checksum, a few, and records are made only for the rows
    shown. Like the rest of the copy it is made again whenever it does not match (a damaged
    one too), and silently not kept where the data directory is read-only.
    """
    if not _REGION.fullmatch(region):  # not a country code: used as a file name, never kept
        return build()
    path = snapshot_dir(name) / REGIONS_DIR / f"{region}.json"
    identity = [[str(p.resolve()), *_stat(p)] for p in sources]
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        stamp = json.loads(header)
        if stamp["sources"] == identity and stamp["crc"] == _crc(body):
            kept = json.loads(body)
            return RegionView(region, dict(kept["groups"]), bool(kept["has_evidence"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, or not whole: build it from the evidence itself
    view = build()
    kept = {"has_evidence": view.has_evidence, "groups": list(view.groups.items())}
    body = json.dumps(kept, ensure_ascii=False).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as handle:
            handle.write(json.dumps({"sources": identity, "crc": _crc(body)}).encode())
            handle.write(b"\n" + body)
    except OSError:
        pass
    return view


def _stat(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return [-1, -1, -1]
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]
