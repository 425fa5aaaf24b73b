"""Scoring and top-k over large synthetic catalogues (unit vectors, 384 dims), memory-mapped
like the query path's snapshot, each size in its own process so peak memory is its own.

Run: python benchmarks/scoring.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import machine, median, table, timed

from moviefinder.core import rank

DIM = 384
CHUNK = 100_000


def make_matrix(path: Path, n: int) -> None:
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    rng = np.random.default_rng(n)
    for start in range(0, n, CHUNK):
        block = rng.standard_normal((min(CHUNK, n - start), DIM), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + len(block)] = block
    out.flush()


def peak_rss_kb() -> int:
    # VmHWM, not getrusage: ru_maxrss survives exec, so a child would report its parent's peak.
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])


def measure(path: Path) -> dict[str, float]:
    """Runs in a child process: open the matrix memory-mapped, score, report times and memory."""
    before = peak_rss_kb()
    matrix = np.load(path, mmap_mode="r")
    query = np.asarray(matrix[7], dtype=np.float32)
    ours = timed(lambda: rank.top_k(rank.cosine_scores(matrix, query), 10), 7)
    baseline = timed(lambda: np.argsort(-(matrix @ query), kind="stable")[:10], 3)
    same = (
        rank.top_k(rank.cosine_scores(matrix, query), 10).tolist()
        == np.argsort(-(matrix @ query), kind="stable")[:10].tolist()
    )
    peak = peak_rss_kb() - before
    return {
        "ours": median(ours),
        "baseline": median(baseline),
        "peak_mb": peak / 1024,
        "matrix_mb": matrix.nbytes / 2**20,
        "same": float(same),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"m{n}.npy"
            make_matrix(path, n)
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(child.stdout)
            rows.append(
                [
                    f"{n:,}",
                    f"{r['baseline'] * 1000:.1f}",
                    f"{r['ours'] * 1000:.1f}",
                    f"{r['baseline'] / r['ours']:.1f}x",
                    f"{r['matrix_mb']:.0f}",
                    f"{r['peak_mb']:.0f}",
                    "yes" if r["same"] else "NO",
                ]
            )
            path.unlink()
    print(f"cosine scores + top-10 over N x {DIM} float32, memory-mapped ({machine()})")
    print(
        table(
            [
                "titles",
                "argsort ms",
                "top_k ms",
                "speed-up",
                "matrix MB",
                "peak RSS MB",
                "same top-10",
            ],
            rows,
        )
    )
    print("goal at 1M: <= 150 ms and <= 1 GB peak for the matrix")


if __name__ == "__main__":
    main()
