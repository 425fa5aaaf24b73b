"""The catalogue commands' output: builds, imports, syncs, evidence, info and the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Final

from rich.table import Table

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.catalogs import CatalogImport, CatalogInfo, CatalogSync, EvidenceImport
    from moviefinder.storage.store import BuildReport  # pyarrow stays off the query path

from moviefinder.present.console import OUT, emit_json, place


def build_report(report: BuildReport, where: str) -> None:
    OUT.print(
        f"{report.titles} titles: embedded {report.embedded}, reused {report.reused}, "
        f"dropped {report.removed} → {where}"
    )


def catalog_info(info: CatalogInfo, as_json: bool) -> None:
    cover = info.coverage
    if as_json:
        emit_json(
            {
                "catalog": info.name,
                **asdict(cover),
                "availability": info.availability,
                "evidence_titles": info.evidence_titles,
                "years": {str(year) if year else "unknown": n for year, n in info.years.items()},
            }
        )
        return
    OUT.print(f"catalogue {info.name}: {cover.titles} titles")
    for label, count in [
        ("with a synopsis", cover.with_synopsis),
        ("with keywords", cover.with_keywords),
        ("with key phrases", cover.with_key_phrases),
        ("with any of these", cover.described),
        ("with other titles", cover.with_alt_titles),
    ]:
        OUT.print(f"  {label:<18} {count:>6}  ({count / max(cover.titles, 1):.1%})")
    table = Table("region", "source", "titles with evidence", title="availability")
    for region, by_source in info.availability.items():
        where = place(region)
        for source, count in by_source.items():
            table.add_row(where, source, str(count))
        table.add_row(
            where,
            "all sources",
            str(info.evidence_titles[region]),
            style="bold",
        )
    OUT.print(table)
    decades: dict[str, int] = {}
    for year, count in info.years.items():
        label = f"{year // 10 * 10}s" if year and year < 2020 else str(year or "unknown")
        decades[label] = decades.get(label, 0) + count
    OUT.print("released: " + ", ".join(f"{label} {count}" for label, count in decades.items()))


def evidence_added(result: EvidenceImport) -> None:
    OUT.print(
        f"Read {result.listings} titles from the list; {result.matched} matched catalogue "
        f"'{result.name}' ({result.records} evidence records)."
    )
    for region, count in result.after.items():
        OUT.print(
            f"  {place(region)}: {result.before.get(region, 0)} → {count} titles with evidence"
        )


def catalog_import(result: CatalogImport) -> None:
    imported, build = result.imported, result.build
    OUT.print(
        f"Imported {len(imported.titles)} titles into '{result.name}'"
        + (f", skipped {len(imported.skipped)} rows:" if imported.skipped else ".")
    )
    for line, reason in imported.skipped[:10]:
        OUT.print(f"  line {line}: {reason}")
    if len(imported.skipped) > 10:
        OUT.print(f"  … and {len(imported.skipped) - 10} more")
    OUT.print(f"Embedded {build.embedded}, reused {build.reused}, dropped {build.removed}.")
    OUT.print(f'Search it with: moviefinder ask "…" --catalog {result.name}')


#: TMDB's terms ask every app using its API to say so; watch-provider data is JustWatch's.
TMDB_ATTRIBUTION: Final = (
    "This product uses the TMDB API but is not endorsed or certified by TMDB. "
    "Streaming availability data by JustWatch."
)


def catalog_sync(result: CatalogSync) -> None:
    done, build = result.sync, result.build
    OUT.print(
        f"Netflix {result.region} per TMDB: {done.added} new, {done.updated} updated, "
        f"{done.unchanged} unchanged, {done.retired} no longer listed "
        f"({done.fetched} details fetched) → catalogue '{result.name}', {len(done.titles)} titles."
    )
    for kind in done.capped:
        OUT.print(
            f"TMDB lists more {kind} titles in {result.region} than its 500 pages show: those past "
            "them were not read, and not retired either.",
            style="yellow",
        )
    if done.gone:
        OUT.print(
            f"Left out {len(done.gone)} listed title(s) TMDB no longer has (deleted or merged): "
            + ", ".join(done.gone[:5])
            + (" …" if len(done.gone) > 5 else ""),
            style="yellow",
        )
    OUT.print(f"Embedded {build.embedded}, reused {build.reused}, dropped {build.removed}.")
    OUT.print(f'Search it with: moviefinder ask "…" --catalog {result.name}')
    OUT.print(TMDB_ATTRIBUTION, style="dim")


def catalog_list(infos: Sequence[CatalogInfo], active: str, as_json: bool) -> None:
    if as_json:
        emit_json(
            [
                {"catalog": i.name, "titles": i.coverage.titles, "active": i.name == active}
                for i in infos
            ]
        )
        return
    table = Table(
        "", "catalogue", "titles", "with synopsis", "regions with evidence", show_edge=False
    )
    for info in infos:
        regions = ", ".join(r if r != "*" else "every" for r in info.availability) or "—"
        table.add_row(
            "*" if info.name == active else "",
            info.name,
            str(info.coverage.titles),
            str(info.coverage.with_synopsis),
            regions,
        )
    OUT.print(table)


def removed(name: str) -> None:
    OUT.print(f"Removed catalogue '{name}'.")
