"""Where a title can be streamed: evidence records with a source and dates, never a guess.

A record says: title ``id`` was seen on ``service`` in ``region`` by ``source`` between
``first_seen`` and ``last_seen`` (ISO dates, as precise as the source is: "2023" for a yearly
list). Region ``*`` means every region of the service (Netflix originals). Absence of a record
means *unknown*, not unavailable.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple

import numpy as np

from moviefinder.core.catalog import Catalog

EVERY_REGION: Final = "*"
#: The source of evidence from the user's own viewing history.
HISTORY_SOURCE: Final = "your-history"
SOURCE_LABELS: Final = {
    "netflix-top10-nl-weekly": "NL top 10",
    "netflix-top10-nl-daily": "NL top 10",
    "netflix-engagement": "Netflix report",
    "unogs-nl": "uNoGS NL list",
    "netflix-original": "Netflix original",
    "justwatch-2023": "JustWatch US list",
    "tmdb-watch-providers": "TMDB/JustWatch",
    HISTORY_SOURCE: "your history",
}
#: Evidence last seen more than this many days ago is shown as stale, and after
#: :data:`OLD_AFTER_DAYS` as old: the title may have left since. Netflix's reports come out
#: half a year after the half-year they cover, so their latest is always months old.
STALE_AFTER_DAYS: Final = 365
OLD_AFTER_DAYS: Final = 3 * 365


class Availability(NamedTuple):
    """One piece of evidence that a title was on a service in a region.

    A named tuple rather than a frozen dataclass: the query path reads ten thousand of these
    per `ask`, and a tuple is made ten times faster.

    Age never hides a title and never changes its score: only positive evidence exists (no
    list says a title left), so a title last seen in 2021 may still be there. The age is
    shown instead — current, stale (over a year) or old (over three years) — and among a
    title's records the freshest is the one shown.
    """

    id: str
    region: str
    service: str
    source: str
    first_seen: str
    last_seen: str

    def seen(self) -> date:
        """The last day the evidence covers (a year or month counts to its end)."""
        parts = [int(p) for p in self.last_seen.split("-")]
        year, month = parts[0], parts[1] if len(parts) > 1 else 12
        day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
        return date(year, month, day)

    def age(self, today: date) -> str:
        """ "current", "stale" or "old"."""
        days = (today - self.seen()).days
        return (
            "current" if days <= STALE_AFTER_DAYS else "stale" if days <= OLD_AFTER_DAYS else "old"
        )

    def is_stale(self, today: date) -> bool:
        return self.age(today) != "current"

    def describe(self, today: date) -> str:
        """Short, for a table cell: "NL top 10, 2021-07 (old)"."""
        label = SOURCE_LABELS.get(self.source, self.source)
        age = self.age(today)
        return f"{label}, {self.last_seen[:7]}" + ("" if age == "current" else f" ({age})")


@dataclass(frozen=True)
class RegionView:
    """The evidence for one region, per catalogue row, freshest first.

    ``groups`` holds each row's records as plain field lists (a view read back from the
    query-path cache makes records only for the rows shown). ``has_evidence``: whether the
    catalogue lists evidence for the region itself — every-region records and the user's own
    history do not count: without such a list, nothing is filtered.
    """

    region: str
    groups: Mapping[int, Sequence[Sequence[str]]]
    has_evidence: bool = False

    def records(self, row: int) -> tuple[Availability, ...]:
        """ROW's evidence, freshest first (empty: none)."""
        return tuple(Availability(*fields) for fields in self.groups.get(row, ()))

    def best(self, row: int) -> Availability | None:
        """ROW's freshest evidence, or None."""
        group = self.groups.get(row)
        return Availability(*group[0]) if group else None

    def known(self, size: int) -> np.ndarray:
        """A mask of the SIZE rows: True where there is evidence."""
        mask = np.zeros(size, dtype=bool)
        mask[np.fromiter(self.groups, dtype=np.int64, count=len(self.groups))] = True
        return mask

    def with_records(self, records: Sequence[Availability], catalog: Catalog) -> RegionView:
        """This view with RECORDS added (the user's own history), each row still freshest
        first."""
        extra = for_region(records, catalog, self.region)
        if not extra.groups:
            return self
        groups: dict[int, Sequence[Sequence[str]]] = dict(self.groups)
        for row, group in extra.groups.items():
            merged = [Availability(*f) for f in (*groups.get(row, ()), *group)]
            merged.sort(key=_freshness, reverse=True)
            groups[row] = merged
        return RegionView(self.region, groups, self.has_evidence or extra.has_evidence)


def _freshness(record: Availability) -> tuple[str, bool]:
    """Sorts records by the last day they cover (ISO text; a year or a month counts to its
    end), then a region's own before every-region ones."""
    return record.last_seen + "-12-31"[len(record.last_seen) - 4 :], record.region != EVERY_REGION


def for_region(records: Sequence[Availability], catalog: Catalog, region: str) -> RegionView:
    """Evidence for REGION (its own records and every-region ones), freshest first per title
    (on a tie, the region's own record first)."""
    row_of = {id_: row for row, id_ in enumerate(catalog.columns["id"])}
    found: dict[int, list[Availability]] = defaultdict(list)
    listed = False
    for record in records:
        row = row_of.get(record.id)
        if row is not None and record.region in (region, EVERY_REGION):
            found[row].append(record)
            listed = listed or (record.region == region and record.source != HISTORY_SOURCE)
    groups = {
        row: sorted(group, key=_freshness, reverse=True) if len(group) > 1 else group
        for row, group in found.items()
    }
    return RegionView(region, groups, listed)


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


def evidence_titles(records: Iterable[Availability], catalog: Catalog) -> dict[str, int]:
    """Distinct catalogue titles with any evidence for each region, every-region evidence
    included: {"NL": 6400, "US": 6200, "*": 4800}."""
    ids = set(catalog.columns["id"])
    seen: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.id in ids:
            seen[record.region].add(record.id)
    everywhere = seen.get(EVERY_REGION, set())
    return {
        region: len(titles | everywhere) if region != EVERY_REGION else len(titles)
        for region, titles in sorted(seen.items())
    }


# --- evidence for the default catalogue ------------------------------------------------------


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
