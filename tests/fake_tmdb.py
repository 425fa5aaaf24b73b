"""A fake TMDB API v3 on 127.0.0.1: invented titles over real HTTP, and faults to order.

Every title, person, keyword and overview here is made up. Faults are queued per API path
(``/movie/101``, without the ``/3`` prefix) and served one per request before the real answer;
``always`` faults never run out; ``details_limit`` makes every details request fail once that
many have been answered. Every request is recorded in ``requests``.

Shaped as TMDB's v3 API behaves (its OpenAPI description and error documentation): listings
come 20 rows a page and end at page 500 (HTTP 400, status_code 22, past it); the default
order, popularity, drifts between requests as TMDB re-sorts, so rows move between pages; a
date order is stable; errors carry ``success``, ``status_code`` and ``status_message``; many
series have an empty ``episode_run_time``. ``extra_movies`` adds that many invented movies to
the NL listing, for listings of several pages.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

API_KEY = "f00dfeedc0ffee0123456789abcdef01"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb3ZpZWZpbmRlci10ZXN0cyJ9.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz"
PREFIX = "/3"
#: Rows per listing page, and the last page TMDB serves.
PAGE_SIZE = 20
MAX_PAGES = 500


@dataclass(frozen=True)
class Fault:
    """One bad answer: STATUS (None: the real answer), after DELAY seconds, or a raw BODY."""

    status: int | None = 500
    retry_after: str | None = None
    delay: float = 0.0
    body: bytes | None = None
    location: str | None = None


SLOW = Fault(status=None, delay=1.0)
MALFORMED = Fault(status=200, body=b'{"page": 1, "results": [{"id": 1')


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


def _people(names: list[str]) -> list[dict[str, Any]]:
    # Billing order is in "order"; the list itself comes reversed, as TMDB does not promise it.
    cast = [{"id": 9000 + i, "name": n, "character": "", "order": i} for i, n in enumerate(names)]
    return cast[::-1]


def movie(
    tmdb_id: int,
    title: str,
    date: str,
    genres: list[str],
    *,
    original: str | None = None,
    runtime: int | None = 100,
    countries: tuple[str, ...] = ("US",),
    languages: tuple[str, ...] = ("en",),
    directors: tuple[str, ...] = (),
    cast: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
    overview: str = "",
    imdb_id: str | None = None,
    votes: int = 100,
    average: float = 6.5,
    popularity: float = 10.0,
) -> dict[str, Any]:
    """A movie's details answer with keywords, credits and external_ids appended."""
    crew = [{"id": 8000 + i, "name": n, "job": "Director"} for i, n in enumerate(directors)]
    crew += [{"id": 7999, "name": "Quentin Ledger", "job": "Producer"}]
    crew += [{"id": 8000, "name": directors[0], "job": "Director"}] if directors else []
    return {
        "id": tmdb_id,
        "title": title,
        "original_title": original or title,
        "release_date": date,
        "runtime": runtime,
        "genres": [{"id": 10 + i, "name": g} for i, g in enumerate(genres)],
        "production_countries": [{"iso_3166_1": c, "name": c} for c in countries],
        "spoken_languages": [{"iso_639_1": code, "name": code} for code in languages],
        "overview": overview,
        "imdb_id": imdb_id,
        "vote_count": votes,
        "vote_average": average,
        "popularity": popularity,
        "credits": {"cast": _people(list(cast)), "crew": crew},
        "keywords": {"keywords": [{"id": 500 + i, "name": k} for i, k in enumerate(keywords)]},
        "external_ids": {"imdb_id": imdb_id},
    }


