"""The default catalogue shipped in ``data/``: how it is regenerated from the outside facts.

``data/notes.jsonl`` is the human-edited source, one title per line in id order: our own
synopsis, keywords, alternative titles and Netflix-original flag. Facts (title, year, type,
runtime, genres, countries, people, ids, scores) come from ``../shared/data/catalogs``;
descriptions there are never read. Regenerate the runtime files with::

    python tools/build_catalog.py           # reads ../shared/data, writes data/*.parquet

Only titles whose embedded text changed are re-embedded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from moviefinder.core import availability
from moviefinder.core.availability import Availability
from moviefinder.core.catalog import Catalog, Title, normalise_title
from moviefinder.core.encoder import PACKAGED_MODEL
from moviefinder.core.errors import InputError
from moviefinder.models.embed import load_encoder
from moviefinder.sources.importers.justwatch import read_justwatch
from moviefinder.sources.importers.netflix_titles import read_netflix_titles
from moviefinder.sources.importers.tmdb5000 import read_tmdb5000
from moviefinder.sources.listing_match import ListingMatcher, evidence_from, title_key
from moviefinder.sources.netflix_lists import (
    Listing,
    read_daily_top10,
    read_engagement,
    read_unogs,
    read_weekly_top10,
    undubbed,
)
from moviefinder.sources.phrases import key_phrases, pick
from moviefinder.storage import evidence, paths, store

NOTES_FILE: Final = "notes.jsonl"
#: When our notes (and so their Netflix-original flags) were last reviewed: the originals' date.
NOTES_REVIEWED: Final = "2026-12-06"
WEEKLY_TOP10: Final = "availability/nl_top10_weekly_2021_2022-11.tsv"
DAILY_TOP10: Final = "availability/nl_top10_daily_2025_2026.csv"
ENGAGEMENT: Final = "availability/netflix_engagement_2023_2025.csv"
UNOGS: Final = "availability/unogs_flixgem_2021_nl.csv"
JUSTWATCH_FILE: Final = "catalogs/netflix_justwatch_2023_titles.csv"
NETFLIX_FILE: Final = "catalogs/netflix_titles.csv"
TMDB_FILE: Final = "catalogs/tmdb_5000_movies.csv"
#: Titles of the engagement reports released in or after this year join the catalogue.
NEW_SINCE: Final = 2022
#: Series in the Kaggle Netflix list carry the year of their latest season, not their first.
SERIES_YEAR_SLACK: Final = 15


@dataclass(frozen=True)
class Note:
    """Our own words about one title."""

    id: str
    title: str
    synopsis: str
    keywords: tuple[str, ...]
    alt_titles: tuple[str, ...]
    netflix_original: bool | None


def read_notes(path: Path) -> list[Note]:
    """Parse notes.jsonl. Raises InputError naming the line of any malformed entry."""
    notes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            notes.append(
                Note(
                    id=raw["id"],
                    title=raw["title"],
                    synopsis=raw.get("synopsis", "").strip(),
                    keywords=tuple(raw.get("keywords", ())),
                    alt_titles=tuple(raw.get("alt_titles", ())),
                    netflix_original=raw.get("netflix_original"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: malformed note ({exc})") from None
    return notes


def _year_fits(primary: Title, other: Title) -> bool:
    if primary.year is None or other.year is None:
        return False
    if primary.type == "series":
        return 0 <= other.year - primary.year <= SERIES_YEAR_SLACK
    return abs(other.year - primary.year) <= 1


def phrased(titles: Iterable[Title]) -> list[Title]:
    """TITLES, read with their outside descriptions as synopses (and TMDB's keywords), made
    into key phrases (:mod:`moviefinder.sources.phrases`) from every description an entry
    gathered in the build; the prose itself is dropped here: it is never shipped."""
    return [
        replace(
            t,
            key_phrases=pick(
                (*t.key_phrases, *t.keywords, *key_phrases(t.synopsis)), source=t.synopsis
            ),
            synopsis="",
            keywords=(),
        )
        for t in titles
    ]


def with_tmdb(titles: list[Title], tmdb: Iterable[Title]) -> list[Title]:
    """TITLES with the description and keywords of TMDB's entry for the films it holds
    (matched by title and a year within one; a name several films share adds nothing)."""
    by_key: dict[tuple[str, int | None], list[Title]] = defaultdict(list)
    for t in tmdb:
        by_key[(title_key(t.title), t.year)].append(t)
    out = []
    for t in titles:
        if t.type == "movie" and t.year is not None:
            found = [
                m for y in (t.year - 1, t.year, t.year + 1) for m in by_key[(title_key(t.title), y)]
            ]
            if len(found) == 1 and found[0].tmdb_id != t.tmdb_id:
                t = _described(t, found[0])
        out.append(t)
    return out


def _described(base: Title, other: Title) -> Title:
    """BASE with OTHER's outside description and keywords beside its own (build-time only:
    :func:`phrased` turns them into key phrases)."""
    return replace(
        base,
        synopsis=" | ".join(d for d in (base.synopsis, other.synopsis) if d),
        keywords=tuple(dict.fromkeys((*base.keywords, *other.keywords))),
    )


def _filled(base: Title, other: Title) -> Title:
    """BASE with the facts it lacks taken from OTHER, another entry of the same title."""
    return replace(
        _described(base, other),
        runtime=base.runtime or other.runtime,
        seasons=base.seasons or other.seasons,
        genres=tuple(dict.fromkeys((*base.genres, *other.genres))),
        countries=base.countries or other.countries,
        directors=base.directors or other.directors,
        cast=base.cast or other.cast,
    )


def merge(primary: list[Title], secondary: list[Title]) -> list[Title]:
    """Merge two title lists: PRIMARY rows keep their id and facts, SECONDARY fills gaps.

    Duplicates are found by imdb id, else normalised title + type + year (exact, then a
    unique same-name candidate whose year fits). Unmatched secondary rows are kept as they are.
    """
    merged: dict[str, Title] = {}
    by_imdb: dict[str, str] = {}
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in primary:
        if t.imdb_id and t.imdb_id in by_imdb:
            continue
        merged[t.id] = t
        if t.imdb_id:
            by_imdb[t.imdb_id] = t.id
        by_name[(normalise_title(t.title), t.type)].append(t.id)
    taken: set[str] = set()
    leftovers = []
    for t in secondary:
        if t.imdb_id and t.imdb_id in by_imdb:
            match: str | None = by_imdb[t.imdb_id]
        else:
            candidates = [
                c for c in by_name.get((normalise_title(t.title), t.type), []) if c not in taken
            ]
            exact = [c for c in candidates if merged[c].year == t.year]
            fitting = [c for c in candidates if _year_fits(merged[c], t)]
            match = exact[0] if exact else fitting[0] if len(fitting) == 1 else None
        if match is None:
            leftovers.append(t)
            continue
        taken.add(match)
        merged[match] = _filled(merged[match], t)
    for t in leftovers:
        merged.setdefault(t.id, t)
    return sorted(merged.values(), key=lambda t: t.id)


def other_titles(title: str, names: Iterable[str]) -> tuple[str, ...]:
    """NAMES once each (first spelling kept), without TITLE itself."""
    kept: dict[str, str] = {normalise_title(title): title}
    for name in names:
        kept.setdefault(normalise_title(name), name)
    return tuple(list(kept.values())[1:])


def apply_notes(titles: list[Title], notes: Iterable[Note]) -> list[Title]:
    """Attach our own words to the titles they describe.

    Raises:
        InputError: a note names an id that is not in the catalogue.
    """
    by_id = {n.id: n for n in notes}
    unknown = sorted(set(by_id) - {t.id for t in titles})
    if unknown:
        raise InputError(f"notes for unknown id(s): {', '.join(unknown[:5])}")
    out = []
    for t in titles:
        note = by_id.get(t.id)
        if note is not None:
            t = replace(
                t,
                synopsis=note.synopsis,
                keywords=note.keywords,
                alt_titles=other_titles(t.title, (*note.alt_titles, *t.alt_titles)),
                netflix_original=note.netflix_original,
            )
        out.append(t)
    return out


@dataclass(frozen=True)
class Lists:
    """Netflix's lists, read once: engagement reports, NL top 10s, the uNoGS NL snapshot."""

    engagement: list[Listing]
    weekly: list[Listing]
    daily: list[Listing]
    unogs: list[Listing]

    @classmethod
    def read(cls, shared: Path) -> Lists:
        return cls(
            read_engagement(shared / ENGAGEMENT),
            read_weekly_top10(shared / WEEKLY_TOP10),
            read_daily_top10(shared / DAILY_TOP10),
            read_unogs(shared / UNOGS),
        )

    def all(self) -> list[Listing]:
        return [*self.engagement, *self.weekly, *self.daily, *self.unogs]


