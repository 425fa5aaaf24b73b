"""The history commands: what `moviefinder history` shows, and the three that change it —
importing an export, linking a history title to a catalogue title by hand, rating a title; each
of those saves the journal and makes its digest again."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.errors import CatalogError, InputError, Remedy
from moviefinder.core.matching import Matcher, resolve_title
from moviefinder.core.viewing import Rating, split_title
from moviefinder.sources.netflix_export import for_profile, read_export
from moviefinder.storage import paths
from moviefinder.storage.files import settle
from moviefinder.storage.journal import (
    LINKS_FILE,
    Journal,
    digest,
    load_journal,
    merge,
    read_links,
    save_journal,
    watched_shows,
)

if TYPE_CHECKING:
    from moviefinder.core.progress import Progress, Stages
    from moviefinder.storage.journal import ShowViews


@dataclass(frozen=True)
class Watched:
    """The stored history as `moviefinder history` shows it: its shows, most watched first,
    each with the catalogue title it matched."""

    journal: Journal
    shows: tuple[ShowViews, ...]
    catalog: Catalog


def watched(catalog: Catalog, unmatched: bool = False) -> Watched:
    """The stored history's shows matched to CATALOG (UNMATCHED: only those matching nothing).

    Raises:
        InputError: a stored history file is damaged.
    """
    stored = load_journal()
    shows = watched_shows(stored.viewings, stored.links, catalog)
    return Watched(stored, tuple(s for s in shows if not (unmatched and s.match.matched)), catalog)


@dataclass(frozen=True)
class ImportReport:
    """What an import read, kept, skipped and matched."""

    rows: int
    kept: int
    added: int
    skipped: dict[str, int]
    ratings: int
    titles: int
    matched_titles: int
    matched_views: float
    unmatched: tuple[tuple[str, int], ...]
    #: Viewings per country they were watched in, most first.
    countries: tuple[tuple[str, int], ...] = ()
    #: The region configured when it was imported.
    region: str = ""
    #: The first few unreadable rows: (line number, what was wrong).
    bad: tuple[tuple[int, str], ...] = ()
    #: The profiles the stored history now holds, when it is more than one person's.
    profiles: tuple[str, ...] = ()


#: A history of at least this many titles, of which fewer than this share match a catalogue of
#: at least this size (a real history matches about half of the default one), is taken for
#: something else (a book list, another service's export) until --force.
FEW_MATCH_TITLES: Final = 20
FEW_MATCH_SHARE: Final = 0.05
FEW_MATCH_CATALOG: Final = 1_000


def import_history(
    path: Path,
    catalog: Catalog,
    profile: str | None = None,
    replace: bool = False,
    stages: Stages | None = None,
    region: str = "",
    force: bool = False,
) -> ImportReport:
    """Read the export at PATH, add it to the stored history, make its digest for CATALOG and
    report what happened.

    A simple export does not say where it was watched: its viewings take REGION, the
    configured one (a full export's Country column says it). STAGES gives the progress of
    each step of a long import: reading, matching, saving, summing up.

    Raises:
        InputError: unreadable export, profile trouble (see :func:`netflix_export.for_profile`), or
            (unless FORCE) so few of its titles match the catalogue that it is likely no
            Netflix history at all — checked before anything is stored.
    """

    def stage(name: str) -> Progress | None:
        return None if stages is None else stages(name)

    export = for_profile(read_export(path, stage("reading history")), profile)
    if region and not export.full:
        export = dataclasses.replace(
            export,
            viewings=tuple(
                v if v.country else dataclasses.replace(v, country=region) for v in export.viewings
            ),
        )
    if replace:  # what is replaced may be damaged: only the links made by hand are kept
        settle(paths.history_dir())
        stored = Journal(links=read_links(paths.history_dir() / LINKS_FILE))
    else:
        stored = load_journal()
    journal, added = merge(stored, export, replace)
    matcher = Matcher(catalog)  # shared with the digest below
    shows = watched_shows(
        export.viewings, journal.links, catalog, stage("matching titles"), matcher
    )
    matched = sum(1 for s in shows if s.match.matched)
    suspect = len(shows) >= FEW_MATCH_TITLES and len(catalog) >= FEW_MATCH_CATALOG
    if suspect and not force and matched < FEW_MATCH_SHARE * len(shows):
        raise InputError(
            f"Only {matched} of the {len(shows)} titles in {path.name} match the catalogue: is it "
            "a Netflix viewing history? Nothing was stored; --force imports it anyway."
        )
    save_journal(journal, stage("saving"))
    digest(catalog, stage("summing up"), journal, matcher)
    total = sum(s.views for s in shows)
    return ImportReport(
        rows=export.rows,
        kept=len(export.viewings),
        added=added,
        skipped=export.skipped,
        ratings=len(export.ratings),
        titles=len(shows),
        matched_titles=matched,
        matched_views=sum(s.views for s in shows if s.match.matched) / total if total else 0.0,
        unmatched=tuple((s.show, s.views) for s in shows if not s.match.matched),
        countries=tuple(Counter(v.country for v in export.viewings if v.country).most_common()),
        region=region,
        bad=export.bad,
        profiles=_profiles(journal),
    )


def _profiles(journal: Journal) -> tuple[str, ...]:
    """The profiles JOURNAL's viewings come from, when there are several (their taste mixes)."""
    names = sorted({v.profile for v in journal.viewings if v.profile})
    return tuple(names) if len(names) > 1 else ()


def link(history_title: str, catalogue_ref: str, catalog: Catalog) -> tuple[str, str]:
    """Tie a history title to a catalogue title by hand; kept across re-imports.

    Raises:
        CatalogError: the catalogue has no such title.
        InputError: HISTORY_TITLE is no title of the stored history.
    """
    rows = catalog.find(catalogue_ref)
    if not rows:
        raise CatalogError(f"No catalogue title '{catalogue_ref}' (use an id such as jw:ts36577).")
    title_id = str(catalog.columns["id"][rows[0]])
    journal = load_journal()
    show = split_title(history_title).show
    shows = {split_title(v.title).show for v in journal.viewings} | {
        r.title for r in journal.ratings
    }
    if show not in shows:
        folded = {s.casefold(): s for s in shows}
        hint = f"did you mean '{folded[show.casefold()]}'?" if show.casefold() in folded else ""
        raise InputError(
            f"'{history_title}' is not a title in your history",
            Remedy(hint, "history --all", "lists them"),
        )
    linked = Journal(journal.viewings, journal.ratings, {**journal.links, show: title_id})
    save_journal(linked)
    digest(catalog, stored=linked)
    return show, title_id


RATINGS: Final = {"dislike": 1, "like": 2, "love": 3}


def rate(catalogue_ref: str, verdict: str, catalog: Catalog) -> Title:
    """Record a like, dislike or love for a catalogue title (``clear`` forgets it).

    Raises:
        CatalogError: no such title, or no title clearly meant (the closest are listed).
        InputError: an unknown verdict.
    """
    if verdict not in (*RATINGS, "clear"):
        raise InputError(f"Rate with like, dislike, love or clear — not {verdict!r}.")
    title = catalog.title(resolve_title(catalog, catalogue_ref))  # as explain resolves it
    stored = load_journal()
    kept = tuple(r for r in stored.ratings if r.title != title.title)
    if verdict != "clear":
        kept += (Rating(title.title, RATINGS[verdict], datetime.now().replace(microsecond=0)),)
    rated = Journal(stored.viewings, kept, stored.links)
    save_journal(rated)
    digest(catalog, stored=rated)
    return title
