"""`moviefinder catalog …`: the catalogue, its embeddings and what it holds."""

from __future__ import annotations

from typing import Annotated

import typer

from moviefinder import library, paths, render
from moviefinder.cli.options import AsJson
from moviefinder.config import load_settings

catalog_app = typer.Typer(help="Manage catalogues and their embeddings.", no_args_is_help=True)


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


@catalog_app.command("info")
def catalog_info(as_json: AsJson = False) -> None:
    """What the catalogue holds: titles, synopses, keywords, other titles, availability."""
    render.catalog_info(library.catalog_info(paths.DEFAULT_CATALOG), as_json)
