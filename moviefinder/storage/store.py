"""The on-disk catalogue: titles and their embeddings as Parquet. The only pyarrow writer.

``catalog.parquet`` holds one row per title (the fields of :class:`Title`).
``embeddings.parquet`` holds ``id``, ``content_hash`` (of :func:`title_text`) and ``vector``
(float32, unit length), with the model id and dimension in the file's metadata.

Both are written with page checksums, and reading checks them, the schema, the ids and that
every vector is of unit length: a damaged file is an error naming it and the way out, never a
catalogue or a matrix that is quietly wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from moviefinder.core.catalog import FIELD_NAMES, TITLE_TYPES, Catalog, title_text
from moviefinder.core.encoder import Encoder, encode_batched
from moviefinder.core.errors import BUILD, Remedy, StoreError, one_line
from moviefinder.core.progress import Progress
from moviefinder.storage.files import atomic_file

FORMAT_VERSION: Final = "1"
_META_MODEL: Final = b"moviefinder.model"
_META_DIM: Final = b"moviefinder.dim"
_META_FORMAT: Final = b"moviefinder.format"

_TEXT_LIST = pa.list_(pa.string())
TITLE_SCHEMA: Final = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("type", pa.string()),
        ("year", pa.int32()),
        ("alt_titles", _TEXT_LIST),
        ("runtime", pa.int32()),
        ("seasons", pa.int32()),
        ("genres", _TEXT_LIST),
        ("countries", _TEXT_LIST),
        ("languages", _TEXT_LIST),
        ("directors", _TEXT_LIST),
        ("cast", _TEXT_LIST),
        ("synopsis", pa.string()),
        ("keywords", _TEXT_LIST),
        ("imdb_id", pa.string()),
        ("tmdb_id", pa.int64()),
        ("imdb_score", pa.float64()),
        ("imdb_votes", pa.int64()),
        ("tmdb_score", pa.float64()),
        ("tmdb_popularity", pa.float64()),
        ("netflix_original", pa.bool_()),
        ("netflix_periods", _TEXT_LIST),
        ("netflix_hours", pa.list_(pa.int64())),
        ("key_phrases", _TEXT_LIST),
        ("tmdb_votes", pa.int64()),
    ]
)
assert tuple(TITLE_SCHEMA.names) == FIELD_NAMES, "schema and Title drifted apart"
#: Columns added after catalogues were first written: absent in an older file, they are empty.
LATER_COLUMNS: Final = ("netflix_periods", "netflix_hours", "key_phrases", "tmdb_votes")


@dataclass(frozen=True)
class Embeddings:
    """Unit vectors for titles, keyed by id, remembering the model that made them."""

    model: str
    ids: tuple[str, ...]
    hashes: tuple[str, ...]
    matrix: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])


def content_hash(text: str) -> str:
    """A short, stable fingerprint of an embedded text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _write_table(table: pa.Table, path: Path) -> None:
    with atomic_file(path) as handle:
        # Page checksums let a reader tell a damaged file from a valid one with odd values.
        pq.write_table(table, handle, compression="zstd", write_page_checksum=True)


def _read_table(path: Path, what: str, remedy: Remedy) -> pa.Table:
    if not path.is_file():
        raise StoreError(f"No {what} at {path}", remedy)
    try:
        # ParquetFile, not read_table: read_table goes through pyarrow.dataset and pandas.
        return pq.ParquetFile(path, page_checksum_verification=True).read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise StoreError(f"The {what} at {path} is unreadable ({one_line(exc)})", remedy) from None


def write_titles(catalog: Catalog, path: Path) -> None:
    _write_table(
        pa.table({n: catalog.columns[n] for n in TITLE_SCHEMA.names}, schema=TITLE_SCHEMA), path
    )


