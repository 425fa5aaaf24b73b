"""The TMDB key is never printed, logged, raised or stored outside config.toml, and config.toml
is written readable by its owner only."""

from __future__ import annotations

import io
import logging
import os
import stat
import tempfile
import traceback
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from moviefinder.app import catalogs
from moviefinder.core.errors import ServiceError
from moviefinder.sources.importers.tmdb_api import TmdbClient
from moviefinder.storage import config, paths
from moviefinder.storage.config import Settings, load_settings, mask
from tests.conftest import run
from tests.fake_tmdb import API_KEY, MALFORMED, SLOW, TOKEN, FakeTmdb, Fault

SECRETS = {"v3 key": API_KEY, "v4 token": TOKEN}
#: A key the server rejects: it must not show up either.
WRONG = "0badc0de5ecre7f00dfeedc0ffee9999"


@pytest.fixture
def tmdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTmdb]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    # The CLI makes its own client: no waiting between tries, and a short timeout.
    defaults = TmdbClient.__init__.__kwdefaults__
    monkeypatch.setitem(defaults, "timeout", 0.2)
    monkeypatch.setitem(defaults, "sleep", lambda seconds: None)
    with FakeTmdb() as server:
        monkeypatch.setenv("MOVIEFINDER_TMDB_URL", server.base_url)
        yield server


def forms(secret: str) -> list[str]:
    """SECRET as it could leak: as is, URL-quoted, and in a Bearer header."""
    return [secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)]


def assert_nowhere(
    secret: str,
    texts: list[str],
    caplog: pytest.LogCaptureFixture,
    home: Path,
    skip: tuple[str, ...] = (),
) -> int:
    """SECRET is in none of TEXTS, log records and files under HOME; returns files scanned."""
    logged = [f"{r.getMessage()} {r.args!r} {r.exc_text}" for r in caplog.records]
    for text in [*texts, *logged]:
        for form in forms(secret):
            assert form not in text, text
    scanned = 0
    for path in home.rglob("*"):
        if path.is_file() and path.name not in skip:
            data = path.read_bytes()
            scanned += 1
            for form in forms(secret):
                assert form.encode() not in data, path
    return scanned


