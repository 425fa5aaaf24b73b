from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from moviefinder.core.catalog import Catalog
from moviefinder.core.finder import Finder, View
from moviefinder.core.taste import Signal, build_signals, build_taste, content_scores, summarise
from moviefinder.core.viewing import Rating, Viewing
from moviefinder.storage.store import refresh
from tests.conftest import FakeEncoder, run

DAY = datetime(2024, 1, 31)
ROWS = {"The Last Kingdom": 0, "Star Voyage": 1, "Kitchen Battle": 2, "Space Dogs": 3, "Heat": 4}


def view(title: str, days_ago: int = 0, minutes: int | None = None) -> Viewing:
    return Viewing(
        title, DAY - timedelta(days=days_ago), "", None if minutes is None else minutes * 60
    )


@pytest.fixture
def matrix(catalog: Catalog) -> np.ndarray:
    return refresh(catalog, FakeEncoder(), None)[0].matrix


def test_signal_parts(catalog: Catalog) -> None:
    viewings = [
        view("Star Voyage", 0, minutes=115),  # runtime 120: finished
        view("Heat", 10, minutes=20),  # runtime 170: gave up after 12 %
        view("Space Dogs", 400, minutes=80),
        view("Space Dogs", 30, minutes=85),  # rewatched on another day
        view("Kitchen Battle", 0),  # a series with one episode: dropped
    ]
    ratings = [Rating("The Last Kingdom", 3, DAY)]
    signals = build_signals(summarise(viewings, ratings, ROWS), catalog, 365.0)
    by_row = {s.row: s for s in signals}
    assert (by_row[1].implicit, by_row[1].reason) == (0.6, "watched to the end")
    assert (by_row[4].implicit, by_row[4].reason) == (-0.3, "stopped after 12%")
    assert (by_row[3].implicit, by_row[3].reason) == (
        pytest.approx(1.0),
        "watched to the end, rewatched",
    )
    assert by_row[3].recency == pytest.approx(0.5 ** (30 / 365))
    assert (by_row[2].implicit, by_row[2].reason) == (-0.3, "dropped after one episode")
    assert (by_row[0].explicit, by_row[0].reason, by_row[0].views) == (2.0, "loved", 0)
    assert by_row[0].weight == 2.0


def test_thumbs_down_overrides_watching(catalog: Catalog) -> None:
    summary = summarise([view("Heat", 0, minutes=170)], [Rating("Heat", 1, DAY)], ROWS)
    signals = build_signals(summary, catalog, 365.0)
    assert [(s.implicit, s.explicit, s.weight) for s in signals] == [(0.6, -1.0, -1.0)]


def test_two_interests_stay_apart_and_dislikes_push(catalog: Catalog, matrix: np.ndarray) -> None:
    likes = [view("Star Voyage", 0, 115), view("Space Dogs", 0, 84), view("The Last Kingdom", 0)]
    likes += [view("The Last Kingdom: Season 1: Episode 2", 0)]
    rows = {**ROWS, "The Last Kingdom: Season 1: Episode 2": 0}
    signals = build_signals(summarise(likes, [Rating("Heat", 1, DAY)], rows), catalog, 365.0)
    taste = build_taste(signals, matrix)
    assert taste is not None
    scores = content_scores(taste, matrix)
    assert scores.shape == (5,)
    assert scores[4] < scores[1]  # the disliked heist film sinks
    assert build_taste([s for s in signals if s.weight < 0], matrix) is None


def test_cartoons_and_noir_become_two_centroids() -> None:
    rng = np.random.default_rng(7)
    cartoon, noir = np.eye(16, dtype=np.float32)[0], np.eye(16, dtype=np.float32)[1]
    vectors = [v + 0.15 * rng.normal(size=16) for v in [cartoon] * 6 + [noir] * 6]
    matrix = np.array([v / np.linalg.norm(v) for v in vectors], dtype=np.float32)
    signals = [Signal(row, 1, 0.0, 0.6, 1.0, "watched") for row in range(12)]
    taste = build_taste(signals, matrix)
    assert taste is not None
    assert sorted(sorted(m) for m in taste.members) == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    scores = content_scores(taste, np.array([cartoon, noir, (cartoon + noir) / np.sqrt(2)]))
    # Both tastes score high on their own ground; the average of the two is no better.
    assert scores[0] > 0.9 and scores[1] > 0.9 and scores[2] < min(scores[0], scores[1])


