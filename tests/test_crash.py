"""Killed halfway: SIGKILL at chosen points of every writing command, and what is left.

Each command first runs to its end in a child process, which lists its points: every batch
embedded, every file replaced, every TMDB details request. Then fresh copies of the same data
directory each get a child that stops at one point and is killed there (SIGKILL: no handler
runs). After the kill the data is as it was, byte for byte — or, when the kill came after the
commit record, as the command leaves it — and readers work on it; the lock is free at once; a
rerun finishes with the expected result, fetches or embeds only what is missing, and leaves
no temporary file behind. A last test kills after random delays instead of at marked points.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from moviefinder import cli
from moviefinder.app import catalogs, library
from moviefinder.storage import files, journal, lock, paths, store
from moviefinder.storage.evidence import read_availability
from tests import child
from tests.fake_tmdb import API_KEY, FakeTmdb

WORDS = [
    *("space", "rocket", "dog", "heist", "chef", "kitchen", "viking", "king", "alfred"),
    *("mars", "crew", "detective", "moon", "harbour", "smuggler", "brothers", "station"),
    *("botanist", "winter", "north", "lantern", "dusk", "saint", "gravel", "gold", "parish"),
]
A_IDS = range(200)  # the catalogue before: 200 titles
B_IDS = [*range(180), *range(200, 220)]  # after: 20 gone, 20 new, and every 6th one rewritten
B_CHANGED = frozenset(range(0, 180, 6))
B_TO_EMBED = len(B_CHANGED) + 20  # 30 rewritten + 20 new: 4 batches of 16
H1 = "Title,Date\nTitle 1,01-02-24\nTitle 2,02-02-24\n"
H2 = "Title,Date\nTitle 3,03-02-24\nTitle 4,04-02-24\nTitle 5,05-02-24\n"


def catalog_csv(path: Path, ids: Iterable[int], changed: frozenset[int]) -> Path:
    """A generic CSV catalogue of IDS; the CHANGED ones with other synopses."""
    rows = ["id,title,type,year,genres,synopsis"]
    for i in ids:
        words = [WORDS[(i * k + (7 if i in changed else 0)) % len(WORDS)] for k in range(1, 9)]
        kind = "series" if i % 3 == 0 else "movie"
        rows.append(f"m:{i},Title {i},{kind},{1990 + i % 30},drama,{' '.join(words)}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Killed:
    """A copy of the data directory whose command was killed at POINT."""

    point: str
    home: Path
    committed: bool  # killed after the commit record was written


def kill_at(
    template: Path,
    tmp_path: Path,
    argv: list[str],
    choose: Callable[[list[tuple[str, int, str]]], list[str]],
    commit: str,
    **env: str,
) -> list[Killed]:
    """Run ARGV to its end on a copy of TEMPLATE, then on fresh copies kill it at each point
    CHOOSE picks from the points that run passed. Points after the replace of a file named
    COMMIT (or starting with it) count as committed."""
    traced = child.start(copy_of(template, tmp_path / "traced"), *argv, **env)
    code, _, lines = traced.finish()
    assert code == 0, lines
    order = [f"{kind}:{n}" for kind, n, _ in traced.marks()]
    commit_at = [
        order.index(f"replace:{n}")
        for kind, n, name in traced.marks()
        if kind == "replace" and name.startswith(commit)
    ]
    assert len(commit_at) == 1, traced.marks()
    points = choose(traced.marks())
    assert len(set(points)) == len(points)
    started = {
        point: child.start(
            copy_of(template, tmp_path / point.replace(":", "-")), *argv, stop=point, **env
        )
        for point in points
    }
    killed = []
    for point, running in started.items():
        running.stopped()
        running.kill()
        # Stopped at a point means killed before it: committed when the commit came earlier.
        after = order.index(point) > commit_at[0]
        killed.append(Killed(point, tmp_path / point.replace(":", "-"), after))
    return killed


def copy_of(template: Path, where: Path) -> Path:
    shutil.copytree(template, where)
    return where


def replaces(marks: list[tuple[str, int, str]]) -> list[str]:
    """Every file replacement but the lock's pid note."""
    return [
        f"replace:{n}" for kind, n, name in marks if kind == "replace" and name != lock.OWNER_FILE
    ]


