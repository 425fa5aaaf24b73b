"""An ONNX export opened for encoding: onnxruntime (its telemetry off) with the model's
tokenizer, and the model's own pooling — mean over real tokens, then L2 normalisation.

It sits below both the encoder (:mod:`moviefinder.models.embed`, which makes an export when there is
none) and the exporter (:mod:`moviefinder.models.export`, which checks its work with it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from moviefinder.core.errors import ModelError

MODEL_FILE: Final = "model.onnx"
TOKENIZER_FILE: Final = "tokenizer.json"


@dataclass(frozen=True)
class Export:
    """A usable export: where its files are and the model geometry the encoder needs."""

    folder: Path
    model_id: str
    dim: int
    max_tokens: int

    @property
    def model_file(self) -> Path:
        return self.folder / MODEL_FILE

    @property
    def tokenizer_file(self) -> Path:
        return self.folder / TOKENIZER_FILE


def onnxruntime() -> Any:
    """The onnxruntime module, its telemetry off: set before the first import, else it writes
    a device id and an event store to ~/.cache on every run."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import onnxruntime as ort

    return ort


def offline_quietly() -> None:
    """Set up Hugging Face libraries before they load: never reach for a hub, print no bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def open_session(export: Export) -> tuple[Any, Any]:
    """An onnxruntime session and a tokenizer for EXPORT; ModelError if either is unreadable."""
    # Imported here so that commands that never encode a query do not pay for them.
    ort = onnxruntime()
    from tokenizers import Tokenizer

    try:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        session = ort.InferenceSession(
            str(export.model_file), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(export.tokenizer_file))
    except Exception as exc:  # onnxruntime and tokenizers raise their own, unrelated types
        raise ModelError(f"The ONNX export at {export.folder} is unreadable: {exc}") from None
    padding = tokenizer.padding or {}
    tokenizer.enable_padding(
        pad_id=int(padding.get("pad_id", 0)), pad_token=str(padding.get("pad_token", "[PAD]"))
    )
    tokenizer.enable_truncation(max_length=export.max_tokens)
    return session, tokenizer


def run(runtime: tuple[Any, Any], texts: Sequence[str]) -> np.ndarray | None:
    """Unit vectors for TEXTS, or None when the model gives NaN or all-zero vectors (its
    weights file is damaged but still loads)."""
    session, tokenizer = runtime
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    (hidden,) = session.run(
        None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )
    # Mean pooling over real tokens, then L2 normalisation: the model's own pipeline.
    weights = mask[:, :, None].astype(np.float32)
    with np.errstate(all="ignore"):
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    if not np.all(np.isfinite(norms) & (norms > 1e-6)):
        return None
    return np.asarray(pooled / norms, dtype=np.float32)


def vectors(export: Export, texts: Sequence[str]) -> np.ndarray:
    """TEXTS encoded by EXPORT, opened for just this.

    Raises:
        ModelError: the export is unreadable or gives invalid vectors.
    """
    found = run(open_session(export), texts)
    if found is None:
        raise ModelError(f"The ONNX export at {export.folder} gives invalid vectors.")
    return found
