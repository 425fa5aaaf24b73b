"""`moviefinder doctor`: read every stored file in full and say, per file, whether it is whole.

Derived files — the query-path copies under ``cache/`` and the ONNX exports under ``models/`` —
are removed by ``fix`` when damaged and made again on next use. The user's own data — imported
catalogues, built embeddings, synced availability, the viewing history, the config file — is
never deleted: its check names the command that makes it again. The TMDB key is never shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from moviefinder.core.errors import MovieFinderError, Remedy, one_line
from moviefinder.storage import paths
from moviefinder.storage.config import Settings
from moviefinder.storage.digest import DIGEST_FILE
from moviefinder.storage.files import discard

#: What doctor --fix did with a damaged derived file.
REMADE: Final = Remedy("removed; made again on next use")


@dataclass(frozen=True)
class Check:
    """One file (or one property of a file) looked at.

    ``ok`` says whether it is whole; ``detail`` what was found; ``fix`` the way out when it is
    not (None when whole), or what ``doctor --fix`` did when ``fixed``.
    """

    subject: str
    ok: bool
    detail: str
    fix: Remedy | None = None
    fixed: bool = False

    @classmethod
    def failed(cls, subject: str, error: MovieFinderError) -> Check:
        """SUBJECT could not be read: ERROR's message, and its way out."""
        return cls(subject, False, error.message, error.remedy)

    @property
    def problem(self) -> bool:
        """Still wrong after this run."""
        return not self.ok and not self.fixed


def run_checks(fix: bool = False) -> list[Check]:
    """Check every stored file; with FIX, remove damaged derived files and tighten a config
    file that exposes the TMDB key.

    Example::

        problems = [c for c in run_checks() if c.problem]
    """
    checks = list(_config_checks(fix))
    settings = _settings()
    for name in _catalogue_names():
        checks.extend(_catalogue_checks(name, settings, fix))
    checks.extend(_cache_checks(fix))
    checks.extend(_export_checks(settings, fix))
    checks.extend(_history_checks(fix))
    checks.extend(_lock_checks())
    checks.append(_leftover_check(fix))
    return checks


def _leftover_check(fix: bool) -> Check:
    """Temporary files a killed command left (a killed import: its history, whole, 23 MB)."""
    from moviefinder.storage import files, lock

    left = files.leftovers(paths.data_dir())
    if not left:
        return Check("left-over temporary files", True, "none")
    size = sum(p.stat().st_size for p in left if p.is_file())
    detail = f"{len(left)} left by killed commands ({size / 1e6:.1f} MB), e.g. {left[0]}"
    if fix:
        with lock.hold():
            files.sweep(paths.data_dir())
        return Check("left-over temporary files", False, detail, Remedy("removed"), True)
    return Check(
        "left-over temporary files",
        False,
        detail,
        Remedy("run", "doctor --fix", "(any command that writes removes them too)"),
    )


def _settings() -> Settings:
    from moviefinder.storage.config import load_settings

    try:
        return load_settings()
    except MovieFinderError:
        return Settings()  # reported by the config check; the defaults let the rest go on


# --- config ----------------------------------------------------------------------------------


def _config_checks(fix: bool) -> Iterator[Check]:
    from moviefinder.storage.config import SECRET, exposed_key_warning, load_settings

    path = paths.config_file()
    subject = f"config {path}"
    try:
        settings = load_settings()
    except MovieFinderError as exc:
        yield Check.failed(subject, exc)
        return
    key = " (TMDB key set)" if getattr(settings, SECRET) else ""
    where = "readable" if path.is_file() else "no file, defaults"
    yield Check(subject, True, f"{where}{key}")
    warning = exposed_key_warning()
    if warning is not None:
        fixed = fix and _chmod_private(path)
        yield Check(
            f"config {path} permissions",
            False,
            "other users can read the TMDB key in it",
            Remedy("made readable by you only" if fixed else f"run `chmod 600 {path}`"),
            fixed,
        )


def _chmod_private(path: Path) -> bool:
    try:
        path.chmod(0o600)
    except OSError:
        return False
    return True


# --- catalogues ------------------------------------------------------------------------------


def _catalogue_names() -> list[str]:
    from moviefinder.app import catalogs

    try:
        return catalogs.catalog_names()
    except MovieFinderError:
        return [paths.DEFAULT_CATALOG]


def _catalogue_checks(name: str, settings: Settings, fix: bool) -> Iterator[Check]:
    from moviefinder.app import library
    from moviefinder.storage.evidence import read_availability

    label = f"catalogue '{name}'"
    try:
        catalog = library.open_catalog(name)
    except MovieFinderError as exc:
        yield Check.failed(f"{label} titles", exc)
        return
    yield Check(f"{label} titles", True, f"{len(catalog):,} titles")
    damage: list[MovieFinderError] = []
    try:
        library.open_matrix(catalog, settings.model, on_damage=damage.append)
    except MovieFinderError as exc:
        yield Check.failed(f"{label} embeddings", exc)
    else:
        if damage:  # the user's built copy of the default; the shipped one serves meanwhile
            yield _shipped_restored(f"{label} embeddings", damage[0], name, fix)
        else:
            done = f"every title embedded with {settings.model}, unit length"
            yield Check(f"{label} embeddings", True, done)
    for where in library.availability_paths(name):
        if not where.is_file():
            continue
        try:
            records = read_availability(where)
        except MovieFinderError as exc:
            yield Check.failed(f"{label} availability", exc)
        else:
            yield Check(f"{label} availability", True, f"{len(records):,} records in {where}")


