from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import CatalogError
from moviefinder.core.matching import resolve_title
from tests.conftest import run


def test_resolve_title(catalog: Catalog) -> None:
    assert resolve_title(catalog, "t:5") == 4
    assert resolve_title(catalog, "the last kingdom") == 0
    assert resolve_title(catalog, "Last Kingdom") == 0  # a close spelling
    with pytest.raises(CatalogError, match="No title like 'Zzz Top' in the catalogue"):
        resolve_title(catalog, "Zzz Top")
    twins = Catalog.of(
        "c",
        (
            *catalog.titles,
            catalog.titles[4].__class__(id="t:9", title="Heat", type="series", year=2022),
        ),
    )
    with pytest.raises(
        CatalogError,
        match=r"'heat' could be: Heat \(1995, movie, t:5\); Heat \(2022, series, t:9\)",
    ):
        resolve_title(twins, "heat")


def test_a_name_no_title_has_lists_the_closest_instead_of_guessing() -> None:
    """`explain "Vikings"` explained Kings (2017): a name only one letter pair away is no
    misspelling of it. What is no exact title, other title or typo lists the closest few."""
    from moviefinder.core.catalog import Title

    catalog = Catalog.of(
        "c",
        [
            Title(id="k", title="Kings", type="movie", year=2017),
            Title(id="v", title="Vikings: Valhalla", type="series", year=2022),
            Title(id="u", title="Vikings Unearthed", type="movie", year=2016),
            Title(id="m", title="Money Heist", type="series", year=2017,
                  alt_titles=("La casa de papel",)),
            Title(id="s", title="Stranger Things", type="series", year=2016),
        ],
    )  # fmt: skip
    with pytest.raises(CatalogError) as raised:
        resolve_title(catalog, "Vikings")
    assert str(raised.value) == (
        "'Vikings' could be: Vikings: Valhalla (2022, series, v); Vikings Unearthed (2016, "
        "movie, u); Kings (2017, movie, k) — give the id."
    )
    assert resolve_title(catalog, "la casa de papel") == 3  # another title of Money Heist
    assert resolve_title(catalog, "Stranger Thing") == 4  # a misspelling
    assert resolve_title(catalog, "v") == 1  # the id the list gives


def test_similar_leaves_the_title_out(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["similar", "Space Dogs", "--json", "-n", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    ids = [r["id"] for r in rows]
    assert ids[0] == "t:2" and "t:4" not in ids


def test_explain_says_why_hidden_and_what_pulls(
    bundled: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text("Title,Date\nStar Voyage,02-01-24\nHeat,03-01-24\n", encoding="utf-8")
    assert run(["import-history", str(history)]) == 0
    assert run(["rate", "Heat", "dislike"]) == 0
    capsys.readouterr()
    assert run(["explain", "Space Dogs", "--query", "space rocket"]) == 0
    out = capsys.readouterr().out
    assert "Space Dogs (2010, movie, 85 min) t:4" in out
    assert "Not in your viewing history." in out
    assert "pulled up by: Star Voyage" in out and "pushed down by: Heat" in out
    assert "For the query: query score" in out and "rank 1." in out
    assert "It would be shown." in out
    assert run(["explain", "Star Voyage", "--query", "a 90s comedy"]) == 0
    out = capsys.readouterr().out
    assert "You watched it on 2024-01-02." in out
    assert (
        "It would be hidden: you have watched it (--include-watched shows it); filtered out by: years 1990–1999, genre comedy"
        in out
    )
    assert run(["explain", "Nothing Like It"]) == 1
    assert "No title like 'Nothing Like It'" in capsys.readouterr().err


def test_explain_taste_and_doctor_speak_json(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`history`, `explain`, `taste` and `doctor` had no --json."""
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text("Title,Date\nSpace Dogs,02-01-24\nHeat,01-01-24\n", encoding="utf-8")
    assert run(["import-history", str(history)]) == 0
    capsys.readouterr()
    assert run(["explain", "Star Voyage", "--query", "space rocket", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert (explained["id"], explained["title"], explained["watched"]) == (
        "t:2",
        "Star Voyage",
        False,
    )
    assert set(explained["query"]) == {"query_score", "word_score", "score", "rank"}
    assert explained["taste_score"] is not None and explained["liked_near"]
    assert run(["taste", "--json"]) == 0
    taste = json.loads(capsys.readouterr().out)
    assert {s["id"] for s in taste["signals"]} == {"t:4", "t:5"} and taste["interests"]
    assert run(["doctor", "--json"]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert checks and all(c["ok"] for c in checks)
    assert {"subject", "ok", "detail", "fix", "fixed"} == set(checks[0])
