from __future__ import annotations

from moviefinder.core.catalog import Catalog, Title, normalise_title, title_text


def test_title_text_orders_what_people_remember_first(catalog: Catalog) -> None:
    text = title_text(catalog.titles[0])
    assert text.startswith(
        "The Last Kingdom (2015 series). Genres: drama, history, war. Keywords: Uhtred"
    )
    assert text.endswith("From United Kingdom.")
    assert text.index("Keywords") < text.index("Saxon noble")


def test_title_text_names_directors_of_movies_and_creators_of_series() -> None:
    movie = Title(id="m", title="M", type="movie", directors=("Ann",))
    series = Title(id="s", title="S", type="series", directors=("Bob",))
    assert "Directed by Ann." in title_text(movie)
    assert "Created by Bob." in title_text(series)


def test_title_text_keeps_only_main_cast() -> None:
    cast = tuple(f"Actor {i}" for i in range(9))
    text = title_text(Title(id="x", title="X", type="movie", cast=cast))
    assert "Actor 4" in text and "Actor 5" not in text


def test_normalise_title_folds_case_accents_and_punctuation() -> None:
    assert normalise_title("  Amélie & the Café: Part II! ") == "amelie and the cafe part ii"
    assert normalise_title("LA CASA DE PAPEL") == normalise_title("La casa de papel")


def test_find_by_id_imdb_tmdb_and_title(catalog: Catalog) -> None:
    assert catalog.find("t:2") == [1]
    assert catalog.find("TT4179452") == [0]
    assert catalog.find("tmdb:77") == [3]
    assert catalog.find("the last kingdom") == [0]
    assert catalog.find("Heat!") == [4]
    assert catalog.find("no such thing") == []


def test_find_returns_every_title_of_that_name() -> None:
    cat = Catalog.of(
        "c",
        (
            Title(id="a", title="Heat", type="movie", year=1995),
            Title(id="b", title="Heat", type="movie", year=1986),
        ),
    )
    assert cat.find("heat") == [0, 1]


def test_franchise_key_folds_sequels_and_subtitles() -> None:
    from moviefinder.core.catalog import franchise_key

    assert {franchise_key(t) for t in ("Rocky", "Rocky II", "Rocky IV", "Rocky V")} == {"rocky"}
    assert franchise_key("The Hunger Games: Mockingjay - Part 2") == "the hunger games"
    assert franchise_key("Resident Evil: Apocalypse") == franchise_key("Resident Evil")
    assert franchise_key("Ip Man 2") == "ip man"
    assert franchise_key("21") == "21" and franchise_key("1899") == "1899"
    assert franchise_key("Heat") != franchise_key("Heat Wave")
