"""The command line, one module per command group; `app` holds the top-level commands."""

from moviefinder.cli.app import app, main, run

__all__ = ["app", "main", "run"]
