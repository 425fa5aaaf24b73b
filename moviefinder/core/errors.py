"""The one exception family users see, and the exit codes the CLI returns."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum
from typing import Final


class ExitStatus(IntEnum):
    """Process exit codes."""

    OK = 0
    ERROR = 1
    USAGE = 2


def one_line(exc: BaseException) -> str:
    """EXC's message on one line (some libraries' messages span several), or its kind."""
    return " ".join(str(exc).split()) or type(exc).__name__


def os_problem(exc: OSError) -> str:
    """One line saying what to do about an operating-system error that no command expects: a
    full disk, a read-only or foreign data directory. (Every write goes through a temporary
    file and a rename, so what was stored before is whole.)"""
    reason = exc.strerror or one_line(exc)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        where = f" ({exc.filename})" if exc.filename else ""
        return (
            f"The disk is full{where} — free some space and run it again; nothing stored changed."
        )
    return (
        f"Cannot use {exc.filename or 'a file'}: {reason} — give yourself access to it (for the "
        "data directory: or point MOVIEFINDER_HOME at a folder you can write)."
    )


@dataclass(frozen=True)
class Remedy:
    """The way past a problem, as data: the presentation says it (as "run `moviefinder
    catalog build --force`"), so no floor below it spells a command line.

    BEFORE: the words before the command ("run", "move it aside and run"), or the whole way out
    when there is no command ("reinstall moviefinder"); COMMAND: moviefinder's arguments
    ("catalog build --force"); AFTER: words after it ("again", "(it is made again)");
    ALTERNATIVE: another way, said after ", or".
    """

    before: str
    command: str = ""
    after: str = ""
    alternative: Remedy | None = None


#: The way past a catalogue's missing or stale embeddings.
BUILD: Final = Remedy("run", "catalog build")
REBUILD: Final = Remedy("run", "catalog build --force")
#: The way past a damaged file that shipped with the package.
REINSTALL: Final = Remedy("reinstall moviefinder")
#: The way past a damaged file that moviefinder makes again by itself.
DOCTOR_FIX: Final = Remedy("run", "doctor --fix")


class MovieFinderError(Exception):
    """A problem the user can act on; the CLI prints it as one line and exits 1.

    ``str(error)`` is the MESSAGE alone; REMEDY, when there is one, is the way past it, which
    the presentation adds ("… — run `moviefinder catalog build`.").
    """

    def __init__(self, message: str, remedy: Remedy | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy


class CatalogError(MovieFinderError):
    """The catalogue is missing, unreadable or has no such title."""


class StoreError(MovieFinderError):
    """The embedding store is missing, corrupt or was made with another model."""


class ModelError(MovieFinderError):
    """The embedding model cannot be loaded."""


class QueryError(MovieFinderError):
    """The query cannot be searched (empty, nothing left after parsing)."""


class OptionError(QueryError):
    """An option the catalogue cannot honour (a genre it does not have): the CLI reports it as
    a usage error on OPTION."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


class InputError(MovieFinderError):
    """A file the user gave us is missing or malformed."""


class ConfigError(MovieFinderError):
    """The configuration file or an environment override is invalid."""


class ServiceError(MovieFinderError):
    """An online service (TMDB) rejected our key, kept failing or sent something unreadable."""


class BusyError(MovieFinderError):
    """Another moviefinder kept changing the data directory for longer than we would wait."""
