from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder.catalog import Catalog
from moviefinder.cli import run
from moviefinder.query import Filters, decade_years, parse_query


@pytest.mark.parametrize(
    ("query", "text", "understood"),
    [
        ("a short 90s comedy, no horror", "a comedy",
         ["years 1990–1999", "at most 100 min", "genre comedy", "not horror"]),
        ("Korean series", "Korean", ["only series", "from KR"]),
        ("under 2 hours thriller from the eighties", "thriller from the eighties",
         ["at most 120 min", "genre thriller"]),
        ("an eighties movie about a haunted hotel", "an about a haunted hotel",
         ["only movie", "years 1980–1989"]),
        ("something made in the early 2000s", "something", ["years 2000–2009"]),
        ("not a cartoon, something with dragons", "something with dragons", ["not animation"]),
        ("between 1995 and 2005 heist movie", "heist", ["only movie", "years 1995–2005"]),
        ("a Danish thriller over 90 minutes", "a Danish thriller",
         ["at least 90 min", "genre thriller", "from DK"]),
        ("kids on bikes in the 80s, monsters", "kids on bikes in the 80s, monsters", []),
        ("docuseries about a tiger zoo", "about a tiger zoo", ["only series", "genre documentary"]),
        ("King Alfred fights vikings", "King Alfred fights vikings", []),
        ("the one with the short story writer", "the one with the short story writer", []),
    ],
)  # fmt: skip
def test_parse_query(query: str, text: str, understood: list[str]) -> None:
    parsed = parse_query(query)
    assert (parsed.text, parsed.filters.describe()) == (text, understood)


@pytest.mark.parametrize(
    ("decade", "years"),
    [(1990, (1990, 1999)), (90, (1990, 1999)), (10, (2010, 2019)), (1985, (1980, 1989))],
)
def test_decade_years(decade: int, years: tuple[int, int]) -> None:
    assert decade_years(decade) == years


def test_masks(catalog: Catalog) -> None:
    def ids(filters: Filters) -> list[str]:
        mask = filters.mask(catalog)
        assert mask is not None
        return [catalog.columns["id"][i] for i in range(len(catalog)) if mask[i]]

    assert Filters().mask(catalog) is None
    assert ids(Filters(kind="series")) == ["t:1", "t:3"]
    assert ids(Filters(year_from=2000, year_to=2015)) == ["t:1", "t:4"]
    assert ids(Filters(max_runtime=100)) == ["t:4"]  # titles without a runtime fail a bound
    assert ids(Filters(genres=("sci-fi", "crime"))) == ["t:2", "t:5"]
    assert ids(Filters(exclude_genres=("family",))) == ["t:1", "t:2", "t:3", "t:5"]
    assert ids(Filters(countries=("GB",))) == ["t:1"]
    assert Filters(kind="movie").overridden_by(Filters(kind="series", max_runtime=90)) == Filters(
        kind="series", max_runtime=90
    )


def test_cli_filters_and_understood_line(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "space rocket", "--json", "--from", "2000"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["t:4", "t:3", "t:1"]
    assert run(["ask", "space rocket", "--json", "--decade", "90"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["t:2", "t:5"]
    assert (
        run(["ask", "space rocket", "--exclude-genre", "family", "--genre", "sci-fi", "--json"])
        == 0
    )
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["t:2"]
    assert run(["ask", "a 90s film about space"]) == 0
    out = capsys.readouterr().out
    assert "Understood: only movie, years 1990–1999" in out and "Star Voyage" in out
    assert run(["ask", "a 90s film about space", "--literal", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    assert run(["ask", "space", "--min-score", "11"]) == 2


def test_country_and_language_filters(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "kingdom", "--country", "gb", "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["t:1"]
    assert run(["ask", "kingdom", "--language", "ko"]) == 1
    assert "records no spoken languages, so --language cannot filter it" in capsys.readouterr().err


def test_language_filter_on_a_catalogue_that_has_them() -> None:
    from moviefinder.catalog import Title

    catalog = Catalog.of("c", (
        Title(id="a", title="A", type="series", languages=("ko",)),
        Title(id="b", title="B", type="series", languages=("en",)),
    ))  # fmt: skip
    mask = Filters(languages=("KO",)).mask(catalog)
    assert mask is not None and mask.tolist() == [True, False]