@dataclass(frozen=True)
class Build:
    """The default catalogue's titles and evidence, and what building them did."""

    titles: list[Title]
    evidence: list[Availability]
    merged: int
    added: dict[str, int]


def default_titles(shared: Path, notes: Path) -> list[Title]:
    """Every title of the default catalogue, with our notes applied (see :func:`build`)."""
    return build_default(shared, notes).titles


def build_default(shared: Path, notes_path: Path) -> Build:
    """The two shared Netflix catalogues merged; duplicates folded into one entry; every title
    of the engagement reports released since :data:`NEW_SINCE` and of the NL daily top 10 that
    is missing, added; our notes applied; hours viewed attached; evidence from every list."""
    notes = read_notes(notes_path)
    lists = Lists.read(shared)
    titles = merge(
        list(read_justwatch(shared / JUSTWATCH_FILE, descriptions=True).titles),
        list(read_netflix_titles(shared / NETFLIX_FILE, descriptions=True).titles),
    )
    titles, merged = fold_duplicates(titles, lists.engagement, {n.id for n in notes})
    recent = [t for t in lists.engagement if t.year is not None and t.year >= NEW_SINCE]
    from_reports = missing_titles(titles, recent, {})
    titles = sorted([*titles, *from_reports], key=lambda t: t.id)
    tmdb = read_tmdb5000(shared / TMDB_FILE, descriptions=True).titles
    known = {t.tmdb_id: t for t in tmdb if t.tmdb_id}
    lists = replace(lists, daily=dated_by_tmdb(lists.daily, known))
    from_daily = missing_titles(titles, lists.daily, known)
    titles = sorted([*titles, *from_daily], key=lambda t: t.id)
    titles = phrased(with_tmdb(titles, tmdb))  # from here on, no outside prose
    titles = with_hours(apply_notes(titles, notes), lists.engagement)
    catalog = Catalog.of(paths.DEFAULT_CATALOG, titles)
    evidence = evidence_from(catalog, lists.all()) + availability.catalogue_records(
        catalog, NOTES_REVIEWED
    )
    added = {"engagement reports": len(from_reports), "NL daily top 10": len(from_daily)}
    return Build(titles, evidence, merged, added)


