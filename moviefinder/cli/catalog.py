"""`moviefinder catalog …`: catalogues, their embeddings and what they hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moviefinder.app import catalogs
from moviefinder.cli.options import AsJson, CatalogName, Region, context, writing
from moviefinder.core.errors import ConfigError
from moviefinder.present import catalog_reports, console
from moviefinder.sources.importers import FORMATS
from moviefinder.storage import paths
from moviefinder.storage.config import load_settings

catalog_app = typer.Typer(help="Manage catalogues and their embeddings.", no_args_is_help=True)


@catalog_app.command("build")
def catalog_build(
    force: Annotated[
        bool, typer.Option("--force", help="Re-embed everything (needed to switch models).")
    ] = False,
    catalog: CatalogName = None,
) -> None:
    """Embed new or changed titles of the catalogue with the configured model."""
    run = context()
    settings = run.settings
    name = catalog or settings.catalog
    with writing(), console.progress("embedding") as update:
        report = catalogs.build(name, settings.model, settings.encoder, force, update, run.encoders)
    catalog_reports.build_report(report, str(paths.catalog_dir(name)))


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="A catalogue file (CSV or JSON lines).")],
    name: Annotated[
        str, typer.Option("--name", help="The catalogue to create or replace.")
    ] = "mine",
    fmt: Annotated[str, typer.Option("--format", help=f"auto, {', '.join(FORMATS)}.")] = "auto",
) -> None:
    """Import a catalogue file and embed its titles (only new or changed ones on a re-import)."""
    run = context()
    settings = run.settings
    with writing(), console.progress("embedding") as update:
        result = catalogs.import_catalog(
            file, name, fmt, settings.model, settings.encoder, update, run.encoders
        )
    catalog_reports.catalog_import(result)


@catalog_app.command("sync")
def catalog_sync(
    region: Region = None,
    service: Annotated[str, typer.Option("--service", help="Only netflix for now.")] = "netflix",
    name: Annotated[
        str | None,
        typer.Option("--name", help="The catalogue to sync (default: netflix-<region>)."),
    ] = None,
) -> None:
    """Fetch what streams on Netflix in your region from TMDB; only changed titles re-embed."""
    from moviefinder.sources.importers.tmdb_api import TmdbClient

    if service.lower() != "netflix":
        raise typer.BadParameter("only netflix can be synced", param_hint="--service")
    run = context()
    settings = run.settings
    code = (region or settings.region).upper()
    if not settings.tmdb_api_key:
        raise ConfigError(
            "catalog sync needs a TMDB API key: set TMDB_API_KEY, or tmdb_api_key in "
            f"{paths.config_file()}."
        )
    client = TmdbClient(settings.tmdb_api_key, base_url=settings.tmdb_url)
    with writing(), console.progress("fetching and embedding") as update:
        result = catalogs.sync_catalog(
            name or f"netflix-{code.lower()}",
            code,
            client,
            settings.model,
            settings.encoder,
            update,
            run.encoders,
        )
    catalog_reports.catalog_sync(result)


@catalog_app.command("evidence")
def catalog_evidence(
    file: Annotated[
        Path,
        typer.Argument(
            help="A Netflix list: engagement report, weekly or daily top 10, uNoGS snapshot."
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", help="auto, engagement, top10-weekly, top10-daily, unogs."),
    ] = "auto",
    catalog: CatalogName = None,
) -> None:
    """Add what a Netflix list shows (which titles were on Netflix where, and when) to the
    catalogue's availability evidence."""
    settings = load_settings()
    with writing():
        result = catalogs.add_evidence(catalog or settings.catalog, file, fmt)
    catalog_reports.evidence_added(result)


@catalog_app.command("list")
def catalog_list(as_json: AsJson = False) -> None:
    """The catalogues you can search: the shipped default and the ones you imported."""
    catalog_reports.catalog_list(
        [catalogs.catalog_info(name) for name in catalogs.catalog_names()],
        load_settings().catalog,
        as_json,
    )


@catalog_app.command("info")
def catalog_info(catalog: CatalogName = None, as_json: AsJson = False) -> None:
    """What the catalogue holds: titles, synopses, keywords, other titles, availability."""
    catalog_reports.catalog_info(catalogs.catalog_info(catalog or load_settings().catalog), as_json)


@catalog_app.command("remove")
def catalog_remove(
    name: Annotated[str, typer.Argument(help="An imported catalogue's name.")],
) -> None:
    """Delete an imported catalogue, its embeddings and its cache."""
    with writing():
        catalogs.remove_catalog(name)
    catalog_reports.removed(name)
