from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run

EVIL = "[/x] Evil [bold]Title[/bold] [link=http://e]"


def test_titles_that_look_like_markup_print_as_typed(
    bundled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        f'id,title,type,synopsis,genres\n"[m:1]","{EVIL}",movie,[red]space rocket[/],[sci-fi]\n'
    )
    assert run(["catalog", "import", str(path), "--name", "odd"]) == 0
    for argv, expected in (
        (["ask", "space rocket", "--catalog", "odd", "--why"], "[/x] Evil"),
        (["explain", "[m:1]", "--catalog", "odd", "--query", "space"], "[/x] Evil"),
        (["catalog", "list"], "odd"),
        (["catalog", "info", "--catalog", "odd"], "catalogue odd: 1 titles"),
    ):
        capsys.readouterr()
        assert run(argv) == 0, argv
        out, err = capsys.readouterr()
        assert err == "" and expected in out.replace("\n", ""), (argv, out)
    assert run(["explain", "[m:1]", "--catalog", "odd"]) == 0
    out = capsys.readouterr().out
    assert "[/x] Evil [bold]Title[/bold]" in out.replace("\n", "")
