from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from moviefinder.core.errors import InputError
from moviefinder.core.viewing import ParsedTitle, split_title
from moviefinder.sources.netflix_export import (
    detect_date_format,
    for_profile,
    parse_activity,
    read_export,
)
from tests.conftest import SHARED

HISTORIES = SHARED / "histories"
needs_shared = pytest.mark.skipif(not HISTORIES.is_dir(), reason=f"no histories at {HISTORIES}")

ACTIVITY = """Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,Device Type,Bookmark,Latest Bookmark,Country
Ann,2021-01-05 10:16:17,00:22:43,,Trinkets: Seizoen 1: Paper Tiger (Aflevering 2),,TV,00:22:43,00:22:43,NL (Netherlands)
Ann,2021-01-04 20:53:22,00:01:12,,Trinkets: Seizoen 1: Mirror Faces (Aflevering 1),,TV,00:01:12,Not latest view,NL (Netherlands)
Ann,2021-01-04 20:50:00,00:00:40,Autoplayed: user action: None; ,Dumb and Dumber_hook_primary_16x9,HOOK,TV,00:00:40,00:00:40,NL (Netherlands)
Bob,2021-01-03 21:00:00,01:58:00,,Glass Onion: A Knives Out Mystery,,TV,01:58:00,01:58:00,NL (Netherlands)
Bob,2021-01-03 20:58:00,00:02:10,,Glass Onion: A Knives Out Mystery,TRAILER,TV,00:02:10,00:02:10,NL (Netherlands)
"""


@pytest.mark.parametrize(
    ("title", "show", "episode"),
    [
        ("Breaking Bad: Season 1: Pilot", "Breaking Bad", "Season 1: Pilot"),
        ("Trinkets: Seizoen 1: Paper Tiger (Aflevering 2)", "Trinkets", "Seizoen 1: Paper Tiger"),
        ("Unorthodox: Miniserie: Deel 1", "Unorthodox", "Miniserie: Deel 1"),
        ("Dark: Staffel 2: Folge 3", "Dark", "Staffel 2: Folge 3"),
        (
            "Fuller House: Temporada 5: O último (Episódio 18)",
            "Fuller House",
            "Temporada 5: O último",
        ),
        ("Élite: Temporada 1: Bienvenidos", "Élite", "Temporada 1: Bienvenidos"),
        ("Lupin: Partie 1: Chapitre 1", "Lupin", "Partie 1: Chapitre 1"),
        ("Borgen: Sæson 1: Afsnit 1", "Borgen", "Sæson 1: Afsnit 1"),
        ("Dark: 2ª temporada: Episódio 1", "Dark", "2ª temporada: Episódio 1"),
        ("Unorthodox: Limited Series: Part 1", "Unorthodox", "Limited Series: Part 1"),
        ("Money Heist: Part 3: We're Back", "Money Heist", "Part 3: We're Back"),
        (
            "Avatar: Book One: Water: The Boy in the Iceberg",
            "Avatar",
            "Book One: Water: The Boy in the Iceberg",
        ),
        ("Narcos: Mexico: Season 1: Camelot", "Narcos: Mexico", "Season 1: Camelot"),
        ("Rough Diamonds: Aflevering 8", "Rough Diamonds", "Aflevering 8"),
        ("The Crown: Episode 3", "The Crown", "Episode 3"),
        ("Wednesday: Woe What a Week (Episode 1)", "Wednesday", "Woe What a Week"),
        ("Glass Onion: A Knives Out Mystery", "Glass Onion: A Knives Out Mystery", None),
        ("The Defeated: Homecoming", "The Defeated: Homecoming", None),
        ("Heat", "Heat", None),
    ],
)
def test_split_title(title: str, show: str, episode: str | None) -> None:
    assert split_title(title) == ParsedTitle(show, episode)


@pytest.mark.parametrize(
    ("dates", "fmt"),
    [
        (["28-06-23", "26-06-23", "11-10-13"], "%d-%m-%y"),
        (["27/07/2020", "26/07/2020", "13/01/2020"], "%d/%m/%Y"),
        (["2/5/19", "2/2/19", "12/30/18"], "%m/%d/%y"),
        (["28.06.23", "01.06.23"], "%d.%m.%y"),
        (["2023-06-28", "2023-06-01"], "%Y-%m-%d"),
        # Both day-first and month-first read these; newest-first order decides.
        (["03/02/21", "02/02/21", "01/02/21", "12/01/21"], "%d/%m/%y"),
    ],
)
def test_date_order_is_detected_per_file(dates: list[str], fmt: str) -> None:
    assert detect_date_format(dates) == fmt


def test_unreadable_dates() -> None:
    with pytest.raises(InputError, match=r"Unrecognised date format, e\.g\. 'yesterday'"):
        detect_date_format(["yesterday"])


