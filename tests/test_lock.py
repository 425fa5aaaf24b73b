"""One writer at a time: real processes contending for the data directory's lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from moviefinder.app import catalogs
from moviefinder.core.errors import BusyError
from moviefinder.storage import journal, lock, paths
from tests import child
from tests.conftest import REPO, FakeEncoder, encoders, run

CATALOG_CSV = (
    "id,title,type,year,genres,synopsis\n"
    "m:1,Star Voyage,movie,1999,sci-fi,Astronauts travel through space to rescue a crew on Mars.\n"
    "m:2,Space Dogs,movie,2010,animation,Two dogs are sent into space aboard a rocket.\n"
    "m:3,Kitchen Battle,series,2020,reality,Home cooks compete in a kitchen.\n"
    "m:4,Heat,movie,1995,crime,A detective hunts a crew of thieves across Los Angeles.\n"
    "m:5,The Last Kingdom,series,2015,drama,A Saxon noble fights for King Alfred.\n"
    "m:6,Moon Crew,movie,1999,sci-fi,A crew lands on the moon.\n"
)
#: Every command that changes the data directory, as a command line.
WRITERS = {
    "catalog build": ["catalog", "build", "--catalog", "mine"],
    "catalog import": ["catalog", "import", "absent.csv", "--name", "mine"],
    "catalog sync": ["catalog", "sync", "--region", "NL"],
    "catalog remove": ["catalog", "remove", "mine"],
    "import-history": ["import-history", "absent.csv"],
    "history link": ["history", "link", "Heat", "m:4"],
    "rate": ["rate", "m:4", "love"],
}
READERS = {
    "ask": ["ask", "space rocket", "--json", "--any-region", "-n", "2"],
    "similar": ["similar", "m:2", "--json", "--any-region"],
    "explain": ["explain", "m:2", "--query", "space"],
    "taste": ["taste"],
    "history": ["history"],
    "catalog info": ["catalog", "info", "--json"],
    "catalog list": ["catalog", "list", "--json"],
}


@pytest.fixture
def mine(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Catalogue 'mine' (the configured one) embedded with the fake model, and a history."""
    monkeypatch.setenv("MOVIEFINDER_MODEL", FakeEncoder.model_id)
    monkeypatch.setenv("MOVIEFINDER_CATALOG", "mine")
    source = tmp_path / "mine.csv"
    source.write_text(CATALOG_CSV, encoding="utf-8")
    catalogs.import_catalog(source, "mine", "auto", FakeEncoder.model_id, encoders=encoders)
    history = tmp_path / "NetflixViewingHistory.csv"
    history.write_text("Title,Date\nStar Voyage,02-01-24\nHeat,03-01-24\n", encoding="utf-8")
    assert run(["import-history", str(history)]) == 0
    return home


