"""Importing a 10,000-row viewing history (goal: <= 2 s), against matching every row on its own.

Rows are the real titles of ../shared/data/histories/nl-simple repeated on later dates.
Run: python benchmarks/history_import.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import machine, table

from moviefinder.app import history, library
from moviefinder.core.matching import Matcher
from moviefinder.sources.netflix_export import read_export

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "histories" / "nl-simple"


def write_history(path: Path, rows: int) -> None:
    titles = [v.title for v in read_export(SOURCE).viewings]
    start = date(2015, 1, 1)
    lines = ["Title,Date"]
    for i in range(rows):
        title = titles[i % len(titles)].replace('"', '""')
        lines.append(f'"{title}",{(start + timedelta(days=i // 5)):%d-%m-%y}')
    # Netflix writes the newest viewing first.
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MOVIEFINDER_HOME"] = str(Path(tmp) / "home")
        path = Path(tmp) / "NetflixViewingHistory.csv"
        write_history(path, args.rows)
        catalog = library.open_catalog()

        start = time.perf_counter()
        report = history.import_history(path, catalog)
        ours = time.perf_counter() - start

        start = time.perf_counter()
        viewings = read_export(path).viewings
        matcher = Matcher(catalog)
        naive_matched = sum(1 for v in viewings if matcher.match(v.title).matched)
        naive = time.perf_counter() - start
    print(f"import of a {args.rows:,}-row history ({machine()})")
    print(
        table(
            ["path", "seconds", "speed-up", "rows kept", "titles matched"],
            [
                [
                    "naive: match every row",
                    f"{naive:.2f}",
                    "1.0x",
                    len(viewings),
                    f"{naive_matched} rows",
                ],
                [
                    "moviefinder import-history",
                    f"{ours:.2f}",
                    f"{naive / ours:.1f}x",
                    report.kept,
                    f"{report.matched_titles}/{report.titles}",
                ],
            ],
        )
    )
    print(f"goal: <= 2 s: {'met' if ours <= 2.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