def read_titles(path: Path, name: str, remedy: Remedy = BUILD) -> Catalog:
    """Load catalogue NAME from PATH.

    Raises:
        StoreError: the file is missing, unreadable, lacks a column, has columns of the wrong
            type, or rows without an id, a title or a known type, or an id twice.
    """
    table = _read_table(path, f"catalogue '{name}'", remedy)
    for late in LATER_COLUMNS:  # a catalogue written before these columns existed
        if late not in table.column_names:
            kind = TITLE_SCHEMA.field(late).type
            table = table.append_column(late, pa.nulls(table.num_rows, kind))
    missing = [n for n in TITLE_SCHEMA.names if n not in table.column_names]
    if missing:
        raise StoreError(f"The catalogue at {path} lacks column(s) {', '.join(missing)}", remedy)
    wrong = [f.name for f in TITLE_SCHEMA if table.schema.field(f.name).type != f.type]
    if wrong:
        raise StoreError(
            f"The catalogue at {path} has column(s) of the wrong type: {', '.join(wrong)}", remedy
        )
    columns = {n: table.column(n).to_pylist() for n in TITLE_SCHEMA.names}
    problem = _row_problem(columns)
    if problem:
        raise StoreError(f"The catalogue at {path} is damaged ({problem})", remedy)
    return Catalog(name, columns)


def _row_problem(columns: dict[str, list[object]]) -> str | None:
    """What is wrong with the rows of a titles table, if anything."""
    for row, (id_, title, kind) in enumerate(
        zip(columns["id"], columns["title"], columns["type"], strict=True)
    ):
        if not id_ or not title or kind not in TITLE_TYPES:
            return f"row {row + 1} has no id, no title or an unknown type"
    if len(set(columns["id"])) != len(columns["id"]):
        return "an id appears twice"
    return None


def write_embeddings(embeddings: Embeddings, path: Path) -> None:
    dim = embeddings.matrix.shape[1]
    flat = pa.array(np.ascontiguousarray(embeddings.matrix, dtype=np.float32).reshape(-1))
    table = pa.table(
        {
            "id": pa.array(embeddings.ids, pa.string()),
            "content_hash": pa.array(embeddings.hashes, pa.string()),
            "vector": pa.FixedSizeListArray.from_arrays(flat, dim),
        }
    ).replace_schema_metadata(
        {
            _META_MODEL: embeddings.model.encode(),
            _META_DIM: str(dim).encode(),
            _META_FORMAT: FORMAT_VERSION.encode(),
        }
    )
    _write_table(table, path)


def read_embeddings(path: Path, remedy: Remedy = BUILD) -> Embeddings:
    """Load an embedding store written by :func:`write_embeddings`.

    Raises:
        StoreError: missing, unreadable, not a moviefinder embedding file, or damaged (ids
            missing or repeated, vectors not of unit length).
    """
    table = _read_table(path, "embedding store", remedy)
    meta = table.schema.metadata or {}
    needed = ("id", "content_hash", "vector")
    if _META_MODEL not in meta or any(n not in table.column_names for n in needed):
        raise StoreError(f"{path} is not a moviefinder embedding store", remedy)
    try:
        model, dim = meta[_META_MODEL].decode(), int(meta.get(_META_DIM, b""))
    except (UnicodeDecodeError, ValueError):
        raise StoreError(f"The embedding store at {path} has damaged metadata", remedy) from None
    vectors = table.column("vector").combine_chunks()
    if not pa.types.is_fixed_size_list(vectors.type) or vectors.type.list_size != dim:
        raise StoreError(f"The embedding store at {path} has the wrong vector shape", remedy)
    if vectors.null_count:
        raise StoreError(f"The embedding store at {path} has empty vectors", remedy)
    values = vectors.flatten()
    if values.type != pa.float32():
        raise StoreError(f"The embedding store at {path} does not hold float32 vectors", remedy)
    # Straight from the Arrow buffer: Array.to_numpy imports pandas, even for plain floats.
    matrix = np.frombuffer(
        values.buffers()[1], dtype=np.float32, count=len(values), offset=values.offset * 4
    ).reshape(-1, dim)
    ids = table.column("id").to_pylist()
    hashes = table.column("content_hash").to_pylist()
    if not all(ids) or not all(hashes) or len(set(ids)) != len(ids):
        raise StoreError(f"The embedding store at {path} has missing or repeated ids", remedy)
    bad = _unit_problem(matrix)
    if bad is not None:
        raise StoreError(f"The embedding store at {path} is damaged ({bad})", remedy)
    return Embeddings(model=model, ids=tuple(ids), hashes=tuple(hashes), matrix=matrix)


