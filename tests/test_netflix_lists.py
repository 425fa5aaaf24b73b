"""Netflix's published lists: reading them, matching them to titles, and `catalog evidence`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from moviefinder.core.availability import Availability
from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.errors import InputError
from moviefinder.sources import netflix_lists
from moviefinder.sources.listing_match import ListingMatcher, evidence_from, merge_evidence
from moviefinder.sources.netflix_lists import (
    Listing,
    detect_format,
    read_daily_top10,
    read_engagement,
    read_unogs,
    read_weekly_top10,
    series_name,
    undubbed,
)
from moviefinder.storage import paths
from moviefinder.storage.evidence import read_availability
from tests.conftest import SHARED, run

ENGAGEMENT = """period,kind,title,original_title,available_globally,release_date,runtime_minutes,hours_viewed,views
2024H1,tv,Kitchen Battle: Season 2,,Yes,2024-01-05,,5000000,
2023H2,tv,Kitchen Battle: Season 1,,Yes,2020-07-01,,7000000,
2024H1,tv,Kitchen Battle: Season 1,,Yes,2020-07-01,,1000000,
2024H1,film,Heat,,No,,170,2000000,
2024H2,film,Heat (1995),,No,,170,300000,
2025H1,tv,Money Heist: Part 1,La casa de papel: Parte 1,Yes,2017-07-01,,76000000,
2025H1,tv,더 글로리: 시즌 1,,Yes,2022-12-30,,100000,
2023H2,film,My Girl (2037),이공삼칠,No,,111,100000,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_season_rows_count_for_their_series() -> None:
    assert series_name("The Crown: Season 5") == "The Crown"
    assert series_name("DAHMER: Monster: The Jeffrey Dahmer Story") == (
        "DAHMER: Monster: The Jeffrey Dahmer Story"
    )
    assert series_name("Squid Game: Limited Series") == "Squid Game"
    assert series_name("Money Heist: Part 5") == "Money Heist"
    assert undubbed("Jawan (Tamil Version)") == "Jawan" and undubbed("Heat (1995)") == "Heat (1995)"


def test_engagement_rows_are_summed_per_title_and_half_year(tmp_path: Path) -> None:
    listings = {(x.name, x.year): x for x in read_engagement(write(tmp_path, "e.csv", ENGAGEMENT))}
    kitchen = listings[("Kitchen Battle", 2020)]
    assert kitchen.kind == "series" and kitchen.starts  # the year is its first season's
    assert kitchen.hours == (("2023H2", 7_000_000), ("2024H1", 6_000_000))
    assert (kitchen.region, kitchen.first_seen, kitchen.last_seen) == (
        "*",
        "2023-07-01",
        "2024-06-30",
    )
    heat = listings[("Heat", None)]
    assert not heat.evidence and heat.runtime == 170  # "No": hours only, nothing about NL
    # "(1995)" tells same-named films apart: a separate listing with an exact year
    assert listings[("Heat", 1995)].exact_year
    money = listings[("Money Heist", 2017)]
    assert money.original_title == "La casa de papel"  # the season part left out in Spanish too
    assert ("My Girl (2037)", None) in listings  # 2037 is the Korean title, not a year


def test_the_official_and_scraped_top_10s(tmp_path: Path) -> None:
    weekly = write(
        tmp_path,
        "w.tsv",
        "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
        "cumulative_weeks_in_top_10\n"
        "Netherlands\tNL\t2021-07-04\tTV\t1\tThe Last Kingdom\tThe Last Kingdom: Season 1\t1\n"
        "Netherlands\tNL\t2021-07-11\tTV\t3\tThe Last Kingdom\tThe Last Kingdom: Season 2\t2\n"
        "Netherlands\tNL\t2021-07-11\tFilms\t3\tHeat\tN/A\t1\n",
    )
    assert sorted(read_weekly_top10(weekly), key=lambda x: x.name) == [
        Listing("Heat", "movie", "netflix-top10-nl-weekly", "NL", "2021-07-11", "2021-07-11"),
        Listing(
            "The Last Kingdom",
            "series",
            "netflix-top10-nl-weekly",
            "NL",
            "2021-07-04",
            "2021-07-11",
        ),
    ]
    daily = write(
        tmp_path,
        "d.csv",
        "list,tmdb_ref,name,first_seen,last_seen,snapshots,best_rank\n"
        "movies,tmdb:movie:77,Space Dogs,2025-10-17,2025-11-03,20,4\n"
        "series,tmdb:tv:302696,Space Dogs,2025-10-17,2025-11-05,20,4\n"
        "series,tmdb:tv:1,Kitchen Battle,2025-12-01,2025-12-02,2,9\n",
    )
    found = {x.name: x for x in read_daily_top10(daily)}
    # the series list repeating a film: one film, its TMDB reference kept, the TV one dropped
    assert found["Space Dogs"].kind == "movie" and found["Space Dogs"].tmdb_id == 77
    assert found["Space Dogs"].last_seen == "2025-11-05"
    assert found["Kitchen Battle"].kind == "series" and found["Kitchen Battle"].tmdb_id == 1


