"""The real packaged model, offline, on the shipped default catalogue (a few seconds each)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from moviefinder.app import library
from moviefinder.app.evaluation import evaluate, load_known_items
from moviefinder.core.encoder import PACKAGED_MODEL
from moviefinder.core.finder import Finder
from moviefinder.models.embed import SentenceTransformerEncoder
from moviefinder.storage import paths
from tests.conftest import REPO, run

pytestmark = pytest.mark.real_model


@pytest.fixture
def finder(onnx_home: Path) -> Finder:
    return library.open_finder(paths.DEFAULT_CATALOG, PACKAGED_MODEL)


def test_encoder_gives_unit_vectors_that_order_by_meaning() -> None:
    encoder = SentenceTransformerEncoder()
    vectors = encoder.encode(
        ["vikings raid a saxon village", "norse warriors attack england", "a cooking contest"]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert encoder.encode([]).shape == (0, 384)


def test_ask_finds_the_last_kingdom(onnx_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "King Alfred fights vikings", "--json", "-n", "3"]) == 0
    titles = [row["title"] for row in json.loads(capsys.readouterr().out)["results"]]
    assert "The Last Kingdom" in titles


def test_dev_set_stays_above_its_floor(finder: Finder) -> None:
    report = evaluate(finder, load_known_items(REPO / "data" / "eval" / "dev.jsonl"))
    # Measured figures are in the README; this floor catches a broken pipeline, not noise.
    assert report.n >= 50
    assert report.hits[10] >= 0.5


def test_explain_on_the_shipped_catalogue(
    onnx_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["explain", "Breaking Bad", "--query", "chemistry teacher cooks meth"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    # On the uNoGS NL list of March 2021 and in Netflix's reports (not available globally)
    assert "On Netflix NL: uNoGS NL list, 2021-03 (old)" in out
    assert "unogs-nl: NL, 2015-04-14 → 2021-03-31 (old)" in out
    assert "Netflix: 399M hours viewed in 2025 H1" in out
    assert "It would be shown." in out and "rank 1." in out
    assert run(["explain", "the last kingdom"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "On Netflix NL: Netflix report, 2025-06 (stale)" in out
    assert "netflix-top10-nl-weekly: NL, 2021-07-04 → 2022-04-03 (old)" in out
    assert "It would be shown." in out


def test_similar_on_the_shipped_catalogue(
    onnx_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["similar", "Rocky", "--any-region", "--json", "-n", "5"]) == 0
    titles = [r["title"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert len(titles) == 5
    assert not {"Rocky", "Rocky II", "Rocky III", "Rocky IV", "Rocky V"} & set(titles)
