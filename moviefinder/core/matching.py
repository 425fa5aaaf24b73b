"""History titles → catalogue rows: exact, alternative titles, series prefixes, then fuzzy.

A fuzzy match must clear :data:`FUZZY_CUTOFF`, be long enough to mean something, pass
:func:`_same_title` and agree on type (an episode only matches a series); anything else stays
unmatched rather than guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from moviefinder.core.catalog import Catalog, TitleType, normalise_title
from moviefinder.core.errors import CatalogError
from moviefinder.core.viewing import ParsedTitle, split_title

FUZZY_CUTOFF: Final = 92.0
#: Shorter titles differ by one letter from unrelated ones ("The Mother", "The Other").
FUZZY_MIN_LENGTH: Final = 10


@dataclass(frozen=True)
class TitleMatch:
    """Where one history title landed in the catalogue, and how sure that is."""

    title: str
    row: int | None
    how: str
    score: float = 100.0

    @property
    def matched(self) -> bool:
        return self.row is not None


class Matcher:
    """Looks history titles up in one catalogue (index built once, reused for every title)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        types = catalog.columns["type"]
        votes = catalog.columns["imdb_votes"]
        self._rank = [-(v or 0) for v in votes]  # more votes first among equal names
        self._types = list(types)
        self._titles: dict[str, list[int]] = defaultdict(list)
        self._alternatives: dict[str, list[int]] = defaultdict(list)
        for row, (name, alternatives) in enumerate(
            zip(catalog.columns["title"], catalog.columns["alt_titles"], strict=True)
        ):
            self._titles[normalise_title(name)].append(row)
            for alternative in alternatives or ():
                self._alternatives[normalise_title(alternative)].append(row)
        self._choices = list(self._titles)
        # A history names each show once per episode, and an import reads each title twice
        # (its report, then the digest): each title is split once, each show looked up once.
        self._parsed: dict[str, ParsedTitle] = {}
        self._shows: dict[tuple[str, bool, TitleType | None, str | None], TitleMatch] = {}

    def _pick(self, rows: Sequence[int], series: bool | None) -> int | None:
        if series is not None:
            wanted = "series" if series else "movie"
            typed = [r for r in rows if self._types[r] == wanted]
            rows = typed if typed or series else rows
        if not rows:
            return None
        return min(rows, key=lambda r: (self._rank[r], r))

    def _exact(self, name: str, series: bool | None) -> tuple[int | None, str]:
        key = normalise_title(name)
        for index, how in ((self._titles, "exact"), (self._alternatives, "alternative title")):
            row = self._pick(index.get(key, ()), series)
            if row is not None:
                return row, how
        return None, ""

    def match(
        self, title: str, links: Mapping[str, str] | None = None, kind: TitleType | None = None
    ) -> TitleMatch:
        """Find TITLE (as the history wrote it) in the catalogue.

        LINKS maps history titles to catalogue ids chosen by hand; they win over everything.
        KIND, when a source knows it (a top-10 list of films), must agree.
        """
        found = self._match(title, links, kind)
        if kind is not None and found.row is not None and self._types[found.row] != kind:
            return TitleMatch(found.title, None, "unmatched", 0.0)
        return found

    def _match(
        self, title: str, links: Mapping[str, str] | None, kind: TitleType | None
    ) -> TitleMatch:
        parsed = self._parsed.get(title)
        if parsed is None:
            parsed = self._parsed[title] = split_title(title)
        link = links.get(parsed.show) if links else None
        key = (parsed.show, parsed.is_episode, kind, link)
        found = self._shows.get(key)
        if found is None:
            found = self._shows[key] = self._match_show(parsed.show, parsed.is_episode, link, kind)
        return found

    def _match_show(
        self, show: str, episode: bool, link: str | None, kind: TitleType | None
    ) -> TitleMatch:
        if link is not None:
            rows = self._catalog.find(link)
            if rows:
                return TitleMatch(show, rows[0], "linked by hand")
        series = True if episode or kind == "series" else None
        row, how = self._exact(show, False if kind == "movie" else series)
        if row is not None:
            return TitleMatch(show, row, how)
        # "The Defeated: Homecoming", "Gilmore Girls: A Year in the Life: Winter": an episode
        # whose series is a shorter prefix of the title.
        parts = show.split(": ")
        for end in range(len(parts) - 1, 0, -1):
            row, how = self._exact(": ".join(parts[:end]), True)
            if row is not None and self._types[row] == "series":
                return TitleMatch(show, row, f"series, {how}")
        return self._fuzzy(show, episode)

    def _fuzzy(self, show: str, episode: bool) -> TitleMatch:
        # Imported here: only titles without an exact match need it.
        from rapidfuzz import fuzz, process

        key = normalise_title(show)
        if len(key) < FUZZY_MIN_LENGTH:
            return TitleMatch(show, None, "unmatched", 0.0)
        found = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if found is None:
            return TitleMatch(show, None, "unmatched", 0.0)
        name, score, _ = found
        if not _same_title(key, name):
            return TitleMatch(show, None, "unmatched", float(score))
        row = self._pick(self._titles[name], True if episode else None)
        if row is None or (episode and self._types[row] != "series"):
            return TitleMatch(show, None, "unmatched", float(score))
        return TitleMatch(show, row, f"fuzzy {score:.0f}", float(score))