#: How far a stored vector's length may stray from 1 (float32 rounding is far smaller).
UNIT_TOLERANCE: Final = 1e-3


def _unit_problem(matrix: np.ndarray) -> str | None:
    """Why MATRIX is not rows of unit vectors (damage that still parses), or None."""
    if matrix.ndim != 2:
        return f"a {matrix.ndim}-d array, not a matrix"
    with np.errstate(all="ignore"):
        norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix, dtype=np.float64))
    off = np.flatnonzero(~(np.abs(norms - 1.0) <= UNIT_TOLERANCE))  # NaN counts as off
    if len(off):
        return f"{len(off)} vector(s) not of unit length, the first in row {int(off[0]) + 1}"
    return None


def aligned_matrix(embeddings: Embeddings, catalog: Catalog) -> np.ndarray:
    """The embedding matrix in catalogue row order, checked against the titles' current text.

    Raises:
        StoreError: some titles have no embedding, or their text changed since it was embedded
            (the store is older than the catalogue).
    """
    position = {id_: i for i, id_ in enumerate(embeddings.ids)}
    rows = [position.get(id_) for id_ in catalog.columns["id"]]
    missing = sum(1 for row in rows if row is None)
    stale = sum(
        1
        for title, row in zip(catalog.titles, rows, strict=True)
        if row is not None and embeddings.hashes[row] != content_hash(title_text(title))
    )
    if missing or stale:
        raise StoreError(
            f"{missing + stale} title(s) of catalogue '{catalog.name}' have no current embedding",
            BUILD,
        )
    order = [row for row in rows if row is not None]
    if order == list(range(len(embeddings.ids))):
        return embeddings.matrix
    return embeddings.matrix[order]


@dataclass(frozen=True)
class BuildReport:
    """What :func:`refresh` did."""

    titles: int
    embedded: int
    reused: int
    removed: int


def refresh(
    catalog: Catalog,
    encoder: Encoder,
    previous: Embeddings | None,
    progress: Progress | None = None,
) -> tuple[Embeddings, BuildReport]:
    """Embed the titles whose text is new or changed; reuse every other vector.

    Raises:
        StoreError: PREVIOUS was made by another model (never mix two models in one matrix).
    """
    if previous is not None and previous.model != encoder.model_id:
        raise StoreError(
            f"The embeddings were made with {previous.model}, not {encoder.model_id}",
            Remedy("run", "catalog build --force", "to re-embed everything"),
        )
    texts = [title_text(t) for t in catalog.titles]
    hashes = [content_hash(text) for text in texts]
    known: dict[tuple[str, str], int] = {}
    if previous is not None:
        known = {
            key: row for row, key in enumerate(zip(previous.ids, previous.hashes, strict=True))
        }
    reuse = [known.get(key) for key in zip(catalog.columns["id"], hashes, strict=True)]
    todo = [row for row, hit in enumerate(reuse) if hit is None]
    # Asking the encoder for its dimension loads the model: only do that when there is work.
    dim = previous.dim if previous is not None else encoder.dim
    matrix = np.empty((len(catalog), dim), dtype=np.float32)
    if todo:
        matrix[todo] = encode_batched(encoder, [texts[row] for row in todo], progress=progress)
    kept = [(row, hit) for row, hit in enumerate(reuse) if hit is not None]
    if kept and previous is not None:
        rows, sources = zip(*kept, strict=True)
        matrix[list(rows)] = previous.matrix[list(sources)]
    embeddings = Embeddings(encoder.model_id, tuple(catalog.columns["id"]), tuple(hashes), matrix)
    removed = 0 if previous is None else len(set(previous.ids) - set(embeddings.ids))
    return embeddings, BuildReport(len(catalog), len(todo), len(kept), removed)