def test_unogs_keeps_netherlands_rows_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "u.csv",
        "title,series_or_movie,netflix_release_date,country_availability\n"
        'Heat,Movie,2015-04-14,"Belgium,Netherlands"\n'
        'Kitchen Battle,Series,2020-01-01,"Japan"\n',
    )
    assert read_unogs(path) == [
        Listing("Heat", "movie", "unogs-nl", "NL", "2015-04-14", netflix_lists.SNAPSHOT_DATE)
    ]


def _titles(*extra: Title) -> Catalog:
    return Catalog.of(
        "c",
        [
            Title("a:1", "The Mother", "movie", 2003),
            Title("a:2", "The Mother", "movie", 2023),
            Title("a:3", "Rebecca", "movie", 1940),
            Title("a:4", "Money Heist", "series", 2017, alt_titles=("La casa de papel",)),
            Title("a:5", "Newly Rich, Newly Poor", "series", 2007),
            Title("a:6", "Boomika", "movie", 2021),
            *extra,
        ],
    )


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        # same-named films: the year decides, and without one nothing is guessed
        (Listing("The Mother", "movie", "x", "*", "", "", year=2023), "a:2"),
        (Listing("The Mother", "movie", "x", "NL", "", ""), None),
        # a Netflix release date years after a film's own year is another film
        (Listing("Rebecca", "movie", "x", "*", "", "", year=2020), None),
        (Listing("Rebecca", "movie", "x", "*", "", "", year=1941), "a:3"),
        (Listing("Rebecca", "movie", "x", "*", "", "", year=1940, exact_year=True), "a:3"),
        # other titles and original-language titles count; type must agree
        (Listing("La Casa de Papel", "series", "x", "NL", "", ""), "a:4"),
        (Listing("Atraco", "series", "x", "*", "", "", original_title="Money Heist"), "a:4"),
        (Listing("Money Heist", "movie", "x", "NL", "", ""), None),
        # a remake whose first season came out in 2025 is not the 2007 series
        (
            Listing("Newly Rich, Newly Poor", "series", "x", "*", "", "", year=2025, starts=True),
            None,
        ),
        (Listing("Newly Rich, Newly Poor", "series", "x", "*", "", "", year=2025), "a:5"),
        # a dubbed version is the title itself; an early report's "Money Heist 2" its series
        (Listing("Boomika (Hindi)", "movie", "x", "NL", "", ""), "a:6"),
        (Listing("Money Heist 2", "series", "x", "*", "", ""), "a:4"),
    ],
)
def test_matching_never_confuses_same_named_titles(listing: Listing, expected: str | None) -> None:
    catalog = _titles()
    row = ListingMatcher(catalog).match(listing)
    assert (None if row is None else catalog.columns["id"][row]) == expected


def test_evidence_spans_every_listing_of_a_title_and_merges_once() -> None:
    catalog = _titles()
    listings = [
        Listing("Money Heist", "series", "unogs-nl", "NL", "2017-07-02", "2021-03-31"),
        Listing("La casa de papel", "series", "unogs-nl", "NL", "2016-01-01", "2020-01-01"),
        Listing("Boomika", "movie", "netflix-engagement", "*", "2023-01-01", "2023-06-30",
                evidence=False),
    ]  # fmt: skip
    records = evidence_from(catalog, listings)
    assert records == [Availability("a:4", "NL", "netflix", "unogs-nl", "2016-01-01", "2021-03-31")]
    later = Availability("a:4", "NL", "netflix", "unogs-nl", "2021-01-01", "2022-01-01")
    assert merge_evidence(records, [later]) == [
        Availability("a:4", "NL", "netflix", "unogs-nl", "2016-01-01", "2022-01-01")
    ]


