"""Does taste help? MovieLens users and the shared Netflix histories, against baselines.

MovieLens ml-latest-small (GroupLens; research licence, evaluation only — nothing of it ships):
the dev half of the users in ../shared/data/movielens, over tmdb_5000_movies.csv imported as
the catalogue `tmdb5000`. Per user the first 80 % of ratings by time are the history (4 stars
or more a like, 2 or less a dislike, the rest watched), the later liked ones are held out, and
every title not in the history is ranked (`moviefinder eval taste --format movielens`):

* taste as `ask` computes it, and the same with each of its parts left out (the ablation);
* most popular: likes among all users' history parts;
* ItemKNN, item-to-item collaborative filtering over the same history parts (cosine between
  items' user vectors, 50 neighbours) — it needs other users' data, which `ask` never has.

Then the query-conditioned measure: every held-out title searched for by its own genres and
decade ("a 1990s crime thriller movie"), MRR at taste weight 0 and at the default 0.3. The same
for the shared Netflix histories over the default catalogue.

Run: python benchmarks/taste_quality.py   (about 3 minutes; imports tmdb5000 the first time)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from _common import SHARED, bench_home, machine, table, tmdb_catalog

from moviefinder.app import evaluation, library
from moviefinder.app.evaluation import Split
from moviefinder.core import rank, taste
from moviefinder.core.finder import Finder
from moviefinder.sources.netflix_export import for_profile, read_export
from moviefinder.storage import journal
from moviefinder.storage.config import load_settings

MOVIELENS = SHARED / "movielens"
HISTORIES = SHARED / "histories"
NETFLIX = (
    ("nl-simple", None),
    ("en-ddmmyyyy-simple", None),
    ("us-simple", None),
    ("nl-full-export", "Profile A"),
    ("nl-full-export-starttime", "Profile B"),
    ("nl-full-export-starttime", "Profile C"),
    ("br-full-export", "Profile A"),
    ("br-full-export", "Profile E"),
)
NEIGHBOURS = 50
#: The ablation: each row sets these module constants of moviefinder.core.taste for its run.
VARIANTS: tuple[tuple[str, dict[str, float]], ...] = (
    ("taste as `ask` computes it", {}),
    ("content only, no popularity prior (before)", {"PRIOR_WEIGHT": 0.0}),
    ("popularity prior 1.5 (half)", {"PRIOR_WEIGHT": 1.5}),
    ("popularity prior 6 (double)", {"PRIOR_WEIGHT": 6.0}),
    ("one interest centroid", {"MAX_CLUSTERS": 1}),
    ("no dislike push", {"DISLIKE_PUSH": 0.0}),
)


@contextmanager
def variant(settings: dict[str, float]) -> Iterator[None]:
    saved = {name: getattr(taste, name) for name in settings}
    for name, value in settings.items():
        setattr(taste, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(taste, name, value)


def item_knn(splits: Sequence[Split], size: int) -> Callable[[Split], np.ndarray]:
    """ItemKNN scores from everyone's history parts: a title scores the summed cosine of its
    NEIGHBOURS nearest titles that the person has in their history."""
    users = np.zeros((len(splits), size), dtype=np.float32)
    for i, split in enumerate(splits):
        users[i, list(split.seen)] = 1.0
    norms = np.linalg.norm(users, axis=0)
    similar = (users.T @ users) / np.clip(np.outer(norms, norms), 1e-9, None)
    np.fill_diagonal(similar, 0.0)
    cut = np.argpartition(-similar, NEIGHBOURS, axis=1)[:, NEIGHBOURS:]
    np.put_along_axis(similar, cut, 0.0, axis=1)

    def scores(split: Split) -> np.ndarray:
        return np.asarray(similar[:, list(split.seen)].sum(axis=1), dtype=np.float32)

    return scores


def ranked(splits: Sequence[Split], size: int, score: Callable[[Split], np.ndarray]) -> str:
    found = []
    for split in splits:
        candidates = np.ones(size, dtype=bool)
        candidates[list(split.seen)] = False
        top = rank.top_k(score(split), 10, candidates)
        found.append(evaluation.ranking_scores(top, split.held_out, 10))
    recall, ndcg = np.mean([f.recall for f in found]), np.mean([f.ndcg for f in found])
    return f"Recall@10 {recall:.4f}, NDCG@10 {ndcg:.4f}"


def measure(
    name: str, finder: Finder, splits: Sequence[Split], popularity: np.ndarray | None
) -> None:
    settings = load_settings()
    catalog, half_life = finder.catalog, settings.half_life_days
    rows = []
    for label, change in VARIANTS:
        with variant(change):
            report = evaluation.evaluate_splits(
                splits, catalog, finder.matrix, half_life, 10, popularity
            )
            searched = evaluation.evaluate_query_taste(
                finder, splits, half_life, settings.taste_weight
            )
        mrr = (f"{searched.mrr_without:.3f}", f"{searched.mrr_with:.3f}", f"{searched.lift:+.0%}")
        rows.append([label, f"{report.taste.recall:.4f}", f"{report.taste.ndcg:.4f}", *mrr])
    popular = report.popularity
    rows.append(["most popular", f"{popular.recall:.4f}", f"{popular.ndcg:.4f}", "", "", ""])
    print(f"\n{name}: {report.users} people, {report.held_out} held-out titles")
    header = ["ranking", "Recall@10", "NDCG@10", "query MRR w=0", "w=0.3", "lift"]
    print(table(header, rows))


def main() -> None:
    bench_home()
    settings = load_settings()
    print(f"taste quality ({machine()})")
    finder = library.open_finder(tmdb_catalog(), settings.model, settings.encoder)
    users = evaluation.read_movielens(
        MOVIELENS / "ratings_dev.csv", MOVIELENS / "links.csv", finder.catalog
    )
    splits = [s for r in users.values() if (s := evaluation.ratings_split(r)) is not None]
    size = len(finder.catalog)
    popular = evaluation.liked_counts(splits, size)
    measure("MovieLens dev users, tmdb5000", finder, splits, popular)
    print(f"ItemKNN (other users' data): {ranked(splits, size, item_knn(splits, size))}")
    finder = library.open_finder("default", settings.model, settings.encoder)
    netflix = []
    for folder, profile in NETFLIX:
        export = for_profile(read_export(HISTORIES / folder), profile)
        titles = [v.title for v in export.viewings] + [r.title for r in export.ratings]
        rows = journal.match_rows(titles, finder.catalog)
        netflix.append(evaluation.history_split(export.viewings, export.ratings, rows))
    measure("Shared Netflix histories, default catalogue", finder, netflix, None)


if __name__ == "__main__":
    main()
