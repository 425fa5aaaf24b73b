"""Check notes written for the default catalogue before they are merged into data/notes.jsonl.

    python tools/check_notes.py NOTES.jsonl [--batch FACTS.jsonl] [--shared ../shared/data]

Each line must be a note (id, title, synopsis, keywords, alt_titles, netflix_original); with
--batch, every id must be one of the batch's and carry its title. A synopsis is 40-90 words or
empty (no synopsis rather than a guess); keywords are 3-20 short phrases (a remembered line may
be up to eight words). Our own words: no run
of 8 words of a synopsis or keyword list may appear in an outside description or overview.
Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

WORD = re.compile(r"[a-z0-9']+")
OUTSIDE = [
    ("catalogs/netflix_titles.csv", ("description",)),
    ("catalogs/netflix_justwatch_2023_titles.csv", ("description",)),
    ("catalogs/tmdb_5000_movies.csv", ("overview", "tagline")),
]


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def outside_runs(shared: Path) -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    csv.field_size_limit(10_000_000)
    for name, columns in OUTSIDE:
        with (shared / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in columns:
                    runs |= shingles(row.get(column) or "")
    return runs


def problems(notes: Path, batch: Path | None, shared: Path) -> list[str]:
    expected = {}
    if batch is not None:
        for line in batch.read_text(encoding="utf-8").splitlines():
            if line.strip():
                fact = json.loads(line)
                expected[fact["id"]] = fact["title"]
    runs = outside_runs(shared)
    found, seen = [], set()
    for number, line in enumerate(notes.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{notes}:{number}"
        try:
            note = json.loads(line)
        except json.JSONDecodeError as exc:
            found.append(f"{where}: not JSON ({exc})")
            continue
        keys = {"id", "title", "synopsis", "keywords", "alt_titles", "netflix_original"}
        if not isinstance(note, dict) or set(note) != keys:
            found.append(f"{where}: keys must be exactly {sorted(keys)}")
            continue
        id_ = note["id"]
        if id_ in seen:
            found.append(f"{where}: {id_} written twice")
        seen.add(id_)
        if expected and expected.get(id_) != note["title"]:
            found.append(f"{where}: {id_} / {note['title']!r} is not a title of the batch")
        words = len(note["synopsis"].split())
        if note["synopsis"] and not 40 <= words <= 90:
            found.append(f"{where}: synopsis has {words} words (40-90, or empty)")
        keywords = note["keywords"]
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            found.append(f"{where}: keywords must be a list of strings")
        elif note["synopsis"] and not 3 <= len(keywords) <= 20:
            found.append(f"{where}: {len(keywords)} keywords (3-20)")
        elif any(len(k.split()) > 8 for k in keywords):
            found.append(f"{where}: a keyword longer than eight words")
        if not isinstance(note["alt_titles"], list):
            found.append(f"{where}: alt_titles must be a list")
        if note["netflix_original"] not in (True, False, None):
            found.append(f"{where}: netflix_original must be true, false or null")
        ours = note["synopsis"] + " " + " ".join(keywords if isinstance(keywords, list) else [])
        copied = shingles(ours) & runs
        if copied:
            found.append(f"{where}: copies outside prose: {' '.join(sorted(copied)[0])}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", type=Path)
    parser.add_argument("--batch", type=Path)
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared/data")
    args = parser.parse_args()
    found = problems(args.notes, args.batch, args.shared)
    for problem in found:
        print(problem)
    count = len(args.notes.read_text(encoding="utf-8").splitlines())
    print(f"{count} notes, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