def test_finder_hides_watched_and_blends(catalog: Catalog, matrix: np.ndarray) -> None:
    taste = np.array([0.9, 0.0, 0.0, 0.0, 0.0], dtype=np.float32)
    finder = Finder(catalog, matrix, FakeEncoder(), taste=taste, watched=frozenset({3}))
    plain = finder.ask("space rocket", View(limit=5)).matches
    assert "t:4" not in [m.title.id for m in plain] and len(plain) == 4
    shown = finder.ask("space rocket", View(limit=5, include_watched=True)).matches
    assert shown[0].title.id == "t:4" and shown[0].watched
    tasty = finder.ask("space rocket", View(limit=1, taste_weight=1.0)).matches
    assert tasty[0].title.id == "t:1" and tasty[0].score == pytest.approx(0.9)
    blended = finder.ask("space rocket", View(limit=5, taste_weight=0.5)).matches
    for m in blended:
        assert m.score == pytest.approx(
            0.5 * (m.query_score + m.word_score) + 0.5 * (m.taste_score or 0.0), abs=1e-6
        )


SIMPLE = """Title,Date
Star Voyage,02-01-24
Space Dogs,03-01-24
The Last Kingdom: Season 1: Episode 1,04-01-24
The Last Kingdom: Season 1: Episode 2,05-01-24
"""


