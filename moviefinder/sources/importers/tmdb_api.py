"""A small client for the TMDB API v3 (standard library only) and its answers as Titles.

Credentials are a v3 API key, sent as the ``api_key`` query parameter, or a v4 read-access
token (a JWT, so it contains dots), sent as ``Authorization: Bearer …``. Neither ever appears
in a message, an exception or the client's repr.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any, Final, NamedTuple

from moviefinder.core.catalog import TITLE_TYPES, Title, TitleType
from moviefinder.core.errors import ServiceError
from moviefinder.sources.importers.source import genre_name
from moviefinder.storage.config import TMDB_URL

#: TMDB watch-provider ids: Netflix, Netflix basic with Ads, Netflix Kids.
NETFLIX_PROVIDERS: Final = (8, 1796, 175)
PREFIX: Final = "tmdb:"
DEFAULT_TIMEOUT: Final = 10.0
#: Tries per request before giving up; waits between them double from BACKOFF_SECONDS.
ATTEMPTS: Final = 5
BACKOFF_SECONDS: Final = 1.0
#: The longest ``Retry-After`` honoured, so a confused server cannot stall a sync for hours.
MAX_RETRY_AFTER: Final = 60.0
#: TMDB serves at most this many discover pages.
MAX_PAGES: Final = 500
#: Cast members kept per title, in billing order.
CAST_KEPT: Final = 10

_PATHS: Final[dict[TitleType, str]] = {"movie": "movie", "series": "tv"}
#: (name, original name, first date) as each kind spells them.
_KEYS: Final[dict[TitleType, tuple[str, str, str]]] = {
    "movie": ("title", "original_title", "release_date"),
    "series": ("name", "original_name", "first_air_date"),
}
#: Sent with every request: English titles and overviews, whatever TMDB would guess.
LANGUAGE: Final = "en-US"
_STABLE_ORDER: Final[dict[TitleType, str]] = {
    "movie": "primary_release_date.asc",
    "series": "first_air_date.asc",
}
_APPENDED: Final[dict[TitleType, str]] = {
    "movie": "keywords,credits,external_ids",
    "series": "keywords,aggregate_credits,external_ids",
}
#: TMDB's TV genres that pair two of ours, and names the catalogue spells otherwise.
_GENRES: Final = {
    "sci-fi & fantasy": ("sci-fi", "fantasy"),
    "action & adventure": ("action", "adventure"),
    "war & politics": ("war", "politics"),
    "talk": ("talk show",),
}


REJECTED: Final = "TMDB rejected the API key or read-access token (HTTP 401): check it."


def title_id(kind: TitleType, tmdb_id: int) -> str:
    """The catalogue id of a TMDB title.

    >>> title_id("series", 1399)
    'tmdb:tv:1399'
    """
    return f"{id_prefix(kind)}{tmdb_id}"


def id_prefix(kind: TitleType) -> str:
    """What the catalogue ids of TMDB titles of KIND start with: ``tmdb:tv:`` for series."""
    return f"{PREFIX}{_PATHS[kind]}:"


@dataclass(frozen=True)
class Listing:
    """One discover row: what TMDB's listing says about a title without its details."""

    type: TitleType
    tmdb_id: int
    title: str
    original_title: str
    year: int | None
    score: float | None

    @property
    def id(self) -> str:
        return title_id(self.type, self.tmdb_id)

    def matches(self, title: Title) -> bool:
        """Whether TITLE (mapped from details) still agrees with this listing.

        Name, original name, year and score to one decimal: when one of them moved, the
        details may have moved too (a new season brings votes), so they are fetched again.
        """
        original = title.alt_titles[0] if title.alt_titles else title.title
        return (title.title, original, title.year, _rounded(title.tmdb_score)) == (
            self.title,
            self.original_title,
            self.year,
            _rounded(self.score),
        )


