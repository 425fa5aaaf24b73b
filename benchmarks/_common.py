"""Helpers shared by the benchmark scripts: timing and a plain-text table."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final


def bench_home() -> Path:
    """The data directory benchmarks use: $MOVIEFINDER_HOME, else a fixed temp folder."""
    home = Path(
        os.environ.get("MOVIEFINDER_HOME") or Path(tempfile.gettempdir()) / "moviefinder-bench"
    )
    os.environ["MOVIEFINDER_HOME"] = str(home)
    return home


SHARED: Final = Path(__file__).resolve().parents[2] / "shared" / "data"
TMDB_MOVIES: Final = SHARED / "catalogs" / "tmdb_5000_movies.csv"
TOT_REQUESTS: Final = SHARED / "queries" / "tot_dev.jsonl"
TMDB_CATALOG: Final = "tmdb5000"


def tmdb_catalog() -> str:
    """The name of ``tmdb_5000_movies.csv`` imported as a catalogue, importing it the first time
    (~10 minutes of embedding)."""
    from moviefinder.app import catalogs
    from moviefinder.storage.config import load_settings

    if TMDB_CATALOG not in catalogs.catalog_names():
        settings = load_settings()
        catalogs.import_catalog(
            TMDB_MOVIES, TMDB_CATALOG, "tmdb5000", settings.model, settings.encoder
        )
    return TMDB_CATALOG


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
