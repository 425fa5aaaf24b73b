from __future__ import annotations

import pytest

from moviefinder.core.catalog import Catalog, Title
from moviefinder.core.errors import QueryError
from moviefinder.core.explain import Explanation, explain_match
from moviefinder.core.finder import WORD_WEIGHT, Finder, View
from moviefinder.core.query import Filters
from moviefinder.core.words import WordIndex, content_words, key, stem, word_scores
from moviefinder.storage.store import refresh
from tests.conftest import FakeEncoder


@pytest.fixture
def finder(catalog: Catalog, encoder: FakeEncoder) -> Finder:
    embeddings, _ = refresh(catalog, encoder, None)
    return Finder(catalog, embeddings.matrix, encoder)


def test_ask_ranks_keyword_matches_first(finder: Finder) -> None:
    results = finder.ask("vikings fight for king alfred", View(limit=3)).matches
    assert results[0].title.title == "The Last Kingdom"
    assert [m.rank for m in results] == [1, 2, 3]
    assert results[0].score == pytest.approx(results[0].query_score + results[0].word_score)
    assert results[0].word_score == pytest.approx(WORD_WEIGHT)  # it holds every query word
    assert results[0].taste_score is None
    assert results[0].score >= results[1].score >= results[2].score


def test_ask_filters_by_type(finder: Finder) -> None:
    movies = finder.ask("space rocket", View(limit=10, filters=Filters(kind="movie"))).matches
    assert {m.title.type for m in movies} == {"movie"}
    assert [m.title.title for m in movies][:2] == ["Space Dogs", "Star Voyage"]
    series = finder.ask("space rocket", View(limit=10, filters=Filters(kind="series"))).matches
    assert {m.title.id for m in series} == {"t:1", "t:3"}


def test_ask_limit_larger_than_catalogue(finder: Finder) -> None:
    assert len(finder.ask("anything", View(limit=50)).matches) == 5


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_query_is_an_error(finder: Finder, query: str) -> None:
    with pytest.raises(QueryError, match="The query is empty"):
        finder.ask(query)


def test_explanation_names_query_words_per_field(catalog: Catalog) -> None:
    why = explain_match("King Alfred fights vikings in Wessex", catalog.titles[0])
    assert why == Explanation(
        (("keywords", ("alfred", "vikings", "wessex")), ("synopsis", ("king", "fights")))
    )
    assert why.summary() == "keywords: alfred, vikings, wessex; synopsis: king, fights"
    assert explain_match("zebra", catalog.titles[0]).summary() == "close in meaning"


def test_content_words_drop_stopwords_in_english_and_dutch() -> None:
    assert content_words("The one where a chef cooks, een serie over koks") == [
        "chef",
        "cooks",
        "koks",
    ]


def test_one_title_per_franchise(encoder: FakeEncoder) -> None:
    from moviefinder.core.catalog import Title

    titles = tuple(
        Title(id=f"r:{i}", title=name, type="movie", synopsis="a boxer from philadelphia")
        for i, name in enumerate(["Rocky", "Rocky II", "Rocky III", "Creed", "Heat"])
    )
    catalog = Catalog.of("c", titles)
    finder = Finder(catalog, refresh(catalog, encoder, None)[0].matrix, encoder)
    shown = [m.title.title for m in finder.ask("boxer philadelphia", View(limit=3)).matches]
    assert len(shown) == 3 and sum(t.startswith("Rocky") for t in shown) == 1