def leftovers(home: Path) -> list[str]:
    """Hidden names under HOME but the lock file: temporary files, staging, commit records."""
    return sorted(
        str(Path(parent, name).relative_to(home))
        for parent, folders, names in os.walk(home)
        for name in [*folders, *names]
        if name.startswith(".") and name != lock.LOCK_FILE
    )


def read_bytes(folder: Path) -> dict[str, bytes]:
    """The files of FOLDER by name, hidden (temporary) ones left out."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


#: Every fake model the in-process commands of the running test made (to count what each
#: embedded); the `models` fixture empties it.
MADE: list[child.FakeModel] = []


def make(model: str, encoder_kind: str = "auto", on_export: object = None) -> child.FakeModel:
    """The encoders of this module's in-process commands: the fake model MODEL names."""
    MADE.append(child.FakeModel(model))
    return MADE[-1]


def run(argv: list[str]) -> int:
    return cli.run(argv, encoders=make)


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> list[child.FakeModel]:
    """The fake models for in-process commands; every one made, to count what it embedded."""
    MADE.clear()
    monkeypatch.setenv("MOVIEFINDER_MODEL", child.KEYWORDS_MODEL)
    monkeypatch.setenv(lock.TIMEOUT_ENV, "0")  # one attempt: a lock left behind would fail
    return MADE


