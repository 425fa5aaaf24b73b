"""What a viewing history holds: viewings, thumbs ratings, and history titles told apart into
show and episode ("Show: Season 2: Name" against a title that merely has a colon in it)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

# A title segment that names a season-like division: "Season 2", "Seizoen 1", "2ª temporada",
# "Limited Series", "Part B", "Book One", "Stranger Things 3" is handled by the catalogue.
_DIVISION_WORDS = (
    r"season|seizoen|staffel|temporada|saison|sæson|säsong|sesong|stagione|sezon|kausi|"
    r"series|serie|série|part|deel|parte|teil|partie|book|boek|libro|buch|livre|volume|vol\.?|"
    r"chapter|hoofdstuk|cap[ií]tulo|kapitel|chapitre|collection|collectie|cole[cç][aã]o|"
    r"colecci[oó]n|episode|aflevering|epis[oó]dio|episodio|folge|[ée]pisode|afsnit|avsnitt"
)
_NUMBER = r"(?:\d+|[ivxlc]+|[a-z]|one|two|three|four|five|six|seven|eight|nine|ten)"
_DIVISION = re.compile(
    # "\d+(?:\s*suffix)?\s+", not "\d+\s*suffix?\s+": two adjacent optional runs of spaces take
    # quadratic time on a long run of spaces.
    rf"^(?:\d+(?:\s*(?:st|nd|rd|th|ª|º|e|\.))?\s+)?(?:{_DIVISION_WORDS})(?:\s+{_NUMBER})?"
    rf"(?:\s+(?:part|deel|parte|teil)\s+{_NUMBER})?$",
    re.IGNORECASE,
)
_LIMITED = re.compile(
    r"^(?:limited series|miniseries|miniserie|minissérie|mini-series|mini series|"
    r"limitierte serie|série limitée|serie limitada|kerstspecial|christmas special)$",
    re.IGNORECASE,
)
# No leading "\s*": searched, it takes quadratic time on a long run of spaces (stripped after).
_EPISODE_SUFFIX = re.compile(
    r"\((?:episode|aflevering|epis[oó]dio|episodio|folge|[ée]pisode|afsnit|avsnitt|jakso|"
    r"odcinek)\s*\d+\)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)  # slots: a long history holds a million of these
class Viewing:
    """One row of a viewing history: what was played, when, how long (full export only)."""

    title: str
    when: datetime
    profile: str = ""
    seconds: int | None = None
    #: Where it was watched: the full export's Country ("NL"), or for a simple export the
    #: region configured when it was imported ("" if unknown).
    country: str = ""


@dataclass(frozen=True)
class Rating:
    """A thumbs rating from Ratings.csv: 1 down, 2 up, 3 love."""

    title: str
    thumbs: int
    when: datetime | None
    profile: str = ""


@dataclass(frozen=True)
class ParsedTitle:
    """A history title split into the show and, for an episode, the rest."""

    show: str
    episode: str | None = None

    @property
    def is_episode(self) -> bool:
        return self.episode is not None


@dataclass(frozen=True)
class HistoryFile:
    """What one export held: viewings kept, rows skipped (profile, reason), and ratings."""

    viewings: tuple[Viewing, ...]
    skips: tuple[tuple[str, str], ...] = ()
    ratings: tuple[Rating, ...] = ()
    profiles: tuple[str, ...] = ()
    #: A full export says where each viewing was watched; a simple one does not.
    full: bool = False
    #: The first few unreadable rows: (line number, what was wrong with the value).
    bad: tuple[tuple[int, str], ...] = ()

    @property
    def skipped(self) -> dict[str, int]:
        """Rows skipped, by reason."""
        return dict(Counter(reason for _, reason in self.skips))

    @property
    def rows(self) -> int:
        return len(self.viewings) + len(self.skips)


def split_title(title: str) -> ParsedTitle:
    """Split "Show: Season 1: Episode" into show and episode; leave other titles whole.

    A title with a colon but no season or episode marker ("Glass Onion: A Knives Out
    Mystery", "The Defeated: Homecoming") comes back whole: only the catalogue can tell a
    movie from an episode of a series, and :mod:`moviefinder.core.matching` asks it.

    >>> split_title("Trinkets: Seizoen 1: Paper Tiger (Aflevering 2)")
    ParsedTitle(show='Trinkets', episode='Seizoen 1: Paper Tiger')
    >>> split_title("Glass Onion: A Knives Out Mystery")
    ParsedTitle(show='Glass Onion: A Knives Out Mystery', episode=None)
    """
    text = title.strip()
    text, suffixed = _EPISODE_SUFFIX.subn("", text)
    text = text.rstrip()
    parts = [p.strip() for p in text.split(": ")]
    # A blank part before the split would leave the show empty or ending in ": ".
    for i in range(1, len(parts)):
        if parts[i - 1] and (_DIVISION.match(parts[i]) or _LIMITED.match(parts[i])):
            return ParsedTitle(": ".join(parts[:i]), ": ".join(parts[i:]))
    if suffixed and len(parts) > 1 and parts[0]:
        return ParsedTitle(parts[0], ": ".join(parts[1:]))
    return ParsedTitle(text)
