"""Bring your own catalogue: file formats, bad rows, named catalogues on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder import cli
from moviefinder.app import catalogs
from moviefinder.core.catalog import Title
from moviefinder.core.errors import InputError
from moviefinder.sources.importers import detect_format, read_catalog_file
from moviefinder.sources.importers.tmdb5000 import read_tmdb5000
from moviefinder.storage import paths
from tests.conftest import SHARED, FakeEncoder, encoders, run

TMDB5000 = (
    "budget,genres,homepage,id,keywords,original_language,original_title,overview,popularity,"
    "production_companies,production_countries,release_date,revenue,runtime,spoken_languages,"
    "status,tagline,title,vote_average,vote_count\n"
    '1,"[{""id"": 878, ""name"": ""Science Fiction""}]",,101,"[{""id"": 1, ""name"": ""moon""}]",'
    'fr,La Lune,A crew lands on the moon.,12.5,[],"[{""iso_3166_1"": ""FR""}]",1999-05-01,0,95,'
    '"[{""iso_639_1"": ""fr""}]",Released,Look up.,Moon Crew,6.5,100\n'
    ",[],,,[],en,,,,[],[],,,,[],,,,,\n"
)

GENERIC_CSV = (
    "id,title,type,year,genres,synopsis,netflix_original\n"
    "m:1,Heat,movie,1995,crime|thriller,A detective hunts a crew of thieves.,false\n"
    "m:2,,movie,2000,,,\n"
    "m:3,Odd,documentary,2001,,,\n"
    "m:4,Bad Year,movie,nineteen,,,\n"
    "m:1,Heat Again,movie,1995,,,\n"
    "s:1,Space Dogs,series,2010,animation,Two dogs go to space.,true\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tmdb5000_rows_become_titles(tmp_path: Path) -> None:
    imported = read_tmdb5000(write(tmp_path, "t.csv", TMDB5000), descriptions=True)
    assert imported.titles == (
        Title(
            id="tmdb:movie:101",
            title="Moon Crew",
            type="movie",
            year=1999,
            alt_titles=("La Lune",),
            runtime=95,
            genres=("sci-fi",),
            countries=("FR",),
            languages=("fr",),
            keywords=("moon",),
            synopsis="A crew lands on the moon. Look up.",
            tmdb_id=101,
            tmdb_score=6.5,
            tmdb_popularity=12.5,
            tmdb_votes=100,
        ),
    )
    assert imported.lines == (2,) and imported.skipped == ((3, "no numeric id or no title"),)
    assert read_tmdb5000(write(tmp_path, "t.csv", TMDB5000)).titles[0].synopsis == ""


def test_generic_csv_reports_bad_rows_by_line(tmp_path: Path) -> None:
    imported = read_catalog_file(write(tmp_path, "mine.csv", GENERIC_CSV))
    assert [t.title for t in imported.titles] == ["Heat", "Space Dogs"]
    heat = imported.titles[0]
    assert heat.genres == ("crime", "thriller") and heat.year == 1995
    assert heat.netflix_original is False and imported.titles[1].netflix_original is True
    assert imported.skipped == (
        (3, "no title"),
        (4, "type must be movie or series, not 'documentary'"),
        (5, "year must be a whole number, not 'nineteen'"),
        (6, "duplicate id m:1"),
    )


def test_generic_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "A", "type": "movie", "cast": ["X", "Y"], "extra": 1}),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "b", "title": "B", "type": "series", "cast": "X|Y"}),
        json.dumps({"id": "c", "title": "C", "type": "movie", "cast": [1, 2]}),
    ]
    imported = read_catalog_file(write(tmp_path, "mine.jsonl", "\n".join(lines)))
    assert [(t.id, t.cast) for t in imported.titles] == [("a", ("X", "Y")), ("b", ("X", "Y"))]
    assert [line for line, _ in imported.skipped] == [2, 3, 5]
    assert imported.skipped[0][1].startswith("not JSON")


def test_detect_format_and_its_errors(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "t.csv", TMDB5000)) == "tmdb5000"
    assert detect_format(write(tmp_path, "g.csv", GENERIC_CSV)) == "csv"
    assert detect_format(write(tmp_path, "x.jsonl", "")) == "jsonl"
    with pytest.raises(InputError, match="Cannot tell the format of"):
        detect_format(write(tmp_path, "u.csv", "a,b\n1,2\n"))
    with pytest.raises(InputError, match="No such file"):
        detect_format(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="Unknown format 'xml'"):
        read_catalog_file(write(tmp_path, "g.csv", GENERIC_CSV), "xml")
    header_only = write(tmp_path, "h.csv", "id,title,type\n,,\n")
    with pytest.raises(InputError, match=r"has no usable csv row \(line 2: no id\)"):
        read_catalog_file(header_only)


@pytest.mark.skipif(not (SHARED / "catalogs").is_dir(), reason=f"no outside data at {SHARED}")
@pytest.mark.parametrize(
    ("name", "fmt", "rows"),
    [
        ("netflix_titles.csv", "netflix-titles", 8807),
        ("netflix_justwatch_2023_titles.csv", "justwatch", 5850),
        ("tmdb_5000_movies.csv", "tmdb5000", 4803),
    ],
)
def test_every_shared_catalogue_imports(name: str, fmt: str, rows: int) -> None:
    path = SHARED / "catalogs" / name
    assert detect_format(path) == fmt
    imported = read_catalog_file(path)
    assert len(imported.titles) >= rows
    assert sum(1 for t in imported.titles if t.synopsis) > rows * 0.9


@pytest.fixture
def fake_model(bundled: Path) -> FakeEncoder:
    """The one fake encoder every command of a test gets (to count what it embedded)."""
    return FakeEncoder()


def run_with(encoder: FakeEncoder, argv: list[str]) -> int:
    return cli.run(argv, encoders=lambda model, kind="auto", export=None: encoder)


def test_import_list_ask_reimport_remove(
    fake_model: FakeEncoder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "mine.csv", GENERIC_CSV)
    assert run_with(fake_model, ["catalog", "import", str(source), "--name", "mine"]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 titles into 'mine', skipped 4 rows:" in out
    assert "line 4: type must be movie or series, not 'documentary'" in out
    assert "Embedded 2, reused 0, dropped 0." in out

    assert run_with(fake_model, ["catalog", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"catalog": "mine", "titles": 2, "active": False} in listed

    assert run_with(fake_model, ["ask", "dogs in space", "--catalog", "mine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["title"] == "Space Dogs"

    source.write_text(GENERIC_CSV.replace("Two dogs go to space.", "Two dogs fly."), "utf-8")
    calls = fake_model.calls
    assert run_with(fake_model, ["catalog", "import", str(source), "--name", "mine"]) == 0
    assert "Embedded 1, reused 1, dropped 0." in capsys.readouterr().out
    assert fake_model.calls == calls + 1  # only the changed title was embedded again

    assert run_with(fake_model, ["catalog", "remove", "mine"]) == 0
    assert not paths.catalog_dir("mine").exists()
    assert run_with(fake_model, ["ask", "dogs", "--catalog", "mine"]) == 1
    assert capsys.readouterr().err == "Error: No catalogue named 'mine'.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["catalog", "remove", "default"], "ships with moviefinder and cannot be removed"),
        (["catalog", "remove", "nothing"], "No catalogue named 'nothing'."),
        (["catalog", "import", "x.csv", "--name", "default"], "Choose another catalogue name"),
        (["catalog", "import", "x.csv", "--name", "../up"], "Choose another catalogue name"),
        (["catalog", "import", "missing.csv"], "No such file: missing.csv"),
    ],
)
def test_catalog_command_errors_are_one_line(
    fake_model: FakeEncoder, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_config_chooses_the_catalogue(
    fake_model: FakeEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogs.import_catalog(
        write(tmp_path, "m.csv", GENERIC_CSV),
        "mine",
        "auto",
        fake_model.model_id,
        encoders=encoders,
    )
    monkeypatch.setenv("MOVIEFINDER_CATALOG", "mine")
    assert catalogs.catalog_names() == ["default", "mine"]
    assert run(["catalog", "info", "--json"]) == 0