def test_ask_with_history_hides_watched_and_shows_taste(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ask", "space", "--json"]) == 0
    before = capsys.readouterr().out
    assert '"taste_score": null' in before
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text(SIMPLE, encoding="utf-8")
    assert run(["import-history", str(history)]) == 0
    capsys.readouterr()
    assert run(["ask", "space rocket", "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["results"]
    assert {r["id"] for r in rows} == {"t:3", "t:5"}
    assert all(r["taste_score"] is not None and not r["watched"] for r in rows)
    assert run(["ask", "space rocket", "--include-watched", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert "Space Dogs (watched)" in out and "0.70·(query + words) + 0.30·taste" in out
    assert "watched titles shown" in out and "watched titles hidden" not in out
    assert run(["ask", "space rocket", "-n", "1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "watched titles hidden (--include-watched shows them)" in out
    assert run(["ask", "space rocket", "-n", "1", "--why"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    parts = re.search(r"taste (-?[\d.]+) \(like what you watch ([-+][\d.]+), how widely watched "
                      r"([-+][\d.]+)\)", out)  # fmt: skip
    assert parts is not None, out
    total, like, prior = (float(x) for x in parts.groups())
    assert total == pytest.approx(like + prior, abs=0.002)
    assert run(["ask", "space", "--taste-weight", "2"]) == 2


def test_taste_finds_an_interest_that_popularity_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """40 space titles watched in order among 200 unrelated ones; popularity is the same
    spread over both groups, so only the content can find the space titles held out. The
    popularity prior (weighted to fit how people pick, README) costs some of them here."""
    from moviefinder.app.evaluation import evaluate_splits, history_split
    from moviefinder.core import taste
    from moviefinder.core.catalog import Title
    from moviefinder.core.errors import InputError

    rng = np.random.default_rng(11)
    space = [v + 0.15 * rng.normal(size=32) for v in [np.eye(32)[0]] * 40]
    other = [rng.normal(size=32) for _ in range(200)]
    matrix = np.array([v / np.linalg.norm(v) for v in space + other], dtype=np.float32)
    votes = [1000 + (i * 37) % 240 for i in range(240)]  # both groups alike
    titles = [
        Title(id=f"x:{i}", title=f"T{i}", type="movie", imdb_votes=votes[i]) for i in range(240)
    ]
    catalog = Catalog.of("c", titles)
    viewings = [view(f"T{i}", 40 - i) for i in range(40)]
    rows = {f"T{i}": i for i in range(240)}
    split = history_split(viewings, [], rows)
    assert (len(split.seen), len(split.held_out)) == (32, 8)
    report = evaluate_splits([split], catalog, matrix, 365.0, k=10)
    assert report.taste.recall > report.popularity.recall == 0.0
    monkeypatch.setattr(taste, "PRIOR_WEIGHT", 0.0)
    content = evaluate_splits([split], catalog, matrix, 365.0, k=10)
    assert content.taste.recall == 1.0 and content.taste.ndcg == 1.0
    assert set(report.as_dict()) == {
        "users",
        "learned_from",
        "held_out",
        "recall@10",
        "ndcg@10",
        "popularity_recall@10",
        "popularity_ndcg@10",
    }
    with pytest.raises(InputError, match="Only 3 watched titles match"):
        history_split(viewings[:3], [], rows)


def test_the_popularity_prior_lifts_widely_watched_titles_among_equals() -> None:
    """The more people watch a title, the more the prior lifts it. A search ranks as of now:
    a title released after an old history's last viewing is lifted like any other; only an
    evaluation replaying that history gives it nothing for its later fame."""
    from moviefinder.core.catalog import Title
    from moviefinder.core.taste import Summary, build_signals, taste_of

    matrix = np.array([[1, 0], [0.8, 0.6], [0.8, -0.6], [0.8, 0.6], [0, 1]], dtype=np.float32)
    titles = [
        Title(id="x:0", title="Liked", type="movie", year=2000, imdb_votes=10),
        Title(id="x:1", title="Niche", type="movie", year=2000, imdb_votes=100),
        Title(id="x:2", title="Famous", type="movie", year=2000, imdb_votes=1_000_000),
        Title(id="x:3", title="Later", type="movie", year=2030, imdb_votes=1_000_000),
        Title(id="x:4", title="Unrelated", type="movie", year=2000, imdb_votes=100),
    ]
    catalog = Catalog.of("c", titles)
    summary = summarise([view("Liked")], [], {"Liked": 0})
    made = taste_of(summary, catalog, matrix, 365.0)
    assert made is not None
    profile, scores, prior = made
    assert scores - prior == pytest.approx(content_scores(profile, matrix))
    assert prior[2] == prior[3] > prior[1]  # famous and later alike, then niche
    replayed = taste_of(summary, catalog, matrix, 365.0, replay=True)
    assert replayed is not None
    prior = replayed[2]
    assert prior[2] > prior[1] > prior[3]  # famous, niche, then the later one: no lift at all
    assert prior[3] == prior.min()
    assert build_signals(Summary((), None), catalog, 365.0) == []


def test_cli_eval_taste_needs_enough_history(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text(SIMPLE, encoding="utf-8")
    assert run(["eval", "taste", str(history)]) == 1
    assert capsys.readouterr().err == "Error: Only 3 watched titles match the catalogue; need 10.\n"


def test_rate_and_taste_commands(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["taste"]) == 0
    assert "No taste yet" in capsys.readouterr().out
    assert run(["rate", "Star Voyage", "love"]) == 0
    assert capsys.readouterr().out == "Noted: you love Star Voyage (1999, t:2).\n"
    assert run(["rate", "Heat", "dislike"]) == 0
    capsys.readouterr()
    assert run(["taste"]) == 0
    out = capsys.readouterr().out
    assert (
        "+2.00 │ Star Voyage" in out
        and "-1.00 │ Heat" in out
        and "1. Star Voyage (1 titles)" in out
    )
    assert run(["rate", "Heat", "clear"]) == 0
    assert "Forgot your rating of Heat" in capsys.readouterr().out
    assert run(["rate", "No Such Film", "like"]) == 1
    assert "No title like 'No Such Film' in the catalogue" in capsys.readouterr().err
    assert run(["rate", "Star Voyag", "like"]) == 0  # a misspelling, as explain takes it
    assert "Noted: you like Star Voyage" in capsys.readouterr().out
    assert run(["rate", "Heat", "meh"]) == 2


def test_explain_and_taste_say_what_you_did_with_a_title(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text(
        "Title,Date\n"
        '"The Last Kingdom: Season 1: Episode 2",5/2/24\n'
        '"The Last Kingdom: Season 1: Episode 1",4/28/24\n'
        "Star Voyage,4/1/24\n",
        encoding="utf-8",
    )
    assert run(["import-history", str(history)]) == 0
    assert run(["rate", "Star Voyage", "like"]) == 0
    today = datetime.now().date().isoformat()
    capsys.readouterr()
    assert run(["explain", "The Last Kingdom"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "You watched 2 episodes, the last on 2024-05-02." in out
    assert run(["explain", "Star Voyage"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"You gave it a thumbs up on {today}; watched it on 2024-04-01." in out
    assert run(["explain", "Heat"]) == 0
    assert "Not in your viewing history." in capsys.readouterr().out
    assert run(["taste"]) == 0
    out = capsys.readouterr().out
    assert "Your ratings" in out and "Star Voyage" in out.split("Your ratings")[1]
    assert run(["taste", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ratings"] == [
        {
            "id": "t:2",
            "title": "Star Voyage",
            "thumbs": "up",
            "rated": today,
            "views": 1,
            "episodes": 1,
            "first": "2024-04-01",
            "last": "2024-04-01",
        }
    ]


def test_movielens_ratings_split_by_time_and_rank_every_unseen_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first 80 % of each user's ratings are the history, the later liked ones held out;
    links tie MovieLens ids to catalogue titles by TMDB id, else IMDb id."""
    from moviefinder.app.evaluation import (
        evaluate_splits,
        liked_counts,
        ratings_split,
        read_movielens,
    )
    from moviefinder.core import taste
    from moviefinder.core.catalog import Title

    monkeypatch.setattr(taste, "PRIOR_WEIGHT", 0.0)  # every title equally known here
    titles = [
        Title(id=f"m:{i}", title=f"M{i}", type="movie", tmdb_id=100 + i, imdb_id=f"tt{900 + i}")
        for i in range(12)
    ]
    catalog = Catalog.of("ml", titles)
    # Titles 0-5 are one kind of film, 6-11 another: near-identical vectors within each.
    matrix = np.array([[1.0, 0.1 * (i % 6)] if i < 6 else [0.1 * (i % 6), 1.0] for i in range(12)])
    matrix = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
    links = tmp_path / "links.csv"
    rows = [f"{i + 1},{900 + i},{100 + i}" for i in range(11)] + ["12,911,"]  # 12: IMDb only
    links.write_text("movieId,imdbId,tmdbId\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ratings = tmp_path / "ratings.csv"
    lines = ["userId,movieId,rating,timestamp"]
    for user, (first, last) in {1: (1, 6), 2: (7, 12)}.items():
        for n, movie in enumerate(range(first, last + 1)):
            lines.append(f"{user},{movie},{5.0 if n != 2 else 3.0},{1_500_000_000 + n * 86400}")
    lines.append("3,99,5.0,1500000000")  # a movie the links do not tie to the catalogue
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    users = read_movielens(ratings, links, catalog)
    assert sorted(users) == ["1", "2"] and [r.row for r in users["2"]] == list(range(6, 12))
    splits = [s for rated in users.values() if (s := ratings_split(rated)) is not None]
    assert [sorted(s.held_out) for s in splits] == [[4, 5], [10, 11]]
    assert [s.thumbs for s in splits[0].summary.seen] == [2, 2, 0, 2]  # 3 stars: watched
    popular = liked_counts(splits, 12)
    report = evaluate_splits(splits, catalog, matrix, 365.0, k=2, popularity=popular)
    assert report.taste.recall == 1.0  # each user's next title is of the kind they like
    assert (report.users, report.learned_from, report.held_out) == (2, 8, 4)


def test_cli_eval_taste_movielens_needs_its_links(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("userId,movieId,rating,timestamp\n", encoding="utf-8")
    assert run(["eval", "taste", str(ratings), "--format", "movielens"]) == 2
    assert "give the ratings file and --links" in capsys.readouterr().err
    links = tmp_path / "links.csv"
    links.write_text("movieId,tmdbId\n", encoding="utf-8")
    assert run(["eval", "taste", str(ratings), "--format", "movielens", "--links", str(links)]) == 1
    assert "links.csv lacks column(s): imdbId" in capsys.readouterr().err