def _shipped_restored(subject: str, problem: MovieFinderError, name: str, fix: bool) -> Check:
    """A damaged copy the user built of the default catalogue's embeddings: with FIX it goes,
    and the shipped embeddings (which serve the configured model) are used again."""
    own = paths.own_embeddings_file(name)
    if fix:
        own.unlink(missing_ok=True)
        done = Remedy("removed; the shipped embeddings serve again")
        return Check(subject, False, problem.message, done, True)
    return Check.failed(subject, problem)  # its remedy names `doctor --fix`


def _cache_checks(fix: bool) -> Iterator[Check]:
    from moviefinder.storage import snapshot

    root = paths.caches_dir()
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if folder.name.startswith("."):
            continue  # a copy being written (or left by a crash: the lock's sweep removes it)
        problem = snapshot.verify(folder.name)
        subject = f"query cache of '{folder.name}'"
        if problem is None:
            yield Check(subject, True, "whole (remade whenever its catalogue changes)")
            continue
        yield _removed(subject, problem, folder, fix)


def _removed(subject: str, problem: str, folder: Path, fix: bool) -> Check:
    """A damaged derived FOLDER: removed with FIX, else the command that removes it."""
    if fix:
        discard(folder)
        if not folder.exists():
            return Check(subject, False, problem, REMADE, True)
    return Check(subject, False, problem, Remedy("run", "doctor --fix", "(it is made again)"))


def _export_checks(settings: Settings, fix: bool) -> Iterator[Check]:
    from moviefinder.core.encoder import PACKAGED_MODEL
    from moviefinder.models import export

    root = paths.models_dir()
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    seen = False
    for folder in folders:
        if folder.name.startswith("."):
            continue
        seen = True
        subject = f"ONNX export {folder}"
        ok, detail = export.check_export(folder, _source_of(folder))
        yield Check(subject, True, detail) if ok else _removed(subject, detail, folder, fix)
    onnx = settings.encoder == "onnx" or (
        settings.encoder == "auto" and settings.model == PACKAGED_MODEL
    )
    if not seen and onnx:
        yield Check("ONNX export", True, "not made yet (made on the first query, once)")


def _source_of(folder: Path) -> Path | None:
    """The model folder the export in FOLDER was made from, if it is still there."""
    from moviefinder.core.encoder import PACKAGED_MODEL
    from moviefinder.models.embed import packaged_model_path
    from moviefinder.models.export import MANIFEST_FILE

    try:
        model = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))["model"]
        source = Path(packaged_model_path()) if model == PACKAGED_MODEL else Path(str(model))
    except (OSError, ValueError, KeyError, TypeError, MovieFinderError):
        return None
    return source if source.is_dir() else None


# --- viewing history -------------------------------------------------------------------------


def _history_checks(fix: bool) -> Iterator[Check]:
    from moviefinder.storage import journal

    folder = paths.history_dir()
    files: tuple[tuple[str, Callable[[Path], str]], ...] = (
        (journal.VIEWINGS_FILE, lambda p: f"{len(journal.read_viewings(p)):,} viewings"),
        (journal.RATINGS_FILE, lambda p: f"{len(journal.read_ratings(p)):,} ratings"),
        (journal.LINKS_FILE, lambda p: f"{len(journal.read_links(p)):,} links made by hand"),
    )
    for name, read in files:
        path = folder / name
        if not path.exists():
            continue
        try:
            yield Check(f"history {path}", True, read(path))
        except MovieFinderError as exc:  # its message names the file and the way out
            yield Check.failed(f"history {path}", exc)
    derived: tuple[tuple[str, Callable[[Path], None], str], ...] = (
        (journal.MATCHES_FILE, _matches, "title matches cache readable"),
        (DIGEST_FILE, _digest, "digest readable (what a search reads of the history)"),
    )
    for name, check, whole in derived:
        path = folder / name
        if not path.exists():
            continue
        subject = f"history {path}"
        try:
            check(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if fix:
                path.unlink(missing_ok=True)
                yield Check(subject, False, one_line(exc), REMADE, True)
            else:
                fix_it = Remedy("run", "doctor --fix", "(remade)")
                yield Check(subject, False, one_line(exc), fix_it)
        else:
            yield Check(subject, True, whole)


# --- the write lock --------------------------------------------------------------------------


def _lock_checks() -> Iterator[Check]:
    """The data directory's write lock: free, or held by a live moviefinder (never stuck: the
    operating system drops it with its process)."""
    from filelock import FileLock, Timeout

    from moviefinder.storage import lock

    path = paths.data_dir() / lock.LOCK_FILE
    subject = f"write lock {path}"
    if not path.exists():
        yield Check(subject, True, "not made yet (made by the first command that writes)")
        return
    if not path.is_file():
        yield Check(subject, False, "is not a file", Remedy(f"remove it (`rm -r {path}`)"))
        return
    probe = FileLock(path)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        pid = lock.holder()
        who = "another moviefinder" if pid is None else f"moviefinder pid {pid}"
        yield Check(subject, True, f"held by {who}, which is changing the data directory")
        return
    except OSError as exc:
        yield Check(subject, False, f"cannot be taken ({one_line(exc)})", Remedy(f"check {path}"))
        return
    probe.release()
    yield Check(subject, True, "free")


def _digest(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not {"key", "seen", "places"} <= set(document):
        raise ValueError("not a history digest")


def _matches(path: Path) -> None:
    cached = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(cached, dict) or not isinstance(cached["ids"], dict):
        raise ValueError("not a matches cache")
