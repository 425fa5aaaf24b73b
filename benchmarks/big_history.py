"""A million-row viewing history: its import, and `ask` afterwards (issue 16, item 3).

Rows are the real show names of ../shared/data/histories/nl-simple with every episode title
distinct (the slow case for matching), newest first. Measured as fresh processes:

* `import-history` of the big file, against one of a hundredth of its rows in the same run;
* `ask` with that history, against `ask` with the real nl-simple history (~1,000 rows): the
  goal is that its time does not grow with the history. Also shown: `ask` with no history, and
  with the big history when its digest is removed before every run — what every `ask` cost
  before the digest, when it read the whole history.

Run: python benchmarks/big_history.py [--rows 1000000] [--runs 7]
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from _common import SHARED, bench_home, machine, median, table, timed

import moviefinder as moviefinder_package
from moviefinder.core.viewing import split_title
from moviefinder.sources.netflix_export import read_export

SOURCE = SHARED / "histories" / "nl-simple"
QUERIES = ("King Alfred fights vikings", "chemistry teacher cooks meth", "a heist in Madrid")
#: `ask` with the big history may take this much longer than with a small one.
GOAL_RATIO = 1.15


def write_history(path: Path, rows: int) -> None:
    shows = sorted({split_title(v.title).show for v in read_export(SOURCE).viewings})
    per_day = max(5, rows // 3000)
    start = date(2016, 1, 1)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Title,Date\n")
        for i in range(rows - 1, -1, -1):
            title = f"{shows[i % len(shows)]}: Season {1 + i // 10_000}: Episode {i}"
            day = start + timedelta(days=i // per_day)
            handle.write(f'"{title.replace(chr(34), chr(34) * 2)}",{day:%d-%m-%y}\n')


def run(command: list[str], home: Path) -> tuple[float, float]:
    """(seconds, peak resident MB) of COMMAND as a fresh process with data directory HOME."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        env={**os.environ, "MOVIEFINDER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    moviefinder = str(Path(sys.executable).with_name("moviefinder"))
    compileall.compile_dir(Path(moviefinder_package.__file__).parent, quiet=1)
    shared = bench_home()
    run([moviefinder, "ask", "warm up"], shared)  # the model's one-time export, made once
    with tempfile.TemporaryDirectory() as tmp:
        homes = {name: Path(tmp) / name for name in ("none", "small", "small-import", "big")}
        for home in homes.values():
            home.mkdir()
            (home / "models").symlink_to(shared / "models")
        big_file, small_file = Path(tmp) / "big.csv", Path(tmp) / "small.csv"
        write_history(big_file, args.rows)
        write_history(small_file, args.rows // 100)
        imports = [
            run([moviefinder, "import-history", str(small_file)], homes["small-import"]),
            run([moviefinder, "import-history", str(big_file)], homes["big"]),
        ]
        run([moviefinder, "import-history", str(SOURCE)], homes["small"])
        digest = homes["big"] / "history" / "digest.json"

        def ask(home: Path, before: Callable[[], None] = lambda: None) -> Callable[[], None]:
            queries = iter(QUERIES * args.runs)

            def once() -> None:
                before()
                run([moviefinder, "ask", next(queries), "--json"], home)

            return once

        for home in homes.values():
            ask(home)()  # the query-path copy and the digest, made once per data directory
        times = {
            "no history": timed(ask(homes["none"]), args.runs),
            "nl-simple history (baseline)": timed(ask(homes["small"]), args.runs),
            f"{args.rows:,}-row history": timed(ask(homes["big"]), args.runs),
            f"{args.rows:,} rows, digest removed (before)": timed(
                ask(homes["big"], lambda: digest.unlink(missing_ok=True)), max(3, args.runs // 2)
            ),
        }
    print(f"import-history and ask with a big history ({machine()})")
    small_rows = args.rows // 100
    rows = [
        [f"{small_rows:,} rows (baseline)", small_rows, *imports[0]],
        [f"{args.rows:,} rows", args.rows, *imports[1]],
    ]
    print(
        table(
            ["import-history", "seconds", "peak resident", "rows/s", "time vs baseline"],
            [
                [name, f"{s:.1f}", f"{mb:.0f} MB", f"{n / s:,.0f}", f"{s / imports[0][0]:.1f}x"]
                for name, n, s, mb in rows
            ],
        )
    )
    base = median(times["nl-simple history (baseline)"])
    print()
    print(
        table(
            ["ask (fresh process)", "runs", "median s", "min s", "vs baseline"],
            [
                [name, len(t), f"{median(t):.3f}", f"{min(t):.3f}", f"{median(t) / base:.2f}x"]
                for name, t in times.items()
            ],
        )
    )
    ratio = median(times[f"{args.rows:,}-row history"]) / base
    print(
        f"goal: ask with the big history <= {GOAL_RATIO}x the baseline: "
        f"{'met' if ratio <= GOAL_RATIO else 'NOT met'} ({ratio:.2f}x)"
    )


if __name__ == "__main__":
    main()
