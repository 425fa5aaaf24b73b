"""What several commands share: option types, the run's app Context and the write lock."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from moviefinder.app.context import Context
from moviefinder.present import console

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


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


def context() -> Context:
    """The app's context for this run: the stored settings, the encoders :func:`run` was
    given (None: the configured model's own), and the screen's ears for what a command says
    while it works (a damaged file it went on without, the ONNX export starting)."""
    import click  # Typer's own parser: the run's object rides on its context

    current = click.get_current_context(silent=True)
    encoders = None if current is None else current.find_root().obj
    return Context.load(console.setback, console.exporting, encoders)


def writing() -> AbstractContextManager[None]:
    """The data directory's write lock, held by every command that changes it (see
    :mod:`moviefinder.storage.lock`); says so once while another moviefinder has it."""
    from moviefinder.storage import lock  # filelock: only commands that write pay for it

    return lock.hold(console.waiting)
