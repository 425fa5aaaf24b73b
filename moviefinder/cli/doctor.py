"""`moviefinder doctor`: check every stored file (the checks: :mod:`moviefinder.app.doctor`)."""

from __future__ import annotations

from typing import Annotated

import typer

from moviefinder.cli.options import AsJson
from moviefinder.core.errors import ExitStatus
from moviefinder.present import maintenance


def doctor(
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Remove damaged caches and exports (they are made again on next use)."
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Check catalogues, embeddings, caches, the ONNX export, history and config; one line each.

    Exits 1 while anything is wrong. Your own data is never deleted: its line names the
    command that makes it again.
    """
    from moviefinder.app.doctor import run_checks

    checks = run_checks(fix)
    maintenance.doctor(checks, as_json)
    if any(check.problem for check in checks):
        raise typer.Exit(ExitStatus.ERROR)
