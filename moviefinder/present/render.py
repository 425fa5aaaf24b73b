"""Everything the user sees: tables, JSON, progress and errors. The only module importing rich."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.doctor import Check
    from moviefinder.app.evaluation import (
        EvalReport,
        HistoryCoverage,
        QueryTasteReport,
        ReadingReport,
        SplitsReport,
    )
    from moviefinder.app.history import ImportReport, Watched
    from moviefinder.app.library import CatalogImport, CatalogInfo, CatalogSync, EvidenceImport
    from moviefinder.app.search import Found, TasteReport, TitleReport
    from moviefinder.core.availability import Availability, RegionView
    from moviefinder.core.catalog import Title
    from moviefinder.core.errors import MovieFinderError, Remedy
    from moviefinder.core.finder import Hidden, Match
    from moviefinder.core.query import ParsedQuery
    from moviefinder.core.taste import Seen
    from moviefinder.storage.config import ShownSetting
    from moviefinder.storage.store import BuildReport  # pyarrow stays off the query path

# Markup off: titles, queries and paths are data and print as typed ("[/x] Title" once crashed
# rich). Our own styled lines opt in with markup=True and escape() the data they hold.
_out = Console(highlight=False, markup=False)
_err = Console(stderr=True, highlight=False, markup=False)
#: Control characters (escape sequences: clear screen, colours, hyperlinks) and bidirectional
#: overrides, which a title from a history or an imported catalogue may hold.
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
#: Longest title shown; the rest is cut at "…".
SHOWN_CHARS: Final = 200


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """TEXT safe to print: control characters become spaces, and at most LIMIT characters.

    >>> shown("Evil\x1b[2J Title" + "!" * 300, 12)
    'Evil [2J Ti…'
    """
    clean = _CONTROL.sub(" ", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def error(message: str) -> None:
    """One line on stderr, no traceback."""
    # Escaped: a path or title such as "[/old]" would otherwise be read as markup (or crash).
    _err.print(f"[bold red]Error:[/] {escape(message)}", markup=True, soft_wrap=True)


def warning(message: str) -> None:
    """One line on stderr that does not stop the command."""
    _err.print(f"[bold yellow]Warning:[/] {escape(message)}", markup=True, soft_wrap=True)


#: How a command is written for the user to run.
PROGRAM: Final = "moviefinder"


def said(remedy: Remedy) -> str:
    """REMEDY in words: "run `moviefinder catalog build`", "reinstall moviefinder"."""
    command = f"`{PROGRAM} {remedy.command}`" if remedy.command else ""
    text = " ".join(part for part in (remedy.before, command, remedy.after) if part)
    return text if remedy.alternative is None else f"{text}, or {said(remedy.alternative)}"


def problem(exc: MovieFinderError) -> str:
    """EXC's message, and the way past it when it has one."""
    return exc.message if exc.remedy is None else f"{exc.message} — {said(exc.remedy)}."


def setback(exc: MovieFinderError, meanwhile: str = "") -> None:
    """A problem the command went on without (a damaged file), and what it does MEANWHILE."""
    warning(f"{problem(exc)} {meanwhile}".rstrip())


def exporting() -> None:
    """Said once per install, before the model is exported to ONNX."""
    _err.print("First run: preparing the fast query encoder (about 15 s, only once)…", style="dim")


def waiting(pid: int | None) -> None:
    """Said once when another moviefinder is changing the data directory and we wait."""
    who = "" if pid is None else f" (pid {pid})"
    _err.print(f"waiting for another moviefinder to finish{who}…", style="dim", soft_wrap=True)


def emit_json(value: object) -> None:
    # Plain print: rich would wrap long lines and colour the JSON.
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _short_why(match: Match) -> str:
    """The table's reason: query words found, and the liked title nearest, if any."""
    parts = [match.why.summary()] if match.why.found or not match.liked else []
    if match.liked:
        title, similarity = match.liked[0]
        parts.append(f"like {title} ({similarity:.2f})")
    return "; ".join(parts)


