"""Damaged stored files: each gives one line naming the file and the way out, or — for files
that are derived (the query cache, the ONNX export) — is made again. Never a traceback, never a
silently wrong answer. `moviefinder doctor` finds each of them."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from moviefinder.app import library
from moviefinder.core.catalog import Catalog
from moviefinder.core.encoder import PACKAGED_MODEL
from moviefinder.core.errors import ModelError, StoreError
from moviefinder.models import export
from moviefinder.models.embed import OnnxEncoder
from moviefinder.present import console
from moviefinder.storage import paths, snapshot, store
from tests.conftest import TITLES, FakeEncoder, run

Damage = Callable[[Path], None]


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffgarbage\x93NUMPY" * 7)


def same_size_garbage(path: Path) -> None:
    """Overwrite the middle of PATH: same size, so only a checksum can tell."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0x5A for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))


DAMAGES = {"truncated": truncate, "garbage": garbage}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, *needles: str) -> None:
    assert err.startswith("Error: "), err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    flat = " ".join(err.split())  # rich may wrap a long path
    for needle in needles:
        assert needle in flat, (needle, err)


def answers(capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    code, out, err = cli(capsys, "ask", "space rocket dogs", "--json", "--any-region", *extra)
    assert code == 0, err
    return [row["id"] for row in json.loads(out)["results"]]


@pytest.fixture
def mine(bundled: Path, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An imported catalogue 'mine' (the five test titles); returns its folder."""
    source = tmp_path / "mine.jsonl"
    source.write_text("".join(json.dumps(asdict(t)) + "\n" for t in TITLES), encoding="utf-8")
    assert run(["catalog", "import", str(source), "--name", "mine"]) == 0
    capsys.readouterr()
    return paths.catalog_dir("mine")


# --- catalogues and embeddings ---------------------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_imported_titles_damaged(
    mine: Path, damage: Damage, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(mine / paths.TITLES_FILE)
    code, _, err = cli(capsys, "ask", "space", "--catalog", "mine")
    assert code == 1
    one_line_error(
        err,
        str(mine / paths.TITLES_FILE),
        "is unreadable",
        "`moviefinder catalog import FILE --name mine` again",
        "`moviefinder catalog remove mine`",
    )


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_imported_embeddings_damaged(
    mine: Path, damage: Damage, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys, "--catalog", "mine")
    damage(mine / paths.EMBEDDINGS_FILE)
    code, _, err = cli(capsys, "ask", "space", "--catalog", "mine")
    assert code == 1
    one_line_error(err, str(mine / paths.EMBEDDINGS_FILE), "`moviefinder catalog build --force`")
    assert cli(capsys, "catalog", "build", "--force", "--catalog", "mine")[0] == 0
    assert answers(capsys, "--catalog", "mine") == expected


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_built_default_store_damaged(
    bundled: Path, home: Path, damage: Damage, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys)
    assert cli(capsys, "catalog", "build")[0] == 0
    own = paths.catalog_dir() / paths.EMBEDDINGS_FILE
    damage(own)
    damaged = own.read_bytes()
    # The search goes on with the shipped embeddings, saying so once in one line ...
    code, out, err = cli(capsys, "ask", "space rocket dogs", "--json", "--any-region")
    assert code == 0 and [r["id"] for r in json.loads(out)["results"]] == expected
    assert err.startswith("Warning: ") and err.count("\n") == 1, err
    assert str(own) in " ".join(err.split()) and "`moviefinder doctor --fix` removes it" in err
    code, _, err = cli(capsys, "catalog", "build")  # without --force it must read the old store
    assert code == 1 and own.read_bytes() == damaged
    one_line_error(err, "`moviefinder catalog build --force`")
    # ... and `doctor --fix` puts the shipped ones back in seconds, re-embedding nothing.
    code, out, _ = cli(capsys, "doctor", "--fix")
    assert "removed; the shipped embeddings serve again" in out and not own.exists()
    assert answers(capsys) == expected
    assert "embeddings: every title embedded" in cli(capsys, "doctor")[1]


def test_a_flipped_byte_inside_parquet_is_caught_by_its_page_checksum(
    tmp_path: Path, catalog: Catalog, encoder: FakeEncoder
) -> None:
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(store.refresh(catalog, encoder, None)[0], path)
    data = bytearray(path.read_bytes())
    data[200] ^= 0xFF  # inside the first data page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"is unreadable \(.*\)$") as caught:
        store.read_embeddings(path)
    assert console.problem(caught.value).endswith(") — run `moviefinder catalog build`.")


@pytest.mark.parametrize(
    ("row", "value"), [(2, np.nan), (0, 0.0), (4, 7.5)], ids=["nan", "zero", "too-long"]
)
def test_vectors_that_parse_but_are_not_unit_length(
    tmp_path: Path, catalog: Catalog, encoder: FakeEncoder, row: int, value: float
) -> None:
    embeddings, _ = store.refresh(catalog, encoder, None)
    matrix = embeddings.matrix.copy()
    matrix[row] = value
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(replace(embeddings, matrix=matrix), path)
    with pytest.raises(
        StoreError,
        match=rf"damaged \(1 vector\(s\) not of unit length, the first in row {row + 1}\)",
    ):
        store.read_embeddings(path)


def _rewrite(path: Path, change: Callable[[pa.Table], pa.Table]) -> None:
    table = pq.ParquetFile(path).read()
    pq.write_table(change(table), path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace_schema_metadata(
                {**t.schema.metadata, b"moviefinder.dim": b"sixty-four"}
            ),
            "has damaged metadata",
        ),
        (lambda t: t.drop_columns(["content_hash"]), "is not a moviefinder embedding store"),
        (lambda t: pa.concat_tables([t, t.slice(0, 1)]), "missing or repeated ids"),
    ],
    ids=["dim-metadata", "no-hashes", "repeated-id"],
)
def test_embedding_stores_that_parse_but_are_wrong(
    tmp_path: Path,
    catalog: Catalog,
    encoder: FakeEncoder,
    change: Callable[[pa.Table], pa.Table],
    message: str,
) -> None:
    path = tmp_path / "embeddings.parquet"
    store.write_embeddings(store.refresh(catalog, encoder, None)[0], path)
    _rewrite(path, change)
    with pytest.raises(StoreError, match=message):
        store.read_embeddings(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.set_column(3, "year", t.column("year").cast(pa.string())), "wrong type: year"),
        (lambda t: pa.concat_tables([t, t.slice(0, 1)]), "an id appears twice"),
        (
            lambda t: t.set_column(2, "type", pa.array(["film"] * len(t))),
            "row 1 has no id, no title or an unknown type",
        ),
    ],
    ids=["column-type", "repeated-id", "unknown-type"],
)
def test_titles_that_parse_but_are_wrong(
    tmp_path: Path, catalog: Catalog, change: Callable[[pa.Table], pa.Table], message: str
) -> None:
    path = tmp_path / "catalog.parquet"
    store.write_titles(catalog, path)
    _rewrite(path, change)
    with pytest.raises(StoreError, match=message):
        store.read_titles(path, "mine", remedy="import it again")


# --- the query cache -------------------------------------------------------------------------


def _cache() -> Path:
    return snapshot.snapshot_dir(paths.DEFAULT_CATALOG)


CACHE_DAMAGES: dict[str, tuple[str, Damage]] = {
    "matrix-truncated": (snapshot.MATRIX_FILE, truncate),
    "matrix-garbage": (snapshot.MATRIX_FILE, garbage),
    "matrix-same-size": (snapshot.MATRIX_FILE, same_size_garbage),
    "rows-truncated": (snapshot.ROWS_FILE, truncate),
    "rows-same-size": (snapshot.ROWS_FILE, same_size_garbage),
    "offsets-garbage": (snapshot.OFFSETS_FILE, garbage),
    "word-rows-same-size": (snapshot.WORD_FILES[2], same_size_garbage),
    "word-keys-truncated": (snapshot.WORD_FILES[0], truncate),
    "word-spans-garbage": (snapshot.WORD_FILES[1], garbage),
    "matrix-fortran": (
        snapshot.MATRIX_FILE,
        lambda p: p.write_bytes(
            p.read_bytes().replace(b"'fortran_order': False", b"'fortran_order': True ", 1)
        ),
    ),
    "matrix-header": (
        snapshot.MATRIX_FILE,
        lambda p: p.write_bytes(p.read_bytes().replace(b"}", b" ", 1)),
    ),
    "offsets-header": (
        snapshot.OFFSETS_FILE,
        lambda p: p.write_bytes(p.read_bytes().replace(b"{", b"(", 1)),
    ),
    "stamp-garbage": (snapshot.STAMP_FILE, garbage),
    "stamp-truncated": (snapshot.STAMP_FILE, truncate),
    "column-truncated": ("columns/genres.json", truncate),
    "column-missing": ("columns/title.json", lambda p: p.unlink()),
}


@pytest.mark.parametrize(("name", "damage"), CACHE_DAMAGES.values(), ids=CACHE_DAMAGES.keys())
def test_damaged_cache_is_made_again(
    bundled: Path, name: str, damage: Damage, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys)
    assert (_cache() / snapshot.STAMP_FILE).is_file()
    damage(_cache() / name)
    assert answers(capsys) == expected
    assert snapshot.verify(paths.DEFAULT_CATALOG) is None  # and it is whole again


def test_a_matrix_of_the_right_width_but_other_rows_is_not_used(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys)
    matrix = np.load(_cache() / snapshot.MATRIX_FILE)
    np.save(_cache() / snapshot.MATRIX_FILE, matrix[::-1])  # same shape, rows in another order
    assert answers(capsys) == expected
    np.save(_cache() / snapshot.MATRIX_FILE, matrix[:-1])  # one title short
    offsets = np.load(_cache() / snapshot.OFFSETS_FILE)
    np.save(_cache() / snapshot.OFFSETS_FILE, offsets[:-1])
    assert answers(capsys) == expected


def test_a_cut_copy_whose_stamp_still_matches_is_not_used(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys)
    rows = _cache() / snapshot.ROWS_FILE
    lines = rows.read_bytes().splitlines(keepends=True)
    rows.write_bytes(b"".join(lines[:-1]))  # the stamp and the sources are untouched
    sources = (paths.titles_file(), library.embeddings_path())
    assert snapshot.load(paths.DEFAULT_CATALOG, sources, FakeEncoder.model_id) is None
    assert answers(capsys) == expected


def test_a_column_damaged_in_place_stops_once_then_heals(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = answers(capsys, "--genre", "animation")
    genres = _cache() / "columns" / "genres.json"
    genres.write_bytes(genres.read_bytes().replace(b"animation", b"animatiom"))  # same size
    code, _, err = cli(capsys, "ask", "space", "--genre", "animation", "--any-region")
    assert code == 1
    one_line_error(err, str(genres), "the cache was removed — run the command again")
    assert not _cache().exists()
    assert answers(capsys, "--genre", "animation") == expected


# --- the ONNX export (a stand-in export: no model needed) --------------------------------------


@pytest.fixture
def fake_export(tmp_path: Path, home: Path) -> tuple[Path, Path]:
    """(export folder, source folder) of an export whose manifest matches its files."""
    source = tmp_path / "model-source"
    source.mkdir()
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        (source / name).write_text(name, encoding="utf-8")
    folder = export.export_dir("some/model")
    folder.mkdir(parents=True)
    for name in export.EXPORT_FILES:
        (folder / name).write_bytes(os.urandom(64))
    manifest = {
        "version": export.MANIFEST_VERSION,
        "model": "some/model",
        "source": export.source_fingerprint(source),
        "dim": 4,
        "max_tokens": 16,
        "files": {name: 64 for name in export.EXPORT_FILES},
        "crc32": export._checksums(folder),
    }
    (folder / export.MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    assert export.ready_export("some/model", source) is not None
    return folder, source


def _edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / export.MANIFEST_FILE
    path.write_text(json.dumps(json.loads(path.read_text()) | changes), encoding="utf-8")


EXPORT_DAMAGES: dict[str, Damage] = {
    "model-truncated": lambda f: truncate(f / export.MODEL_FILE),
    "weights-truncated": lambda f: truncate(f / export.WEIGHTS_FILE),
    "weights-longer": lambda f: (f / export.WEIGHTS_FILE).write_bytes(os.urandom(65)),
    "tokenizer-missing": lambda f: (f / export.TOKENIZER_FILE).unlink(),
    "manifest-garbage": lambda f: garbage(f / export.MANIFEST_FILE),
    "manifest-a-list": lambda f: (f / export.MANIFEST_FILE).write_text("[1, 2]"),
    "manifest-dim-text": lambda f: _edit_manifest(f, dim="384"),
    "manifest-no-sizes": lambda f: _edit_manifest(f, files=None),
    "manifest-old-version": lambda f: _edit_manifest(f, version=2),
}


@pytest.mark.parametrize("damage", EXPORT_DAMAGES.values(), ids=EXPORT_DAMAGES.keys())
def test_a_damaged_export_is_not_ready_so_it_is_made_again(
    fake_export: tuple[Path, Path], damage: Damage
) -> None:
    folder, source = fake_export
    damage(folder)
    assert export.ready_export("some/model", source) is None


def test_doctor_finds_an_export_changed_in_place(fake_export: tuple[Path, Path]) -> None:
    folder, source = fake_export
    same_size_garbage(folder / export.WEIGHTS_FILE)
    assert export.ready_export("some/model", source) is not None  # sizes alone cannot tell
    ok, detail = export.check_export(folder, source)
    assert (
        not ok
        and detail
        == f"{folder / export.WEIGHTS_FILE} has changed since it was made (checksum differs)"
    )


class _Tokens:
    def __init__(self, n: int) -> None:
        self.ids = [1] * n
        self.attention_mask = [1] * n


class _Tokenizer:
    def encode_batch(self, texts: list[str]) -> list[_Tokens]:
        return [_Tokens(3) for _ in texts]


class _Session:
    """Stands in for an onnxruntime session whose weights are zeros (or NaN)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def run(self, names: object, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        batch, tokens = feed["input_ids"].shape
        return [np.full((batch, tokens, 4), self.value, dtype=np.float32)]


@pytest.mark.parametrize("value", [0.0, np.nan], ids=["zeros", "nan"])
def test_an_export_that_loads_but_gives_invalid_vectors(
    fake_export: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, value: float
) -> None:
    folder, source = fake_export
    handed = export.Export(folder, "some/model", 4, 16)
    monkeypatch.setattr(
        "moviefinder.models.embed.open_session", lambda e: (_Session(value), _Tokenizer())
    )
    with pytest.raises(ModelError, match=r"gives invalid vectors") as caught:
        OnnxEncoder("some/model", export=handed).encode(["vikings"])
    assert console.problem(caught.value).endswith("— run `moviefinder doctor --fix`.")

    # Its own export is made again, once, and the query answered from the new one.
    remade: list[str] = []
    runtimes = iter([(_Session(value), _Tokenizer()), (_Session(1.0), _Tokenizer())])
    monkeypatch.setattr("moviefinder.models.embed.open_session", lambda e: next(runtimes))
    monkeypatch.setattr(
        "moviefinder.models.export.export_model", lambda m, s: remade.append(m) or handed
    )
    monkeypatch.setattr(OnnxEncoder, "_source", lambda self: source)
    vectors = OnnxEncoder("some/model").encode(["vikings"])
    assert remade == ["some/model"]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


# --- availability, history, config -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe garbage \x00",
        b'{"id": "t:1", "region": "NL"}\n',
        b'[1, 2, 3]\n{"region": "NL"}\n',
        b'{"id": "t:4", "region": "NL", "service": "netflix", "source": "x",'
        b' "first_seen": "2021", "last_seen": "2021-13"}\n',
        b'{"id": "t:4", "region": "NL", "service": "netflix", "source": "x",'
        b' "first_seen": 2021, "last_seen": "2021"}\n',
    ],
    ids=["binary", "missing-fields", "not-an-object", "month-13", "number-date"],
)
def test_garbage_availability(
    mine: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = mine / paths.AVAILABILITY_FILE
    path.write_bytes(content)
    code, _, err = cli(capsys, "ask", "space", "--catalog", "mine", "--region", "NL")
    assert code == 1
    one_line_error(err, str(path), "`moviefinder catalog sync --name mine`")


def test_garbage_shipped_availability_says_reinstall(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bundled / paths.AVAILABILITY_FILE).write_bytes(b'{"region": "NL", oops\n')
    code, _, err = cli(capsys, "ask", "space")
    assert code == 1
    one_line_error(err, "availability.jsonl:1", "reinstall moviefinder")


HISTORY_GARBAGE = {
    "viewings.jsonl": b'{"title": "Heat", "when": "yesterday"}\n',
    "ratings.jsonl": b'{"title": "Heat"}\n',
    "links.json": b"\xff\xfe\x00",
}


@pytest.mark.parametrize(("name", "content"), HISTORY_GARBAGE.items(), ids=HISTORY_GARBAGE.keys())
def test_garbage_history_is_one_line_and_doctor_names_the_file(
    bundled: Path, home: Path, name: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    history = paths.history_dir()
    history.mkdir(parents=True)
    (history / name).write_bytes(content)
    code, out, err = cli(capsys, "ask", "space")  # searched on, without taste, saying why
    assert code == 0 and "Star Voyage" in out
    assert err.startswith("Warning: ") and err.count("\n") == 1, err
    assert str(history) in " ".join(err.split()) and "damaged" in err
    assert "Searching without your taste and watched titles meanwhile." in " ".join(err.split())
    code, out, _ = cli(capsys, "doctor", "--fix")
    assert code == 1
    line = next(line for line in out.splitlines() if name in line)
    assert line.startswith("PROBLEM history ") and str(history / name) in line
    assert "move it aside" in line
    if name != "links.json":
        assert "`moviefinder import-history <your Netflix export> --replace`" in line
    assert (history / name).read_bytes() == content  # --fix never touches the user's history


@pytest.mark.parametrize("name", ["matches.json", "digest.json"])
def test_garbage_derived_history_files_heal(
    bundled: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    history = paths.history_dir()
    history.mkdir(parents=True)
    (history / "viewings.jsonl").write_text(
        json.dumps({"title": "Heat", "when": "2024-01-01T20:00:00"}) + "\n", encoding="utf-8"
    )
    assert cli(capsys, "ask", "space")[0] == 0
    (history / name).write_bytes(b"\x00garbage")
    code, out, _ = cli(capsys, "doctor")
    assert code == 1 and "PROBLEM history " in out and name in out
    assert cli(capsys, "ask", "space")[0] == 0  # a derived file: searched past
    code, out, _ = cli(capsys, "doctor", "--fix")  # the digest healed itself; matches: removed
    assert code == 0 and ("removed; made again on next use" in out) == (name == "matches.json")
    assert cli(capsys, "ask", "space")[0] == 0
    assert cli(capsys, "doctor")[0] == 0
    assert json.loads((history / "digest.json").read_text())["seen"][0][0] == 4  # Heat


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\xff\xfe\x00\x01", "is not valid TOML: not UTF-8 text"),
        (b'region = "NL\n', "is not valid TOML"),
        (b"[region]\ncode = 'NL'\n", "region in "),
        (b"taste_weight = [0.1, 0.2]\n", "must be a single value"),
        (b'colour = "red"\n', "Unknown setting(s) in "),
    ],
    ids=["binary", "unterminated", "table", "list", "unknown"],
)
def test_garbage_config_is_one_line_naming_the_file(
    bundled: Path, home: Path, content: bytes, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_bytes(content)
    code, _, err = cli(capsys, "ask", "space")
    assert code == 1
    one_line_error(err, str(home / "config.toml"), needle)
    if needle.startswith("is not valid") or needle.startswith("must be"):
        assert "fix it, or delete it to start from the defaults" in " ".join(err.split())
    code, out, _ = cli(capsys, "doctor")
    assert code == 1 and out.startswith(f"PROBLEM config {home / 'config.toml'}")


def test_unreadable_config_is_one_line(
    bundled: Path, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text('region = "NL"\n')
    real = Path.read_text

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        if self == path:  # as for a file of another user (the tests may run as root)
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", denied)
    code, _, err = cli(capsys, "ask", "space")
    assert code == 1
    one_line_error(err, str(path), "is unreadable (Permission denied)", "delete it")


# --- doctor ----------------------------------------------------------------------------------


def test_doctor_on_a_whole_data_directory(mine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers(capsys)
    answers(capsys, "--catalog", "mine")  # both caches made
    code, out, _ = cli(capsys, "doctor")
    assert code == 0, out
    lines = out.splitlines()
    assert all(line.startswith("ok ") for line in lines[:-1]), out
    assert lines[-1].startswith("Everything is whole;")
    for subject in (
        "config ",
        "catalogue 'default' titles: 5 titles",
        "catalogue 'default' embeddings",
        "catalogue 'mine' titles: 5 titles",
        "catalogue 'mine' embeddings",
        "query cache of 'default'",
        "query cache of 'mine'",
    ):
        assert any(subject in line for line in lines), subject


def test_doctor_fix_removes_a_damaged_cache_only(
    mine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers(capsys, "--catalog", "mine")
    cache = snapshot.snapshot_dir("mine")
    same_size_garbage(cache / snapshot.MATRIX_FILE)
    truncate(mine / paths.EMBEDDINGS_FILE)

    code, out, _ = cli(capsys, "doctor")
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 2, out
    assert "query cache of 'mine'" in problems[1] and "checksum differs" in problems[1]
    assert "run `moviefinder doctor --fix`" in problems[1]
    assert "catalogue 'mine' embeddings" in problems[0]
    assert "`moviefinder catalog build --force`" in problems[0]

    code, out, _ = cli(capsys, "doctor", "--fix")
    assert code == 1  # the embeddings are the user's: named, not deleted
    fixed = [line for line in out.splitlines() if line.startswith("fixed ")]
    assert len(fixed) == 1 and "query cache of 'mine'" in fixed[0] and not cache.exists()
    assert (mine / paths.EMBEDDINGS_FILE).is_file()
    assert cli(capsys, "catalog", "build", "--force", "--catalog", "mine")[0] == 0
    assert cli(capsys, "doctor")[0] == 0


def test_doctor_fix_removes_a_damaged_export(
    fake_export: tuple[Path, Path], bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = fake_export
    code, out, _ = cli(capsys, "doctor")
    assert code == 1
    line = next(line for line in out.splitlines() if "ONNX export" in line)
    assert line.startswith(f"PROBLEM ONNX export {folder}") and "no probe vectors" in line
    assert cli(capsys, "doctor", "--fix")[0] == 0
    assert not folder.exists()


@pytest.mark.real_model
def test_doctor_probes_the_real_export_and_fix_removes_it(
    exported_home: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(exported_home / "models", home / "models")
    folder = export.export_dir(PACKAGED_MODEL)
    code, out, _ = cli(capsys, "doctor")
    assert code == 0, out
    assert f"ok      ONNX export {folder}: parity 1.00000 on 6 probe texts" in out

    weights = folder / export.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)  # the upper layers zeroed
    weights.write_bytes(bytes(data))
    manifest = json.loads((folder / export.MANIFEST_FILE).read_text())
    manifest["crc32"] = export._checksums(folder)  # as if damaged before the manifest was made
    (folder / export.MANIFEST_FILE).write_text(json.dumps(manifest))
    ok, detail = export.check_export(folder, None)
    assert not ok and (
        "its vectors differ from the reference" in detail or "gives invalid vectors" in detail
    ), detail

    code, out, _ = cli(capsys, "doctor", "--fix")
    assert code == 0 and not folder.exists()
    assert "removed; made again on next use" in out


def test_doctor_reports_the_write_lock(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from filelock import FileLock

    from moviefinder.storage import lock

    code, out, _ = cli(capsys, "doctor")
    assert code == 0 and "write lock" in out and "not made yet" in out
    assert cli(capsys, "catalog", "build")[0] == 0
    path = paths.data_dir() / lock.LOCK_FILE
    assert f"ok      write lock {path}: free" in cli(capsys, "doctor")[1]
    other = FileLock(path)  # as another moviefinder would hold it
    other.acquire()
    try:
        code, out, _ = cli(capsys, "doctor")
    finally:
        other.release()
    assert code == 0 and "held by another moviefinder, which is changing the data" in out


def test_a_nan_in_the_config_is_refused(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("half_life_days = nan\n")
    code, _, err = cli(capsys, "ask", "space")
    assert code == 1
    one_line_error(err, "half_life_days must be positive, not nan")


def test_doctor_names_what_a_killed_command_left_and_fix_removes_it(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = paths.history_dir()
    history.mkdir(parents=True)
    left = history / ".viewings.jsonl.4194303.abcd1234.tmp"  # a pid no process has
    left.write_bytes(b"x" * 2_000_000)
    code, out, _ = cli(capsys, "doctor")
    line = next(line for line in out.splitlines() if "left-over" in line)
    assert code == 1 and "1 left by killed commands (2.0 MB)" in line and left.exists()
    code, out, _ = cli(capsys, "doctor", "--fix")
    assert not left.exists()
    assert "ok      left-over temporary files: none" in cli(capsys, "doctor")[1]
