"""`moviefinder eval …`: measure how well moviefinder finds things."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from moviefinder.app import library, search
from moviefinder.cli.options import AsJson, CatalogName, context
from moviefinder.present import reports
from moviefinder.storage.config import load_settings

eval_app = typer.Typer(help="Measure how well moviefinder finds things.", no_args_is_help=True)


@eval_app.command("known-items")
def eval_known_items(
    file: Annotated[
        Path, typer.Argument(help='JSONL: {"query": …, "expected": [id, …]} per line.')
    ],
    catalog: CatalogName = None,
    answerable: Annotated[
        bool,
        typer.Option(
            "--answerable", help="Leave out queries whose answer is not in the catalogue."
        ),
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Rank as a default `ask` there does: only titles with evidence for the region.",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Hit@1/5/10 and MRR of queries whose right answer is known."""
    from moviefinder.app.evaluation import evaluate, load_known_items

    items = load_known_items(file)
    finder, _ = search.open_search(context(), catalog, history=False)
    area = None if region is None else library.open_availability(finder.catalog, region)
    reports.eval_report(evaluate(finder, items, answerable, area), as_json)


@eval_app.command("reading")
def eval_reading(
    file: Annotated[
        Path,
        typer.Argument(
            help='JSONL: {"query": …, "lang": …, "case": "trap"|"constraint", "understood": […]}.'
        ),
    ],
    as_json: AsJson = False,
) -> None:
    """Precision and recall of the filters `ask` reads out of query text."""
    from moviefinder.app.evaluation import evaluate_reading, load_reading_cases

    reports.reading_report(evaluate_reading(load_reading_cases(file)), as_json)


class RatingsFormat(StrEnum):
    netflix = "netflix"
    movielens = "movielens"


@eval_app.command("taste")
def eval_taste(
    history_file: Annotated[
        Path | None,
        typer.Argument(
            help="A Netflix export to test on (default: your imported history), or with "
            "--format movielens a MovieLens ratings.csv."
        ),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Which profile of a full export.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off for Recall@k and NDCG@k.")] = 10,
    fmt: Annotated[
        RatingsFormat, typer.Option("--format", help="netflix (an export) or movielens.")
    ] = RatingsFormat.netflix,
    links: Annotated[
        Path | None, typer.Option("--links", help="MovieLens links.csv (movieId → TMDB id).")
    ] = None,
    queries: Annotated[
        bool,
        typer.Option("--queries", help="Also search each held-out title by its genres and decade."),
    ] = False,
    catalog: CatalogName = None,
    as_json: AsJson = False,
) -> None:
    """Predict what comes next from what came before: taste against popularity.

    A Netflix history: its most recent 20 % of titles from the rest. MovieLens ratings: per
    user, the liked titles among the last 20 % of ratings from the first 80 % (popularity is
    then the likes among everyone's first 80 %).
    """
    from moviefinder.app.evaluation import taste_benchmark

    movielens = fmt is RatingsFormat.movielens
    if movielens and (history_file is None or links is None):
        raise typer.BadParameter("give the ratings file and --links.", param_hint="--format")
    report, searched = taste_benchmark(
        context(), history_file, movielens, links, profile, catalog, k, queries
    )
    reports.taste_report(report, searched, as_json)


@eval_app.command("coverage")
def eval_coverage(
    exports: Annotated[
        list[Path], typer.Argument(help="Netflix exports (CSV, folder or .zip), all profiles.")
    ],
    catalog: CatalogName = None,
    as_json: AsJson = False,
) -> None:
    """How many titles of real histories match the catalogue, and how many have a synopsis."""
    from moviefinder.app.evaluation import history_coverage
    from moviefinder.sources.netflix_export import read_export

    titles = library.open_catalog(catalog or load_settings().catalog)
    found = [history_coverage(str(p), read_export(p).viewings, titles) for p in exports]
    reports.coverage(found, as_json)