def series(
    tmdb_id: int,
    name: str,
    date: str,
    genres: list[str],
    *,
    original: str | None = None,
    episode_minutes: list[int] | None = None,
    seasons: int = 1,
    countries: tuple[str, ...] = ("GB",),
    languages: tuple[str, ...] = ("en",),
    creators: tuple[str, ...] = (),
    cast: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
    overview: str = "",
    imdb_id: str | None = None,
    votes: int = 100,
    average: float = 7.0,
    popularity: float = 20.0,
) -> dict[str, Any]:
    """A series' details answer with keywords, aggregate_credits and external_ids appended."""
    return {
        "id": tmdb_id,
        "name": name,
        "original_name": original or name,
        "first_air_date": date,
        "episode_run_time": episode_minutes or [],
        "number_of_seasons": seasons,
        "genres": [{"id": 10 + i, "name": g} for i, g in enumerate(genres)],
        "origin_country": list(countries),
        "production_countries": [{"iso_3166_1": "ZZ", "name": "not the origin"}],
        "spoken_languages": [{"iso_639_1": code, "name": code} for code in languages],
        "created_by": [{"id": 6000 + i, "name": n} for i, n in enumerate(creators)],
        "overview": overview,
        "vote_count": votes,
        "vote_average": average,
        "popularity": popularity,
        "aggregate_credits": {"cast": _people(list(cast)), "crew": []},
        "keywords": {"results": [{"id": 600 + i, "name": k} for i, k in enumerate(keywords)]},
        "external_ids": {"imdb_id": imdb_id, "tvdb_id": 77},
    }


def catalogue() -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """A dozen invented titles: (movies, series) by TMDB id."""
    movies = [
        movie(
            101,
            "Copper Tide",
            "2019-03-14",
            ["Drama", "Thriller"],
            original="Koperen Tij",
            runtime=112,
            countries=("NL", "be"),
            languages=("nl", "en", "xx"),
            directors=("Maren Vos", "Joost Ambering"),
            cast=tuple(f"Actor {letter} Tidewater" for letter in "ABCDEFGHIJKL"),
            keywords=("smuggling", "harbour", "brothers", "smuggling"),
            overview="Two estranged brothers run contraband through a fog-bound Zeeland port.",
            imdb_id="tt9100101",
            votes=840,
            average=7.14,
            popularity=33.2,
        ),
        movie(
            102,
            "Orbit of Small Things",
            "2021-11-02",
            ["Science Fiction", "Drama"],
            directors=("Idris Calloway",),
            cast=("Noor Halvorsen", "Tobias Wrenfield"),
            keywords=("space station", "botanist"),
            overview="A botanist alone on a failing station talks to the moss that keeps her alive.",
            imdb_id="tt9100102",
        ),
        movie(
            103,
            "The Marzipan Heist",
            "2017-12-01",
            ["Comedy", "Crime"],
            original="Der Marzipan-Coup",
            countries=("DE",),
            languages=("de",),
            directors=("Greta Lindqvist-Baum",),
            cast=("Hanno Pfefferkorn",),
            keywords=("christmas market", "heist"),
            imdb_id="tt9100103",
        ),
        movie(
            104,
            "Nine Winters North",
            "2015-01-20",
            ["Adventure", "Documentary"],
            countries=("NO",),
            languages=("no",),
            directors=("Sigrun Aakvaag",),
        ),
        movie(
            105,
            "Paper Lanterns at Dusk",
            "2022-07-07",
            ["Romance"],
            original="夕暮れの紙灯籠",
            countries=("JP",),
            languages=("ja",),
        ),
        movie(106, "Static Saints", "", ["Horror"], runtime=None, votes=0, average=0.0),
        movie(107, "Gravel and Gold", "2012-05-05", ["Western"], directors=("Cal Birdwhistle",)),
    ]
    shows = [
        series(
            201,
            "The Quiet Cartographers",
            "2018-09-30",
            ["Sci-Fi & Fantasy", "Drama", "War & Politics"],
            episode_minutes=[52, 48],
            seasons=3,
            countries=("GB",),
            languages=("en", "cy"),
            creators=("Rhiannon Pell", "Augustin Mbeki-Hart"),
            cast=("Ffion Tallis", "Dorian Okafor", "Mabli Reeve"),
            keywords=("maps", "secret society", "wales"),
            overview="Mapmakers in a Welsh valley find that every map they draw changes the land.",
            imdb_id="tt9100201",
            votes=2300,
            average=8.03,
            popularity=71.5,
        ),
        series(
            202,
            "Saltmarsh Parish",
            "2020-02-11",
            ["Crime", "Action & Adventure"],
            seasons=2,
            episode_minutes=[45],
            countries=("IE",),
        ),
        series(
            203,
            "Tiny Volcano Club",
            "2021-04-01",
            ["Kids", "Animation"],
            original="Le Club des Petits Volcans",
            countries=("FR",),
            languages=("fr",),
        ),
        series(
            204, "Ledger of Ash", "2016-06-06", ["Drama"], original="재의 장부", countries=("KR",)
        ),
        series(205, "Midnight Bakery Wars", "2023-10-10", ["Reality", "Talk"], countries=("US",)),
    ]
    return {m["id"]: m for m in movies}, {s["id"]: s for s in shows}


