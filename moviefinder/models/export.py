"""The ONNX copy of the packaged model: exported once with torch, checked for parity, reused.

The export lives in ``<data dir>/models/<name>/``: ``model.onnx`` (graph optimised once by
onnxruntime and saved, so later sessions skip that step), ``model.weights`` (its
initializers, memory-mapped when a session opens), ``tokenizer.json`` and
``manifest.json`` (the source model's fingerprint, each file's size and CRC-32, the parity
figures and the reference vectors of the probe texts). A missing, stale or corrupt export is
rebuilt:
a file of the wrong size or a manifest that does not parse makes :func:`ready_export` say there
is none, a file that will not load is caught when the session opens, weights that load but give
NaN or zero vectors when a query is encoded, and :func:`check_export` (for `moviefinder doctor`)
also compares every file's checksum with the manifest and the probe texts' vectors with the
reference. (Weights damaged in place, same size, are only found by that last check: hashing
90 MB on every query would cost more than the query.) Nothing here is on the query path except
:func:`ready_export`.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import numpy as np

from moviefinder.core.errors import ModelError
from moviefinder.models.session import (
    MODEL_FILE,
    TOKENIZER_FILE,
    Export,
    offline_quietly,
    onnxruntime,
    vectors,
)
from moviefinder.storage import paths
from moviefinder.storage.files import replace_dir, staging_dir

#: Held (in the data directory) by the one process making an export.
EXPORT_LOCK: Final = ".export.lock"
WEIGHTS_FILE: Final = "model.weights"
MANIFEST_FILE: Final = "manifest.json"
MANIFEST_VERSION: Final = 3
#: The files of an export besides the manifest; the manifest records their sizes.
EXPORT_FILES: Final = (MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE)
#: Minimum cosine between ONNX and sentence-transformers vectors on the probe texts.
PARITY_FLOOR: Final = 0.9999
_OPSET: Final = 17

#: Texts the export must reproduce: short, long (past the 256-token window), non-English, odd.
PROBE_TEXTS: Final = (
    "King Alfred fights vikings",
    "a chemistry teacher cooks meth",
    "serie over een scheikundeleraar die drugs gaat maken",
    "x",
    "Ωμέγα — naïve café, 1990s!!! ???",
    "The Last Kingdom (2015 series). Genres: drama, war. " + "Saxons and Danes fight. " * 80,
)


def export_dir(model_id: str) -> Path:
    return paths.models_dir() / model_id.replace("/", "--")


def source_fingerprint(source: Path) -> dict[str, object]:
    """Cheap identity of the source weights (checked on every query, so no hashing)."""
    out: dict[str, object] = {}
    for name in ("model.safetensors", TOKENIZER_FILE, "config.json"):
        stat = (source / name).stat()
        out[name] = [stat.st_size, stat.st_mtime_ns]
    return out


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _file_sizes(folder: Path) -> dict[str, int]:
    return {name: (folder / name).stat().st_size for name in EXPORT_FILES}


def _checksums(folder: Path) -> dict[str, int]:
    """CRC-32 of each file (reads ~90 MB: for making and checking an export, not for queries)."""
    sums = {}
    for name in EXPORT_FILES:
        crc = 0
        with (folder / name).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
        sums[name] = crc
    return sums


def _geometry(manifest: dict[str, Any]) -> tuple[int, int] | None:
    """(dim, max_tokens) from MANIFEST, or None when they are not positive integers."""
    dim, max_tokens = manifest.get("dim"), manifest.get("max_tokens")
    if type(dim) is not int or type(max_tokens) is not int or min(dim, max_tokens) < 1:
        return None
    return dim, max_tokens


def ready_export(model_id: str, source: Path) -> Export | None:
    """The export for MODEL_ID if it exists, is whole (every file of the size its manifest
    records) and was made from SOURCE as it is now."""
    folder = export_dir(model_id)
    manifest = _read_manifest(folder)
    if manifest is None:
        return None
    geometry = _geometry(manifest)
    try:
        fresh = (
            geometry is not None
            and manifest.get("version") == MANIFEST_VERSION
            and manifest.get("model") == model_id
            and manifest.get("source") == source_fingerprint(source)
            and manifest.get("files") == _file_sizes(folder)
        )
    except OSError:
        return None
    if not fresh or geometry is None:
        return None
    return Export(folder, model_id, *geometry)


def check_export(folder: Path, source: Path | None) -> tuple[bool, str]:
    """(whole?, what was found) for the export in FOLDER, reading it in full: its manifest,
    the size and checksum of every file, and the probe texts encoded again against the
    reference vectors recorded when it was made (about a second; no torch). SOURCE is the
    model it was made from, if still installed: an export of an older SOURCE is whole but
    stale (it is made again on next use).
    """
    manifest = _read_manifest(folder)
    if manifest is None:
        return False, f"{folder / MANIFEST_FILE} is missing or unreadable"
    if manifest.get("version") != MANIFEST_VERSION:
        return True, "made by another version of moviefinder: made again on next use"
    geometry = _geometry(manifest)
    if geometry is None:
        return False, f"{folder / MANIFEST_FILE} is damaged (no model geometry)"
    try:
        sizes = _file_sizes(folder)
    except OSError as exc:
        return False, f"a file is missing ({exc.filename})"
    recorded = manifest.get("files")
    if not isinstance(recorded, dict):
        return False, f"{folder / MANIFEST_FILE} is damaged (no file sizes)"
    for name, size in sizes.items():
        if recorded.get(name) != size:
            return False, f"{folder / name} is {size} bytes, the manifest says {recorded.get(name)}"
    recorded_sums = manifest.get("crc32")
    if not isinstance(recorded_sums, dict):
        return False, f"{folder / MANIFEST_FILE} is damaged (no checksums)"
    for name, crc in _checksums(folder).items():
        if recorded_sums.get(name) != crc:
            return False, f"{folder / name} has changed since it was made (checksum differs)"
    reference = _probe_vectors(manifest)
    if reference is None:
        return False, f"{folder / MANIFEST_FILE} is damaged (no probe vectors)"
    model_id = str(manifest.get("model"))
    try:
        got = vectors(Export(folder, model_id, *geometry), PROBE_TEXTS)
    except ModelError as exc:
        return False, str(exc)
    worst = float(np.min(np.sum(reference * got, axis=1)))
    if not worst >= PARITY_FLOOR:
        return False, f"its vectors differ from the reference (cosine {worst:.5f})"
    try:
        stale = source is not None and manifest.get("source") != source_fingerprint(source)
    except OSError:
        stale = False
    note = "; made from an older model package, remade on next use" if stale else ""
    return True, f"parity {worst:.5f} on {len(PROBE_TEXTS)} probe texts{note}"


def _probe_vectors(manifest: dict[str, Any]) -> np.ndarray | None:
    geometry = _geometry(manifest)
    try:
        raw = base64.b64decode(str(manifest.get("probe_vectors", "")), validate=True)
    except (binascii.Error, ValueError):
        return None
    if geometry is None or len(raw) != len(PROBE_TEXTS) * geometry[0] * 4:
        return None
    return np.frombuffer(raw, dtype=np.float32).reshape(len(PROBE_TEXTS), geometry[0])


def export_once(
    model_id: str, source: Path, on_start: Callable[[], None] | None = None, force: bool = False
) -> Export:
    """The export of MODEL_ID made by one process at a time: a process that finds another
    exporting waits for it and uses its export (six first `ask`s at once made six, 1 GB and
    100 s apiece). FORCE makes a new one even if a whole one is in place (it would not load).
    ON_START is told before the wait or the work."""
    from filelock import FileLock  # only the rare export pays for it

    if on_start is not None:
        on_start()
    home = paths.data_dir()
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(home / EXPORT_LOCK):
        made = None if force else ready_export(model_id, source)
        return made or export_model(model_id, source)


def export_model(model_id: str, source: Path) -> Export:
    """Export SOURCE (a sentence-transformers folder) to ONNX, verify parity, and install it.

    Needs torch and sentence-transformers (slow to import: this runs once per model version).

    Raises:
        ModelError: the export fails or its vectors differ from the reference encoder.
    """
    # First the folder: a data directory that cannot be written fails at once, not after the
    # seconds torch takes to load.
    target = export_dir(model_id)
    staging = staging_dir(target)
    try:
        offline_quietly()
        # Imported here: torch and sentence-transformers take seconds, needed only once.
        import torch
        from sentence_transformers import SentenceTransformer

        reference: Any = SentenceTransformer(str(source), device="cpu")
        transformer = reference[0].auto_model.eval()
        max_tokens = int(reference.max_seq_length)

        class LastHiddenState(torch.nn.Module):
            # Keyword call: positional order of HF forward() differs between versions.
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        raw = staging / "raw.onnx"
        dummy = torch.ones((2, 8), dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with warnings.catch_warnings(), torch.no_grad(), _as_model_error(model_id):
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHiddenState(transformer),
                (dummy, dummy, torch.zeros_like(dummy)),
                str(raw),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=_OPSET,
                dynamo=False,
            )
        with _as_model_error(model_id):
            _optimise(raw, staging / MODEL_FILE)
        raw.unlink()
        shutil.copyfile(source / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        dim = int(transformer.config.hidden_size)
        candidate = Export(staging, model_id, dim, max_tokens)
        expected = np.asarray(
            reference.encode(list(PROBE_TEXTS), normalize_embeddings=True), dtype=np.float32
        )
        got = vectors(candidate, PROBE_TEXTS)
        worst = float(np.min(np.sum(expected * got, axis=1)))
        if worst < PARITY_FLOOR:
            raise ModelError(
                f"The ONNX export of {model_id} disagrees with sentence-transformers "
                f'(cosine {worst:.5f} < {PARITY_FLOOR}) — set encoder = "sentence-transformers".'
            )
        manifest = {
            "version": MANIFEST_VERSION,
            "model": model_id,
            "source": source_fingerprint(source),
            "dim": dim,
            "max_tokens": max_tokens,
            "opset": _OPSET,
            "parity_min_cosine": worst,
            "probe_texts": len(PROBE_TEXTS),
            "probe_vectors": base64.b64encode(expected.tobytes()).decode("ascii"),
            "files": _file_sizes(staging),
            "crc32": _checksums(staging),
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Export(target, model_id, dim, max_tokens)


@contextmanager
def _as_model_error(model_id: str) -> Iterator[None]:
    """Exporter failures (missing onnx package, unsupported graph) become one-line errors."""
    try:
        yield
    except OSError:
        raise  # a full disk or a read-only folder: reinstalling would not help
    except Exception as exc:  # torch.onnx and onnxruntime raise many unrelated types
        raise ModelError(
            f"Cannot export {model_id} to ONNX ({exc}) — reinstall moviefinder, "
            'or set encoder = "sentence-transformers" in the config.'
        ) from None


def _optimise(raw: Path, out: Path) -> None:
    """Let onnxruntime fuse the graph once and save it, weights in a file of their own.

    Each query process then skips the fusing, and onnxruntime maps the weights file instead
    of parsing 90 MB of protobuf: opening a session drops from ~0.17 s to ~0.03 s.
    """
    ort = onnxruntime()

    options = ort.SessionOptions()
    # EXTENDED, not ALL: ALL adds layout changes tied to this CPU, unsafe to save and move.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(out)
    options.add_session_config_entry(
        "session.optimized_model_external_initializers_file_name", WEIGHTS_FILE
    )
    options.add_session_config_entry(
        "session.optimized_model_external_initializers_min_size_in_bytes", "1024"
    )
    ort.InferenceSession(str(raw), options, providers=["CPUExecutionProvider"])
