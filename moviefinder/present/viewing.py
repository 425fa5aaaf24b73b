"""The history commands' output: an import's report, the history table, links and ratings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.history import ImportReport, Watched
    from moviefinder.core.catalog import Title

from moviefinder.present.console import OUT, emit_json, shown


def import_report(report: ImportReport) -> None:
    skipped = sum(report.skipped.values())
    OUT.print(
        f"Read {report.rows} rows: kept {report.kept} viewings ({report.added} new), "
        f"skipped {skipped}" + (f", {report.ratings} ratings" if report.ratings else "") + "."
    )
    for reason, count in sorted(report.skipped.items(), key=lambda item: -item[1]):
        OUT.print(f"  skipped {count:>5}  {reason}")
    for line, wrong in report.bad:
        OUT.print(f"  e.g. line {line}: {wrong}", markup=False)
    OUT.print(
        f"Matched {report.matched_titles} of {report.titles} titles "
        f"({report.matched_views:.0%} of viewings) to the catalogue."
    )
    if report.unmatched:
        named = ", ".join(f"{shown(title)} ({count})" for title, count in report.unmatched[:10])
        more = len(report.unmatched) - 10
        OUT.print(
            f"Unmatched, most watched first: {named}" + (f" and {more} more" if more > 0 else "")
        )
        OUT.print(
            'Fix one by hand: moviefinder history link "<history title>" <catalogue id>',
            style="dim",
        )
    if report.profiles:
        named = ", ".join(f"'{shown(p)}'" for p in report.profiles)
        OUT.print(
            f"Your history now holds the profiles {named}: their viewings make one taste. To "
            "keep one person's, import that profile again with --replace (`moviefinder "
            "import-history <export> --profile <name> --replace`).",
            style="yellow",
        )
    _watched_where(report)


def _watched_where(report: ImportReport) -> None:
    """Where the history was watched, and how to search there if that is not the region."""
    if not report.countries:
        return
    places = ", ".join(f"{code} ({count} viewings)" for code, count in report.countries)
    OUT.print(f"Watched in: {places}.")
    main = report.countries[0][0]
    if report.region and report.region not in dict(report.countries):
        OUT.print(
            f"Your region is {report.region}, but this history was watched in {main}: "
            f"`moviefinder config set region {main}` searches what is on Netflix there.",
            style="yellow",
        )


def history(watched: Watched, limit: int | None = 20, as_json: bool = False) -> None:
    """The stored history's shows (all, or the first LIMIT) and what each matched."""
    stored, shows, catalog = watched.journal, watched.shows, watched.catalog
    if as_json:
        emit_json(
            {
                "viewings": len(stored.viewings),
                "ratings": len(stored.ratings),
                "linked": len(stored.links),
                "titles": [
                    {
                        "title": s.show,
                        "views": s.views,
                        "id": None if s.match.row is None else catalog.columns["id"][s.match.row],
                        "how": s.match.how,
                    }
                    for s in shows
                ],
            }
        )
        return
    if not stored.viewings:
        OUT.print("No history yet — run `moviefinder import-history <your Netflix export>`.")
        return
    first, last = stored.viewings[0].when, stored.viewings[-1].when
    matched = sum(1 for s in shows if s.match.matched)
    OUT.print(
        f"{len(stored.viewings)} viewings from {first:%Y-%m-%d} to {last:%Y-%m-%d}; "
        f"{matched} of {len(shows)} titles matched; {len(stored.ratings)} ratings; "
        f"{len(stored.links)} linked by hand."
    )
    table = Table(show_edge=False)
    table.add_column("views", justify="right")
    table.add_column("in your history")
    table.add_column("catalogue title")
    table.add_column("how", style="dim")
    shown_shows = shows if limit is None else shows[:limit]
    for show in shown_shows:
        row = show.match.row
        found = (
            "—"
            if row is None
            else f"{shown(catalog.title(row).title)} ({catalog.columns['id'][row]})"
        )
        table.add_row(str(show.views), shown(show.show), found, show.match.how)
    OUT.print(table)
    if len(shown_shows) < len(shows):
        OUT.print(
            f"… and {len(shows) - len(shown_shows)} more: `moviefinder history --all` lists them "
            "(`--unmatched` only those that matched nothing).",
            style="dim",
        )


def linked(show: str, title: Title) -> None:
    OUT.print(f"Linked “{shown(show)}” → {shown(title.title)} ({title.year}, {title.id}).")


def rated(title: Title, verdict: str) -> None:
    done = "Forgot your rating of" if verdict == "clear" else f"Noted: you {verdict}"
    OUT.print(f"{done} {shown(title.title)} ({title.year}, {title.id}).")