#: Which titles each region lists on Netflix: ("movie" | "tv", id).
REGIONS = {
    "NL": {("movie", i) for i in (101, 102, 103, 104, 105, 106)}
    | {("tv", i) for i in (201, 202, 203, 204)},
    "US": {("movie", 107), ("tv", 205)},
}
NETFLIX = "8"


@dataclass
class FakeTmdb:
    """The server: start it with ``with FakeTmdb() as tmdb:``; ``tmdb.base_url`` ends in /3."""

    movies: dict[int, dict[str, Any]] = field(default_factory=lambda: catalogue()[0])
    shows: dict[int, dict[str, Any]] = field(default_factory=lambda: catalogue()[1])
    regions: dict[str, set[tuple[str, int]]] = field(
        default_factory=lambda: {r: set(ids) for r, ids in REGIONS.items()}
    )
    requests: list[Seen] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    always: dict[str, Fault] = field(default_factory=dict)
    #: Pages a listing claims to have beyond what it holds.
    claimed_pages: int | None = None
    #: The last page served (TMDB: 500); past it, HTTP 400.
    max_pages: int = MAX_PAGES
    details_limit: int | None = None
    details_served: int = 0
    extra_movies: int = 0
    #: Listing requests in the popularity order so far: each one finds it drifted.
    drift: int = 0

    def __post_init__(self) -> None:
        for n in range(self.extra_movies):
            tmdb_id = 1000 + n
            day = f"{1990 + n % 30}-{1 + n % 12:02}-{1 + n % 28:02}"
            self.movies[tmdb_id] = movie(tmdb_id, f"Invented Film {n}", day, ["Drama"])
            self.regions.setdefault("NL", set()).add(("movie", tmdb_id))
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}"

    def __enter__(self) -> FakeTmdb:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, path: str, *faults: Fault) -> None:
        """Serve FAULTS, one per request, to the next requests for PATH."""
        self.faults.setdefault(path, deque()).extend(faults)

    def paths(self, prefix: str = "") -> list[str]:
        """The paths requested so far that start with PREFIX, in order."""
        return [seen.path for seen in self.requests if seen.path.startswith(prefix)]

    def details_paths(self) -> set[str]:
        return {p for p in self.paths() if not p.startswith("/discover/")}

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, delay) for one request."""
        with self._lock:
            self.requests.append(seen)
            if seen.query.get("api_key") != API_KEY and (
                seen.headers.get("authorization") != f"Bearer {TOKEN}"
            ):
                return (
                    401,
                    {"Content-Type": "application/json;charset=utf-8"},
                    _error_body(401),
                    0.0,
                )
            queued = self.faults.get(seen.path)
            fault = queued.popleft() if queued else self.always.get(seen.path)
            discover = seen.path.startswith("/discover/")
            spent = self.details_limit is not None and self.details_served >= self.details_limit
            if fault is None and not discover and spent:
                fault = Fault(503)
            status, headers, body, delay = self._real(seen)
            if fault is not None:
                delay = fault.delay
                if fault.status is not None:
                    status, body = fault.status, fault.body or _error_body(fault.status)
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
                if fault.location is not None:
                    headers["Location"] = fault.location
            if status == 200 and not discover:
                self.details_served += 1
            return status, headers, body, delay

    def _real(self, seen: Seen) -> tuple[int, dict[str, str], bytes, float]:
        parts = seen.path.strip("/").split("/")
        if parts[0] == "discover" and len(parts) == 2 and parts[1] in ("movie", "tv"):
            page = seen.query.get("page", "1")
            if not page.isdigit() or not 1 <= int(page) <= self.max_pages:
                return (
                    400,
                    {"Content-Type": "application/json;charset=utf-8"},
                    _error_body(400),
                    0.0,
                )
            return _json(200, self._discover(parts[1], seen.query))
        store = {"movie": self.movies, "tv": self.shows}.get(parts[0])
        if store is not None and len(parts) == 2 and parts[1].isdigit() and int(parts[1]) in store:
            return _json(200, store[int(parts[1])])
        return 404, {"Content-Type": "application/json;charset=utf-8"}, _error_body(404), 0.0

    def _discover(self, kind: str, query: dict[str, str]) -> dict[str, Any]:
        listed = self.regions.get(query.get("watch_region", ""), set())
        if NETFLIX not in query.get("with_watch_providers", "").split("|"):
            listed = set()
        store = self.movies if kind == "movie" else self.shows
        ids = self._ordered(store, sorted(i for k, i in listed if k == kind), query)
        page = int(query.get("page", "1"))
        rows = [_row(kind, store[i]) for i in ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        pages = self.claimed_pages or max(1, math.ceil(len(ids) / PAGE_SIZE))
        return {"page": page, "results": rows, "total_pages": pages, "total_results": len(ids)}

    def _ordered(
        self, store: dict[int, dict[str, Any]], ids: list[int], query: dict[str, str]
    ) -> list[int]:
        """IDS in the order asked for: a date order is stable (ties by id); popularity, the
        default, has drifted a step since the last listing request, as TMDB's does."""
        order = query.get("sort_by", "popularity.desc")
        if order in ("primary_release_date.asc", "first_air_date.asc"):
            field = "release_date" if "release_date" in order else "first_air_date"
            return sorted(ids, key=lambda i: (store[i][field] or "9999", i))
        ids = sorted(ids, key=lambda i: (-store[i]["popularity"], i))
        self.drift += 1
        shift = self.drift % max(1, len(ids))
        return ids[shift:] + ids[:shift]