@pytest.fixture
def holder(home: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock until its stdin closes."""
    script = (
        "import sys\n"
        "from moviefinder.storage import lock\n"
        "with lock.hold():\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, paths.HOME_ENV: str(home)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def busy_message(home: Path, pid: int, seconds: str) -> str:
    return (
        f"Error: Another moviefinder (pid {pid}) is still changing {home} after {seconds} s — "
        "try again when it has finished (set MOVIEFINDER_LOCK_TIMEOUT to wait longer)."
    )


def test_every_writer_waits_for_the_holder_then_gives_up_in_one_line(
    mine: Path, holder: subprocess.Popen[str]
) -> None:
    env = {lock.TIMEOUT_ENV: "1", "TMDB_API_KEY": "k", "MOVIEFINDER_CATALOG": "mine"}
    began = time.monotonic()
    children = {name: child.start(mine, *argv, **env) for name, argv in WRITERS.items()}
    for name, started in children.items():
        code, stdout, lines = started.finish()
        assert (name, code, stdout) == (name, 1, "")
        assert lines == [
            f"waiting for another moviefinder to finish (pid {holder.pid})…",
            busy_message(mine, holder.pid, "1"),
        ], name
    assert time.monotonic() - began >= 1.0
    assert [v.title for v in journal.load_journal().viewings] == ["Star Voyage", "Heat"]


def test_readers_neither_take_the_lock_nor_wait(mine: Path, holder: subprocess.Popen[str]) -> None:
    children = {
        name: child.start(mine, *argv, MOVIEFINDER_CATALOG="mine", **{lock.TIMEOUT_ENV: "0"})
        for name, argv in READERS.items()
    }
    for name, started in children.items():
        code, stdout, lines = started.finish()
        assert (name, code) == (name, 0), lines
        assert not [line for line in lines if "waiting" in line or "Error" in line], name
        if name == "ask":
            assert [m["title"] for m in json.loads(stdout)["results"]] == [
                "Space Dogs",
                "Moon Crew",
            ]


def test_a_waiting_writer_goes_on_once_the_holder_is_done(
    mine: Path, holder: subprocess.Popen[str]
) -> None:
    rating = child.start(mine, "rate", "m:6", "love", MOVIEFINDER_CATALOG="mine")
    rating.wait_for(lambda line: line.startswith("waiting for another moviefinder"))
    assert holder.stdin is not None
    holder.stdin.close()  # the holder leaves its block: the lock is free
    code, _, lines = rating.finish()
    assert code == 0, lines
    assert [r.title for r in journal.load_journal().ratings] == ["Moon Crew"]


def test_a_killed_writer_leaves_no_lock_behind(mine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stuck = child.start(mine, "rate", "m:6", "love", stop="replace:2", MOVIEFINDER_CATALOG="mine")
    stuck.stopped()  # it holds the lock, halfway through writing the history
    assert lock.holder() == stuck.process.pid
    stuck.kill()
    monkeypatch.setenv(lock.TIMEOUT_ENV, "0")  # one attempt: the lock must be free at once
    told: list[int | None] = []
    with lock.hold(told.append):
        assert lock.holder() == os.getpid()
    assert told == [] and lock.holder() is None
    assert run(["rate", "m:1", "like"]) == 0
    assert [r.title for r in journal.load_journal().ratings] == ["Star Voyage"]


def test_concurrent_writers_lose_no_update(mine: Path) -> None:
    ids = ["m:1", "m:2", "m:3", "m:4", "m:5", "m:6"]
    raters = [child.start(mine, "rate", id_, "like", MOVIEFINDER_CATALOG="mine") for id_ in ids]
    for rater in raters:
        code, _, lines = rater.finish()
        assert code == 0, lines
    assert len(journal.load_journal().ratings) == len(ids)


def test_the_lock_is_reentrant_and_says_who_holds_it(home: Path) -> None:
    with lock.hold():
        assert lock.holder() == os.getpid()
        with lock.hold():  # a command calling another
            assert (home / lock.LOCK_FILE).is_file()
        assert lock.holder() == os.getpid()
    assert lock.holder() is None


def test_a_busy_lock_raises_busy_error(
    home: Path, holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lock.TIMEOUT_ENV, "0.2")
    told: list[int | None] = []
    with pytest.raises(BusyError) as caught, lock.hold(told.append):
        pass
    assert told == [holder.pid]
    assert "Error: " + str(caught.value) == busy_message(home, holder.pid, "0.2")


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_timeout_is_a_config_error(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    monkeypatch.setenv(lock.TIMEOUT_ENV, value)
    assert run(["rate", "m:1", "like"]) == 1
    assert capsys.readouterr().err == (
        f"Error: MOVIEFINDER_LOCK_TIMEOUT must be a number of seconds, not {value!r}.\n"
    )


def test_a_data_directory_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"  # root may write anywhere, but not into a file
    blocked.write_text("not a folder")
    monkeypatch.setenv(paths.HOME_ENV, str(blocked))
    assert run(["rate", "m:1", "like"]) == 1
    assert capsys.readouterr().err.startswith(f"Error: Cannot write to {blocked} (")
