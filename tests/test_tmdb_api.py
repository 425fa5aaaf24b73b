from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from moviefinder.core.catalog import Title
from moviefinder.core.errors import ServiceError
from moviefinder.sources.importers.tmdb_api import REJECTED, GoneError, TmdbClient
from tests.fake_tmdb import API_KEY, MALFORMED, SLOW, TOKEN, FakeTmdb, Fault


@pytest.fixture
def tmdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTmdb]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeTmdb() as server:
        yield server


def client(
    server: FakeTmdb, sleeps: list[float], secret: str = API_KEY, timeout: float = 5.0
) -> TmdbClient:
    return TmdbClient(secret, base_url=server.base_url, timeout=timeout, sleep=sleeps.append)


#: Client timeout for tests with a SLOW answer (which comes after 1 s).
QUICK = 0.2


NETFLIX_NL = {f"tmdb:movie:{i}" for i in range(101, 107)} | {
    f"tmdb:tv:{i}" for i in range(201, 205)
}


def test_discover_reads_every_page_of_movies_and_series(tmdb: FakeTmdb) -> None:
    listings = client(tmdb, []).discover("NL").listings

    assert {listing.id for listing in listings} == NETFLIX_NL
    assert [(s.path, s.query["page"]) for s in tmdb.requests] == [
        ("/discover/movie", "1"),
        ("/discover/tv", "1"),
    ]
    for seen in tmdb.requests:
        assert seen.query["watch_region"] == "NL"
        assert seen.query["with_watch_providers"] == "8|1796|175"
    copper = next(listing for listing in listings if listing.id == "tmdb:movie:101")
    assert (copper.title, copper.original_title, copper.year, copper.score) == (
        "Copper Tide",
        "Koperen Tij",
        2019,
        7.14,
    )


