"""`moviefinder config …`: show the settings and write them, the TMDB key kept private."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from moviefinder.cli.options import writing
from moviefinder.present import console, maintenance
from moviefinder.storage import paths

config_app = typer.Typer(help="Show or change the settings in config.toml.", no_args_is_help=True)


def warn_exposed_key() -> None:
    """Runs before every command: a config file holding the TMDB key must not be readable by
    other users."""
    from moviefinder.storage.config import exposed_key_warning

    warning = exposed_key_warning()
    if warning is not None:
        console.warning(warning)


@config_app.command("show")
def config_show() -> None:
    """Every setting in effect and where it comes from; the TMDB key masked."""
    from moviefinder.storage.config import shown_settings

    maintenance.settings(shown_settings())


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="A setting, e.g. region or tmdb_api_key.")],
    value: Annotated[
        str | None,
        typer.Argument(
            help="Its value; empty removes it. Leave it out for tmdb_api_key to type the key "
            "unseen (or pipe it in), so it stays out of your shell history."
        ),
    ] = None,
) -> None:
    """Write one setting to config.toml (readable by you only)."""
    from moviefinder.storage.config import SECRET, mask, set_value

    if value is None:
        if key != SECRET:
            raise typer.BadParameter("give a value", param_hint="VALUE")
        if sys.stdin.isatty():
            value = typer.prompt("TMDB API key or read-access token", hide_input=True)
        else:
            value = sys.stdin.readline().strip()
        if not value:
            raise typer.BadParameter("no key was given; nothing changed", param_hint="VALUE")
    with writing():
        settings = set_value(key, value)
    shown = str(getattr(settings, key)) if value.strip() else ""
    maintenance.setting_written(
        key, mask(shown) if key == SECRET else shown, str(paths.config_file())
    )
