"""Listings of Netflix's lists → catalogue rows, by title, type and year, never by a guess.

A listing matches a catalogue title of its own type whose name (a dubbed-version tag such as
"(Hindi)" set aside) or one of whose other titles is the listed name or the listed
original-language title. Where the list gives a year it must fit; where several same-named
titles fit, the one nearest in year wins only if it is the nearest alone — otherwise the
listing stays unmatched: confusing two same-named titles is worse than missing one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from moviefinder.core.availability import Availability
from moviefinder.core.catalog import Catalog, normalise_title
from moviefinder.sources.netflix_lists import Listing, undubbed

#: How many years before its Netflix release date a listed film may have been made.
FILM_YEARS_BEFORE_RELEASE: Final = 3
_SEASON_NUMBER: Final = re.compile(r"\s+\d{1,2}$")


def title_key(name: str) -> str:
    """The key two names of one title share: folded, without a dubbed-version tag."""
    return normalise_title(undubbed(name))


class ListingMatcher:
    """Matches listings against one catalogue (its name index built once)."""

    def __init__(self, catalog: Catalog) -> None:
        self._types = list(catalog.columns["type"])
        self._years: list[int | None] = list(catalog.columns["year"])
        self._names: dict[str, list[int]] = defaultdict(list)
        self._others: dict[str, list[int]] = defaultdict(list)
        for row, (name, others) in enumerate(
            zip(catalog.columns["title"], catalog.columns["alt_titles"], strict=True)
        ):
            self._names[title_key(name)].append(row)
            for other in others or ():
                self._others[title_key(other)].append(row)

    def match(self, listing: Listing) -> int | None:
        """The catalogue row LISTING names, or None when none or several could be meant."""
        rows = self.candidates(listing)
        return self._one(rows, listing) if rows else None

    def candidates(self, listing: Listing) -> list[int]:
        """The rows LISTING could name: of its type, named as it is (or, failing that, with
        it as another title), of a year that fits."""
        keys = [title_key(listing.name)]
        if listing.original_title:
            keys.append(title_key(listing.original_title))
        if listing.kind == "series":  # early reports name a season "Stranger Things 4"
            keys.append(_SEASON_NUMBER.sub("", keys[0]))
        for index in (self._names, self._others):
            rows = sorted({r for key in keys for r in index.get(key, ()) if self._fits(r, listing)})
            if rows:
                return rows
        return []

    def _fits(self, row: int, listing: Listing) -> bool:
        if self._types[row] != listing.kind:
            return False
        year, listed = self._years[row], listing.year
        if year is not None and listing.after is not None and year < listing.after:
            return False
        if year is None or listed is None:
            return not listing.exact_year
        if listing.exact_year:
            return abs(year - listed) <= 1
        # A Netflix release date is when Netflix put it out: a film is not younger than that,
        # and rarely more than a few years older (measured: 98 % within 0–1 years). A later
        # season's date says little about when its series began; a first season's does (the
        # catalogue's year is the first season's, or for some series the latest's).
        if listing.kind == "series":
            return not listing.starts or year >= listed - 1
        return -1 <= listed - year <= FILM_YEARS_BEFORE_RELEASE

    def _one(self, rows: Sequence[int], listing: Listing) -> int | None:
        if len(rows) == 1:
            return rows[0]
        if listing.year is None:
            return None
        distance = sorted((abs((self._years[r] or 0) - listing.year), r) for r in rows)
        return distance[0][1] if distance[0][0] < distance[1][0] else None

    def match_all(self, listings: Sequence[Listing]) -> list[int | None]:
        return [self.match(listing) for listing in listings]


def evidence_from(catalog: Catalog, listings: Sequence[Listing]) -> list[Availability]:
    """One record per title, region and list that LISTINGS show on Netflix: the dates the
    list saw it there (listings that say nothing of availability left out)."""
    matcher = ListingMatcher(catalog)
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    ids = catalog.columns["id"]
    for listing, row in zip(listings, matcher.match_all(listings), strict=True):
        if row is None or not listing.evidence:
            continue
        key = (str(ids[row]), listing.region, listing.source)
        first, last = seen.get(key, (listing.first_seen, listing.last_seen))
        seen[key] = (min(first, listing.first_seen), max(last, listing.last_seen))
    return [
        Availability(id_, region, "netflix", source, first, last)
        for (id_, region, source), (first, last) in seen.items()
    ]


def merge_evidence(old: Sequence[Availability], new: Sequence[Availability]) -> list[Availability]:
    """OLD and NEW as one set of records: the same title, region and source once, spanning
    the dates of both."""
    merged: dict[tuple[str, str, str], Availability] = {}
    for record in (*old, *new):
        key = (record.id, record.region, record.source)
        known = merged.get(key)
        if known is not None:
            record = Availability(
                record.id,
                record.region,
                record.service,
                record.source,
                min(known.first_seen, record.first_seen),
                max(known.last_seen, record.last_seen),
            )
        merged[key] = record
    return list(merged.values())