@pytest.fixture
def mine(
    home: Path, tmp_path: Path, models: list[child.FakeModel], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A data directory with catalogue 'mine' (titles A), the configured one."""
    monkeypatch.setenv("MOVIEFINDER_CATALOG", "mine")
    assert (
        run(
            [
                "catalog",
                "import",
                str(catalog_csv(tmp_path / "a.csv", A_IDS, frozenset())),
                "--name",
                "mine",
            ]
        )
        == 0
    )
    assert run(["ask", "space rocket", "--any-region"]) == 0  # the query-path copy exists too
    return home


def at(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.HOME_ENV, str(home))


def catalog_ids(name: str = "mine", model: str = child.KEYWORDS_MODEL) -> list[str]:
    """The catalogue's ids as a reader sees them; its embeddings must match them."""
    catalog = library.open_catalog(name)
    library.open_matrix(catalog, model)
    return list(catalog.columns["id"])


def asks(capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    capsys.readouterr()
    assert run(["ask", "space rocket", "--any-region", "--json", *extra]) == 0
    return [m["id"] for m in json.loads(capsys.readouterr().out)["results"]]


def test_catalog_import_killed_at_every_step(
    mine: Path,
    tmp_path: Path,
    models: list[child.FakeModel],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    b = catalog_csv(tmp_path / "b.csv", B_IDS, B_CHANGED)
    argv = ["catalog", "import", str(b), "--name", "mine"]
    before = read_bytes(paths.catalog_dir("mine"))
    old, new = [f"m:{i}" for i in A_IDS], [f"m:{i}" for i in B_IDS]

    def choose(marks: list[tuple[str, int, str]]) -> list[str]:
        assert [n for kind, n, _ in marks if kind == "encode"] == [1, 2, 3, 4]
        return ["encode:1", "encode:4", *replaces(marks)]

    killed = kill_at(mine, tmp_path, argv, choose, ".commit.")
    assert len(killed) == 7 and sum(k.committed for k in killed) == 2
    for case in killed:
        at(case.home, monkeypatch)
        assert catalog_ids() == (new if case.committed else old), case.point
        if not case.committed:
            assert read_bytes(paths.catalog_dir("mine")) == before, case.point
        assert asks(capsys)  # a reader works on what the kill left
        models.clear()
        assert run(argv) == 0, case.point
        assert catalog_ids() == new
        assert sum(m.texts for m in models) == (0 if case.committed else B_TO_EMBED), case.point
        assert leftovers(case.home) == [], case.point


def test_catalog_build_killed_at_every_step(
    mine: Path,
    tmp_path: Path,
    models: list[child.FakeModel],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["catalog", "build", "--catalog", "mine", "--force"]
    before = read_bytes(paths.catalog_dir("mine"))

    def choose(marks: list[tuple[str, int, str]]) -> list[str]:
        assert [n for kind, n, _ in marks if kind == "encode"] == list(range(1, 14))
        return ["encode:1", "encode:7", "encode:13", *replaces(marks)]

    killed = kill_at(
        mine, tmp_path, argv, choose, paths.EMBEDDINGS_FILE, MOVIEFINDER_MODEL=child.ROLLED_MODEL
    )
    assert len(killed) == 4 and not any(k.committed for k in killed)
    for case in killed:
        at(case.home, monkeypatch)
        assert read_bytes(paths.catalog_dir("mine")) == before, case.point
        assert len(catalog_ids(model=child.KEYWORDS_MODEL)) == len(A_IDS)
        assert asks(capsys)
        monkeypatch.setenv("MOVIEFINDER_MODEL", child.ROLLED_MODEL)
        models.clear()
        assert run(argv) == 0, case.point
        assert sum(m.texts for m in models) == len(A_IDS)
        assert len(catalog_ids(model=child.ROLLED_MODEL)) == len(A_IDS)
        assert asks(capsys)
        monkeypatch.setenv("MOVIEFINDER_MODEL", child.KEYWORDS_MODEL)
        assert leftovers(case.home) == [], case.point


def test_import_history_killed_at_every_step(
    mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h1, h2 = tmp_path / "h1.csv", tmp_path / "h2.csv"
    h1.write_text(H1, encoding="utf-8")
    h2.write_text(H2, encoding="utf-8")
    assert run(["import-history", str(h1)]) == 0
    assert run(["rate", "m:7", "love"]) == 0
    assert run(["history", "link", "Title 1", "m:11"]) == 0
    old = journal.load_journal()
    before = read_bytes(paths.history_dir())
    argv = ["import-history", str(h2), "--replace"]  # new viewings, ratings dropped: 2 files

    killed = kill_at(mine, tmp_path, argv, replaces, ".commit.", MOVIEFINDER_CATALOG="mine")
    # After the commit the derived files follow (matches, digest): the history is new there.
    assert len(killed) == 9 and sum(k.committed for k in killed) == 5
    at(tmp_path / "traced", monkeypatch)
    new = journal.load_journal()
    assert [v.title for v in new.viewings] == ["Title 3", "Title 4", "Title 5"]
    assert new.ratings == () and new.links == old.links == {"Title 1": "m:11"}
    for case in killed:
        at(case.home, monkeypatch)
        assert journal.load_journal() == (new if case.committed else old), case.point
        if not case.committed:
            assert read_bytes(paths.history_dir()) == before, case.point
        assert run(["history"]) == 0
        assert run(argv) == 0, case.point
        assert journal.load_journal() == new
        assert leftovers(case.home) == [], case.point


@pytest.fixture
def tmdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTmdb]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    with FakeTmdb() as server:
        monkeypatch.setenv("MOVIEFINDER_TMDB_URL", server.base_url)
        yield server


NETFLIX_NL = "netflix-nl"


def test_catalog_sync_killed_at_every_step(
    home: Path,
    tmp_path: Path,
    tmdb: FakeTmdb,
    models: list[child.FakeModel],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    everything = set(tmdb.regions["NL"])
    tmdb.regions["NL"] = {("movie", 101), ("movie", 102), ("movie", 103), ("tv", 201), ("tv", 202)}
    argv = ["catalog", "sync", "--region", "NL"]
    assert run(argv) == 0
    old = catalog_ids(NETFLIX_NL)
    before = read_bytes(paths.catalog_dir(NETFLIX_NL))
    tmdb.regions["NL"] = everything  # five titles more, and one renamed: six details to fetch
    tmdb.movies[101]["title"] = "Copper Tide Returns"
    needed = {"/movie/101", "/movie/104", "/movie/105", "/movie/106", "/tv/203", "/tv/204"}

    def choose(marks: list[tuple[str, int, str]]) -> list[str]:
        assert [n for kind, n, _ in marks if kind == "details"] == list(range(1, 7))
        return ["details:1", "details:3", "details:6", "encode:1", *replaces(marks)]

    killed = kill_at(home, tmp_path, argv, choose, ".commit.")
    assert len(killed) == 11 and sum(k.committed for k in killed) == 3
    at(tmp_path / "traced", monkeypatch)
    new = catalog_ids(NETFLIX_NL)
    assert len(new) == 10 and set(old) < set(new)
    for case in killed:
        at(case.home, monkeypatch)
        folder = paths.catalog_dir(NETFLIX_NL)
        assert catalog_ids(NETFLIX_NL) == (new if case.committed else old), case.point
        if not case.committed:
            assert {k: v for k, v in read_bytes(folder).items() if k in before} == before
        checkpoint = folder / "sync-nl.jsonl"
        kind, n = case.point.split(":")
        fetched = int(n) - 1 if kind == "details" else len(needed)
        lines = checkpoint.read_text(encoding="utf-8").splitlines() if checkpoint.exists() else []
        assert len(lines) == fetched, case.point
        assert asks(capsys, "--catalog", NETFLIX_NL)
        requests = len(tmdb.requests)
        assert run(argv) == 0, case.point
        again = [s.path for s in tmdb.requests[requests:] if not s.path.startswith("/discover/")]
        assert len(again) == len(set(again)) == len(needed) - fetched, case.point
        assert set(again) <= needed  # what the killed run fetched is not fetched twice
        assert catalog_ids(NETFLIX_NL) == new
        assert not checkpoint.exists()
        nl = [
            r for r in read_availability(library.availability_path(NETFLIX_NL)) if r.region == "NL"
        ]
        assert len(nl) == 10
        assert leftovers(case.home) == [], case.point


def test_random_kills_leave_before_or_after(
    mine: Path,
    tmp_path: Path,
    models: list[child.FakeModel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not at a marked point: after a random delay, while the commands embed slowly."""
    rng = random.Random(9)
    b = catalog_csv(tmp_path / "b.csv", B_IDS, B_CHANGED)
    old, new = [f"m:{i}" for i in A_IDS], [f"m:{i}" for i in B_IDS]
    commands = {
        "import": (["catalog", "import", str(b), "--name", "mine"], child.KEYWORDS_MODEL),
        "build": (["catalog", "build", "--catalog", "mine", "--force"], child.ROLLED_MODEL),
    }
    for label, (argv, model) in commands.items():
        for round_ in range(3):
            home = copy_of(mine, tmp_path / f"{label}-{round_}")
            running = child.start(home, *argv, MOVIEFINDER_MODEL=model, **{child.SLOW_ENV: "0.05"})
            running.wait_for(lambda line: line.startswith("@@ encode 1 "))
            time.sleep(rng.uniform(0.0, 0.6))
            running.kill()
            at(home, monkeypatch)
            monkeypatch.setenv("MOVIEFINDER_MODEL", model)
            if label == "import":
                assert catalog_ids() in (old, new)
            else:
                embeddings = store.read_embeddings(
                    paths.catalog_dir("mine") / paths.EMBEDDINGS_FILE
                )
                assert embeddings.model in (child.KEYWORDS_MODEL, child.ROLLED_MODEL)
            assert run(argv) == 0
            assert len(catalog_ids(model=model)) == len(new if label == "import" else old)
            assert leftovers(home) == []
            monkeypatch.setenv("MOVIEFINDER_MODEL", child.KEYWORDS_MODEL)


def test_catalog_remove_killed_at_every_step(
    mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def choose(marks: list[tuple[str, int, str]]) -> list[str]:
        return [*replaces(marks), *(f"rmtree:{n}" for kind, n, _ in marks if kind == "rmtree")]

    argv = ["catalog", "remove", "mine"]
    killed = kill_at(mine, tmp_path, argv, choose, ".mine.")
    assert [k.committed for k in killed] == [False, True, True]  # rename, then two deletions
    for case in killed:
        at(case.home, monkeypatch)
        assert catalogs.catalog_names() == (["default"] if case.committed else ["default", "mine"])
        if case.committed:
            assert leftovers(case.home), case.point  # the half-deleted folder, hidden
            capsys.readouterr()
            assert run(argv) == 1
            assert capsys.readouterr().err == "Error: No catalogue named 'mine'.\n"
        else:
            assert len(catalog_ids()) == len(A_IDS)
            assert run(argv) == 0
        assert leftovers(case.home) == [], case.point  # the next writer swept it


def test_a_reader_racing_a_writer_reads_one_version(
    mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer commits between the reader's two reads (titles, then embeddings)."""
    b = catalog_csv(tmp_path / "b.csv", B_IDS, B_CHANGED)
    shutil.rmtree(mine / "cache")  # no query-path copy: the reader reads the Parquet files
    real = library.open_catalog
    calls = []

    def open_then_commit(name: str = "mine") -> object:
        catalog = real(name)
        calls.append(name)
        if len(calls) == 1:
            catalogs.import_catalog(b, "mine", "auto", child.KEYWORDS_MODEL, encoders=make)
        return catalog

    monkeypatch.setattr(library, "open_catalog", open_then_commit)
    finder = library.open_finder("mine", child.KEYWORDS_MODEL, encoders=make)
    assert len(calls) == 2  # read again once the commit was seen
    assert list(finder.catalog.columns["id"]) == [f"m:{i}" for i in B_IDS]
    monkeypatch.setattr(library, "open_catalog", real)
    again = library.open_finder(
        "mine", child.KEYWORDS_MODEL, encoders=make
    )  # from the copy just made
    assert list(again.catalog.columns["id"]) == [f"m:{i}" for i in B_IDS]


def test_no_copy_is_stamped_with_files_it_was_not_made_from(
    mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer commits after both reads, before the copy is made: it is not made."""
    b = catalog_csv(tmp_path / "b.csv", B_IDS, B_CHANGED)
    shutil.rmtree(mine / "cache")
    real = library.open_matrix

    def read_then_commit(catalog: object, model: str, on_damage: object = None) -> object:
        matrix = real(catalog, model)  # type: ignore[arg-type]
        catalogs.import_catalog(b, "mine", "auto", child.KEYWORDS_MODEL, encoders=make)
        return matrix

    monkeypatch.setattr(library, "open_matrix", read_then_commit)
    finder = library.open_finder("mine", child.KEYWORDS_MODEL, encoders=make)
    assert len(finder.catalog) == len(A_IDS)  # the version it began to read, whole
    assert not (mine / "cache" / "mine").exists()
    monkeypatch.setattr(library, "open_matrix", real)
    assert len(library.open_finder("mine", child.KEYWORDS_MODEL, encoders=make).catalog) == len(
        B_IDS
    )


# --- the pieces, in one process ---------------------------------------------------------------


def test_an_error_inside_replace_together_leaves_the_old_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("old a")
    with pytest.raises(RuntimeError), files.replace_together(tmp_path) as new:
        with files.atomic_file(new("a")) as handle:
            handle.write(b"new a")
        new("b")
        raise RuntimeError("halfway")
    assert [p.name for p in tmp_path.iterdir()] == ["a"]
    assert (tmp_path / "a").read_text() == "old a"


def test_settle_finishes_a_commit_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").write_text("old a")
    (tmp_path / "b").write_text("old b")

    def cut(folder: Path, batch: str, names: list[str]) -> None:
        os.replace(folder / f".a.{batch}.new", folder / "a")
        raise KeyboardInterrupt  # as if killed between the two moves

    real = files._finish
    monkeypatch.setattr(files, "_finish", cut)
    with pytest.raises(KeyboardInterrupt), files.replace_together(tmp_path) as new:
        (new("a")).write_text("new a")
        (new("b")).write_text("new b")
    assert (tmp_path / "a").read_text() == "new a" and (tmp_path / "b").read_text() == "old b"
    monkeypatch.setattr(files, "_finish", real)
    files.settle(tmp_path)
    assert (tmp_path / "b").read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
    files.settle(tmp_path)  # twice is harmless


def test_sweep_removes_what_dead_processes_left_only(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone, alive = int(dead.stdout), os.getpid()
    names = [
        ".catalog.parquet.{}.abcd1234.tmp",
        ".mine.{}.abcd1234.old",
        ".viewings.jsonl.{}.0123abcd.new",
    ]
    for name in names:
        (tmp_path / name.format(gone)).write_text("x")
        (tmp_path / name.format(alive)).write_text("x")
    (tmp_path / f".default.{gone}.x1y2z3w4").mkdir()
    (tmp_path / f".default.{gone}.x1y2z3w4" / "matrix.npy").write_text("x")
    (tmp_path / "keep.json").write_text("x")
    removed = files.sweep(tmp_path)
    assert len(removed) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["keep.json", *(name.format(alive) for name in names)]
    )


def test_replace_dir_survives_a_racing_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cache"
    target.mkdir()
    (target / "v").write_text("first")
    ours = files.staging_dir(target)
    (ours / "v").write_text("ours")
    replace = os.replace

    def racing(src: Path, dst: Path) -> None:
        replace(src, dst)
        if Path(dst).name.endswith(".old"):  # another process puts its copy in place meanwhile
            theirs = files.staging_dir(target)
            (theirs / "v").write_text("theirs")
            replace(theirs, target)

    monkeypatch.setattr(os, "replace", racing)
    files.replace_dir(ours, target)
    assert (target / "v").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]
