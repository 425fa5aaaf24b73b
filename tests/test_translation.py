"""Reading Dutch queries: language detection, compound splitting, endings, phrase rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder.core.errors import ConfigError
from moviefinder.core.query import read_query
from moviefinder.core.translation import (
    LEXICON_FILE,
    Lexicon,
    detect_language,
    read_lexicon,
    render_query,
)
from tests.conftest import REPO, run

SMALL = Lexicon(
    {
        "serie": "series",
        "over": "about",
        "een": "a",
        "scheikunde": "chemistry",
        "leraar": "teacher",
        "die": "who",
        "drugs": "drugs",
        "gaat maken": "makes",
        "maken": "make",
        "maak": "make",
        "oorlog": "war",
        "film": "film",
        "kat": "cat",
        "boot": "boat",
        "huis": "house",
        "spook": "ghost",
        "meisje": "girl",
        "brief": "letter",
        "koning": "king",
        "vecht": "fights",
        "tegen": "against",
        "viking": "viking",
        "de": "the",
        "uit": "from",
        "er": "",
        "ruimte": "space",
        "schip": "ship",
        "piraat": "pirate",
    }
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("serie over een scheikundeleraar die drugs gaat maken", "nl"),
        ("the one where a chemistry teacher cooks meth", "en"),
        ("koning alfred vecht tegen de vikingen", "nl"),
        ("King Alfred fights vikings", "en"),
        ("film waarin een vader zijn ontvoerde dochter zoekt", "nl"),
        ("a father searches for his kidnapped daughter in Paris", "en"),
        ("iets grappigs met zombies", "nl"),
        ("funny zombies", "en"),
        ("Breaking Bad", "en"),
        ("spookhuizen", "nl"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("scheikundeleraar", ("scheikunde", "leraar")),
        ("oorlogsfilm", ("oorlogs", "film")),  # linking s stays on the head
        ("spookhuis", ("spook", "huis")),
        ("ruimtepiratenschip", ("ruimte", "piraten", "schip")),  # three parts, plural inside
        ("leraar", None),  # a known word is not a compound of shorter ones
        ("schaakwonder", None),  # unknown parts: no guess
    ],
)
def test_split_compound(word: str, parts: tuple[str, ...] | None) -> None:
    if word in SMALL.entries:
        assert SMALL.word(word) == SMALL.entries[word]
    else:
        assert SMALL.split_compound(word) == parts


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("katten", "cat"),  # plural, doubled consonant undone
        ("boten", "boat"),  # plural, long vowel restored
        ("huizen", "house"),  # z → s
        ("brieven", "letter"),  # v → f
        ("meisjes", "girl"),  # diminutive plural of a listed diminutive
        ("maakt", "make"),  # verb ending
        ("gemaakt", "make"),  # past participle
        ("spookhuizen", "ghost house"),  # compound with a plural head
        ("xyzzy", None),
    ],
)
def test_endings_come_off_before_lookup(word: str, english: str | None) -> None:
    assert SMALL.word(word) == english


def test_render_uses_phrases_first_and_keeps_names_and_titles() -> None:
    rendering = SMALL.render("serie over een scheikundeleraar die drugs gaat maken")
    assert rendering.text == "series about a chemistry teacher who drugs makes"
    assert rendering.kept == ()
    named = SMALL.render('koning Alfred vecht tegen de vikingen, zoals "de kat"')
    assert named.text == 'king Alfred fights against the viking, zoals "de kat"'
    assert named.kept == ("Alfred", "zoals")
    assert SMALL.render("film uit de jaren '80").text == "film from the 80s"
    assert SMALL.render("er is een kat").text == "is a cat"  # "er" is dropped


def test_english_is_left_alone() -> None:
    english = "a chemistry teacher cooks meth"
    assert render_query(english).text == english
    assert not render_query(english).translated


def test_lexicon_file_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the Dutch lexicon"):
        read_lexicon(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\nkat\tcat\nhond dog\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.tsv:3: expected 'dutch<TAB>english'"):
        read_lexicon(bad)


SHIPPED = read_lexicon(REPO / "data" / LEXICON_FILE)
EVAL = REPO / "data" / "eval"


def test_shipped_lexicon_is_large_and_well_formed() -> None:
    assert len(SHIPPED.entries) >= 5000
    assert all(key == key.lower() and key.strip() == key for key in SHIPPED.entries)
    assert SHIPPED.longest >= 3  # phrases, not only words


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        (
            "serie over een scheikundeleraar die drugs gaat maken",
            "series about a chemistry teacher who drugs makes",
        ),
        (
            "film waarin een vader zijn ontvoerde dochter in parijs zoekt",
            "film in which a father his kidnapped daughter in paris searches for",
        ),
        (
            "iets grappigs met zombies uit de jaren tachtig",
            "something funny with zombies from the eighties",
        ),
        (
            "spannende deense misdaadserie met een vrouwelijke rechercheur",
            "exciting danish crime series with a female detective",
        ),
        ("docu over een sekte in de jaren zeventig", "documentary about a cult in the seventies"),
    ],
)
def test_typical_dutch_queries_render(dutch: str, english: str) -> None:
    assert SHIPPED.render(dutch).text == english


def test_detection_on_our_dutch_and_english_dev_queries() -> None:
    for name, language in (("nl.jsonl", "nl"), ("nl_en.jsonl", "en")):
        queries = [json.loads(line)["query"] for line in (EVAL / name).open(encoding="utf-8")]
        assert len(queries) >= 40
        assert [q for q in queries if detect_language(q) != language] == []


def test_read_query_renders_then_reads_filters() -> None:
    parsed = read_query("serie over een scheikundeleraar die drugs gaat maken")
    assert parsed.read_as is not None and "chemistry teacher" in parsed.read_as
    assert parsed.filters.kind == "series"
    assert "chemistry teacher" in parsed.text
    assert read_query("a chemistry teacher cooks meth").read_as is None


def test_ask_in_dutch_shows_the_reading(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "koning alfred vecht tegen de vikingen", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert "Read as English: king alfred fights against the viking" in out
    assert "The Last Kingdom" in out


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("ein Chemielehrer, der Drogen kocht", "German"),
        ("un professeur de chimie qui fabrique de la drogue", "French"),
        ("un profesor de química que cocina drogas con su alumno", "Spanish"),
        ("化学の先生が麻薬を作る", "Japanese"),
        ("化学老师制造毒品", "Chinese"),
        ("오징어 게임", "Korean"),
        ("Хорошие парни", "Russian"),
        ("serie over een scheikundeleraar die drugs gaat maken", "nl"),
        ("a chemistry teacher cooks meth", "en"),
    ],
)
def test_languages_we_do_not_read_are_named_not_guessed(query: str, language: str) -> None:
    assert detect_language(query) == language
    parsed = read_query(query)
    if language in ("nl", "en"):
        assert parsed.foreign is None
    else:  # searched as typed, nothing rendered or read out of it
        assert (parsed.foreign, parsed.text, parsed.read_as) == (language, query, None)


def test_ask_says_when_it_does_not_read_the_language(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ask", "ein Chemielehrer, der Drogen kocht"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "This looks like German; moviefinder reads English and Dutch" in out
    assert "Read as English" not in out
