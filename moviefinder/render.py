"""Everything the user sees: tables, JSON, progress and errors. The only module importing rich."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from moviefinder.evaluation import EvalReport
from moviefinder.finder import Match

if TYPE_CHECKING:
    from moviefinder.store import BuildReport  # pyarrow stays off the query path

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One line on stderr, no traceback."""
    _err.print(f"[bold red]Error:[/] {message}", markup=True, soft_wrap=True)


def exporting() -> None:
    """Said once per install, before the model is exported to ONNX."""
    _err.print("[dim]First run: preparing the fast query encoder (about 15 s, only once)…[/]")


def emit_json(value: object) -> None:
    # Plain print: rich would wrap long lines and colour the JSON.
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def match_dict(match: Match) -> dict[str, object]:
    t = match.title
    return {
        "rank": match.rank,
        "id": t.id,
        "imdb_id": t.imdb_id,
        "tmdb_id": t.tmdb_id,
        "title": t.title,
        "year": t.year,
        "type": t.type,
        "genres": list(t.genres),
        "score": round(match.score, 4),
        "query_score": round(match.query_score, 4),
        "taste_score": None if match.taste_score is None else round(match.taste_score, 4),
        "why": match.why.summary(),
    }


def matches(results: Sequence[Match], query: str, as_json: bool) -> None:
    if as_json:
        emit_json([match_dict(m) for m in results])
        return
    if not results:
        _out.print("No titles match.")
        return
    table = Table(title=f"“{query}”", title_justify="left", show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("title", style="bold")
    table.add_column("year", justify="right")
    table.add_column("type")
    table.add_column("score", justify="right")
    table.add_column("why", style="dim", overflow="fold")
    for m in results:
        t = m.title
        table.add_row(
            str(m.rank), t.title, str(t.year or ""), t.type, f"{m.score:.3f}", m.why.summary()
        )
    _out.print(table)
    _out.print("[dim]score = query match (no viewing history imported, so taste is off)[/]")


def eval_report(report: EvalReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    table = Table(show_edge=False)
    table.add_column("rank", justify="right")
    table.add_column("query", overflow="fold")
    for outcome in report.per_query:
        shown = "—" if outcome.rank is None else str(outcome.rank)
        if not outcome.found:
            shown = "not in catalogue"
        table.add_row(shown, outcome.query)
    _out.print(table)
    hits = "  ".join(f"Hit@{k} {v:.3f}" for k, v in report.hits.items())
    _out.print(f"n {report.n}  {hits}  MRR {report.mrr:.3f}")


def build_report(report: BuildReport, where: str) -> None:
    _out.print(
        f"{report.titles} titles: embedded {report.embedded}, reused {report.reused}, "
        f"dropped {report.removed} → {where}"
    )


def locations(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        _out.print(f"{name:<{width}}  {value}", soft_wrap=True)


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields a callback(done, total)."""
    # Imported here: only long-running commands show progress, and every ms counts for `ask`.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=_err
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
