"""Helpers shared by the benchmark scripts: timing and a plain-text table."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def bench_home() -> Path:
    """The data directory benchmarks use: $MOVIEFINDER_HOME, else a fixed temp folder."""
    home = Path(
        os.environ.get("MOVIEFINDER_HOME") or Path(tempfile.gettempdir()) / "moviefinder-bench"
    )
    os.environ["MOVIEFINDER_HOME"] = str(home)
    return home


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
