"""Search quality on real "tip of the tongue" requests, against two baselines in the same run.

Imports ``tmdb_5000_movies.csv`` as a catalogue (our pipeline: ``title_text`` embedded, queries
read as ``ask`` reads them), then ranks every movie for each request of
``../shared/data/queries/tot_dev.jsonl`` whose answer (``answer_tmdb_id``) is in that file:

- **ours**: ``moviefinder eval known-items --catalog tmdb5000 --answerable``;
- **plain embedding**: the same model on title + genres + overview + tagline + keywords, the raw
  request encoded as it is (the model reads its first 256 word pieces);
- **BM25** (rank-bm25, Okapi) over the same text as plain embedding.

    python benchmarks/tot_quality.py [--limit N]     # N requests (default all, ~1,400)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time

import numpy as np
from _common import TMDB_MOVIES as MOVIES
from _common import TOT_REQUESTS as QUERIES
from _common import bench_home, machine, table, tmdb_catalog

from moviefinder.app import library
from moviefinder.app.evaluation import CUTOFFS, KnownItem, evaluate
from moviefinder.core import rank
from moviefinder.core.encoder import encode_batched
from moviefinder.storage.config import load_settings

WORD = re.compile(r"\w+")


def plain_text(row: dict[str, str]) -> str:
    genres = ", ".join(g["name"] for g in json.loads(row["genres"] or "[]"))
    keywords = ", ".join(k["name"] for k in json.loads(row["keywords"] or "[]"))
    return ". ".join(
        p for p in (row["title"], genres, row["overview"], row["tagline"], keywords) if p
    )


def scores_of(ranks: list[int | None]) -> tuple[list[float], float]:
    n = len(ranks)
    hits = [sum(1 for r in ranks if r is not None and r <= k) / n for k in CUTOFFS]
    return hits, sum(1.0 / r for r in ranks if r is not None) / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N requests")
    args = parser.parse_args()
    if not MOVIES.is_file() or not QUERIES.is_file():
        print(f"needs {MOVIES} and {QUERIES}", file=sys.stderr)
        return 1
    bench_home()
    settings = load_settings()
    with MOVIES.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["id"].isdigit() and r["title"]]
    row_of = {int(r["id"]): i for i, r in enumerate(rows)}
    requests = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    requests = [r for r in requests if r.get("answer_tmdb_id") in row_of][: args.limit]
    answers = np.array([row_of[r["answer_tmdb_id"]] for r in requests])

    start = time.perf_counter()
    finder = library.open_finder(tmdb_catalog(), settings.model, settings.encoder)
    items = [KnownItem(r["query"], (f"tmdb:{r['answer_tmdb_id']}",)) for r in requests]
    ours = evaluate(finder, items, answerable_only=True)
    ours_ranks = [o.rank for o in ours.per_query]

    documents = [plain_text(r) for r in rows]
    matrix = encode_batched(finder.encoder, documents)
    queries = encode_batched(finder.encoder, [r["query"] for r in requests])
    plain_ranks = [
        rank.rank_of(s, np.array([a]))
        for s, a in zip(rank.cosine_scores(matrix, queries), answers, strict=True)
    ]

    from rank_bm25 import BM25Okapi  # a dev-only baseline

    bm25 = BM25Okapi([WORD.findall(d.lower()) for d in documents])
    bm25_ranks = [
        rank.rank_of(bm25.get_scores(WORD.findall(r["query"].lower())), np.array([a]))
        for r, a in zip(requests, answers, strict=True)
    ]

    results = {"ours": ours_ranks, "plain embedding": plain_ranks, "BM25": bm25_ranks}
    measured = {name: scores_of(ranks) for name, ranks in results.items()}
    print(f"tip-of-the-tongue requests answered in tmdb_5000_movies.csv: {len(requests)}")
    print(machine() + f", {time.perf_counter() - start:.0f} s")
    print(
        table(
            ["system", *(f"Hit@{k}" for k in CUTOFFS), "MRR", "MRR vs plain"],
            [
                [name, *(f"{h:.3f}" for h in hits), f"{mrr:.3f}",
                 f"{mrr / measured['plain embedding'][1]:.2f}x"]
                for name, (hits, mrr) in measured.items()
            ],
        )
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
