from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from moviefinder.core.availability import Availability
from moviefinder.core.catalog import Title
from moviefinder.core.errors import ServiceError
from moviefinder.core.progress import Progress
from moviefinder.sources.importers.tmdb_api import TmdbClient
from moviefinder.sources.sync import SOURCE, SyncResult, _read_checkpoint, sync_catalog
from tests.fake_tmdb import API_KEY, FakeTmdb, Fault

DAY1, DAY2 = date(2026, 3, 1), date(2026, 3, 8)
OTHER_TITLE = Title(id="jw:tm1", title="Heat", type="movie", year=1995)
OTHER_RECORDS = (
    Availability(
        "tmdb:movie:101", "NL", "netflix", "netflix-top10-nl-weekly", "2021-07", "2021-08"
    ),
    Availability("tmdb:movie:107", "US", "netflix", SOURCE, "2025-01-01", "2025-06-01"),
)
#: NL's listing in the order the sync asks for (first release, undated last): movies, series.
NL_IDS = [f"tmdb:movie:{i}" for i in (104, 103, 101, 102, 105, 106)] + [
    f"tmdb:tv:{i}" for i in (204, 201, 202, 203)
]


@pytest.fixture
def tmdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTmdb]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeTmdb() as server:
        yield server


def run(
    server: FakeTmdb,
    checkpoint: Path,
    previous: SyncResult | None = None,
    today: date = DAY1,
    progress: Progress | None = None,
) -> SyncResult:
    client = TmdbClient(API_KEY, base_url=server.base_url, sleep=lambda seconds: None)
    titles = previous.titles if previous else (OTHER_TITLE,)
    records = previous.availability if previous else OTHER_RECORDS
    return sync_catalog(client, "nl", titles, records, checkpoint, today, progress)


def counts(result: SyncResult) -> tuple[int, int, int, int, int]:
    return result.added, result.updated, result.unchanged, result.retired, result.fetched


def synced_here(result: SyncResult) -> dict[str, tuple[str, str]]:
    """(first seen, last seen) per title of the NL records this sync owns."""
    return {
        r.id: (r.first_seen, r.last_seen)
        for r in result.availability
        if (r.region, r.service, r.source) == ("NL", "netflix", SOURCE)
    }


def test_a_first_sync_adds_every_listed_title(tmdb: FakeTmdb, tmp_path: Path) -> None:
    checkpoint = tmp_path / "sync" / "checkpoint.jsonl"
    calls: list[tuple[int, int]] = []

    result = run(tmdb, checkpoint, progress=lambda done, total: calls.append((done, total)))

    assert counts(result) == (10, 0, 0, 0, 10)
    assert [t.id for t in result.titles] == ["jw:tm1", *NL_IDS]
    by_id = {t.id: t for t in result.titles}
    assert by_id["tmdb:movie:101"].title == "Copper Tide" and by_id["tmdb:tv:201"].seasons == 3
    assert synced_here(result) == dict.fromkeys(NL_IDS, ("2026-03-01", "2026-03-01"))
    assert set(OTHER_RECORDS) <= set(result.availability)
    assert len(result.availability) == len(OTHER_RECORDS) + 10
    assert calls == [(done, 10) for done in range(11)]
    assert len(tmdb.details_paths()) == 10
    assert not checkpoint.exists()


