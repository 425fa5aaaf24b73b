"""The evaluations' reports: known-item hits, query reading, history coverage, taste."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.evaluation import (
        EvalReport,
        HistoryCoverage,
        QueryTasteReport,
        ReadingReport,
        SplitsReport,
    )

from moviefinder.present.console import OUT, emit_json


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
    OUT.print(table)
    hits = "  ".join(f"Hit@{k} {v:.3f}" for k, v in report.hits.items())
    left_out = f" ({report.left_out} without an answer in the catalogue left out)"
    OUT.print(f"n {report.n}  {hits}  MRR {report.mrr:.3f}" + (left_out if report.left_out else ""))


def reading_report(report: ReadingReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    for outcome in report.wrong:
        expected = ", ".join(sorted(outcome.case.understood)) or "—"
        OUT.print(
            f"{outcome.case.query}\n  expected: {expected}\n"
            f"  read:     {', '.join(sorted(outcome.read)) or '—'}",
            markup=False,
        )
    for lang in (None, *report.languages):
        scores = report.scores(lang)
        OUT.print(
            f"{lang or 'all'}: {scores['queries']} queries ({scores['traps']} traps)  "
            f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
            f"traps hiding {scores['traps_hiding']}"
        )


def coverage(found: Sequence[HistoryCoverage], as_json: bool) -> None:
    total = (
        sum(c.titles for c in found),
        sum(c.matched for c in found),
        sum(c.with_synopsis for c in found),
    )
    if as_json:
        rows = [asdict(c) for c in found]
        emit_json(
            {
                "histories": rows,
                "total": dict(zip(("titles", "matched", "with_synopsis"), total, strict=True)),
            }
        )
        return
    table = Table("titles", "matched", "with synopsis", show_edge=False)
    table.add_column("history", overflow="fold")
    for name, titles, matched, with_synopsis in [
        *((c.name, c.titles, c.matched, c.with_synopsis) for c in found),
        ("total", *total),
    ]:
        share = f"{with_synopsis} ({with_synopsis / max(titles, 1):.0%})"
        table.add_row(str(titles), f"{matched} ({matched / max(titles, 1):.0%})", share, name)
    OUT.print(table)


def taste_report(report: SplitsReport, searched: QueryTasteReport | None, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict() | ({} if searched is None else {"queries": searched.as_dict()}))
        return
    people = f"{report.users} people" if report.users > 1 else "your history"
    OUT.print(
        f"Learned from {report.learned_from} titles of {people}; predicting the "
        f"{report.held_out} that came after them."
    )
    table = Table(show_edge=False)
    table.add_column("ranking")
    table.add_column(f"Recall@{report.k}", justify="right")
    table.add_column(f"NDCG@{report.k}", justify="right")
    for name, scores in (("taste", report.taste), ("most popular", report.popularity)):
        table.add_row(name, f"{scores.recall:.3f}", f"{scores.ndcg:.3f}")
    OUT.print(table)
    if searched is not None:
        OUT.print(
            f"Searching each of the {searched.queries} by its genres and decade "
            f'("a 1990s crime thriller movie"): MRR {searched.mrr_without:.3f} without taste, '
            f"{searched.mrr_with:.3f} at taste weight {searched.weight:g} "
            f"({searched.lift:+.0%}); taste lifted {searched.lifted:.0%} of them and lowered "
            f"{searched.lowered:.0%}.",
            soft_wrap=True,
        )
