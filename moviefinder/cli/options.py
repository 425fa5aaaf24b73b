"""What several commands share: option types and opening the default catalogue's finder."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from moviefinder import library, render
from moviefinder.config import Settings

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from moviefinder.finder import Finder
    from moviefinder.taste import Taste


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
CatalogName = Annotated[
    str | None,
    typer.Option("--catalog", help="Which catalogue (default: config, else the shipped one)."),
]


def open_finder(
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
    )
    if not history:
        return finder, None
    return library.with_taste(finder, settings.half_life_days)


def writing() -> AbstractContextManager[None]:
    """The data directory's write lock, held by every command that changes it (see
    :mod:`moviefinder.lock`); says so once while another moviefinder has it."""
    from moviefinder import lock  # filelock: only commands that write pay for it

    return lock.hold(render.waiting)
