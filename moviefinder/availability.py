"""Where a title can be streamed: evidence records with a source and dates, never a guess.

A record says: title ``id`` was seen on ``service`` in ``region`` by ``source`` between
``first_seen`` and ``last_seen`` (ISO dates, as precise as the source is: "2023" for a yearly
list). Region ``*`` means every region of the service (Netflix originals). Absence of a record
means *unknown*, not unavailable.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Final

from moviefinder.catalog import Catalog, TitleType
from moviefinder.errors import InputError, MovieFinderError
from moviefinder.files import atomic_file

EVERY_REGION: Final = "*"
SOURCE_LABELS: Final = {
    "netflix-top10-nl-weekly": "NL top 10",
    "netflix-top10-nl-daily": "NL top 10",
    "netflix-original": "Netflix original",
    "justwatch-2023": "JustWatch US list",
    "tmdb-watch-providers": "TMDB/JustWatch",
}
#: Evidence older than this many days is shown as stale.
STALE_AFTER_DAYS: Final = 365


@dataclass(frozen=True)
class Availability:
    """One piece of evidence that a title was on a service in a region."""

    id: str
    region: str
    service: str
    source: str
    first_seen: str
    last_seen: str

    def is_stale(self, today: date) -> bool:
        year, month, day = [*self.last_seen.split("-"), "12", "28"][:3]
        seen = date(int(year), int(month), min(int(day), 28))
        return (today - seen).days > STALE_AFTER_DAYS

    def describe(self, today: date) -> str:
        """Short, for a table cell: "NL top 10, 2021-07 (stale)"."""
        label = SOURCE_LABELS.get(self.source, self.source)
        stale = " (stale)" if self.is_stale(today) else ""
        return f"{label}, {self.last_seen[:7]}{stale}"


def write_availability(records: Iterable[Availability], path: Path) -> None:
    """One record per line, sorted, so diffs stay reviewable."""
    rows = sorted(records, key=lambda r: (r.id, r.region, r.source))
    with atomic_file(path) as handle:
        for record in rows:
            handle.write(json.dumps(asdict(record), ensure_ascii=False).encode() + b"\n")


def read_availability(path: Path, regions: Iterable[str] | None = None) -> list[Availability]:
    """Records from PATH (none when it does not exist), only those for REGIONS if given.

    Raises:
        InputError: the file is unreadable or a line is not a record (naming the way out).
    """
    if not path.is_file():
        return []
    # On the query path only one region matters: skip other regions' lines before parsing
    # them (the US list alone is 6,000 lines), then check the parsed region exactly.
    wanted = None if regions is None else set(regions)
    marks = None if wanted is None else [f'"region": "{r}"' for r in wanted]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is unreadable ({exc}) — {_remedy(path)}.") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if marks is not None and not any(mark in line for mark in marks):
            continue
        if line.strip():
            try:
                record = _record(json.loads(line))
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"{path}:{number}: not an availability record ({exc}) — {_remedy(path)}."
                ) from None
            if wanted is None or record.region in wanted:
                records.append(record)
    return records


_DAY: Final = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _record(value: object) -> Availability:
    """An Availability from one parsed line; TypeError or ValueError if it is not one."""
    if not isinstance(value, dict):
        raise TypeError("not an object")
    record = Availability(**value)
    if not all(isinstance(getattr(record, f.name), str) for f in fields(Availability)):
        raise TypeError("every field must be text")
    if not (_DAY.fullmatch(record.first_seen) and _DAY.fullmatch(record.last_seen)):
        raise ValueError("dates must be YYYY, YYYY-MM or YYYY-MM-DD")
    record.is_stale(date.today())  # a month 13 or a day 32 fails here, not while rendering
    return record


def _remedy(path: Path) -> str:
    """How to get past a damaged availability file at PATH."""
    from moviefinder import paths

    try:
        shipped = path.resolve().is_relative_to(paths.bundled_dir().resolve())
    except MovieFinderError:
        shipped = False
    if shipped:
        return "reinstall moviefinder"
    return (
        "delete it (availability is then unknown) and run "
        f"`moviefinder catalog sync --name {path.parent.name}` to fetch it again"
    )


@dataclass(frozen=True)
class RegionView:
    """The best evidence per catalogue row for one region."""

    region: str
    best: dict[int, Availability]

    @property
    def has_evidence(self) -> bool:
        return any(r.region != EVERY_REGION for r in self.best.values())


def for_region(records: Sequence[Availability], catalog: Catalog, region: str) -> RegionView:
    """Evidence for REGION (its own records and every-region ones), latest first per title."""
    row_of = {id_: row for row, id_ in enumerate(catalog.columns["id"])}
    best: dict[int, Availability] = {}
    for record in records:
        row = row_of.get(record.id)
        if row is None or record.region not in (region, EVERY_REGION):
            continue
        known = best.get(row)
        if known is None or (record.region != EVERY_REGION, record.last_seen) > (
            known.region != EVERY_REGION,
            known.last_seen,
        ):
            best[row] = record
    return RegionView(region, best)


def evidence_counts(records: Iterable[Availability], catalog: Catalog) -> dict[str, dict[str, int]]:
    """Catalogue titles with evidence, per region and then per source: {"NL": {"netflix-…": n}}."""
    ids = set(catalog.columns["id"])
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in records:
        if record.id in ids:
            seen[record.region][record.source].add(record.id)
    return {
        region: {source: len(titles) for source, titles in sorted(by_source.items())}
        for region, by_source in sorted(seen.items())
    }


# --- evidence for the default catalogue ------------------------------------------------------


def top10_records(catalog: Catalog, weekly: Path, daily: Path) -> list[Availability]:
    """Netflix's NL top-10 lists → NL records (positive evidence: what was in a top 10)."""
    from moviefinder.matching import Matcher  # only the catalogue build needs matching

    matcher = Matcher(catalog)
    seen: dict[tuple[str, str], list[str]] = {}

    def note(name: str, kind: TitleType, source: str, day: str) -> None:
        found = matcher.match(name.strip(), kind=kind)
        if found.row is not None:
            seen.setdefault((str(catalog.columns["id"][found.row]), source), []).append(day)

    with weekly.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            kind: TitleType = "series" if row["category"].strip() == "TV" else "movie"
            note(row["show_title"], kind, "netflix-top10-nl-weekly", row["week"].strip())
    with daily.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            listed: TitleType = "series" if row["list"].strip() == "series" else "movie"
            note(row["name"], listed, "netflix-top10-nl-daily", row["first_seen"].strip())
            note(row["name"], listed, "netflix-top10-nl-daily", row["last_seen"].strip())
    return [
        Availability(id_, "NL", "netflix", source, min(days), max(days))
        for (id_, source), days in seen.items()
    ]


def catalogue_records(catalog: Catalog, noted_on: str) -> list[Availability]:
    """Netflix originals (every region, as of NOTED_ON) and the JustWatch 2023 US list."""
    records = []
    for row, id_ in enumerate(catalog.columns["id"]):
        if catalog.columns["netflix_original"][row]:
            records.append(
                Availability(id_, EVERY_REGION, "netflix", "netflix-original", noted_on, noted_on)
            )
        if str(id_).startswith("jw:"):
            records.append(Availability(id_, "US", "netflix", "justwatch-2023", "2023", "2023"))
    return records
