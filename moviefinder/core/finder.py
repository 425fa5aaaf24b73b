"""Answering a query: encode it, score every title, filter, rank, explain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from moviefinder.core import rank
from moviefinder.core.availability import Availability, RegionView
from moviefinder.core.catalog import Catalog, Title, franchise_key, normalise_title
from moviefinder.core.encoder import Encoder, encode_batched
from moviefinder.core.errors import QueryError
from moviefinder.core.explain import Explanation, explain_match, taste_neighbours
from moviefinder.core.query import Filters, Hints
from moviefinder.core.rank import ScoreParts
from moviefinder.core.taste import Taste
from moviefinder.core.words import word_scores

#: What a title holding all of the query's distinctive words gains: measured on real requests,
#: the share of MRR it adds grows up to a weight of ~1.5 (README, Search quality).
WORD_WEIGHT: Final = 1.0
#: How many candidates per shown result diversification may choose from.
POOL_FACTOR: Final = 5


@dataclass(frozen=True)
class View:
    """How results are chosen and shown, beyond the scores themselves.

    ``taste_weight`` is w in (1 − w)·query + w·taste; watched titles are hidden unless
    ``include_watched``; with a ``region`` that has evidence only titles known to be there are
    shown unless ``include_unknown``; ``diversity`` is the MMR lambda (1.0: score order);
    ``hints`` (read from a long description) lift or lower titles without hiding any.
    """

    limit: int = 10
    filters: Filters | None = None
    #: The part of ``filters`` read from the query text (``--literal`` drops it).
    read_filters: Filters | None = None
    hints: Hints | None = None
    taste_weight: float = 0.0
    include_watched: bool = False
    region: RegionView | None = None
    include_unknown: bool = False
    diversity: float = 1.0

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise QueryError("--limit must be at least 1.")
        if not 0.0 <= self.taste_weight <= 1.0:
            raise QueryError("--taste-weight must be between 0 and 1.")


DEFAULT_VIEW: Final = View()


@dataclass(frozen=True)
class Match:
    """One ranked result with the numbers behind it."""

    rank: int
    title: Title
    #: Its score, part by part (:class:`rank.ScoreParts`).
    parts: ScoreParts
    why: Explanation
    watched: bool = False
    availability: Availability | None = None
    liked: tuple[tuple[str, float], ...] = ()
    disliked: tuple[tuple[str, float], ...] = ()
    #: The title's row in the catalogue.
    row: int = -1

    @property
    def score(self) -> float:
        return self.parts.total

    @property
    def query_score(self) -> float:
        return self.parts.query

    @property
    def word_score(self) -> float:
        """What the query's own words added to the query score (:func:`words.word_scores`)."""
        return self.parts.words

    @property
    def taste_score(self) -> float | None:
        return self.parts.taste


@dataclass(frozen=True)
class Standing:
    """One title's scores and rank for one query (:meth:`Finder.standing`)."""

    query_score: float
    word_score: float
    score: float
    rank: int


@dataclass(frozen=True)
class Rule:
    """One reason a view hides titles: the MASK of those it lets through, the reason and the
    flag that shows the others; OWN for the user's own exclusions (watched titles), which
    naming what filters hid leaves out. A filter read out of the query text (LITERAL, its own
    mask) is shown by --literal."""

    mask: np.ndarray
    why: str
    flag: str
    own: bool = False
    literal: np.ndarray | None = None

    def hides(self, row: int) -> bool:
        return bool(self.why) and not self.mask[row]

    def reason(self, row: int) -> tuple[str, str]:
        if self.literal is not None and not self.literal[row]:
            return self.why, "--literal"
        return self.why, self.flag


def _without(size: int, rows: Iterable[int]) -> np.ndarray:
    """A mask of SIZE titles that lets through all but ROWS."""
    mask = np.ones(size, dtype=bool)
    mask[list(rows)] = False
    return mask


def _reasons(rules: Sequence[Rule], row: int) -> list[tuple[str, str]]:
    """Each reason RULES hide ROW for, with the flag that shows it anyway."""
    return [rule.reason(row) for rule in rules if rule.hides(row)]


def _all(rules: Sequence[Rule]) -> np.ndarray | None:
    """The titles every one of RULES lets through (None: no rule, every title)."""
    if not rules:
        return None
    mask = rules[0].mask.copy()
    for rule in rules[1:]:
        mask &= rule.mask
    return mask


@dataclass(frozen=True)
class Hidden:
    """A title that would be among the results but for a filter: why, and the flag that
    shows it."""

    title: Title
    reason: str
    flag: str


@dataclass(frozen=True)
class Answer:
    """The results for one search, and what the view's filters kept out of them."""

    matches: list[Match]
    hidden: tuple[Hidden, ...] = ()


