from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import QueryError
from moviefinder.core.query import (
    ERA_BOOST,
    GENRE_BOOST,
    LONG_QUERY,
    SERIES_RUN,
    UNWANTED_PENALTY,
    Filters,
    Hints,
    decade_years,
    era_of,
    parse_query,
    read_query,
)
from tests.conftest import run


@pytest.mark.parametrize(
    ("query", "text", "understood"),
    [
        ("a short 90s comedy, no horror", "a comedy",
         ["years 1990–1999", "at most 100 min", "genre comedy", "not horror"]),
        ("Korean series", "Korean", ["only series", "from KR"]),
        ("under 2 hours thriller from the eighties", "thriller",
         ["years 1980–1989", "at most 120 min", "genre thriller"]),
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
        # Words about the plot never filter: only the words that describe the title do.
        ("young German soldier experiences the horror of the trenches in world war one",
         "young German soldier experiences the horror of the trenches in world war one", []),
        ("animated washed-up horse who starred in a 90s sitcom fights depression",
         "animated washed-up horse who starred in a 90s sitcom fights depression",
         ["genre animation"]),
        ("a man has under 2 hours to stop a bomb", "a man has under 2 hours to stop a bomb", []),
        ("a horror writer moves into a hotel", "a horror writer moves into a hotel", []),
        ("a series of murders in a village", "a series of murders in a village", []),
        ("a 2019 Korean film about a poor family", "a 2019 Korean about a poor family",
         ["only movie", "years 2018–2020", "from KR"]),
        ("a comedy series about an office, no laugh track",
         "a comedy about an office, no laugh track", ["only series", "genre comedy"]),
        ("a romance movie that is under 90 minutes", "a romance that is",
         ["only movie", "at most 90 min", "genre romance"]),
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
    # a series that began up to SERIES_RUN years before may still run in the years asked for
    assert ids(Filters(year_from=2015 + SERIES_RUN, year_to=2025)) == ["t:1", "t:3"]
    assert ids(Filters(year_from=2016 + SERIES_RUN, year_to=2025)) == ["t:3"]
    assert ids(Filters(year_from=1996, year_to=2010)) == ["t:2", "t:4"]  # movies: no leeway
    assert ids(Filters(max_runtime=100)) == ["t:4"]  # titles without a runtime fail a bound
    assert ids(Filters(genres=("sci-fi", "crime"))) == ["t:2", "t:5"]
    assert ids(Filters(exclude_genres=("family",))) == ["t:1", "t:2", "t:3", "t:5"]
    assert ids(Filters(countries=("GB",))) == ["t:1"]
    assert Filters(kind="movie").overridden_by(Filters(kind="series", max_runtime=90)) == Filters(
        kind="series", max_runtime=90
    )


def test_cli_filters_and_understood_line(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "space rocket", "--json", "--from", "2000"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == [
        "t:4",
        "t:3",
        "t:1",
    ]
    assert run(["ask", "space rocket", "--json", "--decade", "90"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["t:2", "t:5"]
    assert (
        run(["ask", "space rocket", "--exclude-genre", "family", "--genre", "sci-fi", "--json"])
        == 0
    )
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["t:2"]
    assert run(["ask", "a 90s film about space"]) == 0
    out = capsys.readouterr().out
    assert "Understood: only movie, years 1990–1999" in out and "Star Voyage" in out
    assert run(["ask", "a 90s film about space", "--literal", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 5
    assert run(["ask", "space", "--min-score", "11"]) == 2


def test_country_and_language_filters(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "kingdom", "--country", "gb", "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["t:1"]
    assert run(["ask", "kingdom", "--language", "ko"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "records the spoken languages of none of its titles, so --language would hide" in err


def test_language_filter_on_a_catalogue_that_has_them() -> None:
    from moviefinder.core.catalog import Title

    catalog = Catalog.of("c", (
        Title(id="a", title="A", type="series", languages=("ko",)),
        Title(id="b", title="B", type="series", languages=("en",)),
    ))  # fmt: skip
    mask = Filters(languages=("KO",)).mask(catalog)
    assert mask is not None and mask.tolist() == [True, False]
    # Where most titles do not say, the filter would hide them all for being unknown.
    sparse = Catalog.of("s", (*catalog.titles, Title(id="c", title="C", type="movie"),
                              Title(id="d", title="D", type="movie"),
                              Title(id="e", title="E", type="movie")))  # fmt: skip
    with pytest.raises(QueryError, match="only 2 of its 5 titles, so --language would hide"):
        Filters(languages=("ko",)).mask(sparse)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("it came out in 1994 I think", (1992, 1996)),
        ("late 80s", (1984, 1990)),
        ("early 2000s or so", (1999, 2005)),
        ("mid-90s", (1989, 2000)),
        ("the 70's", (1969, 1980)),
        ("saw it on tv in the late 80s or maybe 1991", (1984, 1993)),
        ("a 1080p rip with 300 spartans", None),
        ("no year at all", None),
    ],
)
def test_era_of(text: str, years: tuple[int, int] | None) -> None:
    assert era_of(text) == years


RAMBLING = (
    "[TOMT] [Movie] I watched this on a rainy afternoon years ago, I think it was the late 90s. "
    "There was a crew of thieves planning one last heist and a detective who keeps chasing them "
    "through the city at night. It was definitely not a cartoon, and I remember a long shootout "
    "in the street near the end. Any help would be great, it has been driving me mad for weeks."
)


def test_long_queries_keep_their_text_and_turn_filters_into_hints() -> None:
    assert len(RAMBLING.split()) >= LONG_QUERY
    parsed = read_query(RAMBLING)
    assert parsed.filters == Filters()  # nothing is hidden on the word of a hazy memory
    assert parsed.text.startswith("I watched this")  # the tags are set aside ...
    assert "late 90s" in parsed.text and "not a cartoon" in parsed.text  # ... the rest kept
    assert parsed.hints == Hints(years=(1994, 2000), exclude_genres=("animation",))
    assert parsed.hints.describe() == ["maybe 1994–2000", "rather not animation"]
    short = read_query("a late 90s heist movie, not a cartoon")
    assert short.hints == Hints() and short.filters.exclude_genres == ("animation",)
    assert read_query(RAMBLING, literal=True).hints == Hints()


def test_hints_lift_and_lower_without_hiding(catalog: Catalog) -> None:
    assert Hints().boost(catalog) is None
    boost = Hints(years=(1994, 2000), genres=("crime",), exclude_genres=("animation",)).boost(
        catalog
    )
    assert boost is not None
    by_id = dict(zip(catalog.columns["id"], boost.tolist(), strict=True))
    assert by_id["t:5"] == pytest.approx(ERA_BOOST + GENRE_BOOST)  # Heat: 1995, crime
    assert by_id["t:2"] == pytest.approx(ERA_BOOST)  # Star Voyage: 1999
    assert by_id["t:4"] == pytest.approx(-UNWANTED_PENALTY)  # Space Dogs: animation
    assert by_id["t:1"] == by_id["t:3"] == 0.0


def test_ask_shows_the_hints_and_still_lists_every_title(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def scores(*extra: str) -> dict[str, float]:
        assert run(["ask", RAMBLING, "--json", *extra]) == 0
        return {r["id"]: r["score"] for r in json.loads(capsys.readouterr().out)["results"]}

    hinted, literal = scores(), scores("--literal")
    assert len(hinted) == 5  # the cartoon is lowered, not hidden
    change = {i: round(hinted[i] - literal[i], 3) for i in literal}
    assert change == {
        "t:1": 0,
        "t:2": ERA_BOOST,
        "t:3": 0,
        "t:4": -UNWANTED_PENALTY,
        "t:5": ERA_BOOST,
    }
    assert run(["ask", RAMBLING]) == 0
    assert "Hints (lift, never hide): maybe 1994–2000, rather not animation" in (
        capsys.readouterr().out
    )
    assert run(["explain", "Heat", "--query", RAMBLING]) == 0
    assert "Hints (lift, never hide): maybe 1994–2000" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--region", "N L"], "'N L' is no country; use a two-letter code such as NL."),
        (["--region", "Atlantis"], "'Atlantis' is no country"),
        (
            ["--genre", "nonsense"],
            "no genre 'nonsense' in this catalogue; it has: animation, crime, drama,",
        ),
        (["--exclude-genre", "scifi"], "no genre 'scifi' in this catalogue"),
        (["--country", "ZZ"], "'ZZ' is no country code"),
        (["--min-score", "nan"], "must be a number."),
        (["--taste-weight", "nan"], "must be a number."),
    ],
)
def test_options_the_catalogue_cannot_honour_are_refused_by_name(
    bundled: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    """A typo in an option is a usage error that names the values that work, never a silent
    "No titles match" (or, for --region, every title of every country)."""
    assert run(["ask", "space", *option]) == 2
    assert message in " ".join(capsys.readouterr().err.replace("│", " ").split())


def test_a_country_name_for_region_is_read_as_its_code(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ask", "space", "--region", "Netherlands", "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert run(["ask", "space", "--region", "nl", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == by_name
    from moviefinder.cli.options import region_code

    assert [region_code(v) for v in ("Netherlands", " be ", "South Korea", None)] == [
        "NL",
        "BE",
        "KR",
        None,
    ]


def test_understood_names_only_what_the_text_said(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ask", "space", "--from", "3000"]) == 0
    out = capsys.readouterr().out
    assert "Understood" not in out and "--literal" not in out.split("Hidden")[0]
    assert run(["ask", "a 90s film about space", "--type", "series"]) == 0
    out = capsys.readouterr().out
    assert "Understood: years 1990–1999 (--literal ignores the text)" in out  # not "only movie"
