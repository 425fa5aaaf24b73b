"""Bulk embedding: ONNX (onnxruntime + tokenizers) against sentence-transformers on the same texts.

Run: python benchmarks/embedding_throughput.py [--texts 1024]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import bench_home, machine, table

from moviefinder.app import library
from moviefinder.core.catalog import title_text
from moviefinder.models.embed import (
    BATCH_SIZE,
    OnnxEncoder,
    SentenceTransformerEncoder,
    encode_batched,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=1024)
    args = parser.parse_args()
    bench_home()
    catalog = library.open_catalog()
    # The most-voted titles: the ones with our synopses, so realistic lengths.
    votes = np.array([v or 0 for v in catalog.columns["imdb_votes"]])
    rows = np.argsort(-votes, kind="stable")[: args.texts]
    texts = [title_text(catalog.title(int(r))) for r in rows]
    results = {}
    for name, encoder in (
        ("sentence-transformers (torch)", SentenceTransformerEncoder()),
        ("onnxruntime", OnnxEncoder()),
    ):
        encoder.encode(texts[:8])  # load the model outside the timing
        start = time.perf_counter()
        vectors = encode_batched(encoder, texts)
        results[name] = (time.perf_counter() - start, vectors)
    (st_s, st_v), (ox_s, ox_v) = results.values()
    cosines = np.sum(st_v * ox_v, axis=1)
    print(f"bulk embedding of {len(texts)} catalogue texts, batch {BATCH_SIZE} ({machine()})")
    print(
        table(
            ["encoder", "seconds", "texts/s", "ratio"],
            [
                [
                    "sentence-transformers (torch)",
                    f"{st_s:.2f}",
                    f"{len(texts) / st_s:.0f}",
                    "1.00x",
                ],
                ["onnxruntime", f"{ox_s:.2f}", f"{len(texts) / ox_s:.0f}", f"{st_s / ox_s:.2f}x"],
            ],
        )
    )
    print(f"parity: min cosine {cosines.min():.6f}, mean {cosines.mean():.6f} (goal >= 0.9999)")
    print(f"goal: >= 1.8x: {'met' if st_s / ox_s >= 1.8 else 'NOT met'}")


if __name__ == "__main__":
    main()
