"""The search commands driven through the app layer: a Context carrying the fake keyword encoder,
no screen, no patched module — what the CLI renders is what these return."""

from __future__ import annotations

from pathlib import Path

import pytest

from moviefinder.app import search
from moviefinder.app.context import Context
from moviefinder.core.errors import CatalogError, OptionError
from moviefinder.core.query import Filters
from moviefinder.storage.config import load_settings
from tests.conftest import FakeEncoder


@pytest.fixture
def counting(bundled: Path) -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def context(counting: FakeEncoder) -> Context:
    warnings: list[str] = []
    return Context(
        load_settings(),
        encoders=lambda model_id, encoder_kind="auto", on_export=None: counting,
        warn=warnings.append,
    )


def test_ask_returns_what_the_screen_shows(context: Context, counting: FakeEncoder) -> None:
    found = search.ask(context, "King Alfred fights the vikings", Filters(), limit=3)
    assert found.answer.matches[0].title.title == "The Last Kingdom"
    assert found.label == "King Alfred fights the vikings"
    assert found.taste_weight is None  # no history: taste is off, and the result says so
    assert found.view.limit == 3 and len(found.answer.matches) == 3
    assert counting.calls == 1  # the context's encoder answered the query, nothing else did


def test_ask_reads_filters_out_of_the_text_and_says_which(context: Context) -> None:
    found = search.ask(context, "a space movie", Filters())
    assert {m.title.type for m in found.answer.matches} == {"movie"}
    assert found.read is not None and found.read.kind == "movie"
    literal = search.ask(context, "a space movie", Filters(), literal=True)
    assert literal.read is None or literal.read.kind is None


def test_a_genre_the_catalogue_lacks_is_an_option_error(context: Context) -> None:
    with pytest.raises(OptionError, match="no genre 'western'") as caught:
        search.ask(context, "space", Filters(genres=("western",)))
    assert caught.value.option == "--genre"


def test_similar_and_explain_and_taste(context: Context) -> None:
    found = search.similar(context, "Star Voyage", kind="movie")
    assert found.answer.matches[0].title.title == "Space Dogs"
    assert found.label == "like Star Voyage"
    report = search.explain(context, "Heat", query="detective thieves")
    assert report.title.title == "Heat" and not report.watched and report.yours is None
    assert report.standing is not None and report.standing.rank == 1
    assert report.taste_score is None and report.neighbours is None
    assert search.taste(context).taste is None
    with pytest.raises(CatalogError):
        search.explain(context, "no such title anywhere")
