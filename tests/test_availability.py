from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from moviefinder import paths
from moviefinder.availability import (
    Availability,
    catalogue_records,
    for_region,
    read_availability,
    top10_records,
    write_availability,
)
from moviefinder.catalog import Catalog
from moviefinder.cli import run
from moviefinder.errors import InputError
from tests.conftest import REPO, SHARED

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


def test_region_view_prefers_regional_evidence(catalog: Catalog) -> None:
    nl = for_region(RECORDS, catalog, "NL")
    assert sorted(nl.best) == [0, 1]
    assert nl.best[1].source == "netflix-top10-nl-daily"  # the region's own record beats "*"
    assert nl.has_evidence
    jp = for_region(RECORDS, catalog, "JP")
    assert (
        sorted(jp.best) == [1] and not jp.has_evidence
    )  # originals alone are no regional evidence


def test_staleness_and_labels() -> None:
    old, original, yearly, fresh = RECORDS
    assert old.is_stale(TODAY) and not fresh.is_stale(TODAY) and not original.is_stale(TODAY)
    assert yearly.is_stale(TODAY)
    assert old.describe(TODAY) == "NL top 10, 2021-07 (stale)"
    assert original.describe(TODAY) == "Netflix original, 2026-11"


def test_catalogue_records(catalog: Catalog) -> None:
    from dataclasses import replace

    titles = (replace(catalog.titles[0], netflix_original=True), *catalog.titles[1:])
    records = catalogue_records(Catalog.of("c", titles), "2026-11-22")
    assert records == [
        Availability("t:1", "*", "netflix", "netflix-original", "2026-11-22", "2026-11-22")
    ]


@pytest.mark.skipif(not (SHARED / "availability").is_dir(), reason=f"no evidence at {SHARED}")
def test_top10_lists_match_catalogue_titles_with_their_dates() -> None:
    from moviefinder import store

    catalog = store.read_titles(REPO / "data" / paths.TITLES_FILE, "default")
    records = top10_records(
        catalog,
        SHARED / "availability" / "nl_top10_weekly_2021_2022.tsv",
        SHARED / "availability" / "nl_top10_daily_2025_2026.csv",
    )
    kingdom = [r for r in records if r.id == "jw:ts36577"]
    assert kingdom == [
        Availability(
            "jw:ts36577", "NL", "netflix", "netflix-top10-nl-weekly", "2021-07-04", "2021-07-11"
        )
    ]
    assert len({r.id for r in records}) > 200
    shipped = read_availability(REPO / "data" / paths.AVAILABILITY_FILE)
    assert {r for r in records} <= set(shipped)


def test_ask_filters_by_region(
    bundled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # one table row per title
    write_availability(RECORDS, bundled / paths.AVAILABILITY_FILE)
    assert run(["ask", "space rocket", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["t:2", "t:1"]
    assert rows[0]["availability"]["source"] == "netflix-top10-nl-daily"
    assert rows[1]["availability"]["stale"] is True
    assert run(["ask", "space rocket", "--json", "--include-unknown"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and {r["id"] for r in rows if r["availability"] is None} == {
        "t:3",
        "t:4",
        "t:5",
    }
    assert run(["ask", "space rocket", "--json", "--region", "us"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["t:2", "t:3"]
    assert run(["ask", "space rocket", "--json", "--any-region"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    assert run(["ask", "space rocket", "--include-unknown", "-n", "5"]) == 0
    out = capsys.readouterr().out
    assert "on Netflix NL" in out and "NL top 10, 2026-01" in out and "?" in out
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
