from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from moviefinder.app import history
from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.errors import CatalogError, InputError
from moviefinder.core.matching import Matcher
from moviefinder.present import console
from moviefinder.storage import journal, paths
from tests.conftest import SHARED, TITLES, run

HISTORIES = SHARED / "histories"

SIMPLE = """Title,Date
The Last Kingdom: Season 1: Episode 1,02-03-21
The Last Kingdom: Season 1: Episode 2,03-03-21
Glass Onion: A Knives Out Mystery,04-03-21
The Defeated: Homecoming,05-03-21
Kitchen Batle,06-03-21
Heat 2,07-03-21
"""

EXTRA = (
    Title(id="t:6", title="Glass Onion: A Knives Out Mystery", type="movie", year=2022),
    Title(id="t:7", title="The Defeated", type="series", year=2020),
    Title(id="t:8", title="Kitchen Battle Royale", type="series", year=2021),
    Title(
        id="t:9", title="La casa de papel", type="series", year=2017, alt_titles=("Money Heist",)
    ),
)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.of("default", (*TITLES, *EXTRA))


def test_matcher_exact_alternative_prefix_and_no_guessing(catalog: Catalog) -> None:
    matcher = Matcher(catalog)
    found = {
        t: matcher.match(t)
        for t in [
            "The Last Kingdom: Season 2: Episode 1",
            "Glass Onion: A Knives Out Mystery",
            "The Defeated: Homecoming",
            "Money Heist: Part 1: Episode 1",
            "Kitchen Batle",  # misspelt: fuzzy finds it
            "The Last Kingdoms",  # a plural is another title, not a typo
            "Heat 2",  # a sequel number likewise
        ]
    }
    assert {t: (m.row, m.how) for t, m in found.items()} == {
        "The Last Kingdom: Season 2: Episode 1": (0, "exact"),
        "Glass Onion: A Knives Out Mystery": (5, "exact"),
        "The Defeated: Homecoming": (6, "series, exact"),
        "Money Heist: Part 1: Episode 1": (8, "alternative title"),
        "Kitchen Batle": (2, "fuzzy 96"),
        "The Last Kingdoms": (None, "unmatched"),
        "Heat 2": (None, "unmatched"),
    }


def test_fuzzy_accepts_spelling_but_not_sequels_or_plurals() -> None:
    catalog = Catalog.of(
        "c",
        (
            Title(id="a", title="Greys Anatomy Forever", type="series"),
            Title(id="b", title="Forces of Nature", type="movie"),
            Title(id="c", title="Men in Black", type="movie"),
        ),
    )
    matcher = Matcher(catalog)
    assert matcher.match("Grey's Anatomy Forever: Season 1: Pilot").row == 0
    assert matcher.match("Force of Nature").row is None
    assert matcher.match("Men in Black 3").row is None


