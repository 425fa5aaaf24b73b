from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviefinder.app.evaluation import (
    KnownItem,
    evaluate,
    evaluate_reading,
    load_known_items,
    load_reading_cases,
)
from moviefinder.core.catalog import Catalog
from moviefinder.core.errors import InputError
from moviefinder.core.finder import Finder
from moviefinder.storage.store import refresh
from tests.conftest import FakeEncoder, run


@pytest.fixture
def finder(catalog: Catalog, encoder: FakeEncoder) -> Finder:
    embeddings, _ = refresh(catalog, encoder, None)
    return Finder(catalog, embeddings.matrix, encoder)


def test_metrics_over_known_items(finder: Finder) -> None:
    items = [
        KnownItem("vikings alfred wessex", ("tt4179452",)),  # rank 1 by imdb id
        KnownItem("space rocket dogs", ("Star Voyage",)),  # title; Space Dogs wins, so rank 2
        KnownItem("professional thieves detective", ("t:5", "t:2")),  # best of two ids
        KnownItem("anything", ("tt0000000",)),  # not in the catalogue: a miss
    ]
    report = evaluate(finder, items)
    assert [o.rank for o in report.per_query] == [1, 2, 1, None]
    assert [o.found for o in report.per_query] == [True, True, True, False]
    assert report.n == 4
    assert report.hits == {1: 0.5, 5: 0.75, 10: 0.75}
    assert report.mrr == pytest.approx((1 + 0.5 + 1) / 4)
    as_dict = report.as_dict()
    assert list(as_dict) == ["n", "left_out", "hit@1", "hit@5", "hit@10", "mrr", "per_query"]
    assert report.left_out == 0

    answerable = evaluate(finder, items, answerable_only=True)
    assert answerable.n == 3 and answerable.left_out == 1
    assert answerable.mrr == pytest.approx((1 + 0.5 + 1) / 3)
    with pytest.raises(InputError, match="None of these queries has its answer"):
        evaluate(finder, items[3:], answerable_only=True)


def test_load_known_items(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    lines = [{"query": " a ", "expected": ["tt1"]}, {}, {"query": "b", "expected": "Heat"}]
    path.write_text("\n".join(json.dumps(x) if x else "" for x in lines), encoding="utf-8")
    assert load_known_items(path) == [KnownItem("a", ("tt1",)), KnownItem("b", ("Heat",))]


def test_tip_of_the_tongue_lines_load_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "tot.jsonl"
    lines = [
        {"query": "old movie", "answer_imdb_id": "tt0075148", "answer_tmdb_id": 1366},
        {"query": "no imdb id", "answer_imdb_id": "", "answer_tmdb_id": 77},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    assert load_known_items(path) == [
        KnownItem("old movie", ("tt0075148", "tmdb:1366")),
        KnownItem("no imdb id", ("tmdb:77",)),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{nope", "q.jsonl:1: not valid JSON"),
        ('{"query": "x"}', 'q.jsonl:1: "expected" must be a list'),
        ('{"query": "", "expected": ["a"]}', 'q.jsonl:1: needs a non-empty "query"'),
        ('\n{"query": "x", "expected": [1]}', 'q.jsonl:2: "expected" must be a list'),
        ("", "has no queries"),
    ],
)
def test_bad_known_item_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_known_items(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file"):
        load_known_items(tmp_path / "missing.jsonl")


def test_in_a_region_a_title_without_evidence_is_a_miss(finder: Finder) -> None:
    from moviefinder.core.availability import Availability, for_region

    items = [
        KnownItem("vikings alfred wessex", ("t:1",)),
        KnownItem("space rocket dogs", ("Star Voyage",)),
    ]
    records = [Availability("t:2", "NL", "netflix", "unogs-nl", "2020-01-01", "2021-03-31")]
    nl = for_region(records, finder.catalog, "NL")
    # t:1 has no NL evidence: hidden, so a miss; Star Voyage is first among what is shown
    assert [o.rank for o in evaluate(finder, items, region=nl).per_query] == [None, 1]
    assert [o.rank for o in evaluate(finder, items).per_query] == [1, 2]


READING_SETS = Path(__file__).parent.parent / "data" / "eval"


@pytest.mark.parametrize("name", ["reading.jsonl", "reading_holdout.jsonl"])
def test_the_query_reading_keeps_plot_words_from_filtering(name: str) -> None:
    """Plot words ("the horror of the trenches", "who starred in a 90s sitcom") never filter;
    words that describe the title do. Measured as `moviefinder eval reading` does."""
    report = evaluate_reading(load_reading_cases(READING_SETS / name))
    scores = report.scores()
    assert scores["traps"] >= 20 and scores["queries"] - scores["traps"] >= 20
    assert scores["traps_hiding"] == 0, [o.case.query for o in report.wrong]
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.9
    for lang in ("en", "nl"):
        assert report.scores(lang)["precision"] >= 0.95


def test_eval_reading_reports_what_it_read_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"query": "a horror writer in a hotel", "case": "trap", "understood": []})
        + "\n"
        + json.dumps(
            {
                "query": "a 90s comedy",
                "lang": "en",
                "case": "constraint",
                "understood": ["years 1990–1999", "genre comedy", "from GB"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert run(["eval", "reading", str(cases), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["precision"], report["recall"], report["traps_hiding"]) == (1.0, 2 / 3, 0)
    assert report["wrong"] == [
        {
            "query": "a 90s comedy",
            "expected": ["from GB", "genre comedy", "years 1990–1999"],
            "read": ["genre comedy", "years 1990–1999"],
        }
    ]
    assert run(["eval", "reading", str(cases)]) == 0
    assert "all: 2 queries (1 traps)  precision 1.000  recall 0.667" in capsys.readouterr().out
    cases.write_text('{"query": "x"}\n', encoding="utf-8")
    assert run(["eval", "reading", str(cases)]) == 1
    assert 'needs "query" and an "understood" list' in capsys.readouterr().err
