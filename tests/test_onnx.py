"""The ONNX encoder against the reference encoder, its export's life cycle, and the lean ask path.

Real packaged model, offline. The export is made once per test session (~10 s) and shared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from moviefinder.core.errors import ModelError
from moviefinder.models import export
from moviefinder.models.embed import (
    PACKAGED_MODEL,
    OnnxEncoder,
    SentenceTransformerEncoder,
    packaged_model_path,
)
from moviefinder.storage import paths
from tests.conftest import REPO

pytestmark = pytest.mark.real_model

HEAVY = {"torch", "sentence_transformers", "transformers", "pandas"}
#: Every moviefinder module a warm `ask` (no history, the query-path copy made) loads.
ASK_MODULES = {
    *("moviefinder", "moviefinder.cli", "moviefinder.present"),
    # every command group's output is imported with its commands (small, nothing heavy)
    *(f"moviefinder.present.{m}" for m in ("catalog_reports", "console", "maintenance", "reports")),
    *(f"moviefinder.present.{m}" for m in ("results", "viewing")),
    *(f"moviefinder.cli.{m}" for m in ("app", "catalog", "doctor", "evaluate", "history")),
    *(f"moviefinder.cli.{m}" for m in ("options", "settings")),
    *(
        "moviefinder.app",
        "moviefinder.app.catalogs",
        "moviefinder.app.context",
        "moviefinder.app.library",
        "moviefinder.app.search",
    ),
    *(
        "moviefinder.sources",
        "moviefinder.sources.importers",
        "moviefinder.sources.importers.source",
    ),
    *("moviefinder.models", "moviefinder.models.embed", "moviefinder.models.export"),
    "moviefinder.models.session",
    *(f"moviefinder.storage.{m}" for m in ("config", "files", "paths", "snapshot")),
    "moviefinder.storage",
    *(f"moviefinder.core.{m}" for m in ("availability", "bundle", "catalog", "countries")),
    *(f"moviefinder.core.{m}" for m in ("encoder", "errors", "explain", "finder", "query")),
    *(f"moviefinder.core.{m}" for m in ("rank", "taste", "translation", "words")),
    "moviefinder.core",
}


def test_export_records_parity_and_matches_reference(onnx_home: Path) -> None:
    manifest = json.loads((export.export_dir(PACKAGED_MODEL) / export.MANIFEST_FILE).read_text())
    assert manifest["parity_min_cosine"] >= export.PARITY_FLOOR
    assert manifest["dim"] == 384 and manifest["max_tokens"] == 256
    texts = [
        "a heist crew in red overalls",
        "serie over een scheikundeleraar",
        "word " * 400,  # past the 256-token window: both must truncate the same way
        "",
    ]
    onnx = OnnxEncoder().encode(texts)
    reference = SentenceTransformerEncoder().encode(texts)
    cosines = np.sum(onnx * reference, axis=1)
    assert cosines.min() >= 0.9999, cosines
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


@pytest.fixture
def own_export(exported_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the shared export, for tests that damage it."""
    home = tmp_path / "own-home"
    shutil.copytree(exported_home, home)
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return export.export_dir(PACKAGED_MODEL)


def test_stale_export_is_made_again(own_export: Path) -> None:
    manifest_path = own_export / export.MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    source = Path(packaged_model_path())
    assert export.ready_export(PACKAGED_MODEL, source) is not None
    manifest["source"]["model.safetensors"][0] += 1  # as if the model package changed
    manifest_path.write_text(json.dumps(manifest))
    assert export.ready_export(PACKAGED_MODEL, source) is None
    OnnxEncoder().encode(["again"])
    assert export.ready_export(PACKAGED_MODEL, source) is not None
    assert json.loads(manifest_path.read_text())["source"] == export.source_fingerprint(source)


def test_corrupt_export_is_rebuilt_not_fatal(own_export: Path) -> None:
    folder = own_export
    (folder / export.MODEL_FILE).write_bytes(b"\x00garbage")
    vector = OnnxEncoder().encode(["vikings"])
    assert vector.shape == (1, 384)
    assert (folder / export.MODEL_FILE).stat().st_size > 1000
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def _run_ask(home: Path) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys, json\n"
        "from moviefinder.cli import run\n"
        "code = run(['ask', 'King Alfred fights vikings', '--json', '-n', '3'])\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, paths.HOME_ENV: str(home)}
    env.pop("MOVIEFINDER_MODEL", None)
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )


