"""The command line: parse options, call app/, hand its results to present/. No data work here.

Commands other than `ask` import what they need inside themselves: every module imported
here is paid for by every `ask`. Command groups live in their own modules beside this one.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from moviefinder.app import library, search
from moviefinder.app.context import EncoderFactory
from moviefinder.cli.catalog import catalog_app
from moviefinder.cli.doctor import doctor
from moviefinder.cli.evaluate import eval_app
from moviefinder.cli.history import history_app
from moviefinder.cli.options import (
    AnyRegion,
    AsJson,
    CatalogName,
    IncludeUnknown,
    IncludeWatched,
    KindOption,
    Limit,
    Region,
    context,
    finite,
    writing,
)
from moviefinder.cli.settings import config_app, warn_exposed_key
from moviefinder.core import bundle
from moviefinder.core.errors import ExitStatus, MovieFinderError, OptionError, os_problem
from moviefinder.core.query import Filters, decade_years
from moviefinder.present import console, maintenance, results, viewing
from moviefinder.storage import paths
from moviefinder.storage.config import load_settings

app = typer.Typer(
    help="What should I watch tonight? Describe it; moviefinder finds it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(catalog_app, name="catalog")
app.add_typer(eval_app, name="eval")
app.add_typer(history_app, name="history")
app.add_typer(config_app, name="config")
app.callback()(warn_exposed_key)


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
        float | None,
        typer.Option("--min-score", min=0, max=10, callback=finite, help="IMDb score, at least."),
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
        typer.Option(
            "--taste-weight",
            min=0.0,
            max=1.0,
            callback=finite,
            help="w in (1 − w)·query + w·taste.",
        ),
    ] = None,
    include_watched: IncludeWatched = False,
    why: Annotated[bool, typer.Option("--why", help="Explain every result in full.")] = False,
    catalog: CatalogName = None,
    as_json: AsJson = False,
) -> None:
    """Find titles matching a description, blended with your taste once a history is imported."""
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
    try:
        found = search.ask(
            context(),
            query,
            explicit,
            literal,
            region,
            any_region,
            taste_weight,
            catalog,
            limit=limit,
            include_watched=include_watched,
            include_unknown=include_unknown,
        )
    except OptionError as exc:  # the catalogue has no such genre: a usage error, as typos are
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None
    results.matches(found, as_json, why)


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
    force: Annotated[
        bool,
        typer.Option("--force", help="Import even if almost none of its titles match."),
    ] = False,
) -> None:
    """Import your Netflix viewing history; importing the same file twice adds nothing."""
    from moviefinder.app import history

    settings = load_settings()
    with writing():
        catalog = library.open_catalog(settings.catalog)
        with console.stages() as stages:
            report = history.import_history(
                path, catalog, profile, replace, stages, settings.region, force
            )
    viewing.import_report(report)


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
    catalog: CatalogName = None,
    as_json: AsJson = False,
) -> None:
    """Titles most like TITLE, with the same filters as ask."""
    found = search.similar(
        context(),
        title,
        None if kind is None else kind.value,
        region,
        any_region,
        catalog,
        limit=limit,
        include_watched=include_watched,
        include_unknown=include_unknown,
    )
    results.matches(found, as_json)


@app.command()
def explain(
    title: Annotated[str, typer.Argument(help="A catalogue id or title (close spellings work).")],
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Also show its score and rank for this query."),
    ] = None,
    region: Region = None,
    catalog: CatalogName = None,
    as_json: AsJson = False,
) -> None:
    """Why a title ranks where it does, or why it is hidden."""
    results.explanation(search.explain(context(), title, query, region, catalog), as_json)


@app.command()
def rate(
    title: Annotated[str, typer.Argument(help="Catalogue id, imdb id or exact title.")],
    verdict: Annotated[Verdict, typer.Argument(help="like, dislike, love or clear.")],
) -> None:
    """Tell moviefinder what you thought of a title; it outweighs what viewing suggests."""
    from moviefinder.app import history

    with writing():
        catalog = library.open_catalog(load_settings().catalog)
        rated = history.rate(title, verdict.value, catalog)
    viewing.rated(rated, verdict.value)


@app.command("taste")
def show_taste(as_json: AsJson = False) -> None:
    """Show your taste: strongest likes and dislikes, and your interests by their titles."""
    results.taste(search.taste(context()), as_json)


@app.command("paths")
def show_paths() -> None:
    """Show where moviefinder keeps its data (set MOVIEFINDER_HOME to move it)."""
    maintenance.locations(
        [
            ("data", str(paths.data_dir())),
            ("config", str(paths.config_file())),
            ("default catalogue", str(bundle.bundled_dir())),
        ]
    )


app.command("doctor")(doctor)


def run(argv: list[str] | None = None, encoders: EncoderFactory | None = None) -> int:
    """Run the CLI on ARGV and return the exit status; user errors become one line on stderr.
    ENCODERS makes the encoders for every command (tests pass the fake keyword encoder's).

    What a command writes is its owner's alone (a history is private): folders 0700, files
    0600, and a data directory made before that is closed to others too."""
    umask = os.umask(0o077)
    try:
        paths.make_private(paths.data_dir())
        # Typer reports usage errors itself (exit 2) and ends every run with SystemExit.
        app(args=argv, prog_name=console.PROGRAM, obj=encoders)
    except MovieFinderError as exc:
        console.error(console.problem(exc))
        return ExitStatus.ERROR
    except OSError as exc:  # a full disk, a read-only data directory: no traceback for those
        console.error(os_problem(exc))
        return ExitStatus.ERROR
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or ExitStatus.OK
        return ExitStatus.ERROR
    finally:
        os.umask(umask)
    return ExitStatus.OK


def main() -> None:
    sys.exit(run())
