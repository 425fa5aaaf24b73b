from __future__ import annotations

from pathlib import Path

import pytest

from moviefinder.core.catalog import Title
from moviefinder.core.errors import InputError
from moviefinder.sources.importers.justwatch import read_justwatch
from moviefinder.sources.importers.netflix_titles import read_netflix_titles
from tools.build_catalog import merge

JUSTWATCH = """id,title,type,description,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score
ts36577,The Last Kingdom,SHOW,ignored prose,2015,TV-MA,55,"['drama', 'scifi', 'documentation']","['GB']",5.0,tt4179452,8.5,145471.0,214.678,8.282
tm1,Broken Row,MOVIE,,not-a-year,,,not a list,,,,,,,
"""

NETFLIX = """show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description
s7,TV Show,The Last Kingdom,,"Alexander Dreymon, Emily Cox","United Kingdom, West Germany,",,2020,TV-MA,5 Seasons,"British TV Shows, TV Dramas",ignored
s9,Movie,Heat,Michael Mann,"Al Pacino, Robert De Niro",United States,,1995,R,170 min,"Action & Adventure, Dramas, Made-up Category",ignored
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_justwatch_rows_become_titles(tmp_path: Path) -> None:
    first, broken = read_justwatch(write(tmp_path, "jw.csv", JUSTWATCH)).titles
    assert first == Title(
        id="jw:ts36577",
        title="The Last Kingdom",
        type="series",
        year=2015,
        runtime=55,
        seasons=5,
        genres=("drama", "sci-fi", "documentary"),
        countries=("GB",),
        imdb_id="tt4179452",
        imdb_score=8.5,
        imdb_votes=145471,
        tmdb_score=8.282,
        tmdb_popularity=214.678,
    )
    assert broken == Title(id="jw:tm1", title="Broken Row", type="movie")


def test_netflix_titles_rows_become_titles(tmp_path: Path) -> None:
    series, movie = read_netflix_titles(write(tmp_path, "nf.csv", NETFLIX)).titles
    assert series.id == "nft:s7" and series.type == "series" and series.seasons == 5
    assert series.countries == ("GB", "DE")
    assert series.genres == ("british", "drama")
    assert series.cast == ("Alexander Dreymon", "Emily Cox")
    assert movie.runtime == 170 and movie.directors == ("Michael Mann",)
    assert movie.genres == ("action", "adventure", "drama")


def test_merge_joins_same_title_and_keeps_primary_facts(tmp_path: Path) -> None:
    jw = list(read_justwatch(write(tmp_path, "jw.csv", JUSTWATCH)).titles)
    nf = list(read_netflix_titles(write(tmp_path, "nf.csv", NETFLIX)).titles)
    merged = {t.id: t for t in merge(jw, nf)}
    assert set(merged) == {"jw:ts36577", "jw:tm1", "nft:s9"}
    kingdom = merged["jw:ts36577"]
    assert kingdom.year == 2015  # the series' first year, not the Kaggle list's latest season
    assert kingdom.cast == ("Alexander Dreymon", "Emily Cox")
    assert kingdom.genres == ("drama", "sci-fi", "documentary", "british")


def test_merge_drops_duplicate_imdb_ids() -> None:
    a = Title(id="jw:a", title="A", type="movie", year=2000, imdb_id="tt1")
    b = Title(id="jw:b", title="A (again)", type="movie", year=2000, imdb_id="tt1")
    assert [t.id for t in merge([a, b], [])] == ["jw:a"]


def test_merge_does_not_guess_between_two_same_name_candidates() -> None:
    old = Title(id="jw:1", title="Charmed", type="series", year=2010)
    new = Title(id="jw:2", title="Charmed", type="series", year=2018)
    other = Title(id="nft:1", title="Charmed", type="series", year=2021)
    assert len(merge([old, new], [other])) == 3


def test_missing_columns_and_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="lacks column"):
        read_justwatch(write(tmp_path, "bad.csv", "id,title\n1,x\n"))
    with pytest.raises(InputError, match="No such file"):
        read_netflix_titles(tmp_path / "absent.csv")