@dataclass(frozen=True)
class Scored:
    """Every title's score for one query under one view, and what went into it."""

    scores: np.ndarray
    #: The word match added to each title's query score (0 outside the best candidates).
    words: np.ndarray
    #: The titles the view shows (None: all).
    shown: np.ndarray | None
    #: The titles that only the user's own exclusions hide (watched, the source title).
    open: np.ndarray | None = None
    #: What a long description's hints added to each title (None: no hints).
    hints: np.ndarray | None = None
    #: What the view hides, and why (:meth:`Finder._rules`).
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Finder:
    """A catalogue, its embedding matrix (row i = title i), the encoder for queries and, once a
    history is imported, the taste score of every title and the rows already watched."""

    catalog: Catalog
    matrix: np.ndarray
    encoder: Encoder
    taste: np.ndarray | None = None
    #: The part of each taste score that is the popularity prior (:func:`taste.prior_scores`).
    prior: np.ndarray | None = None
    watched: frozenset[int] = frozenset()
    profile: Taste | None = None
    #: Evidence from the viewing history: where and when each watched title was watched.
    viewed: tuple[Availability, ...] = ()

    def query_scores(self, queries: Sequence[str]) -> np.ndarray:
        """Cosine score of every title for each query: shape (len(queries), titles)."""
        cleaned = [q.strip() for q in queries]
        if any(not q for q in cleaned):
            raise QueryError("The query is empty — describe what you want to watch.")
        # In small batches of similar length: one batch of hundreds of long requests made
        # onnxruntime hold gigabytes of attention scores (7.3 GB for 1,500 requests).
        return rank.cosine_scores(self.matrix, encode_batched(self.encoder, cleaned))

    def ask(self, query: str, view: View = DEFAULT_VIEW) -> Answer:
        """The best titles for QUERY, scored as :meth:`scored` says and shown as VIEW says
        (see :class:`View`: limit, filters, taste weight, watched, region, diversity).

        Raises:
            QueryError: the query is empty.
        """
        return self._ranked(self.query_scores([query])[0], query, view, (), words=True)

    def similar(self, row: int, view: View = DEFAULT_VIEW) -> Answer:
        """The titles nearest to catalogue ROW (itself and its franchise left out)."""
        source = self.catalog.title(row)
        scores = rank.cosine_scores(self.matrix, np.asarray(self.matrix[row], dtype=np.float32))
        key = franchise_key(source.title)
        titles = self.catalog.columns["title"]
        same = [i for i in range(len(titles)) if i == row or franchise_key(titles[i]) == key]
        described = " ".join((*source.genres, *source.keywords))
        return self._ranked(scores, described, view, same, words=False)

    def scored(
        self,
        query_scores: np.ndarray,
        query: str | None,
        view: View = DEFAULT_VIEW,
        exclude: Sequence[int] = (),
    ) -> Scored:
        """Every title's score: score = (1 − w)·(query + words) + w·taste + hints, where
        *words* is how much of QUERY's distinctive wording a title holds (weighted by
        :data:`WORD_WEIGHT`; :func:`words.word_scores`, over every title); QUERY None (a
        `similar` search) leaves words out."""
        rules = self._rules(view, len(query_scores), exclude)
        shown = _all(rules)
        open_ = _all([rule for rule in rules if rule.own])
        words = np.zeros(len(query_scores), dtype=np.float32)
        if query is not None:
            words += WORD_WEIGHT * word_scores(query, self.catalog.word_index)
        scores = rank.blend(query_scores + words, self.taste, view.taste_weight)
        hints = None if view.hints is None else view.hints.boost(self.catalog)
        if hints is not None:
            scores = scores + hints
        return Scored(scores, words, shown, open_, hints, tuple(rules))

    def standing(self, row: int, query: str, view: View = DEFAULT_VIEW) -> Standing:
        """Where ROW stands for QUERY: among the titles VIEW would show when ROW is one of
        them, else among all titles."""
        query_scores = self.query_scores([query])[0]
        scored = self.scored(query_scores, query, view)
        if scored.shown is not None and not scored.shown[row]:  # hidden: among all titles
            everything = View(
                taste_weight=view.taste_weight, hints=view.hints, include_watched=True
            )
            scored = self.scored(query_scores, query, everything)
        position = rank.rank_of(scored.scores, np.array([row]), scored.shown)
        return Standing(
            float(query_scores[row]),
            float(scored.words[row]),
            float(scored.scores[row]),
            int(position or 0),
        )

    def hidden_because(self, row: int, view: View = DEFAULT_VIEW) -> list[str]:
        """Why ROW would not be shown under VIEW (empty: it would be)."""
        rules = self._rules(view, len(self.catalog))
        return [f"{why} ({flag} shows it)" for why, flag in _reasons(rules, row)]

    def _rules(self, view: View, size: int, exclude: Sequence[int] = ()) -> list[Rule]:
        """The one statement of what VIEW hides: each rule's mask of the titles it lets
        through, why it hides the others and the flag that shows them — the user's own
        exclusions (ROWS left out, watched titles) first, then the region and the filters."""
        rules = []
        if exclude:
            rules.append(Rule(_without(size, exclude), "", "", own=True))
        if self.watched and not view.include_watched:
            watched = _without(size, self.watched)
            rules.append(Rule(watched, "you have watched it", "--include-watched", own=True))
        region = view.region
        if region is not None and region.has_evidence and not view.include_unknown:
            why = f"no evidence it is on Netflix in {region.region}"
            rules.append(Rule(region.known(size), why, "--include-unknown"))
        mask = None if view.filters is None else view.filters.mask(self.catalog)
        if view.filters is not None and mask is not None:
            read = None if view.read_filters is None else view.read_filters.mask(self.catalog)
            why = f"filtered out by: {', '.join(view.filters.describe())}"
            rules.append(Rule(mask, why, "dropping the option", literal=read))
        return rules

    def _hidden(self, scored: Scored, shown: Sequence[int], view: View) -> tuple[Hidden, ...]:
        """The titles that would be among the SHOWN results if VIEW's filters and region did not
        hide them (the user's own exclusions, such as watched titles, stay out)."""
        if scored.shown is None:
            return ()
        floor = min(float(scored.scores[r]) for r in shown) if len(shown) >= view.limit else -np.inf
        hidden_mask = ~scored.shown if scored.open is None else ~scored.shown & scored.open
        found = []
        for row in rank.top_k(scored.scores, view.limit, hidden_mask):
            if scored.scores[row] <= floor:
                break
            reasons = _reasons(scored.rules, int(row))
            if reasons:
                title = self.catalog.title(int(row))
                reason, flag = reasons[0]
                found.append(Hidden(title, reason, flag))
        return tuple(found)

    def _neighbours(
        self, row: int
    ) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
        if self.profile is None:
            return (), ()
        liked, disliked = taste_neighbours(self.profile, self.matrix, row)
        name = self.catalog.columns["title"]
        return (
            tuple((str(name[r]), s) for r, s in liked),
            tuple((str(name[r]), s) for r, s in disliked),
        )

    def _ranked(
        self,
        query_scores: np.ndarray,
        query: str,
        view: View,
        exclude: Sequence[int],
        words: bool,
    ) -> Answer:
        scored = self.scored(query_scores, query if words else None, view, exclude)
        matches = self._matches(scored, query_scores, query, view)
        return Answer(matches, self._hidden(scored, [m.row for m in matches], view))

    def _matches(
        self, scored: Scored, query_scores: np.ndarray, query: str, view: View
    ) -> list[Match]:
        scores = scored.scores
        pool = rank.top_k(scores, view.limit * POOL_FACTOR, scored.shown)
        titles = self.catalog.columns["title"]
        keys = [franchise_key(titles[int(row)]) for row in pool]
        groups = np.unique(np.array(keys, dtype=object), return_inverse=True)[1]
        names = [titles[int(row)] for row in pool]
        leads = _franchise_leads(pool, keys, names, scores, scored.words)
        rows = rank.diversify(pool, leads, self.matrix, groups, view.limit, view.diversity)
        matches = []
        for position, row in enumerate(rows, start=1):
            title = self.catalog.title(int(row))
            liked, disliked = self._neighbours(int(row))
            parts = ScoreParts(
                query=float(query_scores[row]),
                words=float(scored.words[row]),
                taste=None if self.taste is None else float(self.taste[row]),
                weight=view.taste_weight if self.taste is not None else 0.0,
                prior=None if self.prior is None else float(self.prior[row]),
                hints=0.0 if scored.hints is None else float(scored.hints[row]),
            )
            matches.append(
                Match(
                    rank=position,
                    title=title,
                    parts=parts,
                    why=explain_match(query, title),
                    watched=int(row) in self.watched,
                    availability=None if view.region is None else view.region.best(int(row)),
                    liked=liked,
                    disliked=disliked,
                    row=int(row),
                )
            )
        return matches


def _franchise_leads(
    pool: np.ndarray,
    keys: Sequence[str],
    names: Sequence[str],
    scores: np.ndarray,
    words: np.ndarray,
) -> np.ndarray:
    """SCORES as diversification weighs the POOL (best first; KEYS its franchises, NAMES its
    titles): a franchise's own title ("Squid Game") that holds as much of the query's wording
    as the franchise's best-scoring title ("Squid Game: Making Season 2") takes its place — a
    special, sequel or spin-off leads only when the query names more of it. The scores shown
    stay true."""
    best: dict[str, int] = {}
    leads = scores
    for row, key, name in zip(pool, keys, names, strict=True):
        top = best.setdefault(key, int(row))
        if top != row and normalise_title(name) == key and words[row] >= words[top] - 1e-6:
            leads = scores.copy() if leads is scores else leads
            leads[row] = scores[top] + 1e-6
    return leads