def test_import_reports_and_reimport_adds_nothing(
    home: Path, tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text(SIMPLE, encoding="utf-8")
    report = history.import_history(path, catalog)
    assert (report.rows, report.kept, report.added) == (6, 6, 6)
    assert (report.titles, report.matched_titles) == (5, 4)
    assert report.unmatched == (("Heat 2", 1),)
    assert report.matched_views == pytest.approx(5 / 6)
    again = history.import_history(path, catalog)
    assert again.added == 0 and len(journal.load_journal().viewings) == 6


def test_links_win_and_survive_replace(home: Path, tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text(SIMPLE, encoding="utf-8")
    history.import_history(path, catalog)
    assert history.link("Heat 2", "t:5", catalog) == ("Heat 2", "t:5")
    report = history.import_history(path, catalog, replace=True)
    assert report.added == 6
    assert report.unmatched == ()
    with pytest.raises(CatalogError, match="No catalogue title 'nope'"):
        history.link("Heat 2", "nope", catalog)


def test_damaged_store_is_a_clear_error_that_replace_gets_past(
    home: Path, tmp_path: Path, catalog: Catalog
) -> None:
    folder = paths.history_dir()
    folder.mkdir(parents=True)
    viewings = folder / journal.VIEWINGS_FILE
    viewings.write_text('{"title": "Heat", "when": "2023-01-01T00:00:00"}\n{"title": "x"}\n')
    (folder / journal.LINKS_FILE).write_text('{"Heat 2": "t:5"}')
    with pytest.raises(InputError) as caught:
        journal.load_journal()
    assert console.problem(caught.value) == (
        f"{viewings} is damaged (line 2: Object missing required field `when`) — move it aside "
        "and run "
        "`moviefinder import-history <your Netflix export> --replace`."
    )
    export = tmp_path / "NetflixViewingHistory.csv"
    export.write_text(SIMPLE, encoding="utf-8")
    with pytest.raises(InputError):  # a plain import would merge into the damaged file
        history.import_history(export, catalog)
    assert history.import_history(export, catalog, replace=True).added == 6
    stored = journal.load_journal()
    assert len(stored.viewings) == 6 and stored.links == {"Heat 2": "t:5"}  # links kept


def test_cli_import_history_and_history(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text(SIMPLE, encoding="utf-8")
    assert run(["import-history", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Read 6 rows: kept 6 viewings (6 new), skipped 0." in out
    assert "Matched 4 of 5 titles (83% of viewings)" in out
    assert "Unmatched, most watched first: Heat 2 (1)" in out
    assert run(["history"]) == 0
    out = capsys.readouterr().out
    assert "6 viewings from 2021-03-02 to 2021-03-07" in out and "The Last Kingdom (t:1)" in out
    assert run(["history", "link", "Heat 2", "t:5"]) == 0
    assert "Linked “Heat 2” → Heat (1995, t:5)." in capsys.readouterr().out
    assert run(["import-history", str(tmp_path / "missing.csv")]) == 1
    assert capsys.readouterr().err.startswith("Error: No such file or folder:")


@pytest.mark.skipif(not HISTORIES.is_dir(), reason=f"no histories at {HISTORIES}")
@pytest.mark.parametrize(
    ("folder", "profile", "floor"),
    [
        ("nl-simple", None, 0.5),
        ("en-ddmmyyyy-simple", None, 0.55),
        ("us-simple", None, 0.85),
        ("nl-full-export", "Profile A", 0.45),
        ("nl-full-export-starttime", "Profile B", 0.6),
        ("br-full-export", "Profile E", 0.3),
    ],
)
def test_shared_histories_import_with_their_match_rate(
    home: Path, folder: str, profile: str | None, floor: float
) -> None:
    from moviefinder.app import library

    catalog = library.open_catalog()
    report = history.import_history(HISTORIES / folder, catalog, profile)
    assert report.kept > 0 and report.added == report.kept
    assert report.matched_views >= floor, report.unmatched[:10]


def test_merge_keeps_order_and_dedupes() -> None:
    from datetime import datetime

    from moviefinder.core.viewing import HistoryFile, Viewing

    a = Viewing("A", datetime(2021, 1, 2))
    b = Viewing("B", datetime(2021, 1, 1))
    merged, added = journal.merge(
        journal.Journal((a,)), HistoryFile((a, b, replace(b, profile="x")))
    )
    assert added == 2 and [v.title for v in merged.viewings] == ["B", "B", "A"]


ACTIVITY = """Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,Device Type,Bookmark,Latest Bookmark,Country
Ana,2024-03-01 20:00:00,00:40:00,,The Last Kingdom: Season 1: Episode 1,,TV,00:40:00,00:40:00,BR (Brazil)
Ana,2024-05-02 20:00:00,00:40:00,,The Last Kingdom: Season 1: Episode 2,,TV,00:40:00,00:40:00,BR (Brazil)
Ana,2024-06-03 20:00:00,01:40:00,,Heat,,TV,01:40:00,01:40:00,PT (Portugal)
Ana,2024-06-04 20:00:00,00:40:00,,Unknown Show,,TV,00:40:00,00:40:00,
"""


def test_a_history_is_evidence_of_where_and_when_titles_were_on_netflix(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from moviefinder.core.availability import Availability

    export = tmp_path / "ViewingActivity.csv"
    export.write_text(ACTIVITY, encoding="utf-8")
    assert run(["import-history", str(export)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Watched in: BR (2 viewings), PT (1 viewings)." in out
    assert (
        "Your region is NL, but this history was watched in BR: "
        "`moviefinder config set region BR` searches what is on Netflix there." in out
    )
    catalog = Catalog.of("default", TITLES)
    digest = journal.digest(catalog)
    assert digest is not None
    assert sorted(digest.evidence(catalog), key=lambda r: r.id) == [
        Availability("t:1", "BR", "netflix", "your-history", "2024-03-01", "2024-05-02"),
        Availability("t:5", "PT", "netflix", "your-history", "2024-06-03", "2024-06-03"),
    ]
    assert run(["explain", "Heat", "--region", "PT"]) == 0
    out = capsys.readouterr().out
    assert "On Netflix PT: your history, 2024-06" in out
    assert "your-history: PT, 2024-06-03 → 2024-06-03" in out


def test_a_simple_history_was_watched_in_the_configured_region(
    bundled: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOVIEFINDER_REGION", "BE")
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text(SIMPLE, encoding="utf-8")
    assert run(["import-history", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Watched in: BE (6 viewings)." in out and "config set region" not in out
    assert {v.country for v in journal.load_journal().viewings} == {"BE"}
    # Only the user's own history knows BE: no list of BE titles, so nothing is filtered
    assert run(["ask", "space rocket", "-n", "1"]) == 0
    assert "No availability evidence for BE in this catalogue" in capsys.readouterr().out