def sync(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["catalog", "sync", "--region", "NL"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_a_sync_that_works_shows_and_stores_no_key(
    tmdb: FakeTmdb,
    bundled: Path,
    home: Path,
    secret: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TMDB_API_KEY", secret)
    code, out, err = sync(capsys)
    assert code == 0, err
    texts = [out, err]
    for command in (["config", "show"], ["doctor"], ["paths"], ["catalog", "list"]):
        run(command)
        texts.extend(capsys.readouterr())
    assert "tmdb_api_key = ****" in texts[2] and f"****{secret[-4:]}" in texts[2]
    assert assert_nowhere(secret, texts, caplog, home) >= 4  # titles, embeddings, evidence, cache


FAILURES = {
    "rejected": ({}, "TMDB rejected the API key or read-access token (HTTP 401): check it."),
    "server-errors": (
        {"always": ("/discover/movie", Fault(500))},
        "TMDB failed 5 times on /discover/movie (HTTP 500); try again later.",
    ),
    "timeouts": (
        {"always": ("/movie/102", SLOW)},
        "TMDB failed 5 times on /movie/102 (timed out); try again later.",
    ),
    "malformed": (
        {"fail": ("/discover/tv", MALFORMED)},
        "TMDB sent unreadable JSON for /discover/tv.",
    ),
    "interrupted": (
        {"details_limit": 4},
        "TMDB failed 5 times on /movie/105 (HTTP 503); try again later.",
    ),
}


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
@pytest.mark.parametrize(("setup", "message"), FAILURES.values(), ids=FAILURES.keys())
def test_a_sync_that_fails_shows_and_stores_no_key(
    tmdb: FakeTmdb,
    bundled: Path,
    home: Path,
    secret: str,
    setup: dict[str, object],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    used = WRONG if not setup else secret
    monkeypatch.setenv("TMDB_API_KEY", used)
    if "always" in setup:
        where, fault = setup["always"]  # type: ignore[misc]
        tmdb.always[where] = fault
    if "fail" in setup:
        where, fault = setup["fail"]  # type: ignore[misc]
        tmdb.fail(where, fault)
    if "details_limit" in setup:
        tmdb.details_limit = setup["details_limit"]  # type: ignore[assignment]

    code, out, err = sync(capsys)

    assert code == 1
    assert err.splitlines()[-1] == f"Error: {message}"  # after the progress bar, if shown
    assert "Traceback" not in err and err.count("Error") == 1
    if "details_limit" in setup:  # the checkpoint holds the four finished titles
        checkpoint = paths.catalog_dir("netflix-nl") / "sync-nl.jsonl"
        assert len(checkpoint.read_text().splitlines()) == 4
    assert_nowhere(used, [out, err], caplog, home)
    assert_nowhere(secret, [out, err], caplog, home)


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_exceptions_and_their_chains_hold_no_key(
    tmdb: FakeTmdb,
    bundled: Path,
    home: Path,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    texts = []
    tmdb.details_limit = 2
    for base_url in (tmdb.base_url, "http://127.0.0.1:9/3", "http://127.0.0.1:notaport/3"):
        client = TmdbClient(secret, base_url=base_url, timeout=0.2, sleep=lambda s: None)
        texts.append(repr(client))
        with pytest.raises(ServiceError) as error:
            catalogs.sync_catalog("netflix-nl", "NL", client, "fake/keywords-64")
        texts.append("".join(traceback.format_exception(error.value)))
        texts.append(repr(error.value.args) + repr(vars(error.value)))
    assert "Connection refused" in texts[4]
    assert_nowhere(secret, texts, caplog, home)


def test_settings_repr_and_a_broken_config_hold_no_key(
    home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert API_KEY not in repr(Settings(tmdb_api_key=API_KEY))
    assert API_KEY not in str(Settings(tmdb_api_key=API_KEY))
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    assert API_KEY not in repr(load_settings()) and load_settings().tmdb_api_key == API_KEY
    monkeypatch.delenv("TMDB_API_KEY")
    home.mkdir(parents=True)
    texts = []
    for text in (
        f"tmdb_api_key = {API_KEY}\n",  # unquoted: not TOML
        f'tmdb_api_key = "{API_KEY}\n',  # unterminated
        f'tmdb_api_kee = "{API_KEY}"\n',  # misspelt
        f'[tmdb]\ntmdb_api_key = "{API_KEY}"\n',  # in a table
    ):
        (home / "config.toml").write_text(text)
        code = run(["ask", "space"])
        assert code == 1
        with pytest.raises(config.ConfigError) as error:
            load_settings()
        texts.append(str(error.value))
    assert_nowhere(API_KEY, texts, caplog, home, skip=("config.toml",))


# --- writing config.toml ---------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_config_set_key_from_stdin_writes_0600_and_shows_it_masked(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("sys.stdin", io.StringIO(API_KEY + "\n"))
    old = os.umask(0)  # even with a umask that lets everyone read
    try:
        assert run(["config", "set", "tmdb_api_key"]) == 0
    finally:
        os.umask(old)
    out, err = capsys.readouterr()
    path = home / "config.toml"
    assert mode(path) == 0o600
    assert path.read_text() == f'tmdb_api_key = "{API_KEY}"\n'
    assert out.splitlines()[0] == "tmdb_api_key = ****ef01"
    assert load_settings().tmdb_api_key == API_KEY

    assert run(["config", "show"]) == 0
    shown, _ = capsys.readouterr()
    assert f"tmdb_api_key = ****ef01  ({path})" in shown
    assert "region = NL  (default)" in shown
    assert_nowhere(API_KEY, [out, err, shown], caplog, home, skip=("config.toml",))


def test_the_temporary_file_is_private_before_the_key_is_written(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    real_mkstemp = tempfile.mkstemp

    def watched(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        made.append(mode(Path(name)))  # before a byte is written
        return fd, name

    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError("chmod after writing leaves a window")

    monkeypatch.setattr(tempfile, "mkstemp", watched)
    monkeypatch.setattr(os, "chmod", no_chmod)
    config.set_value("tmdb_api_key", API_KEY)
    assert made == [0o600]
    assert mode(home / "config.toml") == 0o600
    assert [p.name for p in home.iterdir()] == ["config.toml"]  # no temporary file left


def test_config_set_keeps_comments_and_other_settings_and_tightens_the_mode(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True)
    path = home / "config.toml"
    path.write_text('# mine\nregion = "BE"\ntmdb_api_key = "old"\n')
    path.chmod(0o644)
    assert run(["config", "set", "tmdb_api_key", API_KEY]) == 0
    assert run(["config", "set", "taste_weight", "0.5"]) == 0
    assert path.read_text() == (
        f'# mine\nregion = "BE"\ntmdb_api_key = "{API_KEY}"\ntaste_weight = 0.5\n'
    )
    assert mode(path) == 0o600
    assert run(["config", "set", "region", ""]) == 0  # empty: back to the default
    assert load_settings() == Settings(taste_weight=0.5, tmdb_api_key=API_KEY)
    capsys.readouterr()

    assert run(["config", "set", "region", "Netherlands"]) == 1
    assert "region must be a two-letter country code" in capsys.readouterr().err
    assert run(["config", "set", "colour", "red"]) == 1
    assert run(["config", "set", "region"]) == 2  # only the key may be typed unseen
    assert load_settings() == Settings(taste_weight=0.5, tmdb_api_key=API_KEY)


def test_config_set_key_prompts_unseen_on_a_terminal(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[dict[str, object]] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def prompt(text: str, **kwargs: object) -> str:
        asked.append(kwargs)
        return TOKEN

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("typer.prompt", prompt)
    assert run(["config", "set", "tmdb_api_key"]) == 0
    assert asked == [{"hide_input": True}]
    assert load_settings().tmdb_api_key == TOKEN
    assert TOKEN not in "".join(capsys.readouterr())

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(["config", "set", "tmdb_api_key"]) == 2  # nothing typed: nothing changed
    assert load_settings().tmdb_api_key == TOKEN


def test_a_key_readable_by_others_is_warned_about_in_one_line(
    bundled: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir(parents=True)
    path = home / "config.toml"
    path.write_text(f'tmdb_api_key = "{API_KEY}"\n')
    path.chmod(0o644)
    assert run(["paths"]) == 0
    out, err = capsys.readouterr()
    assert " ".join(err.split()) == (
        f"Warning: {path} holds your TMDB key and other users can read it — run `chmod 600 {path}`."
    )
    assert API_KEY not in out + err

    assert run(["doctor"]) == 1
    out, _ = capsys.readouterr()
    assert f"PROBLEM config {path} permissions: other users can read the TMDB key in it" in out
    assert "(TMDB key set)" in out and API_KEY not in out
    assert run(["doctor", "--fix"]) == 0
    assert mode(path) == 0o600
    capsys.readouterr()
    assert run(["paths"]) == 0
    assert capsys.readouterr().err == ""

    path.write_text('region = "BE"\n')
    path.chmod(0o644)  # no key in it: nothing to protect
    assert run(["paths"]) == 0
    assert capsys.readouterr().err == ""


def test_mask() -> None:
    assert mask(API_KEY) == "****ef01"
    assert mask(TOKEN) == "****" + TOKEN[-4:]
    assert mask("short-key") == "****"
    assert mask("") == ""


def test_an_unexpected_crash_prints_no_key(home: Path, tmp_path: Path) -> None:
    """A bug's traceback must not show the key: no frame locals (Typer's pretty tracebacks
    would print them), only the plain Python traceback."""
    import subprocess
    import sys

    from tests.conftest import REPO

    script = (
        "from moviefinder.app import catalogs\n"
        "from moviefinder.cli import main\n"
        "def crash(name, region, client, *args, **kwargs):\n"
        "    secret = client._secret\n"
        "    raise RuntimeError('a bug')\n"
        "catalogs.sync_catalog = crash\n"
        "main()\n"
    )
    env = {**os.environ, "TMDB_API_KEY": API_KEY, paths.HOME_ENV: str(home)}
    done = subprocess.run(
        [sys.executable, "-c", script, "catalog", "sync", "--region", "NL"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1 and "RuntimeError: a bug" in done.stderr
    for form in forms(API_KEY):
        assert form not in done.stdout + done.stderr