def _primary(group: list[Title], noted: set[str]) -> Title:
    """Which of several entries of one title keeps its id: ours noted, then JustWatch's, then
    the most voted."""
    return min(
        group,
        key=lambda t: (t.id not in noted, not t.id.startswith("jw:"), -(t.imdb_votes or 0), t.id),
    )


def fold_duplicates(
    titles: list[Title], engagement: list[Listing], noted: set[str]
) -> tuple[list[Title], int]:
    """One title, one entry: entries that another's other title, a dubbed-version tag or an
    engagement report's original-language title shows to be one title are folded into one.

    Returns the titles and how many entries were folded away.
    """
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, t in enumerate(titles):
        by_key[(title_key(t.title), t.type)].append(i)
    parent = list(range(len(titles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        first, second = titles[a], titles[b]
        if a != b and (_year_fits(first, second) or _year_fits(second, first)):
            parent[root(b)] = root(a)

    for i, t in enumerate(titles):
        for other in t.alt_titles:
            for j in by_key.get((title_key(other), t.type), ()):
                join(i, j)
        if undubbed(t.title) != t.title.strip():
            for j in by_key.get((title_key(t.title), t.type), ()):
                join(j, i)
    for listing in engagement:
        if not listing.original_title:
            continue
        english = by_key.get((title_key(listing.name), listing.kind), [])
        original = by_key.get((title_key(listing.original_title), listing.kind), [])
        if len(english) == 1 and len(original) == 1:
            join(english[0], original[0])
    groups: dict[int, list[Title]] = defaultdict(list)
    for i, t in enumerate(titles):
        groups[root(i)].append(t)
    out = [_fold(group, _primary(group, noted)) for group in groups.values()]
    return sorted(out, key=lambda t: t.id), len(titles) - len(out)


def _fold(group: list[Title], primary: Title) -> Title:
    """PRIMARY with the facts it lacks from the rest of GROUP, and their names as other titles."""
    folded = primary
    for t in group:
        if t is primary:
            continue
        folded = replace(
            _filled(folded, t),
            alt_titles=other_titles(folded.title, (*folded.alt_titles, t.title, *t.alt_titles)),
            imdb_id=folded.imdb_id or t.imdb_id,
        )
    return folded


def _slug(listing: Listing) -> str:
    words = normalise_title(listing.name).replace(" ", "-")[:60].strip("-") or "untitled"
    kind = "tv" if listing.kind == "series" else "film"
    return f"nf:{kind}-{words}" + (f"-{listing.year}" if listing.year else "")


def _confirmed(listing: Listing, tmdb: dict[int, Title]) -> Title | None:
    """TMDB's own entry for LISTING's reference, if it names the same title."""
    found = tmdb.get(listing.tmdb_id or -1)
    if found is None or title_key(found.title) != title_key(listing.name):
        return None
    return found


def dated_by_tmdb(listings: list[Listing], tmdb: dict[int, Title]) -> list[Listing]:
    """LISTINGS with the release year of those whose TMDB reference TMDB's list confirms, so a
    same-named older or newer title is not taken for them.

    TMDB numbers its entries as they are created: a film whose id is above every id of TMDB's
    list was entered after that list was made, so it is taken to be no older than the list's
    newest year but one (old films entered since are rare in a 2025-26 top 10; measured on the
    daily list, it kept 4 such titles from being taken for same-named older ones)."""
    films = [t for t in tmdb.values() if t.type == "movie"]
    newest_id = max((t.tmdb_id or 0 for t in films), default=0)
    newest_year = max((t.year or 0 for t in films), default=0)
    out = []
    for listing in listings:
        found = _confirmed(listing, tmdb)
        if found is not None and found.year is not None:
            listing = replace(listing, year=found.year, exact_year=True)
        elif listing.kind == "movie" and films and (listing.tmdb_id or 0) > newest_id:
            listing = replace(listing, after=newest_year - 1)
        out.append(listing)
    return out


def missing_titles(
    titles: list[Title], listings: list[Listing], tmdb: dict[int, Title]
) -> list[Title]:
    """New entries for the LISTINGS that match no title, with the facts the list gives (and,
    where its TMDB reference is confirmed by TMDB's own list by id and name, TMDB's facts)."""
    matcher = ListingMatcher(Catalog.of("draft", titles))
    taken = {t.id for t in titles}
    new: dict[tuple[str, str, int | None], Title] = {}
    for listing in listings:
        if matcher.candidates(listing):
            continue  # it names a title there (or one of several it cannot tell apart)
        key = (title_key(listing.name), listing.kind)
        if (*key, listing.year) in new:
            continue
        ref, confirmed = listing.tmdb_id, _confirmed(listing, tmdb)
        if confirmed is None and ref in tmdb:
            ref = None  # TMDB's own list gives that id to another title
        base = Title(id="", title=listing.name, type=listing.kind)
        if confirmed is not None:
            base = replace(confirmed, title=listing.name)
        id_ = _slug(listing)
        while id_ in taken:
            id_ += "+"
        taken.add(id_)
        original = listing.original_title
        new[(*key, listing.year)] = replace(
            base,
            id=id_,
            year=listing.year or base.year,
            runtime=listing.runtime or base.runtime,
            alt_titles=(original,) if original and title_key(original) != key[0] else (),
            tmdb_id=ref,
        )
    return list(new.values())


def with_hours(titles: list[Title], engagement: list[Listing]) -> list[Title]:
    """TITLES with their hours viewed per half-year from the engagement reports."""
    matcher = ListingMatcher(Catalog.of("draft", titles))
    hours: dict[int, dict[str, int]] = defaultdict(dict)
    for listing, row in zip(engagement, matcher.match_all(engagement), strict=True):
        if row is not None:
            for period, viewed in listing.hours:
                hours[row][period] = hours[row].get(period, 0) + viewed
    out = list(titles)
    for row, periods in hours.items():
        ordered = sorted(periods.items())
        out[row] = replace(
            out[row],
            netflix_periods=tuple(p for p, _ in ordered),
            netflix_hours=tuple(h for _, h in ordered),
        )
    return out


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Regenerate the bundled default catalogue.")
    parser.add_argument("--shared", type=Path, default=repo.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=repo / "data")
    args = parser.parse_args(argv)
    built = build_default(args.shared, args.out / NOTES_FILE)
    titles = built.titles
    catalog = Catalog.of(paths.DEFAULT_CATALOG, titles)
    store.write_titles(catalog, args.out / paths.TITLES_FILE)
    evidence.write_availability(built.evidence, args.out / paths.AVAILABILITY_FILE)
    print(f"folded {built.merged} duplicate entries; added {built.added}", file=sys.stderr)
    target = args.out / paths.EMBEDDINGS_FILE
    previous = store.read_embeddings(target) if target.is_file() else None

    def progress(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total}", end="", file=sys.stderr, flush=True)

    embeddings, report = store.refresh(catalog, load_encoder(PACKAGED_MODEL), previous, progress)
    store.write_embeddings(embeddings, target)
    print(
        f"\n{report.titles} titles ({sum(1 for t in titles if t.synopsis)} with synopsis); "
        f"embedded {report.embedded}, reused {report.reused}, removed {report.removed}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