@dataclass(frozen=True)
class _Failure:
    """Why one try failed: an HTTP STATUS, or none for a timeout or dropped connection."""

    reason: str
    status: int | None = None
    wait: float | None = None

    @property
    def retry(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500


_LOOPBACK: Final = ("127.0.0.1", "localhost", "::1")


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the same scheme, host and port: urllib would send the
    request's headers — the ``Authorization: Bearer`` token — to wherever it points."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        origin = urllib.parse.urlsplit(req.full_url)[:2]
        if urllib.parse.urlsplit(newurl)[:2] != origin:
            return None  # urllib then raises HTTPError with the redirect's status
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Discovery(NamedTuple):
    """What a listing found, and the kinds it could not read to the end (TMDB serves at most
    :data:`MAX_PAGES` pages: titles past them are unseen, not gone)."""

    listings: list[Listing]
    capped: tuple[TitleType, ...] = ()


class GoneError(ServiceError):
    """TMDB has no such title (any more): deleted or merged into another (status_code 34)."""


class TmdbClient:
    """TMDB API v3 over ``urllib``: retries rate limits, server errors and timeouts.

    >>> TmdbClient("0123abcd", sleep=lambda seconds: None)
    TmdbClient(base_url='https://api.themoviedb.org/3', credentials=<v3 API key>)
    """

    def __init__(
        self,
        credentials: str,
        *,
        base_url: str = TMDB_URL,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Raises ServiceError when CREDENTIALS are empty or BASE_URL is not http(s)."""
        self._secret = credentials.strip()
        if not self._secret:
            raise ServiceError("No TMDB API key or read-access token was given.")
        address = urllib.parse.urlsplit(base_url)
        if address.scheme not in ("http", "https"):
            raise ServiceError(f"The TMDB address must be an http(s) URL, not {base_url!r}.")
        if address.scheme == "http" and address.hostname not in _LOOPBACK:
            raise ServiceError(
                f"The TMDB address {base_url!r} is plain http, which would send your key in "
                "the clear: use https (plain http only for a server on this machine)."
            )
        self._bearer = "." in self._secret
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._sleep = sleep
        self._open = urllib.request.build_opener(_SameOrigin()).open

    def __repr__(self) -> str:
        kind = "v4 read-access token" if self._bearer else "v3 API key"
        return f"TmdbClient(base_url={self.base_url!r}, credentials=<{kind}>)"

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """The JSON object at PATH (``/movie/603``), retrying what may pass.

        A 429 waits as long as its ``Retry-After`` says; server errors, timeouts and dropped
        connections wait 1, 2, 4, 8 s; after ATTEMPTS tries it gives up.

        Raises:
            ServiceError: the key was rejected, TMDB kept failing, or the answer is not JSON.
        """
        request = self._request(path, params or {})
        failure = _Failure("not tried")
        for attempt in range(ATTEMPTS):
            if attempt:
                backoff = BACKOFF_SECONDS * 2 ** (attempt - 1)
                self._sleep(backoff if failure.wait is None else failure.wait)
            outcome = self._try(request)
            if isinstance(outcome, bytes):
                return _json_object(outcome, path)
            failure = outcome
            if failure.status == 401:
                raise ServiceError(REJECTED)
            if failure.status is not None and 300 <= failure.status < 400:
                raise ServiceError(
                    f"TMDB sent {path} on to another address; not followed, so your key stays "
                    "with TMDB."
                )
            if failure.status == 404:
                raise GoneError(f"TMDB has no {path} (deleted or merged).")
            if not failure.retry:
                raise ServiceError(f"TMDB answered HTTP {failure.status} for {path}.")
        reason = self._scrub(failure.reason)
        raise ServiceError(f"TMDB failed {ATTEMPTS} times on {path} ({reason}); try again later.")

    def discover(self, region: str, providers: Sequence[int] = NETFLIX_PROVIDERS) -> Discovery:
        """Every movie and series TMDB lists on PROVIDERS in REGION, over all pages — or, for
        a kind with more than TMDB's :data:`MAX_PAGES` pages, the first ones (it is then in
        ``capped``).

        Raises:
            ServiceError: as :meth:`get`.
        """
        found: dict[str, Listing] = {}
        capped: list[TitleType] = []
        for kind in TITLE_TYPES:
            page, pages = 1, 1
            while page <= min(pages, MAX_PAGES):
                params: dict[str, str | int] = {
                    "watch_region": region,
                    "with_watch_providers": "|".join(str(p) for p in providers),
                    # A stable order: the default, popularity, reshuffles rows between pages.
                    "sort_by": _STABLE_ORDER[kind],
                    "language": LANGUAGE,
                    "page": page,
                }
                if kind == "series":  # else TMDB leaves out series with no first air date
                    params["include_null_first_air_dates"] = "true"
                data = self.get(f"/discover/{_PATHS[kind]}", params)
                pages = _int(data.get("total_pages")) or 0
                for row in _dicts(data.get("results")):
                    listing = _listing(kind, row)
                    # Rows shift between pages while TMDB re-sorts: keep the first sighting.
                    if listing is not None:
                        found.setdefault(listing.id, listing)
                page += 1
            if pages > MAX_PAGES:
                capped.append(kind)
        return Discovery(list(found.values()), tuple(capped))

    def details(self, kind: TitleType, tmdb_id: int) -> Title:
        """One title with its keywords, credits and outside ids.

        Raises:
            ServiceError: as :meth:`get`, or the answer has no id or name.
        """
        path = f"/{_PATHS[kind]}/{tmdb_id}"
        params = {"append_to_response": _APPENDED[kind], "language": LANGUAGE}
        return title_from_details(kind, self.get(path, params))

    def _request(self, path: str, params: Mapping[str, str | int]) -> urllib.request.Request:
        query = dict(params)
        headers = {"Accept": "application/json", "User-Agent": "moviefinder"}
        if self._bearer:
            headers["Authorization"] = f"Bearer {self._secret}"
        else:
            query["api_key"] = self._secret
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        return urllib.request.Request(url, headers=headers)

    def _try(self, request: urllib.request.Request) -> bytes | _Failure:
        # Failures are returned, not raised, so the ServiceError raised later carries no
        # urllib exception (whose URL holds the key) as its context.
        try:
            with self._open(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            exc.close()
            return _http_failure(exc.code, exc.headers)
        except (OSError, http.client.HTTPException) as exc:
            cause = getattr(exc, "reason", exc)  # URLError wraps the socket's error
            if isinstance(cause, TimeoutError):
                return _Failure("timed out")
            return _Failure(" ".join(str(cause).split()) or type(cause).__name__)

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "<credentials>")


def _http_failure(status: int, headers: Message | None) -> _Failure:
    wait = _retry_after(headers) if status == 429 else None
    return _Failure(f"HTTP {status}", status, wait)


def _retry_after(headers: Message | None) -> float | None:
    try:
        seconds = float(headers.get("Retry-After", "") if headers is not None else "")
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _json_object(body: bytes, path: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError both are
        data = None
    if not isinstance(data, dict):
        raise ServiceError(f"TMDB sent unreadable JSON for {path}.")
    return data


def _listing(kind: TitleType, row: Mapping[str, Any]) -> Listing | None:
    name_key, original_key, date_key = _KEYS[kind]
    tmdb_id, name = _int(row.get("id")), _text(row.get(name_key))
    if tmdb_id is None or not name:
        return None
    original = _text(row.get(original_key)) or name
    return Listing(kind, tmdb_id, name, original, _year(row.get(date_key)), _score(row))


def title_from_details(kind: TitleType, data: Mapping[str, Any]) -> Title:
    """A Title from TMDB's details answer for KIND, with the ``_APPENDED`` parts.

    Raises:
        ServiceError: the answer has no id or no name.
    """
    name_key, original_key, date_key = _KEYS[kind]
    tmdb_id, name = _int(data.get("id")), _text(data.get(name_key))
    if tmdb_id is None or not name:
        raise ServiceError(f"TMDB sent a {kind} without an id or a name.")
    original = _text(data.get(original_key))
    movie = kind == "movie"
    credits = _dict(data.get("credits" if movie else "aggregate_credits"))
    cast = sorted(_dicts(credits.get("cast")), key=lambda person: _int(person.get("order")) or 0)
    if movie:
        runtime = _int(data.get("runtime"))
        countries = _names(data.get("production_countries"), "iso_3166_1")
        directors = _names([p for p in _dicts(credits.get("crew")) if p.get("job") == "Director"])
        keywords = _names(_dict(data.get("keywords")).get("keywords"))
    else:
        runtime = next((_int(m) for m in _list(data.get("episode_run_time"))), None)
        if runtime is None:  # empty for most series since 2023: the last episode's length
            runtime = _int(_dict(data.get("last_episode_to_air")).get("runtime"))
        countries = tuple(c for c in _list(data.get("origin_country")) if isinstance(c, str))
        directors = _names(data.get("created_by"))
        keywords = _names(_dict(data.get("keywords")).get("results"))
    languages = _names(data.get("spoken_languages"), "iso_639_1")
    imdb_id = _text(_dict(data.get("external_ids")).get("imdb_id")) or _text(data.get("imdb_id"))
    return Title(
        id=title_id(kind, tmdb_id),
        title=name,
        type=kind,
        year=_year(data.get(date_key)),
        alt_titles=(original,) if original and original != name else (),
        runtime=runtime or None,
        seasons=None if movie else _int(data.get("number_of_seasons")),
        genres=_genres(_names(data.get("genres"))),
        countries=tuple(c.upper() for c in countries),
        languages=tuple(code.lower() for code in languages if code.lower() != "xx"),
        directors=directors,
        cast=_names(cast[:CAST_KEPT]),
        synopsis=_text(data.get("overview")),
        keywords=keywords,
        imdb_id=imdb_id or None,
        tmdb_id=tmdb_id,
        tmdb_score=_score(data),
        tmdb_popularity=_number(data.get("popularity")),
        tmdb_votes=_int(data.get("vote_count")),
    )


def _genres(names: Sequence[str]) -> tuple[str, ...]:
    ours = (g for name in names for g in _GENRES.get(name.lower(), (genre_name(name),)))
    return tuple(dict.fromkeys(ours))


def _score(data: Mapping[str, Any]) -> float | None:
    """The vote average, or None while nobody has voted (TMDB says 0.0 then)."""
    return None if _int(data.get("vote_count")) == 0 else _number(data.get("vote_average"))


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


# --- reading JSON values of unknown shape -----------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _year(value: Any) -> int | None:
    text = _text(value)
    return int(text[:4]) if text[:4].isdigit() else None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _names(items: Any, key: str = "name") -> tuple[str, ...]:
    """The distinct, non-empty KEY values of a list of objects, in order."""
    names = (_text(item.get(key)) for item in _dicts(items))
    return tuple(dict.fromkeys(name for name in names if name))