def _same_title(a: str, b: str) -> bool:
    """Whether two close spellings can be one title (checked words apart, normalised input).

    Close spellings that are different titles: a sequel number ("Men in Black 3"), a plural
    ("Forces of Nature"), another first letter ("The Untouchables", "The Intouchables").
    """
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return False
    differing = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    return all(
        x[0] == y[0] and not (x.isdigit() or y.isdigit()) and x.rstrip("s") != y.rstrip("s")
        for x, y in differing
    )


#: How alike (rapidfuzz ratio, 0-100) a name must be to a title to be taken for a misspelling
#: of it: "Stranger Thing" (96) is Stranger Things, "Vikings" (83) is not Kings.
TYPO: Final = 90
_ARTICLE: Final = re.compile(r"^(?:the|a|an|de|het|een|la|le|les|el|los|las) ")


def resolve_title(catalog: Catalog, text: str) -> int:
    """The one catalogue row the user means by TEXT: an id, an exact title or other title, or
    a misspelling of one title (leading articles aside: "Last Kingdom").

    Raises:
        CatalogError: nothing close, or no title clearly meant — the message lists the closest
        few with their ids to choose from.
    """
    rows = catalog.find(text)
    if not rows:
        key = normalise_title(text)
        rows = [i for i, names in enumerate(catalog.columns["alt_titles"])
                if any(normalise_title(n) == key for n in names or ())]  # fmt: skip
    if len(rows) > 1:
        raise CatalogError(_choices(catalog, rows, text))
    if rows:
        return rows[0]
    # Imported here: only a title that is not an exact match needs it.
    from rapidfuzz import fuzz, process

    names = [_ARTICLE.sub("", normalise_title(t)) for t in catalog.columns["title"]]
    wanted = _ARTICLE.sub("", normalise_title(text))
    typos = process.extract(wanted, names, scorer=fuzz.ratio, limit=2, score_cutoff=TYPO)
    if len(typos) == 1 or (typos and typos[0][1] - typos[1][1] >= 5):
        return int(typos[0][2])
    closest = process.extract(wanted, names, scorer=fuzz.token_set_ratio, limit=5, score_cutoff=70)
    if not closest:
        raise CatalogError(f"No title like '{text}' in the catalogue.")
    raise CatalogError(_choices(catalog, [int(f[2]) for f in closest], text))


def _choices(catalog: Catalog, rows: Sequence[int], text: str) -> str:
    listed = "; ".join(
        f"{t.title} ({t.year}, {t.type}, {t.id})" for t in (catalog.title(r) for r in rows[:5])
    )
    return f"'{text}' could be: {listed} — give the id."