def test_activity_rows_skip_supplements_and_short_views() -> None:
    history = parse_activity(ACTIVITY)
    assert [v.title for v in history.viewings] == [
        "Trinkets: Seizoen 1: Paper Tiger (Aflevering 2)",
        "Glass Onion: A Knives Out Mystery",
    ]
    assert history.skipped == {"shorter than 2 minutes": 1, "hook": 1, "trailer": 1}
    assert for_profile(history, "Bob").skipped == {"trailer": 1}
    assert for_profile(history, "Bob").rows == 2
    assert history.viewings[0].when == datetime(2021, 1, 5, 10, 16, 17)
    assert history.viewings[0].seconds == 22 * 60 + 43
    assert history.profiles == ("Ann", "Bob")


def test_profiles_must_be_chosen() -> None:
    history = parse_activity(ACTIVITY)
    with pytest.raises(
        InputError, match="several profiles; choose one with --profile: 'Ann', 'Bob'"
    ):
        for_profile(history, None)
    with pytest.raises(InputError, match="No profile 'Cy'"):
        for_profile(history, "Cy")
    assert [v.profile for v in for_profile(history, "Bob").viewings] == ["Bob"]


def test_read_export_accepts_file_folder_and_zip(tmp_path: Path) -> None:
    folder = tmp_path / "export" / "CONTENT_INTERACTION"
    folder.mkdir(parents=True)
    (folder / "ViewingActivity.csv").write_text(ACTIVITY, encoding="utf-8")
    (folder / "Ratings.csv").write_text(
        "Profile Name,Title Name,Rating Type,Star Value,Thumbs Value,Device Model,Event Utc Ts,Region View Date\n"
        "Bob,Glass Onion: A Knives Out Mystery,thumb,,3,TV,2021-01-04 10:00:00,\n",
        encoding="utf-8",
    )
    archive = tmp_path / "netflix-report.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"netflix-report/CONTENT_INTERACTION/{path.name}")
    for source in (folder / "ViewingActivity.csv", folder, tmp_path / "export", archive):
        history = read_export(source)
        assert len(history.viewings) == 2, source
    assert [(r.title, r.thumbs) for r in read_export(archive).ratings] == [
        ("Glass Onion: A Knives Out Mystery", 3)
    ]


def test_simple_export_in_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text("Title,Date\nDark: Seizoen 1: Geheimen,28-06-23\n", encoding="utf-16")
    assert read_export(path).viewings[0].when == datetime(2023, 6, 28)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a Netflix viewing history"),
        (b"\x00\x01\x02binary", "is not a text file"),
        (b"Name,When\nx,y\n", "not a Netflix viewing history"),
        (b"Profile Name,Title Name,Thumbs Value\nA,B,2\n", "holds ratings only"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_export(path)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file or folder"):
        read_export(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"holds no NetflixViewingHistory\.csv"):
        read_export(tmp_path)


def test_broken_zip(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        read_export(path)


@needs_shared
@pytest.mark.parametrize(
    ("folder", "rows", "kept", "first"),
    [
        ("nl-simple", 3170, 3165, datetime(2013, 10, 11)),
        ("en-ddmmyyyy-simple", 1661, 1659, None),
        ("us-simple", 913, 913, None),
        ("nl-full-export", 1541, 840, None),
        ("nl-full-export-starttime", 899, 652, None),
        ("br-full-export", 8262, 4652, None),
    ],
)
def test_shared_exports_read(folder: str, rows: int, kept: int, first: datetime | None) -> None:
    history = read_export(HISTORIES / folder)
    assert (history.rows, len(history.viewings)) == (rows, kept)
    if first is not None:
        assert min(v.when for v in history.viewings) == first
    assert all(v.when.year >= 2006 for v in history.viewings)


@pytest.mark.parametrize(
    ("rows", "first_show", "first_day"),
    [
        ("Dark: Seizoen 1: Geheimen,28-06-23\nHeat,01-02-23", "Dark", datetime(2023, 6, 28)),
        ("Dark: Staffel 1: Geheimnisse,28.06.23\nHeat,01.02.23", "Dark", datetime(2023, 6, 28)),
        ("Dark: Season 1: Secrets,6/28/23\nHeat,2/1/23", "Dark", datetime(2023, 6, 28)),
        ("Dark: Temporada 1: Segredos,2023-06-28\nHeat,2023-02-01", "Dark", datetime(2023, 6, 28)),
        ("Dark: Saison 1: Secrets,28/06/2023\nHeat,01/02/2023", "Dark", datetime(2023, 6, 28)),
    ],
    ids=["nl", "de", "us", "iso", "fr"],
)
def test_simple_exports_in_several_locales(
    tmp_path: Path, rows: str, first_show: str, first_day: datetime
) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text("Title,Date\r\n" + rows.replace("\n", "\r\n") + "\r\n", encoding="utf-8-sig")
    history = read_export(path)
    assert split_title(history.viewings[0].title).show == first_show
    assert history.viewings[0].when == first_day
    assert history.viewings[1].when.month == 2
