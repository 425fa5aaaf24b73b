"""What ask, similar, explain and taste found: result tables, the score's parts, where a title
streams, what the history holds of it — and the same as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # types only: rendering must not drag every core module into `ask`
    from moviefinder.app.search import Found, TasteReport, TitleReport
    from moviefinder.core.availability import Availability, RegionView
    from moviefinder.core.finder import Hidden, Match
    from moviefinder.core.query import ParsedQuery
    from moviefinder.core.taste import Seen

from moviefinder.present.console import OUT, emit_json, place, shown


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
    OUT.print(
        f"[bold]{match.rank}. {escape(shown(match.title.title))}[/] — score {sum_}", markup=True
    )
    OUT.print(f"   query words: {match.why.summary()}")
    for label, group in (("pulled up by", match.liked), ("pushed down by", match.disliked)):
        if group:
            OUT.print(f"   {label}: " + ", ".join(f"{t} ({s:.2f})" for t, s in group))
    if region is not None:
        OUT.print(f"   on Netflix {region.region}: {_where(match, region)}")


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
        OUT.print(
            f"No availability evidence for {region.region} in this catalogue: showing every title.",
            style="yellow",
        )
        region = None
    if parsed is not None:
        _reading(parsed, "dim")
    understood = [] if filters is None else filters.describe()
    if understood:
        OUT.print(f"Understood: {', '.join(understood)} (--literal ignores the text)", style="dim")
    if not results:
        OUT.print("No titles match.")
        if answer.hidden:
            OUT.print(_hidden_line(answer.hidden), style="yellow")
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
    OUT.print(table)
    if full:
        for m in results:
            _full_why(m, region)
    if answer.hidden:
        OUT.print(_hidden_line(answer.hidden), style="yellow")
    if taste_weight is None:
        OUT.print(
            "score = query match + words (no viewing history imported, so taste is off)",
            style="dim",
        )
    else:
        watched = (
            "watched titles shown, marked (watched)"
            if found.view.include_watched
            else "watched titles hidden (--include-watched shows them)"
        )
        OUT.print(
            f"score = {1 - taste_weight:.2f}·(query + words) + {taste_weight:.2f}·taste; {watched}",
            style="dim",
        )


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
        OUT.print("No taste yet — import a history or rate a title you liked.")
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
        OUT.print(table)
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
        OUT.print(table)
    OUT.print("Your interests, each named by its most typical titles:")
    for number, (rows, members) in enumerate(zip(names, profile.members, strict=True), start=1):
        typical = ", ".join(catalog.title(row).title for row in rows)
        OUT.print(f"  {number}. {typical} ({len(members)} titles)")


def _reading(parsed: ParsedQuery, style: str = "") -> None:
    """How the query was read: its English rendering and the hints taken from a long one."""
    if parsed.read_as is not None:
        OUT.print(f"Read as English: {parsed.read_as}", style=style)
    if parsed.foreign is not None:
        OUT.print(
            f"This looks like {parsed.foreign}; moviefinder reads English and Dutch, so it "
            "searched the words as typed (names and titles may still match).",
            style="yellow",
        )
    hints = parsed.hints.describe()
    if hints:
        OUT.print(f"Hints (lift, never hide): {', '.join(hints)}", style=style)


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
    OUT.print(
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
            OUT.print(f"  {label}: {', '.join(values)}")
    if title.synopsis:
        OUT.print(f"  {title.synopsis}")
    records = region.records(catalog.find(title.id)[0])
    if records:
        OUT.print(f"On Netflix {region.region}: {records[0].describe(date.today())}")
        for record in records:
            where = place(record.region)
            OUT.print(
                f"  {record.source}: {where}, {record.first_seen} → {record.last_seen} "
                f"({record.age(date.today())})"
            )
    else:
        OUT.print(f"On Netflix {region.region}: no evidence either way.")
    viewed = title.latest_hours()
    if viewed is not None:
        period, hours = viewed
        OUT.print(f"Netflix: {_hours(hours)} hours viewed in {period[:4]} {period[4:]}")
    if yours is not None:
        OUT.print(f"You {your_part(yours, title.type)}.")
    else:
        OUT.print("You have watched it." if watched else "Not in your viewing history.")
    if taste_score is None:
        OUT.print("Taste: off (no viewing history imported).")
    else:
        parts = (
            ""
            if prior_score is None
            else f" (like what you watch {taste_score - prior_score:+.3f}, how widely watched "
            f"{prior_score:+.3f})"
        )
        OUT.print(f"Taste score: {taste_score:.3f}{parts}")
        liked, disliked = neighbours or ([], [])
        for label, group in (("pulled up by", liked), ("pushed down by", disliked)):
            if group:
                near = ", ".join(f"{catalog.title(r).title} ({s:.2f})" for r, s in group)
                OUT.print(f"  {label}: {near}")
    if standing is not None:
        if parsed is not None:
            _reading(parsed)
        OUT.print(
            f"For the query: query score {standing.query_score:.3f}, words "
            f"{standing.word_score:.3f}, score {standing.score:.3f}, rank {standing.rank}."
        )
    if hidden:
        OUT.print("[yellow]It would be hidden:[/] " + escape("; ".join(hidden)), markup=True)
    else:
        OUT.print("It would be shown.")


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


def _hours(hours: int) -> str:
    """312_000_000 → "312M"; 1_500_000 → "1.5M"; 800_000 → "0.8M"."""
    millions = hours / 1_000_000
    return f"{millions:.0f}M" if millions >= 10 else f"{millions:.1f}M"