def _full_why(match: Match, region: RegionView | None) -> None:
    parts = match.parts
    query = f"query {parts.query:.3f} + words {parts.words:.3f}"
    if parts.taste is None or parts.weight == 0.0:
        sum_ = f"{parts.total:.3f} = {query}"
    else:
        sum_ = (
            f"{parts.total:.3f} = {1 - parts.weight:.2f}·({query})"
            f" + {parts.weight:.2f}·taste {parts.taste:.3f}"
        )
        if parts.prior is not None:
            like, prior = parts.taste - parts.prior, parts.prior
            sum_ += f" (like what you watch {like:+.3f}, how widely watched {prior:+.3f})"
    if abs(parts.hints) >= 0.0005:  # what the hints of a long query added or took
        sum_ += f" {parts.hints:+.3f} hints"
    _out.print(
        f"[bold]{match.rank}. {escape(shown(match.title.title))}[/] — score {sum_}", markup=True
    )
    _out.print(f"   query words: {match.why.summary()}")
    for label, group in (("pulled up by", match.liked), ("pushed down by", match.disliked)):
        if group:
            _out.print(f"   {label}: " + ", ".join(f"{t} ({s:.2f})" for t, s in group))
    if region is not None:
        _out.print(f"   on Netflix {region.region}: {_where(match, region)}")


def _where(match: Match, region: RegionView | None) -> str:
    if region is None:
        return ""
    if match.availability is None:
        return "?"
    return match.availability.describe(date.today())


def match_dict(match: Match, region: RegionView | None = None) -> dict[str, object]:
    t = match.title
    record = match.availability
    return {
        "rank": match.rank,
        "id": t.id,
        "imdb_id": t.imdb_id,
        "tmdb_id": t.tmdb_id,
        "title": t.title,
        "year": t.year,
        "type": t.type,
        "genres": list(t.genres),
        "score": round(match.score, 4),
        "query_score": round(match.query_score, 4),
        "word_score": round(match.word_score, 4),
        "taste_score": None if match.taste_score is None else round(match.taste_score, 4),
        "watched": match.watched,
        "why": _short_why(match),
        "query_words": {field: list(words) for field, words in match.why.found},
        "liked_near": _near(match.liked),
        "disliked_near": _near(match.disliked),
        "availability": None if record is None else _record_dict(record),
    }


def _near(titles: Iterable[tuple[str, float]]) -> list[dict[str, object]]:
    """Liked or disliked titles near a match, with their similarity, as JSON."""
    return [{"title": title, "similarity": round(similarity, 4)} for title, similarity in titles]


def _record_dict(record: Availability) -> dict[str, object]:
    return {
        "region": record.region,
        "service": record.service,
        "source": record.source,
        "first_seen": record.first_seen,
        "last_seen": record.last_seen,
        "stale": record.is_stale(date.today()),
        "age": record.age(date.today()),
    }


def _hidden_line(hidden: Sequence[Hidden]) -> str:
    """One line naming up to three hidden titles, those hidden for one reason together, each
    group followed by why and the flag that shows it."""
    groups: dict[tuple[str, str], list[str]] = {}
    for h in hidden[:3]:
        groups.setdefault((h.reason, h.flag), []).append(shown(h.title.title))
    named = [f"{', '.join(titles)} ({reason}; {flag})" for (reason, flag), titles in groups.items()]
    more = f" and {len(hidden) - 3} more" if len(hidden) > 3 else ""
    return f"Hidden, though they would rank among these: {', '.join(named)}{more}"


def hidden_dict(hidden: Hidden) -> dict[str, object]:
    return {
        "title": hidden.title.title,
        "id": hidden.title.id,
        "reason": hidden.reason,
        "flag": hidden.flag,
    }


