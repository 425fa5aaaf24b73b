from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from moviefinder.core.catalog import Catalog
from moviefinder.storage import snapshot, store
from tests.conftest import FakeEncoder


@pytest.fixture
def sources(tmp_path: Path, catalog: Catalog, encoder: FakeEncoder) -> tuple[Path, Path]:
    titles, vectors = tmp_path / "catalog.parquet", tmp_path / "embeddings.parquet"
    store.write_titles(catalog, titles)
    store.write_embeddings(store.refresh(catalog, encoder, None)[0], vectors)
    return titles, vectors


def test_round_trip_reads_rows_and_columns_lazily(
    home: Path, catalog: Catalog, sources: tuple[Path, Path]
) -> None:
    matrix = np.random.default_rng(1).random((len(catalog), 64), dtype=np.float32)
    snapshot.save(catalog, matrix, sources, "fake/keywords-64")
    loaded = snapshot.load("default", sources, "fake/keywords-64")
    assert loaded is not None
    copy, mapped = loaded
    assert isinstance(mapped, np.memmap)
    np.testing.assert_array_equal(mapped, matrix)
    assert [copy.title(i) for i in range(len(copy))] == list(catalog.titles)
    assert list(copy.columns["type"]) == list(catalog.columns["type"])
    assert copy.find("tt4179452") == [0]


def test_stale_or_foreign_copies_are_not_used(
    home: Path, catalog: Catalog, sources: tuple[Path, Path]
) -> None:
    matrix = np.zeros((len(catalog), 64), dtype=np.float32)
    snapshot.save(catalog, matrix, sources, "fake/keywords-64")
    assert snapshot.load("default", sources, "other/model") is None
    os.utime(sources[1], ns=(1, 1))  # the embeddings file changed
    assert snapshot.load("default", sources, "fake/keywords-64") is None


def test_damaged_copy_is_ignored(home: Path, catalog: Catalog, sources: tuple[Path, Path]) -> None:
    snapshot.save(catalog, np.zeros((len(catalog), 64), dtype=np.float32), sources, "m")
    (snapshot.snapshot_dir("default") / snapshot.MATRIX_FILE).write_bytes(b"junk")
    assert snapshot.load("default", sources, "m") is None


def test_unwritable_data_dir_is_not_an_error(
    home: Path, catalog: Catalog, sources: tuple[Path, Path]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "cache").write_text("a file where the folder should be")
    snapshot.save(catalog, np.zeros((len(catalog), 64), dtype=np.float32), sources, "m")
    assert snapshot.load("default", sources, "m") is None
