"""What several commands share: option types and opening the default catalogue's finder."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moviefinder.app import library
from moviefinder.core.errors import InputError
from moviefinder.core.finder import Finder, View
from moviefinder.present import render
from moviefinder.storage.config import Settings

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from moviefinder.core.catalog import Catalog
    from moviefinder.core.query import Filters, ParsedQuery
    from moviefinder.core.taste import Taste


class Kind(StrEnum):
    movie = "movie"
    series = "series"


# Options shared by ask and similar.
Limit = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many titles to show.")]
KindOption = Annotated[Kind | None, typer.Option("--type", help="Only movies or only series.")]


def region_code(value: str | None) -> str | None:
    """--region as a country code: "nl" → "NL", "Netherlands" → "NL"; anything else is refused,
    never taken as a region without evidence (which would show every title)."""
    if value is None:
        return None
    text = value.strip()
    if len(text) == 2 and text.isalpha() and text.isascii():
        return text.upper()
    from moviefinder.core.countries import country_code

    code = country_code(text)
    if code is None:
        raise typer.BadParameter(f"{value!r} is no country; use a two-letter code such as NL.")
    return code


def finite(value: float | None) -> float | None:
    """Refuse "nan" (it passes every min/max check and compares false with everything)."""
    if value is not None and math.isnan(value):
        raise typer.BadParameter("must be a number.")
    return value


Region = Annotated[
    str | None,
    typer.Option(
        "--region", callback=region_code, help="Netflix country, e.g. NL (default: config)."
    ),
]
AnyRegion = Annotated[bool, typer.Option("--any-region", help="Do not filter by availability.")]
IncludeUnknown = Annotated[
    bool, typer.Option("--include-unknown", help="Also titles with no evidence for the region (?).")
]
IncludeWatched = Annotated[
    bool, typer.Option("--include-watched", help="Also show titles you have watched.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CatalogName = Annotated[
    str | None,
    typer.Option("--catalog", help="Which catalogue (default: config, else the shipped one)."),
]


def finder_and_taste(
    settings: Settings, catalog: str | None = None, history: bool = True, query: bool = False
) -> tuple[Finder, Taste | None]:
    """CATALOG's finder (default: the configured one), with the user's taste unless HISTORY
    is off; with QUERY (one will be encoded) the model starts loading at once."""
    finder = library.open_finder(
        catalog or settings.catalog,
        settings.model,
        settings.encoder,
        render.exporting,
        prepare=query,
        on_damage=render.warning,
    )
    if not history:
        return finder, None
    try:
        return library.with_taste(finder, settings.half_life_days)
    except InputError as exc:  # a damaged stored history stops no search: taste waits for it
        render.warning(f"{exc} Searching without your taste and watched titles meanwhile.")
        return finder, None


def search_view(
    settings: Settings,
    finder: Finder,
    taste: Taste | None,
    region: str | None = None,
    any_region: bool = False,
    parsed: ParsedQuery | None = None,
    filters: Filters | None = None,
    taste_weight: float | None = None,
    **shown: Any,
) -> View:
    """The one place a search's options become a :class:`View` (ask, similar, explain): the
    region's evidence unless ANY_REGION, the taste weight (the setting unless TASTE_WEIGHT;
    0 without a taste), the filters (PARSED's from the query text, overridden by FILTERS)
    and its hints; SHOWN passes limit, include_watched and include_unknown on."""
    area = None
    if not any_region:
        area = library.open_availability(finder.catalog, region or settings.region, finder.viewed)
    weight = settings.taste_weight if taste_weight is None else taste_weight
    read = None if parsed is None else parsed.filters
    if read is not None and filters is not None:
        filters = read.overridden_by(filters)
    return View(
        filters=read if filters is None else filters,
        read_filters=read,
        hints=None if parsed is None else parsed.hints,
        taste_weight=weight if taste is not None else 0.0,
        region=area,
        diversity=settings.diversity,
        **shown,
    )


def known_options(catalog: Catalog, explicit: Filters) -> None:
    """Refuse a --genre or --country the catalogue cannot match, naming the values it can
    (a typo would otherwise only say "No titles match")."""
    from moviefinder.core.countries import country_name

    genres = catalog.genre_names() if explicit.genres or explicit.exclude_genres else []
    for option, wanted in (
        ("--genre", explicit.genres),
        ("--exclude-genre", explicit.exclude_genres),
    ):
        for genre in wanted:
            if genre not in genres:
                raise typer.BadParameter(
                    f"no genre {genre!r} in this catalogue; it has: {', '.join(genres)}.",
                    param_hint=option,
                )
    for code in explicit.countries:
        if country_name(code) == code:
            raise typer.BadParameter(
                f"{code!r} is no country code (two letters, such as NL, US, KR).",
                param_hint="--country",
            )


def writing() -> AbstractContextManager[None]:
    """The data directory's write lock, held by every command that changes it (see
    :mod:`moviefinder.storage.lock`); says so once while another moviefinder has it."""
    from moviefinder.storage import lock  # filelock: only commands that write pay for it

    return lock.hold(render.waiting)
