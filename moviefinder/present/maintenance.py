"""doctor's checks, the settings and where data lives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.doctor import Check
    from moviefinder.storage.config import ShownSetting

from moviefinder.present.console import OUT, emit_json, said


def locations(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        OUT.print(f"{name:<{width}}  {value}", soft_wrap=True)


def settings(shown: Sequence[ShownSetting]) -> None:
    """`config show`: one ``key = value`` line per setting, with where it comes from."""
    for item in shown:
        value, source = escape(item.value), escape(item.source)
        OUT.print(f"{item.key} = {value}  [dim]({source})[/]", markup=True, soft_wrap=True)


def setting_written(key: str, shown: str, where: str) -> None:
    OUT.print(f"{key} = {shown}" if shown else f"{key} removed", soft_wrap=True)
    OUT.print(f"Written to {where} (readable by you only).", style="dim", soft_wrap=True)


def doctor(checks: Sequence[Check], as_json: bool = False) -> None:
    """One line per check: ok, fixed or PROBLEM, what was found, and the way out."""
    if as_json:
        emit_json(
            {
                "checks": [
                    asdict(check) | {"fix": said(check.fix) if check.fix else ""}
                    for check in checks
                ]
            }
        )
        return
    for check in checks:
        if check.ok:
            mark, tail = "[green]ok[/]     ", ""
        elif check.fixed:
            mark, tail = "[yellow]fixed[/]  ", f" → {said(check.fix)}" if check.fix else ""
        else:
            mark, tail = "[bold red]PROBLEM[/]", f" → {said(check.fix)}" if check.fix else ""
        line = f"{mark} {escape(check.subject)}: {escape(check.detail + tail)}"
        OUT.print(line, markup=True, soft_wrap=True)
    problems = sum(1 for check in checks if check.problem)
    fixed = sum(1 for check in checks if check.fixed)
    summary = f"{problems} problem(s)" if problems else "Everything is whole"
    OUT.print(f"{summary}; {len(checks)} checks" + (f", {fixed} fixed." if fixed else "."))
