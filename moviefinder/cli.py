"""The command line: parse options, call the core, hand results to render. No data work here."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from moviefinder import library, paths, render
from moviefinder.config import Settings, load_settings
from moviefinder.errors import ExitStatus, MovieFinderError
from moviefinder.finder import View
from moviefinder.query import Filters, ParsedQuery, decade_years, parse_query

if TYPE_CHECKING:
    from moviefinder.finder import Finder
    from moviefinder.taste import Taste

# Commands other than `ask` import what they need inside themselves: every module imported
# here is paid for by every `ask`.

app = typer.Typer(
    help="What should I watch tonight? Describe it; moviefinder finds it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
catalog_app = typer.Typer(help="Manage catalogues and their embeddings.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure how well moviefinder finds things.", no_args_is_help=True)
history_app = typer.Typer(
    help="Your imported viewing history: what was watched and how it matched the catalogue.",
    invoke_without_command=True,
)
app.add_typer(catalog_app, name="catalog")
app.add_typer(eval_app, name="eval")
app.add_typer(history_app, name="history")


class Kind(StrEnum):
    movie = "movie"
    series = "series"


# Options shared by ask and similar.
Limit = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many titles to show.")]
KindOption = Annotated[Kind | None, typer.Option("--type", help="Only movies or only series.")]
Region = Annotated[
    str | None, typer.Option("--region", help="Netflix country, e.g. NL (default: config).")
]
AnyRegion = Annotated[bool, typer.Option("--any-region", help="Do not filter by availability.")]
IncludeUnknown = Annotated[
    bool, typer.Option("--include-unknown", help="Also titles with no evidence for the region (?).")
]
IncludeWatched = Annotated[
    bool, typer.Option("--include-watched", help="Also show titles you have watched.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _finder(settings: Settings, history: bool = True) -> tuple[Finder, Taste | None]:
    """The default catalogue's finder, with the user's taste unless HISTORY is off."""
    finder = library.open_finder(
        paths.DEFAULT_CATALOG, settings.model, settings.encoder, render.exporting
    )
    if not history:
        return finder, None
    return library.with_taste(finder, settings.half_life_days)


@app.command()
def ask(
    query: Annotated[str, typer.Argument(help="What you remember or want, in your own words.")],
    limit: Limit = 10,
    kind: KindOption = None,
    year_from: Annotated[int | None, typer.Option("--from", help="Released in or after.")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Released in or before.")] = None,
    decade: Annotated[
        int | None, typer.Option("--decade", help="A decade, e.g. 1990 (or 90).")
    ] = None,
    min_runtime: Annotated[
        int | None, typer.Option("--min-runtime", min=1, help="Minutes, at least.")
    ] = None,
    max_runtime: Annotated[
        int | None, typer.Option("--max-runtime", min=1, help="Minutes, at most.")
    ] = None,
    genre: Annotated[
        list[str] | None, typer.Option("--genre", help="Any of these genres (repeatable).")
    ] = None,
    exclude_genre: Annotated[
        list[str] | None, typer.Option("--exclude-genre", help="None of these (repeatable).")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option("--min-score", min=0, max=10, help="IMDb score, at least.")
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option("--country", help="Made in (ISO code, repeatable).")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="Spoken language (ISO code).")
    ] = None,
    literal: Annotated[
        bool, typer.Option("--literal", help="Do not read filters out of the query text.")
    ] = False,
    region: Region = None,
    any_region: AnyRegion = False,
    include_unknown: IncludeUnknown = False,
    taste_weight: Annotated[
        float | None,
        typer.Option("--taste-weight", min=0.0, max=1.0, help="w in (1 − w)·query + w·taste."),
    ] = None,
    include_watched: IncludeWatched = False,
    why: Annotated[bool, typer.Option("--why", help="Explain every result in full.")] = False,
    as_json: AsJson = False,
) -> None:
    """Find titles matching a description, blended with your taste once a history is imported."""
    settings = load_settings()
    finder, taste = _finder(settings)
    weight = settings.taste_weight if taste_weight is None else taste_weight
    if decade is not None:
        year_from, year_to = decade_years(decade)
    explicit = Filters(
        kind=None if kind is None else kind.value,
        year_from=year_from,
        year_to=year_to,
        min_runtime=min_runtime,
        max_runtime=max_runtime,
        genres=tuple(g.lower() for g in genre or ()),
        exclude_genres=tuple(g.lower() for g in exclude_genre or ()),
        countries=tuple(c.upper() for c in country or ()),
        languages=tuple(lang.lower() for lang in language or ()),
        min_score=min_score,
    )
    parsed = ParsedQuery(query) if literal else parse_query(query)
    filters = parsed.filters.overridden_by(explicit)
    area = (
        None if any_region else library.open_availability(finder.catalog, region or settings.region)
    )
    view = View(
        limit=limit,
        filters=filters,
        taste_weight=weight if taste is not None else 0.0,
        include_watched=include_watched,
        region=area,
        include_unknown=include_unknown,
        diversity=settings.diversity,
    )
    render.matches(
        finder.ask(parsed.text, view),
        query,
        as_json,
        weight if taste is not None else None,
        filters,
        area,
        why,
    )


@eval_app.command("known-items")
def eval_known_items(
    file: Annotated[
        Path, typer.Argument(help='JSONL: {"query": …, "expected": [id, …]} per line.')
    ],
    as_json: AsJson = False,
) -> None:
    """Hit@1/5/10 and MRR of queries whose right answer is known."""
    from moviefinder.evaluation import evaluate, load_known_items

    items = load_known_items(file)
    settings = load_settings()
    finder, _ = _finder(settings, history=False)
    render.eval_report(evaluate(finder, items), as_json)


@eval_app.command("taste")
def eval_taste(
    history_file: Annotated[
        Path | None,
        typer.Argument(help="A Netflix export to test on; default: your imported history."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Which profile of a full export.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off for Recall@k and NDCG@k.")] = 10,
    as_json: AsJson = False,
) -> None:
    """Predict your most recent 20 % of titles from the rest: taste against popularity."""
    from moviefinder import journal
    from moviefinder.evaluation import evaluate_taste
    from moviefinder.history import for_profile, read_export

    settings = load_settings()
    finder, _ = _finder(settings, history=False)
    if history_file is None:
        stored = journal.load_journal()
        viewings, ratings = stored.viewings, stored.ratings
        rows = journal.resolve(stored, finder.catalog, library.catalog_stamp(finder.catalog.name))
    else:
        export = for_profile(read_export(history_file), profile)
        viewings, ratings = export.viewings, export.ratings
        titles = [v.title for v in viewings] + [r.title for r in ratings]
        rows = journal.match_rows(titles, finder.catalog)
    report = evaluate_taste(
        viewings, ratings, rows, finder.catalog, finder.matrix, settings.half_life_days, k
    )
    render.taste_report(report, as_json)


@catalog_app.command("build")
def catalog_build(
    force: Annotated[
        bool, typer.Option("--force", help="Re-embed everything (needed to switch models).")
    ] = False,
) -> None:
    """Embed new or changed titles of the catalogue with the configured model."""
    settings = load_settings()
    with render.progress("embedding") as update:
        report = library.build(
            paths.DEFAULT_CATALOG, settings.model, settings.encoder, force=force, progress=update
        )
    render.build_report(report, str(paths.catalog_dir(paths.DEFAULT_CATALOG)))


@app.command("import-history")
def import_history(
    path: Annotated[
        Path,
        typer.Argument(
            help="NetflixViewingHistory.csv, ViewingActivity.csv, the export folder or .zip."
        ),
    ],
    profile: Annotated[
        str | None, typer.Option("--profile", help="Which profile of a full export to import.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Start the history over (links made by hand stay).")
    ] = False,
) -> None:
    """Import your Netflix viewing history; importing the same file twice adds nothing."""
    from moviefinder import journal

    catalog = library.open_catalog(paths.DEFAULT_CATALOG)
    render.import_report(journal.import_history(path, catalog, profile, replace))


@history_app.callback()
def history(ctx: typer.Context) -> None:
    """Show the imported history: most watched titles and what they matched."""
    from moviefinder import journal

    if ctx.invoked_subcommand is None:
        stored = journal.load_journal()
        catalog = library.open_catalog(paths.DEFAULT_CATALOG)
        render.history(
            stored, journal.watched_shows(stored.viewings, stored.links, catalog), catalog
        )


@history_app.command("link")
def history_link(
    history_title: Annotated[str, typer.Argument(help="The title as your history shows it.")],
    catalogue_id: Annotated[str, typer.Argument(help="Catalogue id, imdb id or exact title.")],
) -> None:
    """Match a history title to a catalogue title by hand (kept across re-imports)."""
    from moviefinder import journal

    catalog = library.open_catalog(paths.DEFAULT_CATALOG)
    show, title_id = journal.link(history_title, catalogue_id, catalog)
    render.linked(show, catalog.title(catalog.find(title_id)[0]))


class Verdict(StrEnum):
    like = "like"
    dislike = "dislike"
    love = "love"
    clear = "clear"


@app.command()
def similar(
    title: Annotated[str, typer.Argument(help="A catalogue id or title (close spellings work).")],
    limit: Limit = 10,
    kind: KindOption = None,
    region: Region = None,
    any_region: AnyRegion = False,
    include_unknown: IncludeUnknown = False,
    include_watched: IncludeWatched = False,
    as_json: AsJson = False,
) -> None:
    """Titles most like TITLE, with the same filters as ask."""
    from moviefinder.matching import resolve_title

    settings = load_settings()
    finder, taste = _finder(settings)
    weight = settings.taste_weight if taste is not None else None
    row = resolve_title(finder.catalog, title)
    area = (
        None if any_region else library.open_availability(finder.catalog, region or settings.region)
    )
    view = View(
        limit=limit,
        filters=Filters(kind=None if kind is None else kind.value),
        include_watched=include_watched,
        region=area,
        include_unknown=include_unknown,
        diversity=settings.diversity,
        taste_weight=weight or 0.0,
    )
    results = finder.similar(row, view)
    render.matches(results, f"like {finder.catalog.title(row).title}", as_json, weight, None, area)


@app.command()
def explain(
    title: Annotated[str, typer.Argument(help="A catalogue id or title (close spellings work).")],
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Also show its score and rank for this query."),
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="Netflix country.")] = None,
) -> None:
    """Why a title ranks where it does, or why it is hidden."""
    from moviefinder.explain import taste_neighbours
    from moviefinder.matching import resolve_title

    settings = load_settings()
    finder, profile = _finder(settings)
    row = resolve_title(finder.catalog, title)
    area = library.open_availability(finder.catalog, region or settings.region)
    parsed = parse_query(query) if query else None
    weight = settings.taste_weight if profile is not None else 0.0
    view = View(
        region=area, taste_weight=weight, filters=None if parsed is None else parsed.filters
    )
    render.explanation(
        finder.catalog.title(row),
        area,
        row in finder.watched,
        None if finder.taste is None else float(finder.taste[row]),
        None if profile is None else taste_neighbours(profile, finder.matrix, row),
        None if parsed is None else finder.standing(row, parsed.text, view),
        finder.hidden_because(row, view),
        finder.catalog,
    )


@app.command()
def rate(
    title: Annotated[str, typer.Argument(help="Catalogue id, imdb id or exact title.")],
    verdict: Annotated[Verdict, typer.Argument(help="like, dislike, love or clear.")],
) -> None:
    """Tell moviefinder what you thought of a title; it outweighs what viewing suggests."""
    from moviefinder import journal

    catalog = library.open_catalog(paths.DEFAULT_CATALOG)
    render.rated(journal.rate(title, verdict.value, catalog), verdict.value)


@app.command("taste")
def show_taste() -> None:
    """Show your taste: strongest likes and dislikes, and your interests by their titles."""
    from moviefinder.taste import representatives

    settings = load_settings()
    finder, profile = _finder(settings)
    names = [] if profile is None else representatives(profile, finder.matrix)
    render.taste(profile, names, finder.catalog)


@app.command("paths")
def show_paths() -> None:
    """Show where moviefinder keeps its data (set MOVIEFINDER_HOME to move it)."""
    render.locations(
        [
            ("data", str(paths.data_dir())),
            ("config", str(paths.config_file())),
            ("default catalogue", str(paths.bundled_dir())),
        ]
    )


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on ARGV and return the exit status; user errors become one line on stderr."""
    try:
        # Typer reports usage errors itself (exit 2) and ends every run with SystemExit.
        app(args=argv, prog_name="moviefinder")
    except MovieFinderError as exc:
        render.error(str(exc))
        return ExitStatus.ERROR
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or ExitStatus.OK
        return ExitStatus.ERROR
    return ExitStatus.OK


def main() -> None:
    sys.exit(run())
