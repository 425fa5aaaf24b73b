"""Shared fixtures: a deterministic keyword encoder and a small catalogue built with it."""

from __future__ import annotations

import os
import re
import shutil
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from moviefinder import cli
from moviefinder.core import bundle
from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.encoder import Encoder
from moviefinder.core.translation import LEXICON_FILE
from moviefinder.models.embed import OnnxEncoder, load_encoder
from moviefinder.storage import paths, store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


#: The fuzz tests' settings: 1,000 generated cases per target (README, Robustness). The autouse
#: `home` fixture only sets an environment variable, so sharing it across cases is harmless.
FUZZ = settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


class FakeEncoder:
    """Hash each lower-cased word into one of 64 buckets, then L2-normalise.

    Texts sharing words score high, so tests can assert exact winners. Counts calls and texts.
    """

    model_id = "fake/keywords-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


TITLES = (
    Title(
        id="t:1",
        title="The Last Kingdom",
        type="series",
        year=2015,
        seasons=5,
        genres=("drama", "history", "war"),
        countries=("GB",),
        imdb_id="tt4179452",
        keywords=("Uhtred", "Alfred the Great", "Vikings", "Danes", "Wessex"),
        synopsis="A Saxon noble raised by Danish raiders fights for King Alfred against the vikings.",
    ),
    Title(
        id="t:2",
        title="Star Voyage",
        type="movie",
        year=1999,
        runtime=120,
        genres=("sci-fi",),
        keywords=("space", "astronaut", "mars"),
        synopsis="Astronauts travel through space to rescue a crew stranded on Mars.",
    ),
    Title(
        id="t:3",
        title="Kitchen Battle",
        type="series",
        year=2020,
        seasons=2,
        genres=("reality",),
        keywords=("cooking", "chef", "competition"),
        synopsis="Home cooks compete in a kitchen to impress a panel of chefs.",
    ),
    Title(
        id="t:4",
        title="Space Dogs",
        type="movie",
        year=2010,
        runtime=85,
        tmdb_id=77,
        genres=("animation", "family"),
        keywords=("space", "dog", "rocket"),
        synopsis="Two dogs are sent into space aboard a rocket.",
    ),
    Title(
        id="t:5",
        title="Heat",
        type="movie",
        year=1995,
        runtime=170,
        genres=("crime", "thriller"),
        directors=("Michael Mann",),
        cast=("Al Pacino", "Robert De Niro"),
        keywords=("heist", "Los Angeles", "detective"),
        synopsis="A detective hunts a crew of professional thieves across Los Angeles.",
    ),
)


@pytest.fixture
def encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.of("default", TITLES)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory for every test: no test touches the user's real one."""
    data = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(data))
    for name in ("MODEL", "ENCODER", "REGION", "TASTE_WEIGHT", "HALF_LIFE_DAYS", "DIVERSITY"):
        monkeypatch.delenv(f"MOVIEFINDER_{name}", raising=False)
    return data


@pytest.fixture
def bundled(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> Path:
    """The small catalogue installed as the bundled default, embedded with the fake encoder,
    and the fake encoder configured as the model."""
    folder = tmp_path / "bundled"
    store.write_titles(catalog, folder / paths.TITLES_FILE)
    embeddings, _ = store.refresh(catalog, FakeEncoder(), None)
    store.write_embeddings(embeddings, folder / paths.EMBEDDINGS_FILE)
    shutil.copy(REPO / "data" / LEXICON_FILE, folder / LEXICON_FILE)
    monkeypatch.setattr(bundle, "bundled_dir", lambda: folder)
    monkeypatch.setenv("MOVIEFINDER_MODEL", FakeEncoder.model_id)
    return folder


def encoders(
    model_id: str, encoder_kind: str = "auto", on_export: Callable[[], None] | None = None
) -> Encoder:
    """The fake keyword encoder for its own model id, the real encoders for any other: what
    the tests hand to :func:`run` and to the app layer instead of patching a module."""
    if model_id == FakeEncoder.model_id:
        return FakeEncoder()
    return load_encoder(model_id, encoder_kind, on_export)


def run(argv: list[str]) -> int:
    """``moviefinder ARGV`` in this process, with :func:`encoders`."""
    return cli.run(argv, encoders=encoders)


@pytest.fixture(scope="session")
def exported_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a fresh export of the packaged model, made once per run."""
    home = tmp_path_factory.mktemp("onnx-home")
    old = os.environ.get(paths.HOME_ENV)
    os.environ[paths.HOME_ENV] = str(home)
    try:
        OnnxEncoder().encode(["warm up"])
    finally:
        if old is None:
            del os.environ[paths.HOME_ENV]
        else:
            os.environ[paths.HOME_ENV] = old
    return home


@pytest.fixture
def onnx_home(exported_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(paths.HOME_ENV, str(exported_home))
    return exported_home
