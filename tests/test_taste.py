from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from moviefinder.catalog import Catalog
from moviefinder.cli import run
from moviefinder.finder import Finder, View
from moviefinder.history import Rating, Viewing
from moviefinder.store import refresh
from moviefinder.taste import Signal, build_signals, build_taste, summarise, taste_scores
from tests.conftest import FakeEncoder

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
    scores = taste_scores(taste, matrix)
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
    scores = taste_scores(taste, np.array([cartoon, noir, (cartoon + noir) / np.sqrt(2)]))
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
    assert run(["ask", "space", "--taste-weight", "2"]) == 2


def test_evaluate_taste_on_a_history_that_follows_one_interest() -> None:
    from moviefinder.catalog import Title
    from moviefinder.errors import InputError
    from moviefinder.evaluation import evaluate_taste

    rng = np.random.default_rng(11)
    # 40 space titles (watched, in order) and 200 unrelated, more popular ones.
    space = [v + 0.15 * rng.normal(size=32) for v in [np.eye(32)[0]] * 40]
    other = [rng.normal(size=32) for _ in range(200)]
    matrix = np.array([v / np.linalg.norm(v) for v in space + other], dtype=np.float32)
    titles = [
        Title(id=f"x:{i}", title=f"T{i}", type="movie", imdb_votes=10 if i < 40 else 1000 + i)
        for i in range(240)
    ]
    catalog = Catalog.of("c", titles)
    viewings = [view(f"T{i}", 40 - i) for i in range(40)]
    rows = {f"T{i}": i for i in range(240)}
    report = evaluate_taste(viewings, [], rows, catalog, matrix, 365.0, k=10)
    assert (report.train, report.held_out) == (32, 8)
    assert report.taste.recall == 1.0 and report.taste.ndcg == 1.0
    assert report.popularity.recall == 0.0
    assert set(report.as_dict()) == {
        "train_titles",
        "held_out_titles",
        "k",
        "taste_recall@10",
        "taste_ndcg@10",
        "popularity_recall@10",
        "popularity_ndcg@10",
    }
    with pytest.raises(InputError, match="Only 3 watched titles match"):
        evaluate_taste(viewings[:3], [], rows, catalog, matrix, 365.0)


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
