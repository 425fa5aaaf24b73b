"""Replacing files and folders so that a reader sees the old version or the new, never half.

A single file is written beside its target and moved over it (:func:`atomic_file`). Files that
must change together — a catalogue's titles and their embeddings, the history's viewings and
ratings — are committed as one (:func:`replace_together`): a crash leaves all of them old or,
once the commit record is written, all of them new. Every temporary name carries its writer's
pid, so what a killed process left behind can be told from what a live one is writing
(:func:`sweep`).
"""

from __future__ import annotations

import errno
import json
import os  # os.urandom for temporary names: the secrets module would pull hashlib into `ask`
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, Final

#: Commit records of :func:`replace_together`: ``.commit.<pid>.<random>.json``.
_COMMIT: Final = re.compile(r"\.commit\.\d+\.[0-9a-f]{8}\.json")
#: Every temporary name made here: ``.<name>.<pid>.<8 random characters>[.tmp|.old|.new]``.
_TEMPORARY: Final = re.compile(r"\..+\.(?P<pid>\d+)\.[a-z0-9_]{8}(\.tmp|\.old|\.new|\.json)?")


@contextmanager
def atomic_file(path: Path, private: bool = False) -> Iterator[BinaryIO]:
    """Write PATH through a temporary file in the same folder, then ``os.replace`` it.

    On any error the old file stays as it was and the temporary file is removed. A PRIVATE
    file is readable by its owner only from its first byte (mkstemp makes it 0600); others get
    the usual mode for the umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


@contextmanager
def replace_together(folder: Path) -> Iterator[Callable[[str], Path]]:
    """Replace several files of FOLDER as one change.

    Yields ``new(name)``: where to write the next version of FOLDER/NAME, whole (through
    :func:`atomic_file`, as every writer here does). Leaving the block writes a commit record
    naming them — the moment the change happens — then moves each into place. A crash before
    the record leaves every file old; after it, :func:`settle` (which readers call) finishes
    the moves. An error in the block removes the new versions.

    Example::

        with replace_together(folder) as new:
            store.write_titles(catalog, new("catalog.parquet"))
            store.write_embeddings(embeddings, new("embeddings.parquet"))
    """
    settle(folder)  # an older change a crash interrupted goes first, never after this one
    batch = f"{os.getpid()}.{os.urandom(4).hex()}"
    names: list[str] = []

    def new(name: str) -> Path:
        names.append(name)
        return folder / _pending(name, batch)

    record = folder / f".commit.{batch}.json"
    try:
        yield new
        with atomic_file(record) as handle:
            handle.write(json.dumps({"batch": batch, "names": names}).encode())
    except BaseException:
        for name in names:
            (folder / _pending(name, batch)).unlink(missing_ok=True)
        raise
    _finish(folder, batch, names)
    record.unlink(missing_ok=True)  # a reader may have settled it first


def settle(folder: Path) -> None:
    """Finish every change to FOLDER whose commit record a crash left behind.

    Safe for readers that do not hold the lock: each change's files have names of their own,
    so moving them twice, or late, is a no-op. Where FOLDER cannot be written, nothing happens
    (the files there are then all old).
    """
    try:
        records = sorted(
            (entry.stat().st_mtime_ns, entry.name)
            for entry in os.scandir(folder)
            if _COMMIT.fullmatch(entry.name)
        )
    except OSError:  # no such folder: nothing to finish
        return
    for _, name in records:
        try:
            record = json.loads((folder / name).read_text(encoding="utf-8"))
            _finish(folder, str(record["batch"]), [str(n) for n in record["names"]])
            (folder / name).unlink(missing_ok=True)
        except (OSError, ValueError, KeyError, TypeError):
            continue  # another process finished it meanwhile, or the folder is read-only


def _finish(folder: Path, batch: str, names: list[str]) -> None:
    for name in names:
        with suppress(FileNotFoundError):  # moved already (by a reader settling it)
            os.replace(folder / _pending(name, batch), folder / name)
    _fsync_dir(folder)


def _pending(name: str, batch: str) -> str:
    return f".{name}.{batch}.new"


def staging_dir(target: Path) -> Path:
    """A fresh folder beside TARGET to fill before :func:`replace_dir`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=_prefix(target.name), dir=target.parent))


def replace_dir(staging: Path, target: Path) -> None:
    """Swap the filled STAGING folder in for TARGET.

    Two renames, so TARGET is missing for a moment: only for caches a reader can make again
    (the query-path copy, the ONNX export). Readers make those without the lock, so two may
    race here: each gets a whole folder in place, the last one's.
    """
    old = staging.with_name(f"{staging.name}.old")
    with suppress(FileNotFoundError):  # no previous version, or a racing process moved it
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            with suppress(OSError):
                os.replace(old, target)
            raise
        shutil.rmtree(staging, ignore_errors=True)  # a racing process's copy is in place
    shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> None:
    """Remove FOLDER at once: one rename, then the deletion, which a crash may leave to
    :func:`sweep`."""
    trash = folder.with_name(f"{_prefix(folder.name)}{os.urandom(4).hex()}.old")
    try:
        os.replace(folder, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def versions(files: Iterable[Path]) -> list[tuple[int, int, int] | None]:
    """Which version of each of FILES is in place (None: missing). Every file here is replaced
    by a rename, so a new version is another inode (and mostly another size and mtime)."""
    found: list[tuple[int, int, int] | None] = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return found


def sweep(root: Path) -> list[Path]:
    """Remove what killed processes left under ROOT: temporary files, staging folders and
    changes never committed. Call it holding the lock (no writer is then at work), after
    :func:`settle` has had its chance: committed changes are finished first, never removed.
    Returns what was removed.
    """
    removed = leftovers(root, settling=True)
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


def leftovers(root: Path, settling: bool = False) -> list[Path]:
    """What killed processes left under ROOT (see :func:`sweep`), found but kept; SETTLING
    finishes committed changes on the way."""
    if os.name != "posix":  # os.kill(pid, 0) would signal the process on Windows
        return []
    found: list[Path] = []
    for parent, folders, files in os.walk(root):
        here = Path(parent)
        if settling:
            settle(here)
        for name in [*folders, *files]:
            match = _TEMPORARY.fullmatch(name)
            if match is None or _COMMIT.fullmatch(name) or _alive(int(match["pid"])):
                continue
            found.append(here / name)
            if name in folders:
                folders.remove(name)  # what is inside goes with it
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _prefix(name: str) -> str:
    return f".{name}.{os.getpid()}."


def _fsync_dir(folder: Path) -> None:
    """Make a rename in FOLDER survive a power cut (a crash of the process needs nothing)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
