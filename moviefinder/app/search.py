"""The search commands — ask, similar, explain, taste — each a function from a request to a
frozen result that the presentation renders as it is (it computes nothing of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moviefinder.app import library
from moviefinder.core.errors import InputError, OptionError
from moviefinder.core.finder import Answer, Finder, Standing, View
from moviefinder.core.query import Filters, ParsedQuery, read_query

if TYPE_CHECKING:
    from moviefinder.app.context import Context
    from moviefinder.core.availability import RegionView
    from moviefinder.core.catalog import Catalog, Title, TitleType
    from moviefinder.core.taste import Seen, Taste


@dataclass(frozen=True)
class Found:
    """What `ask` or `similar` found, and what was asked: LABEL (the query, or "like TITLE"),
    the VIEW it was searched with, TASTE_WEIGHT (None: no taste to weigh), the filters READ
    out of the query's text beyond the options given, and the query as PARSED."""

    answer: Answer
    label: str
    view: View
    taste_weight: float | None = None
    read: Filters | None = None
    parsed: ParsedQuery | None = None


@dataclass(frozen=True)
class TitleReport:
    """Everything known about one title and where it stands (`explain`)."""

    title: Title
    region: RegionView
    watched: bool
    #: What the history holds of it (None: nothing, or no history).
    yours: Seen | None
    taste_score: float | None
    prior_score: float | None
    #: The liked and the disliked titles nearest it, with their cosine (None: no taste).
    neighbours: tuple[list[tuple[int, float]], list[tuple[int, float]]] | None
    #: Its scores and rank for the query asked along (None: none asked).
    standing: Standing | None
    hidden: tuple[str, ...]
    catalog: Catalog
    parsed: ParsedQuery | None = None


@dataclass(frozen=True)
class TasteReport:
    """The user's taste (None before a history) and each interest's titles, as rows."""

    taste: Taste | None
    interests: tuple[tuple[int, ...], ...]
    catalog: Catalog


def open_search(
    context: Context, catalog: str | None = None, history: bool = True, query: bool = False
) -> tuple[Finder, Taste | None]:
    """CATALOG's finder (default: the configured one), with the user's taste unless HISTORY
    is off; with QUERY (one will be encoded) the model starts loading at once."""
    settings = context.settings
    finder = library.open_finder(
        catalog or settings.catalog,
        settings.model,
        settings.encoder,
        context.exporting,
        prepare=query,
        on_damage=context.warn,
        encoders=context.encoders,
    )
    if not history:
        return finder, None
    try:
        return library.with_taste(finder, settings.half_life_days)
    except InputError as exc:  # a damaged stored history stops no search: taste waits for it
        context.warn(exc, "Searching without your taste and watched titles meanwhile.")
        return finder, None


def search_view(
    context: Context,
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
    settings = context.settings
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


def known_filters(catalog: Catalog, explicit: Filters) -> None:
    """Refuse a --genre or --country the catalogue cannot match, naming the values it can
    (a typo would otherwise only say "No titles match").

    Raises:
        OptionError: the option, and the values this catalogue has.
    """
    from moviefinder.core.countries import country_name

    genres = catalog.genre_names() if explicit.genres or explicit.exclude_genres else []
    for option, wanted in (
        ("--genre", explicit.genres),
        ("--exclude-genre", explicit.exclude_genres),
    ):
        for genre in wanted:
            if genre not in genres:
                raise OptionError(
                    option, f"no genre {genre!r} in this catalogue; it has: {', '.join(genres)}."
                )
    for code in explicit.countries:
        if country_name(code) == code:
            raise OptionError(
                "--country", f"{code!r} is no country code (two letters, such as NL, US, KR)."
            )


def ask(
    context: Context,
    query: str,
    explicit: Filters,
    literal: bool = False,
    region: str | None = None,
    any_region: bool = False,
    taste_weight: float | None = None,
    catalog: str | None = None,
    **shown: Any,
) -> Found:
    """The titles QUERY describes, within the EXPLICIT filters and those read out of its text
    (unless LITERAL), ranked with the user's taste; SHOWN: limit, include_watched,
    include_unknown.

    Raises:
        QueryError: nothing to search; OptionError: a filter the catalogue cannot match.
    """
    finder, taste = open_search(context, catalog, query=True)
    known_filters(finder.catalog, explicit)
    parsed = read_query(query, literal)
    view = search_view(
        context, finder, taste, region, any_region, parsed, explicit, taste_weight, **shown
    )
    answer = finder.ask(parsed.text, view)
    return _found(answer, query, view, taste, parsed.filters.beyond(explicit), parsed)


def _found(
    answer: Answer,
    label: str,
    view: View,
    taste: Taste | None,
    read: Filters | None = None,
    parsed: ParsedQuery | None = None,
) -> Found:
    """ANSWER as a result; its taste weight is None when there was no taste to weigh."""
    weight = None if taste is None else view.taste_weight
    return Found(answer, label, view, weight, read, parsed)


def similar(
    context: Context,
    title: str,
    kind: TitleType | None = None,
    region: str | None = None,
    any_region: bool = False,
    catalog: str | None = None,
    **shown: Any,
) -> Found:
    """The titles most like TITLE (an id or a close spelling), of KIND if given.

    Raises:
        CatalogError: no such title, or none clearly meant.
    """
    from moviefinder.core.matching import resolve_title

    finder, taste = open_search(context, catalog)
    row = resolve_title(finder.catalog, title)
    view = search_view(
        context, finder, taste, region, any_region, filters=Filters(kind=kind), **shown
    )
    return _found(finder.similar(row, view), f"like {finder.catalog.title(row).title}", view, taste)


def explain(
    context: Context,
    title: str,
    query: str | None = None,
    region: str | None = None,
    catalog: str | None = None,
) -> TitleReport:
    """Why TITLE ranks where it does for QUERY (if given), or why it is hidden.

    Raises:
        CatalogError: no such title, or none clearly meant.
    """
    from moviefinder.core.explain import taste_neighbours
    from moviefinder.core.matching import resolve_title

    finder, profile = open_search(context, catalog)
    row = resolve_title(finder.catalog, title)
    parsed = read_query(query) if query else None
    view = search_view(context, finder, profile, region, parsed=parsed)
    area = view.region
    assert area is not None  # explain always looks at a region
    return TitleReport(
        finder.catalog.title(row),
        area,
        row in finder.watched,
        None if profile is None else profile.seen(row),
        None if finder.taste is None else float(finder.taste[row]),
        None if finder.prior is None else float(finder.prior[row]),
        None if profile is None else taste_neighbours(profile, finder.matrix, row),
        None if parsed is None else finder.standing(row, parsed.text, view),
        tuple(finder.hidden_because(row, view)),
        finder.catalog,
        parsed,
    )


def taste(context: Context) -> TasteReport:
    """The user's taste as the history and ratings made it."""
    from moviefinder.core.taste import representatives

    finder, profile = open_search(context)
    names = [] if profile is None else representatives(profile, finder.matrix)
    return TasteReport(profile, tuple(tuple(group) for group in names), finder.catalog)