def test_a_file_of_another_kind_is_named(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "e.csv", ENGAGEMENT)) == "engagement"
    with pytest.raises(InputError, match="is none of the Netflix lists moviefinder reads"):
        detect_format(write(tmp_path, "x.csv", "id,title\n1,Heat\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period,kind,title\n2024H1,tv,X\n", r"is not a Netflix engagement report \(it lacks"),
        (ENGAGEMENT.replace("2024H1,tv,Kit", "2024H3,tv,Kit"), "unreadable period '2024H3'"),
        (ENGAGEMENT.replace("2024H1,film,Heat,", "2024H1,short,Heat,"), "unreadable kind 'short'"),
        (ENGAGEMENT.replace("2024-01-05", "05/01/2024"), "unreadable release date '05/01/2024'"),
        (ENGAGEMENT + "2024H1,film,Too,many,fields,here,,,,,\n", "wrong number of fields"),
        (ENGAGEMENT + '2024H1,film,"unclosed\n', "wrong number of fields"),
    ],
)
def test_a_damaged_report_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_engagement(write(tmp_path, "e.csv", text))


def _stored(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_catalog_evidence_adds_a_list_and_bad_ones_change_nothing(
    bundled: Path, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = write(tmp_path, "e.csv", ENGAGEMENT)
    assert run(["catalog", "evidence", str(report)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Read 6 titles from the list; 3 matched catalogue 'default' (1 evidence records)." in out
    assert "every region: 0 → 1 titles with evidence" in out
    own = home / "catalogs" / "default" / paths.AVAILABILITY_FILE
    assert read_availability(own) == [
        Availability("t:3", "*", "netflix", "netflix-engagement", "2023-07-01", "2024-06-30")
    ]
    assert run(["ask", "kitchen", "--json", "--region", "NL", "--include-unknown"]) == 0
    shown = json.loads(capsys.readouterr().out)["results"]
    assert next(r for r in shown if r["id"] == "t:3")["availability"]["source"] == (
        "netflix-engagement"
    )
    before = _stored(home)
    bad = {
        "foreign.csv": ("id,title,type\n1,Heat,movie\n", "is none of the Netflix lists"),
        "damaged.csv": (ENGAGEMENT.replace("2024H1,tv,Kit", "20X4H1,tv,Kit"), "unreadable period"),
        "binary.csv": (
            "period,hours_viewed\n\udcff".encode("utf-8", "surrogateescape"),
            "not UTF-8",
        ),
        "empty.csv": ("", "is none of the Netflix lists"),
    }
    for name, (content, message) in bad.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        assert run(["catalog", "evidence", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, (name, err)
    assert run(["catalog", "evidence", str(tmp_path / "missing.csv")]) == 1
    assert capsys.readouterr().err == f"Error: No file at {tmp_path / 'missing.csv'}.\n"
    assert run(["catalog", "evidence", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
    assert run(["catalog", "evidence", str(report), "--format", "weekly"]) == 1
    assert "Unknown list format 'weekly'" in capsys.readouterr().err
    assert _stored(home) == before


def test_a_damaged_evidence_file_of_ones_own_is_named_with_the_way_out(
    bundled: Path, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = home / "catalogs" / "default" / paths.AVAILABILITY_FILE
    own.parent.mkdir(parents=True)
    own.write_text('{"id": "t:1"}\n', encoding="utf-8")
    assert run(["catalog", "evidence", str(write(tmp_path, "e.csv", ENGAGEMENT))]) == 1
    err = capsys.readouterr().err
    assert "availability.jsonl:1: not an availability record" in err
    assert "moviefinder catalog evidence FILE --catalog default" in err
    assert own.read_text(encoding="utf-8") == '{"id": "t:1"}\n'


needs_shared = pytest.mark.skipif(
    not (SHARED / "availability").is_dir(), reason=f"no availability evidence at {SHARED}"
)


@needs_shared
def test_every_shared_list_reads() -> None:
    folder = SHARED / "availability"
    engagement = read_engagement(folder / "netflix_engagement_2023_2025.csv")
    assert len(engagement) > 20_000 and sum(x.evidence for x in engagement) > 5_000
    wednesday = next(x for x in engagement if x.name == "Wednesday" and x.kind == "series")
    assert wednesday.year == 2022 and wednesday.starts and wednesday.region == "*"
    assert len(read_unogs(folder / "unogs_flixgem_2021_nl.csv")) == 5021
    weekly = read_weekly_top10(folder / "nl_top10_weekly_2021_2022-11.tsv")
    assert max(x.last_seen for x in weekly) == "2022-11-13"
    assert {detect_format(p) for p in folder.iterdir()} == set(netflix_lists.READERS)