def test_word_scores_weigh_the_rare_query_words_over_every_title() -> None:
    alfred = Title(id="a", title="The Last Kingdom", type="series", keywords=("King Alfred",))
    canute = Title(id="b", title="Vikings: Valhalla", type="series", keywords=("King Canute",))
    outlaw = Title(id="c", title="Outlaw King", type="movie", synopsis="A Scottish king rebels.")
    index = WordIndex.of(t.wording() for t in (alfred, canute, outlaw))
    # "king" is held by all three (weight log(4/3.5)), "alfred" by one (log(4/1.5))
    assert word_scores("King Alfred", index).tolist() == pytest.approx([1.0, 0.12, 0.12], abs=0.005)
    assert word_scores("the and of", index).tolist() == [0.0, 0.0, 0.0]  # stopwords only
    assert word_scores("Alfred fights", WordIndex.of([canute.wording()])).tolist() == [0.0]
    assert index.holders(stem("Vikings".lower())).tolist() == [1]  # "viking" and "vikings" meet
    assert index.holders(stem("viking")).tolist() == [1] and index.holders("nobody").tolist() == []
    assert key("alfred") == key("alfred") != key("alfrea")  # stable, not Python's hash()


def test_words_count_for_hidden_titles_too_and_not_for_similar(finder: Finder) -> None:
    query = "vikings fight for king alfred"
    scored = finder.scored(finder.query_scores([query])[0], query, View())
    assert scored.words.max() == pytest.approx(WORD_WEIGHT)
    assert scored.scores == pytest.approx(finder.query_scores([query])[0] + scored.words)
    hidden = View(limit=1, filters=Filters(kind="movie"))  # The Last Kingdom is a series
    # scored like the rest, so the answer can say that a filter hid it
    assert finder.scored(finder.query_scores([query])[0], query, hidden).words[0] > 0.5
    answer = finder.ask(query, hidden)
    assert [h.title.title for h in answer.hidden] == ["The Last Kingdom"]
    assert answer.hidden[0].reason == "filtered out by: only movie"
    assert answer.hidden[0].flag == "dropping the option"
    assert all(m.word_score == 0.0 for m in finder.similar(0, View(limit=3)).matches)


def test_a_franchise_is_shown_by_its_own_title_unless_the_query_names_more() -> None:
    """One title per franchise is shown: the franchise's own title when it holds as much of
    the query's wording as the best-scoring one (a making-of special that the model happens
    to score higher does not stand in for the show)."""
    show = Title(
        id="s:1",
        title="Squid Game",
        type="series",
        year=2021,
        synopsis="Hundreds of people in debt play deadly children's games for a cash prize "
        "on a hidden island, watched by masked guards and rich spectators.",
    )
    special = Title(id="s:2", title="Squid Game: Making Season 2", type="series", year=2024)
    other = Title(id="s:3", title="Kitchen Battle", type="series", year=2020)
    catalog = Catalog.of("c", [show, special, other])
    finder = Finder(catalog, refresh(catalog, FakeEncoder(), None)[0].matrix, FakeEncoder())
    scores = finder.query_scores(["squid game"])[0]
    assert scores[1] > scores[0]  # the model alone prefers the special
    assert [m.title.id for m in finder.ask("squid game").matches][:2] == ["s:1", "s:3"]
    assert finder.ask("squid game making").matches[0].title.id == "s:2"


@pytest.mark.parametrize(
    "view",
    [
        View(),
        View(include_watched=True),
        View(filters=Filters(kind="movie")),
        View(filters=Filters(year_from=2000), read_filters=Filters(year_from=2000)),
        View(filters=Filters(kind="series", year_to=2016), include_watched=True),
    ],
)
def test_what_a_view_shows_and_why_it_hides_the_rest_agree(finder: Finder, view: View) -> None:
    """One rule gives both the mask and the reasons: a title is shown exactly when no reason
    hides it, and a reason names the flag that shows it."""
    from dataclasses import replace

    watching = replace(finder, watched=frozenset({1, 4}))
    scored = watching.scored(watching.query_scores(["space"])[0], "space", view)
    for row in range(len(finder.catalog)):
        reasons = watching.hidden_because(row, view)
        shown = True if scored.shown is None else bool(scored.shown[row])
        assert shown == (not reasons), (row, reasons)
        assert all(r.endswith(" shows it)") for r in reasons)
    if view.read_filters is not None:  # read from the text: --literal shows it
        old = [r for row in range(5) for r in watching.hidden_because(row, view) if "filtered" in r]
        assert old and all("(--literal shows it)" in r for r in old)