def _row(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """The discover row TMDB shows for a title: a few of its details' fields."""
    keys = (
        ("title", "original_title", "release_date")
        if kind == "movie"
        else ("name", "original_name", "first_air_date")
    )
    row = {
        key: details[key]
        for key in ("id", *keys, "overview", "vote_count", "vote_average", "popularity")
    }
    return row | {"genre_ids": [g["id"] for g in details["genres"]], "adult": False}


#: TMDB's error answers as its documentation lists them: HTTP status → (status_code, message).
_ERRORS = {
    400: (22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    401: (7, "Invalid API key: You must be granted a valid key."),
    404: (34, "The resource you requested could not be found."),
    429: (25, "Your request count (#) is over the allowed limit of (40)."),
    500: (11, "Internal error: Something went wrong, contact TMDb."),
    503: (9, "Service offline: This service is temporarily offline, try again later."),
}


def _error_body(status: int) -> bytes:
    """The JSON TMDB sends with an error: ``success``, ``status_code``, ``status_message``."""
    code, message = _ERRORS.get(status, (0, "Unknown error."))
    return json.dumps({"success": False, "status_code": code, "status_message": message}).encode()


def _json(status: int, value: Any) -> tuple[int, dict[str, str], bytes, float]:
    return (
        status,
        {"Content-Type": "application/json;charset=utf-8"},
        json.dumps(value).encode(),
        0.0,
    )


def _handler(fake: FakeTmdb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            path = url.path.removeprefix(PREFIX)
            query = dict(urllib.parse.parse_qsl(url.query))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, body, delay = fake.answer(Seen(path, query, headers))
            time.sleep(delay)
            try:
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up waiting (a SLOW fault)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
