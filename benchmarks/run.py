"""Run every benchmark in turn: python benchmarks/run.py"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in (
    "scoring.py",
    "embedding_throughput.py",
    "ask_latency.py",
    "history_import.py",
    "big_history.py",
):
    print(f"\n== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)
