"""Peak memory of `moviefinder eval known-items` over many long tip-of-the-tongue requests.

Runs the command as a fresh process over the first 1,500 requests of
``../shared/data/queries/tot_dev.jsonl`` (long, rambling descriptions: ~150 words on average)
on ``tmdb_5000_movies.csv`` imported as a catalogue, and, as the baseline in the same run, over
the first 10 — a process that loads the same model and catalogue. Peak resident memory comes
from the operating system (``wait4``). Goal: under 1 GB.

    python benchmarks/eval_memory.py [--requests N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import TOT_REQUESTS, bench_home, machine, table, tmdb_catalog

GOAL_MB = 1024


def peak_mb(requests: list[str], catalog: str) -> tuple[float, float]:
    """(peak resident MB, seconds) of `eval known-items` over REQUESTS in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        lines = Path(folder) / "requests.jsonl"
        lines.write_text("".join(requests), encoding="utf-8")
        command = [sys.executable, "-m", "moviefinder", "eval", "known-items", str(lines)]
        start = time.perf_counter()
        child = subprocess.Popen(
            [*command, "--catalog", catalog, "--json"], stdout=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"eval known-items failed with exit code {child.returncode}")
        return usage.ru_maxrss / 1024, time.perf_counter() - start  # ru_maxrss is in KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    if not TOT_REQUESTS.is_file():
        print(f"needs {TOT_REQUESTS}", file=sys.stderr)
        return 1
    bench_home()
    catalog = tmdb_catalog()
    requests = TOT_REQUESTS.read_text(encoding="utf-8").splitlines(keepends=True)
    words = sum(len(r.split()) for r in requests[: args.requests]) / args.requests
    small, small_time = peak_mb(requests[:10], catalog)
    large, large_time = peak_mb(requests[: args.requests], catalog)
    print(f"{machine()}; {args.requests} requests of ~{words:.0f} words (JSON line) on {catalog}")
    print(
        table(
            ["run", "requests", "peak resident", "seconds", "vs baseline"],
            [
                ["baseline", 10, f"{small:.0f} MB", f"{small_time:.1f}", "1.00x"],
                [
                    "eval known-items",
                    args.requests,
                    f"{large:.0f} MB",
                    f"{large_time:.1f}",
                    f"{large / small:.2f}x",
                ],
            ],
        )
    )
    print(f"goal: under {GOAL_MB} MB — {'met' if large < GOAL_MB else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
