from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from moviefinder.core.availability import (
    Availability,
    catalogue_records,
    evidence_titles,
    for_region,
)
from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import InputError
from moviefinder.storage import paths
from moviefinder.storage.evidence import read_availability, write_availability
from tests.conftest import run

TODAY = date(2026, 11, 22)
RECORDS = [
    Availability("t:1", "NL", "netflix", "netflix-top10-nl-weekly", "2021-07-04", "2021-07-11"),
    Availability("t:2", "*", "netflix", "netflix-original", "2026-11-22", "2026-11-22"),
    Availability("t:3", "US", "netflix", "justwatch-2023", "2023", "2023"),
    Availability("t:2", "NL", "netflix", "netflix-top10-nl-daily", "2025-10-17", "2026-01-03"),
]


def test_round_trip_sorted(tmp_path: Path) -> None:
    path = tmp_path / "availability.jsonl"
    write_availability(RECORDS, path)
    assert read_availability(path) == sorted(RECORDS, key=lambda r: (r.id, r.region, r.source))
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"availability\.jsonl:1: not an availability record"):
        read_availability(path)
    assert read_availability(tmp_path / "none.jsonl") == []


def test_region_view_shows_the_freshest_evidence_first(catalog: Catalog) -> None:
    nl = for_region(RECORDS, catalog, "NL")
    assert sorted(nl.groups) == [0, 1] and nl.known(5).tolist() == [True, True, False, False, False]
    # t:2: the originals flag (2026-11) is fresher than its NL top-10 record (2026-01)
    assert [r.source for r in nl.records(1)] == ["netflix-original", "netflix-top10-nl-daily"]
    assert nl.best(1) == RECORDS[1] and nl.best(4) is None and nl.records(4) == ()
    assert nl.has_evidence
    jp = for_region(RECORDS, catalog, "JP")
    assert (
        sorted(jp.groups) == [1] and not jp.has_evidence
    )  # originals alone are no regional evidence


def test_a_tie_in_freshness_goes_to_the_regions_own_record(catalog: Catalog) -> None:
    same_day = [
        Availability("t:1", "*", "netflix", "netflix-engagement", "2025-01-01", "2025-06-30"),
        Availability("t:1", "NL", "netflix", "your-history", "2025-02-01", "2025-06-30"),
    ]
    view = for_region(same_day, catalog, "NL")
    assert view.best(0).source == "your-history"  # type: ignore[union-attr]
    assert not view.has_evidence  # the user's own history is no list of the region's titles
    added = for_region(same_day[:1], catalog, "NL").with_records(same_day[1:], catalog)
    assert added.records(0) == view.records(0)


def test_age_and_labels() -> None:
    old, original, yearly, fresh = RECORDS
    assert [r.age(TODAY) for r in RECORDS] == ["old", "current", "stale", "current"]
    assert old.is_stale(TODAY) and not fresh.is_stale(TODAY) and not original.is_stale(TODAY)
    assert old.describe(TODAY) == "NL top 10, 2021-07 (old)"
    assert yearly.describe(TODAY) == "JustWatch US list, 2023 (stale)"
    assert original.describe(TODAY) == "Netflix original, 2026-11"
    # a half-year report counts to its last day: current for a year after that
    report = Availability("t:1", "*", "netflix", "netflix-engagement", "2025-07-01", "2025-12-31")
    assert report.age(date(2026, 12, 31)) == "current"
    assert report.age(date(2027, 1, 1)) == "stale"
    assert report.age(date(2029, 1, 1)) == "old"


def test_evidence_titles_count_every_region_evidence_for_each_region(catalog: Catalog) -> None:
    assert evidence_titles(RECORDS, catalog) == {"*": 1, "NL": 2, "US": 2}


def test_catalogue_records(catalog: Catalog) -> None:
    from dataclasses import replace

    titles = (replace(catalog.titles[0], netflix_original=True), *catalog.titles[1:])
    records = catalogue_records(Catalog.of("c", titles), "2026-11-22")
    assert records == [
        Availability("t:1", "*", "netflix", "netflix-original", "2026-11-22", "2026-11-22")
    ]


def test_ask_filters_by_region(
    bundled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # one table row per title
    write_availability(RECORDS, bundled / paths.AVAILABILITY_FILE)
    assert run(["ask", "space rocket", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert [r["id"] for r in rows] == ["t:2", "t:1"]
    assert rows[0]["availability"]["source"] == "netflix-original"
    assert rows[1]["availability"]["stale"] is True and rows[1]["availability"]["age"] == "old"
    assert run(["ask", "space rocket", "--json", "--include-unknown"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert len(rows) == 5 and {r["id"] for r in rows if r["availability"] is None} == {
        "t:3",
        "t:4",
        "t:5",
    }
    assert run(["ask", "space rocket", "--json", "--region", "us"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["t:2", "t:3"]
    assert run(["ask", "space rocket", "--json", "--any-region"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 5
    assert run(["ask", "space rocket", "--include-unknown", "-n", "5"]) == 0
    out = capsys.readouterr().out
    assert "on Netflix NL" in out and "Netflix original, 2026-11" in out and "?" in out
    assert run(["ask", "space rocket", "--region", "JP"]) == 0
    assert (
        "No availability evidence for JP in this catalogue: showing every title."
        in capsys.readouterr().out
    )


def test_reading_one_region_skips_the_others(tmp_path: Path) -> None:
    path = tmp_path / "availability.jsonl"
    write_availability(RECORDS, path)
    assert {r.region for r in read_availability(path, {"NL", "*"})} == {"NL", "*"}
    assert len(read_availability(path, {"US"})) == 1


def test_a_region_that_is_no_country_code_is_never_a_cache_file_name(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_availability(RECORDS, bundled / paths.AVAILABILITY_FILE)
    assert run(["ask", "space rocket", "--region", "../../../escape"]) == 2  # refused at once
    assert "'../../../escape' is no country" in " ".join(capsys.readouterr().err.split())
    from moviefinder.app import library  # and the core never makes it a file name either

    view = library.open_availability(library.open_catalog("default"), "../../../ESCAPE")
    assert not view.has_evidence
    assert not list(home.parent.rglob("ESCAPE.json"))
    assert run(["ask", "space rocket", "--region", "nl"]) == 0
    assert [p.name for p in home.rglob("regions/*.json")] == ["NL.json"]