def test_ask_path_imports_no_torch_transformers_or_pandas(onnx_home: Path) -> None:
    first = _run_ask(onnx_home)  # may build the query-path snapshot from Parquet
    assert first.returncode == 0, first.stderr
    second = _run_ask(onnx_home)
    assert second.returncode == 0, second.stderr
    for run in (first, second):
        loaded = {m.split(".")[0] for m in json.loads(run.stderr.strip().splitlines()[-1])}
        assert loaded & HEAVY == set()
    warm = set(json.loads(second.stderr.strip().splitlines()[-1]))
    top = {m.split(".")[0] for m in warm}
    assert "onnxruntime" in top and "pyarrow" not in top  # the snapshot, not Parquet
    # Of moviefinder itself, a warm ask loads what answering needs and nothing else: no outside
    # format but the catalogue formats' names (for --help), no history reader, no Parquet store.
    assert {m for m in warm if m.startswith("moviefinder")} == ASK_MODULES
    assert [r["title"] for r in json.loads(second.stdout)["results"]] == [
        r["title"] for r in json.loads(first.stdout)["results"]
    ]


def test_failed_export_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    def broken(*args: object, **kwargs: object) -> None:
        raise ImportError("Module onnx is not installed!")

    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setattr(torch.onnx, "export", broken)
    told: list[str] = []
    with pytest.raises(ModelError, match=r"Cannot export .* \(Module onnx is not installed!\)"):
        OnnxEncoder(on_export=lambda: told.append("exporting")).encode(["vikings"])
    assert told == ["exporting"]
    assert not (tmp_path / "home" / "models" / "sentence-transformers--all-MiniLM-L6-v2").exists()


def test_onnx_and_reference_agree_on_every_dev_query_top_10(onnx_home: Path) -> None:
    from moviefinder.app import library
    from moviefinder.app.evaluation import load_known_items

    finder = library.open_finder(paths.DEFAULT_CATALOG, PACKAGED_MODEL)
    queries = [item.query for item in load_known_items(REPO / "data" / "eval" / "dev.jsonl")]
    onnx = OnnxEncoder().encode(queries) @ np.asarray(finder.matrix).T
    reference = SentenceTransformerEncoder().encode(queries) @ np.asarray(finder.matrix).T
    for query, a, b in zip(queries, onnx, reference, strict=True):
        assert np.argsort(-a)[:10].tolist() == np.argsort(-b)[:10].tolist(), query


def test_ask_writes_nothing_outside_the_data_directory(onnx_home: Path, tmp_path: Path) -> None:
    """onnxruntime's telemetry wrote a device id and an event store to
    ~/.cache/Microsoft/DeveloperTools/.onnxruntime on every ask; it is switched off."""
    fake_home, temp = tmp_path / "home", tmp_path / "tmp"
    fake_home.mkdir()
    temp.mkdir()
    env = {**os.environ, paths.HOME_ENV: str(onnx_home), "HOME": str(fake_home)}
    env.update(TMPDIR=str(temp))
    for name in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME", "MOVIEFINDER_MODEL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "moviefinder", "ask", "vikings", "-n", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert list(fake_home.rglob("*")) == [] and list(temp.rglob("*")) == []


def test_a_data_directory_that_cannot_be_written_is_one_line_at_once(tmp_path: Path) -> None:
    """The first ask exports the model into the data directory: where that cannot be made
    (here: below a regular file; read-only alike) it says so in one line, before torch loads."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = {**os.environ, paths.HOME_ENV: str(blocker / "home")}
    env.pop("MOVIEFINDER_MODEL", None)
    done = subprocess.run(
        [sys.executable, "-m", "moviefinder", "ask", "vikings"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert error == [
        f"Error: Cannot use {blocker / 'home'}: Not a directory — give yourself access to it (for"
        " the data directory: or point MOVIEFINDER_HOME at a folder you can write)."
    ]


def test_first_asks_at_once_make_one_export(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six first `ask`s at once each exported the model (100 s and 1 GB apiece): now one does,
    and the others wait for it and use its export."""
    import threading
    import time

    made: list[str] = []
    whole = export.Export(home / "models" / "m", "m", 384, 256)

    def slow_export(model_id: str, source: Path) -> export.Export:
        made.append(model_id)
        time.sleep(0.3)
        return whole

    monkeypatch.setattr(export, "export_model", slow_export)
    monkeypatch.setattr(export, "ready_export", lambda m, s: whole if made else None)
    got: list[export.Export] = []
    runs = [
        threading.Thread(target=lambda: got.append(export.export_once("m", Path("."))))
        for _ in range(4)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert made == ["m"] and got == [whole] * 4
    assert export.export_once("m", Path("."), force=True) == whole and made == ["m", "m"]