def matches(found: Found, as_json: bool, full: bool = False) -> None:
    """What ask or similar FOUND as a table (FULL: every result explained) or JSON."""
    answer, query, taste_weight = found.answer, found.label, found.taste_weight
    filters, parsed, region = found.read, found.parsed, found.view.region
    results = answer.matches
    if as_json:
        emit_json(
            {
                "query": query,
                "results": [match_dict(m, region) for m in results],
                "hidden": [hidden_dict(h) for h in answer.hidden],
            }
        )
        return
    if region is not None and not region.has_evidence:
        _out.print(
            f"No availability evidence for {region.region} in this catalogue: showing every title.",
            style="yellow",
        )
        region = None
    if parsed is not None:
        _reading(parsed, "dim")
    understood = [] if filters is None else filters.describe()
    if understood:
        _out.print(f"Understood: {', '.join(understood)} (--literal ignores the text)", style="dim")
    if not results:
        _out.print("No titles match.")
        if answer.hidden:
            _out.print(_hidden_line(answer.hidden), style="yellow")
        return
    table = Table(title=f"“{shown(query)}”", title_justify="left", show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("title", style="bold")
    table.add_column("year", justify="right")
    table.add_column("type")
    table.add_column("score", justify="right")
    table.add_column("why", style="dim", overflow="fold")
    if taste_weight is not None:
        table.add_column("taste", justify="right")
    if region is not None:
        table.add_column(f"on Netflix {region.region}", style="dim", overflow="fold")
    for m in results:
        t = m.title
        name = Text(shown(t.title))
        if m.watched:
            name += Text(" (watched)", style="dim")
        cells: list[str | Text] = [
            str(m.rank),
            name,
            str(t.year or ""),
            t.type,
            f"{m.score:.3f}",
            _short_why(m),
        ]
        if m.taste_score is not None and taste_weight is not None:
            cells.append(f"{m.taste_score:.3f}")
        if region is not None:
            cells.append(_where(m, region))
        table.add_row(*cells)
    _out.print(table)
    if full:
        for m in results:
            _full_why(m, region)
    if answer.hidden:
        _out.print(_hidden_line(answer.hidden), style="yellow")
    if taste_weight is None:
        _out.print(
            "score = query match + words (no viewing history imported, so taste is off)",
            style="dim",
        )
    else:
        watched = (
            "watched titles shown, marked (watched)"
            if found.view.include_watched
            else "watched titles hidden (--include-watched shows them)"
        )
        _out.print(
            f"score = {1 - taste_weight:.2f}·(query + words) + {taste_weight:.2f}·taste; {watched}",
            style="dim",
        )


def eval_report(report: EvalReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    table = Table(show_edge=False)
    table.add_column("rank", justify="right")
    table.add_column("query", overflow="fold")
    for outcome in report.per_query:
        shown = "—" if outcome.rank is None else str(outcome.rank)
        if not outcome.found:
            shown = "not in catalogue"
        table.add_row(shown, outcome.query)
    _out.print(table)
    hits = "  ".join(f"Hit@{k} {v:.3f}" for k, v in report.hits.items())
    left_out = f" ({report.left_out} without an answer in the catalogue left out)"
    _out.print(
        f"n {report.n}  {hits}  MRR {report.mrr:.3f}" + (left_out if report.left_out else "")
    )


def reading_report(report: ReadingReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    for outcome in report.wrong:
        expected = ", ".join(sorted(outcome.case.understood)) or "—"
        _out.print(
            f"{outcome.case.query}\n  expected: {expected}\n"
            f"  read:     {', '.join(sorted(outcome.read)) or '—'}",
            markup=False,
        )
    for lang in (None, *report.languages):
        scores = report.scores(lang)
        _out.print(
            f"{lang or 'all'}: {scores['queries']} queries ({scores['traps']} traps)  "
            f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
            f"traps hiding {scores['traps_hiding']}"
        )


def coverage(found: Sequence[HistoryCoverage], as_json: bool) -> None:
    total = (
        sum(c.titles for c in found),
        sum(c.matched for c in found),
        sum(c.with_synopsis for c in found),
    )
    if as_json:
        rows = [asdict(c) for c in found]
        emit_json(
            {
                "histories": rows,
                "total": dict(zip(("titles", "matched", "with_synopsis"), total, strict=True)),
            }
        )
        return
    table = Table("titles", "matched", "with synopsis", show_edge=False)
    table.add_column("history", overflow="fold")
    for name, titles, matched, with_synopsis in [
        *((c.name, c.titles, c.matched, c.with_synopsis) for c in found),
        ("total", *total),
    ]:
        share = f"{with_synopsis} ({with_synopsis / max(titles, 1):.0%})"
        table.add_row(str(titles), f"{matched} ({matched / max(titles, 1):.0%})", share, name)
    _out.print(table)


def import_report(report: ImportReport) -> None:
    skipped = sum(report.skipped.values())
    _out.print(
        f"Read {report.rows} rows: kept {report.kept} viewings ({report.added} new), "
        f"skipped {skipped}" + (f", {report.ratings} ratings" if report.ratings else "") + "."
    )
    for reason, count in sorted(report.skipped.items(), key=lambda item: -item[1]):
        _out.print(f"  skipped {count:>5}  {reason}")
    for line, wrong in report.bad:
        _out.print(f"  e.g. line {line}: {wrong}", markup=False)
    _out.print(
        f"Matched {report.matched_titles} of {report.titles} titles "
        f"({report.matched_views:.0%} of viewings) to the catalogue."
    )
    if report.unmatched:
        named = ", ".join(f"{shown(title)} ({count})" for title, count in report.unmatched[:10])
        more = len(report.unmatched) - 10
        _out.print(
            f"Unmatched, most watched first: {named}" + (f" and {more} more" if more > 0 else "")
        )
        _out.print(
            'Fix one by hand: moviefinder history link "<history title>" <catalogue id>',
            style="dim",
        )
    if report.profiles:
        named = ", ".join(f"'{shown(p)}'" for p in report.profiles)
        _out.print(
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
    _out.print(f"Watched in: {places}.")
    main = report.countries[0][0]
    if report.region and report.region not in dict(report.countries):
        _out.print(
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
        _out.print("No history yet — run `moviefinder import-history <your Netflix export>`.")
        return
    first, last = stored.viewings[0].when, stored.viewings[-1].when
    matched = sum(1 for s in shows if s.match.matched)
    _out.print(
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
    _out.print(table)
    if len(shown_shows) < len(shows):
        _out.print(
            f"… and {len(shows) - len(shown_shows)} more: `moviefinder history --all` lists them "
            "(`--unmatched` only those that matched nothing).",
            style="dim",
        )


def linked(show: str, title: Title) -> None:
    _out.print(f"Linked “{shown(show)}” → {shown(title.title)} ({title.year}, {title.id}).")


def taste_report(report: SplitsReport, searched: QueryTasteReport | None, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict() | ({} if searched is None else {"queries": searched.as_dict()}))
        return
    people = f"{report.users} people" if report.users > 1 else "your history"
    _out.print(
        f"Learned from {report.learned_from} titles of {people}; predicting the "
        f"{report.held_out} that came after them."
    )
    table = Table(show_edge=False)
    table.add_column("ranking")
    table.add_column(f"Recall@{report.k}", justify="right")
    table.add_column(f"NDCG@{report.k}", justify="right")
    for name, scores in (("taste", report.taste), ("most popular", report.popularity)):
        table.add_row(name, f"{scores.recall:.3f}", f"{scores.ndcg:.3f}")
    _out.print(table)
    if searched is not None:
        _out.print(
            f"Searching each of the {searched.queries} by its genres and decade "
            f'("a 1990s crime thriller movie"): MRR {searched.mrr_without:.3f} without taste, '
            f"{searched.mrr_with:.3f} at taste weight {searched.weight:g} "
            f"({searched.lift:+.0%}); taste lifted {searched.lifted:.0%} of them and lowered "
            f"{searched.lowered:.0%}.",
            soft_wrap=True,
        )


def rated(title: Title, verdict: str) -> None:
    done = "Forgot your rating of" if verdict == "clear" else f"Noted: you {verdict}"
    _out.print(f"{done} {shown(title.title)} ({title.year}, {title.id}).")


def taste(report: TasteReport, as_json: bool = False, top: int = 8) -> None:
    """The user's taste: strongest signals, ratings, and each interest by its titles."""
    profile, names, catalog = report.taste, report.interests, report.catalog
    if as_json:
        signals = [] if profile is None else profile.signals
        emit_json(
            {
                "signals": [
                    {
                        "id": catalog.columns["id"][s.row],
                        "title": catalog.title(s.row).title,
                        "weight": round(s.weight, 4),
                        "reason": s.reason,
                        "recency": round(s.recency, 4),
                    }
                    for s in sorted(signals, key=lambda s: -s.weight)
                ],
                "ratings": [
                    {"id": catalog.columns["id"][seen.row], "title": catalog.title(seen.row).title}
                    | _seen_dict(seen)
                    for seen in ([] if profile is None else profile.rated())
                ],
                "interests": [
                    {
                        "typical": [catalog.title(row).title for row in rows],
                        "titles": len(members),
                    }
                    for rows, members in zip(
                        names, [] if profile is None else profile.members, strict=True
                    )
                ],
            }
        )
        return
    if profile is None:
        _out.print("No taste yet — import a history or rate a title you liked.")
        return
    signals = sorted(profile.signals, key=lambda s: -s.weight)
    for heading, chosen in (
        ("Strongest likes", [s for s in signals if s.weight > 0][:top]),
        ("Strongest dislikes", [s for s in reversed(signals) if s.weight < 0][:top]),
    ):
        if not chosen:
            continue
        table = Table(title=heading, title_justify="left", show_edge=False)
        table.add_column("weight", justify="right")
        table.add_column("title")
        table.add_column("why", style="dim")
        for s in chosen:
            table.add_row(
                f"{s.weight:+.2f}",
                catalog.title(s.row).title,
                f"{s.reason}, recency {s.recency:.2f}",
            )
        _out.print(table)
    rated = profile.rated()
    if rated:
        table = Table(title="Your ratings", title_justify="left", show_edge=False)
        table.add_column("rating")
        table.add_column("title")
        table.add_column("on", style="dim")
        for seen in rated:
            thumbs = VERDICTS[seen.thumbs]
            on = "" if seen.rated is None else seen.rated.date().isoformat()
            table.add_row(thumbs, shown(catalog.title(seen.row).title), on)
        _out.print(table)
    _out.print("Your interests, each named by its most typical titles:")
    for number, (rows, members) in enumerate(zip(names, profile.members, strict=True), start=1):
        typical = ", ".join(catalog.title(row).title for row in rows)
        _out.print(f"  {number}. {typical} ({len(members)} titles)")


def _reading(parsed: ParsedQuery, style: str = "") -> None:
    """How the query was read: its English rendering and the hints taken from a long one."""
    if parsed.read_as is not None:
        _out.print(f"Read as English: {parsed.read_as}", style=style)
    if parsed.foreign is not None:
        _out.print(
            f"This looks like {parsed.foreign}; moviefinder reads English and Dutch, so it "
            "searched the words as typed (names and titles may still match).",
            style="yellow",
        )
    hints = parsed.hints.describe()
    if hints:
        _out.print(f"Hints (lift, never hide): {', '.join(hints)}", style=style)


def explanation(report: TitleReport, as_json: bool = False) -> None:
    """Everything known about one title and where it stands, from measured numbers."""
    title, region, watched, yours = report.title, report.region, report.watched, report.yours
    taste_score, prior_score, neighbours = report.taste_score, report.prior_score, report.neighbours
    standing, hidden, catalog, parsed = (
        report.standing,
        report.hidden,
        report.catalog,
        report.parsed,
    )
    if as_json:
        liked, disliked = neighbours or ([], [])
        viewed = title.latest_hours()
        emit_json(
            {
                "id": title.id,
                "title": title.title,
                "year": title.year,
                "type": title.type,
                "genres": list(title.genres),
                "countries": list(title.countries),
                "directors": list(title.directors),
                "cast": list(title.cast),
                "alt_titles": list(title.alt_titles),
                "synopsis": title.synopsis,
                "region": region.region,
                "availability": [
                    _record_dict(r) for r in region.records(catalog.find(title.id)[0])
                ],
                "hours_viewed": None
                if viewed is None
                else {"period": viewed[0], "hours": viewed[1]},
                "watched": watched,
                "yours": None if yours is None else _seen_dict(yours),
                "taste_score": None if taste_score is None else round(taste_score, 4),
                "popularity_score": None if prior_score is None else round(prior_score, 4),
                "liked_near": _near((catalog.title(r).title, v) for r, v in liked),
                "disliked_near": _near((catalog.title(r).title, v) for r, v in disliked),
                "query": None if standing is None else asdict(standing),
                "hidden_because": list(hidden),
            }
        )
        return
    length = (
        f"{title.seasons} seasons"
        if title.seasons
        else f"{title.runtime} min"
        if title.runtime
        else ""
    )
    facts = ", ".join(str(p) for p in (title.year, title.type, length) if p)
    _out.print(
        f"[bold]{escape(shown(title.title))}[/] ({escape(facts)}) [dim]{escape(title.id)}[/]",
        markup=True,
    )
    for label, values in (
        ("genres", title.genres),
        ("countries", title.countries),
        ("by", title.directors),
        ("with", title.cast[:5]),
        ("also known as", title.alt_titles),
    ):
        if values:
            _out.print(f"  {label}: {', '.join(values)}")
    if title.synopsis:
        _out.print(f"  {title.synopsis}")
    records = region.records(catalog.find(title.id)[0])
    if records:
        _out.print(f"On Netflix {region.region}: {records[0].describe(date.today())}")
        for record in records:
            where = _place(record.region)
            _out.print(
                f"  {record.source}: {where}, {record.first_seen} → {record.last_seen} "
                f"({record.age(date.today())})"
            )
    else:
        _out.print(f"On Netflix {region.region}: no evidence either way.")
    viewed = title.latest_hours()
    if viewed is not None:
        period, hours = viewed
        _out.print(f"Netflix: {_hours(hours)} hours viewed in {period[:4]} {period[4:]}")
    if yours is not None:
        _out.print(f"You {your_part(yours, title.type)}.")
    else:
        _out.print("You have watched it." if watched else "Not in your viewing history.")
    if taste_score is None:
        _out.print("Taste: off (no viewing history imported).")
    else:
        parts = (
            ""
            if prior_score is None
            else f" (like what you watch {taste_score - prior_score:+.3f}, how widely watched "
            f"{prior_score:+.3f})"
        )
        _out.print(f"Taste score: {taste_score:.3f}{parts}")
        liked, disliked = neighbours or ([], [])
        for label, group in (("pulled up by", liked), ("pushed down by", disliked)):
            if group:
                near = ", ".join(f"{catalog.title(r).title} ({s:.2f})" for r, s in group)
                _out.print(f"  {label}: {near}")
    if standing is not None:
        if parsed is not None:
            _reading(parsed)
        _out.print(
            f"For the query: query score {standing.query_score:.3f}, words "
            f"{standing.word_score:.3f}, score {standing.score:.3f}, rank {standing.rank}."
        )
    if hidden:
        _out.print("[yellow]It would be hidden:[/] " + escape("; ".join(hidden)), markup=True)
    else:
        _out.print("It would be shown.")


#: A thumbs rating (1, 2, 3) in a table or JSON, and in a sentence.
VERDICTS: Final = {1: "down", 2: "up", 3: "love"}
THUMBS: Final = {1: "a thumbs down", 2: "a thumbs up", 3: "two thumbs up"}


def your_part(seen: Seen, kind: str) -> str:
    """What you did with a title, as a clause: "gave it a thumbs up on 2024-04-25; watched 8
    episodes, the last on 2024-05-02"."""
    parts = []
    if seen.thumbs:
        when = f" on {seen.rated.date().isoformat()}" if seen.rated else ""
        parts.append(f"gave it {THUMBS[seen.thumbs]}{when}")
    if seen.views and seen.last is not None:
        last = seen.last.date().isoformat()
        if kind == "series":
            episodes = f"{seen.episodes} episode{'s' if seen.episodes != 1 else ''}"
            parts.append(f"watched {episodes}, the last on {last}")
        elif seen.days > 1:
            parts.append(f"watched it on {seen.days} days, the last on {last}")
        else:
            parts.append(f"watched it on {last}")
    return "; ".join(parts) or "have it in your history"


def _seen_dict(seen: Seen) -> dict[str, object]:
    def day(when: datetime | None) -> str | None:
        return None if when is None else when.date().isoformat()

    return {
        "thumbs": VERDICTS.get(seen.thumbs),
        "rated": day(seen.rated),
        "views": seen.views,
        "episodes": seen.episodes,
        "first": day(seen.first),
        "last": day(seen.last),
    }


def _place(region: str) -> str:
    """A region as the user reads it: "*" is every region."""
    return "every region" if region == "*" else region


def _hours(hours: int) -> str:
    """312_000_000 → "312M"; 1_500_000 → "1.5M"; 800_000 → "0.8M"."""
    millions = hours / 1_000_000
    return f"{millions:.0f}M" if millions >= 10 else f"{millions:.1f}M"


def build_report(report: BuildReport, where: str) -> None:
    _out.print(
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
    _out.print(f"catalogue {info.name}: {cover.titles} titles")
    for label, count in [
        ("with a synopsis", cover.with_synopsis),
        ("with keywords", cover.with_keywords),
        ("with key phrases", cover.with_key_phrases),
        ("with any of these", cover.described),
        ("with other titles", cover.with_alt_titles),
    ]:
        _out.print(f"  {label:<18} {count:>6}  ({count / max(cover.titles, 1):.1%})")
    table = Table("region", "source", "titles with evidence", title="availability")
    for region, by_source in info.availability.items():
        place = _place(region)
        for source, count in by_source.items():
            table.add_row(place, source, str(count))
        table.add_row(
            place,
            "all sources",
            str(info.evidence_titles[region]),
            style="bold",
        )
    _out.print(table)
    decades: dict[str, int] = {}
    for year, count in info.years.items():
        label = f"{year // 10 * 10}s" if year and year < 2020 else str(year or "unknown")
        decades[label] = decades.get(label, 0) + count
    _out.print("released: " + ", ".join(f"{label} {count}" for label, count in decades.items()))


def evidence_added(result: EvidenceImport) -> None:
    _out.print(
        f"Read {result.listings} titles from the list; {result.matched} matched catalogue "
        f"'{result.name}' ({result.records} evidence records)."
    )
    for region, count in result.after.items():
        _out.print(
            f"  {_place(region)}: {result.before.get(region, 0)} → {count} titles with evidence"
        )


def catalog_import(result: CatalogImport) -> None:
    imported, build = result.imported, result.build
    _out.print(
        f"Imported {len(imported.titles)} titles into '{result.name}'"
        + (f", skipped {len(imported.skipped)} rows:" if imported.skipped else ".")
    )
    for line, reason in imported.skipped[:10]:
        _out.print(f"  line {line}: {reason}")
    if len(imported.skipped) > 10:
        _out.print(f"  … and {len(imported.skipped) - 10} more")
    _out.print(f"Embedded {build.embedded}, reused {build.reused}, dropped {build.removed}.")
    _out.print(f'Search it with: moviefinder ask "…" --catalog {result.name}')


#: TMDB's terms ask every app using its API to say so; watch-provider data is JustWatch's.
TMDB_ATTRIBUTION: Final = (
    "This product uses the TMDB API but is not endorsed or certified by TMDB. "
    "Streaming availability data by JustWatch."
)


def catalog_sync(result: CatalogSync) -> None:
    done, build = result.sync, result.build
    _out.print(
        f"Netflix {result.region} per TMDB: {done.added} new, {done.updated} updated, "
        f"{done.unchanged} unchanged, {done.retired} no longer listed "
        f"({done.fetched} details fetched) → catalogue '{result.name}', {len(done.titles)} titles."
    )
    for kind in done.capped:
        _out.print(
            f"TMDB lists more {kind} titles in {result.region} than its 500 pages show: those past "
            "them were not read, and not retired either.",
            style="yellow",
        )
    if done.gone:
        _out.print(
            f"Left out {len(done.gone)} listed title(s) TMDB no longer has (deleted or merged): "
            + ", ".join(done.gone[:5])
            + (" …" if len(done.gone) > 5 else ""),
            style="yellow",
        )
    _out.print(f"Embedded {build.embedded}, reused {build.reused}, dropped {build.removed}.")
    _out.print(f'Search it with: moviefinder ask "…" --catalog {result.name}')
    _out.print(TMDB_ATTRIBUTION, style="dim")


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
    _out.print(table)


def removed(name: str) -> None:
    _out.print(f"Removed catalogue '{name}'.")


def locations(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        _out.print(f"{name:<{width}}  {value}", soft_wrap=True)


@contextmanager
def stages() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """Progress bars on stderr for the steps of a long command: ``stage(label)`` gives the
    callback(done, total) of one step, whose bar shows from its first call on — a short step,
    or an error before any work, prints nothing."""
    # Imported here: only long-running commands show progress, and every ms counts for `ask`.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_err,
    )

    def stage(label: str) -> Callable[[int, int], None]:
        task: TaskID | None = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if not bar.live.is_started:
                bar.start()
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done, total=total)

        return update

    try:
        yield stage
    finally:
        if bar.live.is_started:
            bar.stop()


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for a one-step command (see :func:`stages`)."""
    with stages() as stage:
        yield stage(label)


def settings(shown: Sequence[ShownSetting]) -> None:
    """`config show`: one ``key = value`` line per setting, with where it comes from."""
    for item in shown:
        value, source = escape(item.value), escape(item.source)
        _out.print(f"{item.key} = {value}  [dim]({source})[/]", markup=True, soft_wrap=True)


def setting_written(key: str, shown: str, where: str) -> None:
    _out.print(f"{key} = {shown}" if shown else f"{key} removed", soft_wrap=True)
    _out.print(f"Written to {where} (readable by you only).", style="dim", soft_wrap=True)


def doctor(checks: Sequence[Check], as_json: bool = False) -> None:
    """One line per check: ok, fixed or PROBLEM, what was found, and the way out."""
    if as_json:
        emit_json(
            {
                "checks": [
                    asdict(check) | {"fix": said(check.fix) if check.fix else ""}
                    for check in checks
                ]
            }
        )
        return
    for check in checks:
        if check.ok:
            mark, tail = "[green]ok[/]     ", ""
        elif check.fixed:
            mark, tail = "[yellow]fixed[/]  ", f" → {said(check.fix)}" if check.fix else ""
        else:
            mark, tail = "[bold red]PROBLEM[/]", f" → {said(check.fix)}" if check.fix else ""
        line = f"{mark} {escape(check.subject)}: {escape(check.detail + tail)}"
        _out.print(line, markup=True, soft_wrap=True)
    problems = sum(1 for check in checks if check.problem)
    fixed = sum(1 for check in checks if check.fixed)
    summary = f"{problems} problem(s)" if problems else "Everything is whole"
    _out.print(f"{summary}; {len(checks)} checks" + (f", {fixed} fixed." if fixed else "."))
