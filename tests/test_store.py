from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import BUILD, StoreError
from moviefinder.present import console
from moviefinder.storage import store
from tests.conftest import FakeEncoder


def test_titles_round_trip(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "catalog.parquet"
    store.write_titles(catalog, path)
    assert store.read_titles(path, "default").titles == catalog.titles


def test_embeddings_round_trip_with_model_and_hashes(
    tmp_path: Path, catalog: Catalog, encoder: FakeEncoder
) -> None:
    embeddings, report = store.refresh(catalog, encoder, None)
    assert report == store.BuildReport(titles=5, embedded=5, reused=0, removed=0)
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(embeddings, path)
    loaded = store.read_embeddings(path)
    assert loaded.model == "fake/keywords-64"
    assert loaded.dim == 64
    assert loaded.ids == embeddings.ids and loaded.hashes == embeddings.hashes
    np.testing.assert_array_equal(loaded.matrix, embeddings.matrix)


def test_refresh_embeds_only_new_or_changed_rows(catalog: Catalog, encoder: FakeEncoder) -> None:
    first, _ = store.refresh(catalog, encoder, None)
    assert encoder.texts == 5
    changed = replace(catalog.titles[1], synopsis="A wholly different story.")
    titles = (catalog.titles[0], changed, *catalog.titles[3:])  # t:3 dropped
    second, report = store.refresh(Catalog.of("default", titles), encoder, first)
    assert report == store.BuildReport(titles=4, embedded=1, reused=3, removed=1)
    assert encoder.texts == 6
    np.testing.assert_array_equal(second.matrix[0], first.matrix[0])
    assert not np.allclose(second.matrix[1], first.matrix[1])
    _, report = store.refresh(Catalog.of("default", titles), encoder, second)
    assert report.embedded == 0 and encoder.calls == 2


def test_refresh_refuses_to_mix_models(catalog: Catalog, encoder: FakeEncoder) -> None:
    first, _ = store.refresh(catalog, encoder, None)
    other = replace(first, model="another/model")
    with pytest.raises(StoreError, match="made with another/model, not fake/keywords-64"):
        store.refresh(catalog, encoder, other)


def test_aligned_matrix_follows_catalogue_order(catalog: Catalog, encoder: FakeEncoder) -> None:
    embeddings, _ = store.refresh(catalog, encoder, None)
    backwards = Catalog.of("default", catalog.titles[::-1])
    np.testing.assert_array_equal(
        store.aligned_matrix(embeddings, backwards), embeddings.matrix[::-1]
    )
    bigger = Catalog.of("default", (*catalog.titles, replace(catalog.titles[0], id="t:9")))
    with pytest.raises(StoreError, match="1 title"):
        store.aligned_matrix(embeddings, bigger)
    edited = Catalog.of(
        "default", (replace(catalog.titles[0], synopsis="New words."), *catalog.titles[1:])
    )
    with pytest.raises(
        StoreError, match=r"1 title\(s\) of catalogue 'default' have no current embedding"
    ):
        store.aligned_matrix(embeddings, edited)


@pytest.mark.parametrize("content", [b"", b"PAR1 truncated", b"not parquet at all"])
def test_corrupt_files_raise_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "embeddings.parquet"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"unreadable") as caught:
        store.read_embeddings(path)
    assert caught.value.remedy == BUILD  # the presentation says it:
    assert console.problem(caught.value).endswith("— run `moviefinder catalog build`.")


def test_truncated_store_is_detected(
    tmp_path: Path, catalog: Catalog, encoder: FakeEncoder
) -> None:
    embeddings, _ = store.refresh(catalog, encoder, None)
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(embeddings, path)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(StoreError, match="unreadable"):
        store.read_embeddings(path)


def test_titles_file_is_not_an_embedding_store(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "catalog.parquet"
    store.write_titles(catalog, path)
    with pytest.raises(StoreError, match="not a moviefinder embedding store"):
        store.read_embeddings(path)


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No embedding store at"):
        store.read_embeddings(tmp_path / "nope.parquet")


def test_write_replaces_atomically_and_leaves_no_temp_files(
    tmp_path: Path, catalog: Catalog, encoder: FakeEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    embeddings, _ = store.refresh(catalog, encoder, None)
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(embeddings, path)
    before = path.read_bytes()

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", explode)
    with pytest.raises(OSError, match="disk full"):
        store.write_embeddings(replace(embeddings, model="x"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["embeddings.parquet"]