def test_a_second_sync_fetches_only_what_changed(tmdb: FakeTmdb, tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoint.jsonl"
    first = run(tmdb, checkpoint)
    tmdb.movies[102]["title"] = "Orbit of Smaller Things"
    tmdb.shows[201].update(vote_average=8.31, vote_count=2400, number_of_seasons=4)
    tmdb.movies[103].update(vote_average=6.52, vote_count=140, popularity=99.9)  # same at 6.5
    tmdb.regions["NL"] -= {("movie", 104)}
    tmdb.regions["NL"] |= {("movie", 107)}
    tmdb.requests.clear()

    second = run(tmdb, checkpoint, previous=first, today=DAY2)

    assert tmdb.details_paths() == {"/movie/102", "/tv/201", "/movie/107"}
    assert counts(second) == (1, 2, 7, 1, 3)
    before = {t.id: t for t in first.titles}
    after = {t.id: t for t in second.titles}
    assert list(after) == [*before, "tmdb:movie:107"]
    assert after["tmdb:movie:102"].title == "Orbit of Smaller Things"
    assert (after["tmdb:tv:201"].seasons, after["tmdb:tv:201"].tmdb_score) == (4, 8.31)
    assert after["tmdb:movie:103"] == before["tmdb:movie:103"]  # reused, popularity and all
    assert after["tmdb:movie:104"] == before["tmdb:movie:104"]  # left NL, still a title
    expected = dict.fromkeys(NL_IDS, ("2026-03-01", "2026-03-08"))
    del expected["tmdb:movie:104"]
    assert synced_here(second) == expected | {"tmdb:movie:107": ("2026-03-08", "2026-03-08")}
    assert set(OTHER_RECORDS) <= set(second.availability)


def test_an_interrupted_sync_resumes_without_fetching_again(tmdb: FakeTmdb, tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoint.jsonl"
    tmdb.details_limit = 4
    with pytest.raises(ServiceError, match=r"^TMDB failed 5 times on /movie/105 \(HTTP 503\)"):
        run(tmdb, checkpoint)
    assert len(checkpoint.read_text().splitlines()) == 4
    with checkpoint.open("a") as handle:
        handle.write('{"id": "tmdb:movie:105", "title": "Pap')  # torn by a crash

    tmdb.details_limit = 6
    with pytest.raises(ServiceError, match="/tv/204"):
        run(tmdb, checkpoint)
    finished = [json.loads(line)["id"] for line in checkpoint.read_text().splitlines()]
    assert finished == NL_IDS[:6]

    tmdb.details_limit = None
    tmdb.requests.clear()
    result = run(tmdb, checkpoint)

    assert tmdb.details_paths() == {"/tv/201", "/tv/202", "/tv/203", "/tv/204"}
    assert counts(result) == (10, 0, 0, 0, 4)
    assert not checkpoint.exists()
    with FakeTmdb() as untouched:
        assert run(untouched, tmp_path / "other.jsonl").titles == result.titles


def test_details_fetched_before_an_interruption_count_as_updated(
    tmdb: FakeTmdb, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "checkpoint.jsonl"
    first = run(tmdb, checkpoint)
    for tmdb_id in (101, 102):
        tmdb.movies[tmdb_id]["vote_average"] = 9.0
    tmdb.details_limit = tmdb.details_served + 1
    with pytest.raises(ServiceError):
        run(tmdb, checkpoint, previous=first)
    tmdb.details_limit = None
    tmdb.requests.clear()

    result = run(tmdb, checkpoint, previous=first)

    assert tmdb.details_paths() == {"/movie/102"}
    assert counts(result) == (0, 2, 8, 0, 1)


def test_a_region_without_titles_retires_nothing(tmdb: FakeTmdb, tmp_path: Path) -> None:
    client = TmdbClient(API_KEY, base_url=tmdb.base_url, sleep=lambda seconds: None)

    with pytest.raises(ServiceError) as error:
        sync_catalog(client, "xx", [], [], tmp_path / "checkpoint.jsonl", DAY1)

    assert str(error.value) == "TMDB lists no Netflix titles in XX: is the region code right?"


def test_catalog_sync_command_end_to_end(
    tmdb: FakeTmdb,
    bundled: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.conftest import run as cli

    assert cli(["catalog", "sync", "--region", "NL"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: catalog sync needs a TMDB API key: set TMDB_API_KEY")
    assert err.count("\n") == 1

    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    monkeypatch.setenv("MOVIEFINDER_TMDB_URL", tmdb.base_url)
    assert cli(["catalog", "sync", "--region", "NL"]) == 0
    first = capsys.readouterr()
    assert "Netflix NL per TMDB: 10 new, 0 updated, 0 unchanged, 0 no longer listed" in first.out
    assert "catalogue 'netflix-nl', 10 titles" in first.out
    assert "Embedded 10, reused 0, dropped 0." in first.out
    assert "uses the TMDB API but is not endorsed or certified by TMDB" in first.out
    assert API_KEY not in first.out + first.err

    assert cli(["ask", "anything", "--catalog", "netflix-nl", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["results"]
    assert shown and all(r["id"].startswith("tmdb:") for r in shown)
    assert all(r["availability"]["source"] == SOURCE for r in shown)  # NL evidence from TMDB

    fetched = len(tmdb.details_paths())
    assert cli(["catalog", "sync", "--region", "NL"]) == 0
    assert "0 new, 0 updated, 10 unchanged" in capsys.readouterr().out
    assert len(tmdb.details_paths()) == fetched  # nothing fetched again

    assert cli(["catalog", "sync", "--service", "disney"]) == 2


def test_the_checkpoint_keeps_titles_with_line_separators_and_drops_torn_lines(
    tmp_path: Path,
) -> None:
    odd = Title(id="tmdb:1", title="Line\u2028Break", type="movie")
    path = tmp_path / "checkpoint.jsonl"
    path.write_text(
        json.dumps(asdict(odd), ensure_ascii=False) + "\n" + '{"id": "tmdb:2", "ti', "utf-8"
    )
    assert _read_checkpoint(path) == {"tmdb:1": odd}
    assert path.read_text("utf-8").count("\n") == 1  # the torn line is gone


def test_a_listed_title_tmdb_no_longer_has_is_left_out_not_fatal(
    tmdb: FakeTmdb, tmp_path: Path
) -> None:
    """Details of a listed title answering 404 (status_code 34: deleted or merged) aborted the
    whole sync, and the next run aborted on the same title."""
    tmdb.always["/movie/101"] = Fault(404)
    for _ in range(2):
        result = run(tmdb, tmp_path / "checkpoint.jsonl")
        assert result.gone == ("tmdb:movie:101",)
        assert "tmdb:movie:101" not in {t.id for t in result.titles}
        assert counts(result)[0] == 9


def test_listing_asks_for_a_stable_order_a_language_and_undated_series(
    tmdb: FakeTmdb, tmp_path: Path
) -> None:
    run(tmdb, tmp_path / "checkpoint.jsonl")
    listing = [seen.query for seen in tmdb.requests if seen.path.startswith("/discover/")]
    movies = [q for q in listing if q["sort_by"] == "primary_release_date.asc"]
    series = [q for q in listing if q["sort_by"] == "first_air_date.asc"]
    assert movies and series and len(movies) + len(series) == len(listing)
    assert all(q["language"] == "en-US" for q in listing)
    assert all(q.get("include_null_first_air_dates") == "true" for q in series)
    details = [seen.query for seen in tmdb.requests if not seen.path.startswith("/discover/")]
    assert details and all(q["language"] == "en-US" for q in details)


def test_past_tmdbs_page_cap_unseen_titles_are_not_retired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TMDB serves at most 500 pages of a listing (HTTP 400 past them): titles past them are
    unseen, not gone. Here the cap is one page of 20 rows, with 36 movies listed."""
    from moviefinder.sources.importers import tmdb_api

    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeTmdb(extra_movies=30) as tmdb:
        first = run(tmdb, tmp_path / "checkpoint.jsonl")
        assert len(synced_here(first)) == 40
        monkeypatch.setattr(tmdb_api, "MAX_PAGES", 1)
        tmdb.max_pages, tmdb.claimed_pages = 1, 9
        second = run(tmdb, tmp_path / "checkpoint.jsonl", previous=first, today=DAY1)
    assert second.capped == ("movie", "series")
    assert second.retired == 0
    assert synced_here(second).keys() == synced_here(first).keys()
