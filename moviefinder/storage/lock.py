"""One writer at a time: the exclusive lock on ``<data dir>/.lock``.

Every command that changes the data directory holds it (catalog build, import, sync and
remove; import-history, history link, rate), so two of them never interleave their
read-modify-write. Readers (ask, similar, explain, taste, history, catalog info and list) never
take it and never wait: every file is replaced whole, and files that change together are
committed together (:mod:`moviefinder.storage.files`), so a reader sees the state before a
command or after it. What readers write themselves on first use — the query-path copy, the ONNX
export, the history's matches cache — is a cache that is also replaced whole, and any complete
version is as good as another, so two readers making one at once do no harm and need no lock.

The lock is the operating system's (flock, through filelock): it goes with its process, so a
run that crashed or was killed never blocks the next one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from filelock import FileLock, Timeout

from moviefinder.core.errors import BusyError, ConfigError
from moviefinder.storage import files, paths

LOCK_FILE: Final = ".lock"
#: The holder's pid, for the waiting message. Not in the lock file itself: filelock releases
#: before the fix of tox-dev/filelock#591 truncate it on every attempt, erasing the holder's.
OWNER_FILE: Final = ".lock.pid"
TIMEOUT_ENV: Final = "MOVIEFINDER_LOCK_TIMEOUT"
DEFAULT_TIMEOUT: Final = 60.0

_locks: dict[Path, FileLock] = {}


@contextmanager
def hold(on_wait: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold the data directory's write lock for the block (at once if this process has it).

    When another moviefinder has it, calls ON_WAIT(its pid, if known) once and waits up to
    $MOVIEFINDER_LOCK_TIMEOUT seconds (default 60). Once held, what killed writers left behind
    is cleared (:func:`files.sweep`).

    Raises:
        BusyError: the other moviefinder kept the lock all that time.
        ConfigError: MOVIEFINDER_LOCK_TIMEOUT is not a number of seconds, or the data
            directory cannot be written.

    Example::

        with lock.hold(console.waiting):
            history.rate("jw:tm1", "love", catalog)
    """
    folder = paths.data_dir()
    path = folder / LOCK_FILE
    lock = _locks.get(path)
    if lock is None:
        lock = _locks[path] = FileLock(path)
    if lock.is_locked:  # a command calling another: the outer one holds it
        yield
        return
    timeout = _timeout()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait(holder())
            try:
                lock.acquire(timeout=timeout)
            except Timeout:
                raise BusyError(_busy(folder, timeout)) from None
    except OSError as exc:  # a read-only or foreign data directory
        raise ConfigError(
            f"Cannot write to {folder} ({exc.strerror or exc}) — give yourself write access "
            f"to it, or point {paths.HOME_ENV} at a folder you can write."
        ) from None
    try:
        with files.atomic_file(folder / OWNER_FILE) as handle:
            handle.write(str(os.getpid()).encode())
        files.sweep(folder)
        yield
    finally:
        # Before the release: the next holder writes its own pid, which must stay.
        (folder / OWNER_FILE).unlink(missing_ok=True)
        lock.release()


def holder() -> int | None:
    """The pid of the process holding the lock, if it said (a moment after taking it)."""
    try:
        return int((paths.data_dir() / OWNER_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _busy(folder: Path, timeout: float) -> str:
    pid = holder()
    who = "Another moviefinder" if pid is None else f"Another moviefinder (pid {pid})"
    return (
        f"{who} is still changing {folder} after {timeout:g} s — try again when it has "
        f"finished (set {TIMEOUT_ENV} to wait longer)."
    )


def _timeout() -> float:
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"{TIMEOUT_ENV} must be a number of seconds, not {text!r}.")
    return seconds
