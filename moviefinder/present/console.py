"""The terminal itself: the two consoles, one-line errors and warnings, what an error's remedy
says, JSON out, progress bars. Every other present/ module prints through these."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.core.errors import MovieFinderError, Remedy


# Markup off: titles, queries and paths are data and print as typed ("[/x] Title" once crashed
# rich). Our own styled lines opt in with markup=True and escape() the data they hold.
OUT = Console(highlight=False, markup=False)
ERR = Console(stderr=True, highlight=False, markup=False)
#: Control characters (escape sequences: clear screen, colours, hyperlinks) and bidirectional
#: overrides, which a title from a history or an imported catalogue may hold.
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
#: Longest title shown; the rest is cut at "…".
SHOWN_CHARS: Final = 200


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """TEXT safe to print: control characters become spaces, and at most LIMIT characters.

    >>> shown("Evil\x1b[2J Title" + "!" * 300, 12)
    'Evil [2J Ti…'
    """
    clean = _CONTROL.sub(" ", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def error(message: str) -> None:
    """One line on stderr, no traceback."""
    # Escaped: a path or title such as "[/old]" would otherwise be read as markup (or crash).
    ERR.print(f"[bold red]Error:[/] {escape(message)}", markup=True, soft_wrap=True)


def warning(message: str) -> None:
    """One line on stderr that does not stop the command."""
    ERR.print(f"[bold yellow]Warning:[/] {escape(message)}", markup=True, soft_wrap=True)


#: How a command is written for the user to run.
PROGRAM: Final = "moviefinder"


def said(remedy: Remedy) -> str:
    """REMEDY in words: "run `moviefinder catalog build`", "reinstall moviefinder"."""
    command = f"`{PROGRAM} {remedy.command}`" if remedy.command else ""
    text = " ".join(part for part in (remedy.before, command, remedy.after) if part)
    return text if remedy.alternative is None else f"{text}, or {said(remedy.alternative)}"


def problem(exc: MovieFinderError) -> str:
    """EXC's message, and the way past it when it has one."""
    return exc.message if exc.remedy is None else f"{exc.message} — {said(exc.remedy)}."


def setback(exc: MovieFinderError, meanwhile: str = "") -> None:
    """A problem the command went on without (a damaged file), and what it does MEANWHILE."""
    warning(f"{problem(exc)} {meanwhile}".rstrip())


def exporting() -> None:
    """Said once per install, before the model is exported to ONNX."""
    ERR.print("First run: preparing the fast query encoder (about 15 s, only once)…", style="dim")


def waiting(pid: int | None) -> None:
    """Said once when another moviefinder is changing the data directory and we wait."""
    who = "" if pid is None else f" (pid {pid})"
    ERR.print(f"waiting for another moviefinder to finish{who}…", style="dim", soft_wrap=True)


def emit_json(value: object) -> None:
    # Plain print: rich would wrap long lines and colour the JSON.
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def stages() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """Progress bars on stderr for the steps of a long command: ``stage(label)`` gives the
    callback(done, total) of one step, whose bar shows from its first call on — a short step,
    or an error before any work, prints nothing."""
    # Imported here: only long-running commands show progress, and every ms counts for `ask`.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=ERR,
    )

    def stage(label: str) -> Callable[[int, int], None]:
        task: TaskID | None = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if not bar.live.is_started:
                bar.start()
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done, total=total)

        return update

    try:
        yield stage
    finally:
        if bar.live.is_started:
            bar.stop()


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for a one-step command (see :func:`stages`)."""
    with stages() as stage:
        yield stage(label)


def place(region: str) -> str:
    """A region as the user reads it: "*" is every region."""
    return "every region" if region == "*" else region