def test_pages_of_20_rows_in_a_stable_order_see_every_title_while_popularity_drifts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TMDB re-sorts its default order (popularity) between requests: paging in it meets some
    rows twice and misses others. The listing pages in release order, which stays put."""
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeTmdb(extra_movies=45) as tmdb:
        api = client(tmdb, [])
        params = {"watch_region": "NL", "with_watch_providers": "8"}
        drifting = [
            row["id"]
            for page in (1, 2, 3)
            for row in api.get("/discover/movie", {**params, "page": page})["results"]
        ]
        listings = api.discover("NL").listings
        pages = [s.query["page"] for s in tmdb.requests if s.path == "/discover/movie"]
    assert len(drifting) == 51 and len(set(drifting)) < 51  # rows met twice, others missed
    assert pages[3:] == ["1", "2", "3"]  # 51 movies, 20 a page
    movies = {listing.id for listing in listings if listing.id.startswith("tmdb:movie:")}
    assert len(movies) == 51


def test_a_page_past_tmdbs_last_is_refused_as_tmdb_does(tmdb: FakeTmdb) -> None:
    params = {"watch_region": "NL", "with_watch_providers": "8", "page": 501}
    with pytest.raises(ServiceError, match="TMDB answered HTTP 400 for /discover/movie"):
        client(tmdb, []).get("/discover/movie", params)


def test_v3_key_goes_in_the_query_and_v4_token_in_a_bearer_header(tmdb: FakeTmdb) -> None:
    client(tmdb, []).discover("US")
    client(tmdb, [], secret=TOKEN).discover("US")

    v3, v4 = tmdb.requests[0], tmdb.requests[-1]
    assert v3.query["api_key"] == API_KEY and "authorization" not in v3.headers
    assert v4.headers["authorization"] == f"Bearer {TOKEN}" and "api_key" not in v4.query
    assert repr(client(tmdb, [], secret=TOKEN)).endswith("credentials=<v4 read-access token>)")


def test_movie_details_map_every_field(tmdb: FakeTmdb) -> None:
    title = client(tmdb, []).details("movie", 101)

    assert tmdb.requests[-1].query["append_to_response"] == "keywords,credits,external_ids"
    assert title == Title(
        id="tmdb:movie:101",
        title="Copper Tide",
        type="movie",
        year=2019,
        alt_titles=("Koperen Tij",),
        runtime=112,
        seasons=None,
        genres=("drama", "thriller"),
        countries=("NL", "BE"),
        languages=("nl", "en"),
        directors=("Maren Vos", "Joost Ambering"),
        cast=tuple(f"Actor {letter} Tidewater" for letter in "ABCDEFGHIJ"),
        synopsis="Two estranged brothers run contraband through a fog-bound Zeeland port.",
        keywords=("smuggling", "harbour", "brothers"),
        imdb_id="tt9100101",
        tmdb_id=101,
        tmdb_score=7.14,
        tmdb_popularity=33.2,
        tmdb_votes=840,
    )


def test_series_details_map_every_field(tmdb: FakeTmdb) -> None:
    title = client(tmdb, []).details("series", 201)

    assert tmdb.requests[-1].path == "/tv/201"
    assert tmdb.requests[-1].query["append_to_response"] == (
        "keywords,aggregate_credits,external_ids"
    )
    assert title == Title(
        id="tmdb:tv:201",
        title="The Quiet Cartographers",
        type="series",
        year=2018,
        runtime=52,
        seasons=3,
        genres=("sci-fi", "fantasy", "drama", "war", "politics"),
        countries=("GB",),
        languages=("en", "cy"),
        directors=("Rhiannon Pell", "Augustin Mbeki-Hart"),
        cast=("Ffion Tallis", "Dorian Okafor", "Mabli Reeve"),
        synopsis="Mapmakers in a Welsh valley find that every map they draw changes the land.",
        keywords=("maps", "secret society", "wales"),
        imdb_id="tt9100201",
        tmdb_id=201,
        tmdb_score=8.03,
        tmdb_popularity=71.5,
        tmdb_votes=2300,
    )


@pytest.mark.parametrize(
    ("kind", "tmdb_id", "expected"),
    [
        ("movie", 102, {"genres": ("sci-fi", "drama")}),
        ("movie", 106, {"year": None, "runtime": None, "tmdb_score": None, "imdb_id": None}),
        ("series", 202, {"genres": ("crime", "action", "adventure"), "runtime": 45}),
        ("series", 203, {"runtime": None, "alt_titles": ("Le Club des Petits Volcans",)}),
        ("series", 205, {"genres": ("reality", "talk show"), "directors": ()}),
    ],
)
def test_details_edge_cases(
    tmdb: FakeTmdb, kind: str, tmdb_id: int, expected: dict[str, object]
) -> None:
    title = client(tmdb, []).details(kind, tmdb_id)  # type: ignore[arg-type]

    assert {key: getattr(title, key) for key in expected} == expected


def test_every_listing_matches_its_own_details(tmdb: FakeTmdb) -> None:
    api = client(tmdb, [])
    for listing in api.discover("NL").listings + api.discover("US").listings:
        assert listing.matches(api.details(listing.type, listing.tmdb_id)), listing


def test_rate_limit_waits_as_long_as_retry_after_says(tmdb: FakeTmdb) -> None:
    sleeps: list[float] = []
    tmdb.fail("/movie/102", Fault(429, retry_after="7"), Fault(429, retry_after="2"))

    assert client(tmdb, sleeps).details("movie", 102).title == "Orbit of Small Things"
    assert sleeps == [7.0, 2.0]
    assert tmdb.paths("/movie/") == ["/movie/102"] * 3


def test_server_errors_back_off_then_succeed(tmdb: FakeTmdb) -> None:
    sleeps: list[float] = []
    tmdb.fail("/discover/movie", Fault(500), Fault(502), Fault(503))

    assert len(client(tmdb, sleeps).discover("NL").listings) == 10
    assert sleeps == [1.0, 2.0, 4.0]


def test_a_timeout_is_retried(tmdb: FakeTmdb) -> None:
    sleeps: list[float] = []
    tmdb.fail("/tv/201", SLOW)

    assert client(tmdb, sleeps, timeout=QUICK).details("series", 201).seasons == 3
    assert sleeps == [1.0]
    assert tmdb.paths("/tv/") == ["/tv/201"] * 2


@pytest.mark.parametrize(("fault", "reason"), [(Fault(500), "HTTP 500"), (SLOW, "timed out")])
def test_failing_forever_gives_up_in_one_line(tmdb: FakeTmdb, fault: Fault, reason: str) -> None:
    sleeps: list[float] = []
    tmdb.always["/movie/101"] = fault

    with pytest.raises(ServiceError) as error:
        client(tmdb, sleeps, timeout=QUICK).details("movie", 101)

    assert str(error.value) == f"TMDB failed 5 times on /movie/101 ({reason}); try again later."
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert tmdb.paths() == ["/movie/101"] * 5


def test_malformed_json_names_the_path(tmdb: FakeTmdb) -> None:
    tmdb.fail("/discover/tv", MALFORMED)

    with pytest.raises(ServiceError, match=r"^TMDB sent unreadable JSON for /discover/tv\.$"):
        client(tmdb, []).discover("NL")


def test_a_wrong_key_is_rejected_without_retrying(tmdb: FakeTmdb) -> None:
    with pytest.raises(ServiceError) as error:
        client(tmdb, [], secret="0000feedc0ffee0123456789abcdef99").discover("NL")

    assert (
        str(error.value)
        == REJECTED
        == ("TMDB rejected the API key or read-access token (HTTP 401): check it.")
    )
    assert len(tmdb.requests) == 1


def test_other_client_errors_are_not_retried(tmdb: FakeTmdb) -> None:
    with pytest.raises(GoneError, match=r"^TMDB has no /movie/999 \(deleted or merged\)\.$"):
        client(tmdb, []).details("movie", 999)
    tmdb.fail("/movie/101", Fault(400))
    with pytest.raises(ServiceError, match=r"^TMDB answered HTTP 400 for /movie/101\.$"):
        client(tmdb, []).details("movie", 101)
    assert len(tmdb.requests) == 2


@pytest.mark.parametrize("secret", [API_KEY, TOKEN], ids=["v3 key", "v4 token"])
def test_credentials_appear_in_no_message_and_no_repr(tmdb: FakeTmdb, secret: str) -> None:
    def failure(api: TmdbClient, kind: str, tmdb_id: int) -> str:
        with pytest.raises(ServiceError) as error:
            api.details(kind, tmdb_id)  # type: ignore[arg-type]
        return "".join(traceback.format_exception(error.value))  # with any chained exception

    api = client(tmdb, [], secret=secret, timeout=QUICK)
    tmdb.always["/movie/101"] = Fault(503)
    tmdb.always["/movie/102"] = SLOW
    tmdb.fail("/movie/103", MALFORMED)
    texts = [
        repr(api),
        failure(api, "movie", 101),
        failure(api, "movie", 102),
        failure(api, "movie", 103),
        failure(api, "movie", 999),
    ]
    wrong = secret[:-4] + "beef"
    texts.append(failure(client(tmdb, [], secret=wrong), "movie", 101))
    with FakeTmdb() as gone:
        address = gone.base_url
    texts.append(failure(TmdbClient(secret, base_url=address, sleep=lambda s: None), "series", 201))

    assert "Connection refused" in texts[-1]
    for text in texts:
        assert secret not in text and wrong not in text, text


def test_empty_credentials_and_odd_addresses_are_refused() -> None:
    with pytest.raises(ServiceError, match="No TMDB API key"):
        TmdbClient("  ")
    with pytest.raises(ServiceError, match=r"must be an http\(s\) URL, not 'ftp://example'"):
        TmdbClient(API_KEY, base_url="ftp://example")


@pytest.mark.parametrize("secret", [API_KEY, TOKEN], ids=["v3-key", "v4-token"])
def test_credentials_never_follow_a_redirect_to_another_address(
    tmdb: FakeTmdb, secret: str
) -> None:
    """A 302 to another host (here another port) is not followed: urllib would have sent the
    Authorization header there."""
    with FakeTmdb() as elsewhere:
        tmdb.fail("/movie/101", Fault(302, location=f"{elsewhere.base_url}/movie/101"))
        with pytest.raises(ServiceError, match="sent /movie/101 on to another address"):
            client(tmdb, [], secret).details("movie", 101)
        assert elsewhere.requests == []
    if secret == TOKEN:  # within the same server a redirect is followed (a key in the query
        # would not be carried along: TMDB never sends one there)
        tmdb.fail("/movie/101", Fault(302, location=f"{tmdb.base_url}/movie/102"))
        assert client(tmdb, [], secret).details("movie", 101).id == "tmdb:movie:102"


def test_plain_http_is_refused_but_on_this_machine() -> None:
    with pytest.raises(ServiceError, match="plain http, which would send your key in the clear"):
        TmdbClient(API_KEY, base_url="http://api.themoviedb.org/3")
    for local in ("http://127.0.0.1:8080/3", "http://localhost:8080/3", "http://[::1]:8080/3"):
        assert TmdbClient(API_KEY, base_url=local).base_url == local


def test_a_series_without_episode_run_time_takes_its_last_episodes_length() -> None:
    """TMDB leaves episode_run_time empty for most series since 2023."""
    from moviefinder.sources.importers.tmdb_api import title_from_details

    answer = {"id": 7, "name": "Quiet Harbour", "first_air_date": "2024-02-01"}
    empty = title_from_details("series", {**answer, "episode_run_time": []})
    assert empty.runtime is None
    last = {**answer, "episode_run_time": [], "last_episode_to_air": {"runtime": 47}}
    assert title_from_details("series", last).runtime == 47
    both = {**last, "episode_run_time": [52]}
    assert title_from_details("series", both).runtime == 52


def test_the_fake_answers_errors_as_tmdb_does(tmdb: FakeTmdb) -> None:
    """Errors come with TMDB's own body (success, status_code, status_message), so the client
    is tested against what the real API sends."""
    import json
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{tmdb.base_url}/movie/999?api_key={API_KEY}", timeout=5)
    body = json.loads(answer.value.read())
    answer.value.close()
    assert (answer.value.code, body["success"], body["status_code"]) == (404, False, 34)
    with pytest.raises(GoneError):
        client(tmdb, []).details("movie", 999)
