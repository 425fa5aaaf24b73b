"""`moviefinder history …`: the imported viewing history and hand-made matches."""

from __future__ import annotations

from typing import Annotated

import typer

from moviefinder.app import library
from moviefinder.cli.options import AsJson, writing
from moviefinder.present import viewing
from moviefinder.storage.config import load_settings

history_app = typer.Typer(
    help="Your imported viewing history: what was watched and how it matched the catalogue.",
    invoke_without_command=True,
)


@history_app.callback()
def history(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Every title, not the first 20.")] = False,
    unmatched: Annotated[
        bool, typer.Option("--unmatched", help="Only titles that matched nothing.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Show the imported history: most watched titles and what they matched."""
    from moviefinder.app import history

    if ctx.invoked_subcommand is None:
        catalog = library.open_catalog(load_settings().catalog)
        found = history.watched(catalog, unmatched)
        viewing.history(found, None if show_all or as_json else 20, as_json)


@history_app.command("link")
def history_link(
    history_title: Annotated[str, typer.Argument(help="The title as your history shows it.")],
    catalogue_id: Annotated[str, typer.Argument(help="Catalogue id, imdb id or exact title.")],
) -> None:
    """Match a history title to a catalogue title by hand (kept across re-imports)."""
    from moviefinder.app import history

    with writing():
        catalog = library.open_catalog(load_settings().catalog)
        show, title_id = history.link(history_title, catalogue_id, catalog)
    viewing.linked(show, catalog.title(catalog.find(title_id)[0]))
