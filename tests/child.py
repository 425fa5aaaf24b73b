"""The CLI in a child process, as the lock and crash tests need it.

``python -m tests.child <command line>`` (from the repository) runs moviefinder with the fake
encoders instead of a real model, and marks points on stderr as ``@@ <point> <n> <detail>``:
``encode`` before each batch is embedded, ``replace`` before each ``os.replace`` and ``rmtree``
before each ``shutil.rmtree`` (detail: the target's name), ``details`` before each TMDB details
request (detail: the title's id). With
``MOVIEFINDER_TEST_STOP=<point>:<n>`` the child says ``@@ stopped`` there and sleeps until it is
killed; ``MOVIEFINDER_TEST_SLOW=<seconds>`` sleeps that long before each batch instead.

The other half, for the test process, starts such children and stops or kills them.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

STOP_ENV = "MOVIEFINDER_TEST_STOP"
SLOW_ENV = "MOVIEFINDER_TEST_SLOW"
MARK = "@@ "
REPO = Path(__file__).resolve().parent.parent
PYCACHE = Path(tempfile.gettempdir()) / "moviefinder-test-pycache"
KEYWORDS_MODEL = "fake/keywords-64"
ROLLED_MODEL = "fake/rolled-64"


class FakeModel:
    """The fake encoders of ``conftest``: KEYWORDS_MODEL is its FakeEncoder; ROLLED_MODEL the
    same vectors shifted one bucket (another model, to test a model switch).

    Imported from conftest on first use: pytest, which it imports, would slow every child.
    """

    def __init__(self, model_id: str) -> None:
        from tests.conftest import FakeEncoder

        if model_id not in (KEYWORDS_MODEL, ROLLED_MODEL):
            raise KeyError(model_id)
        self.model_id = model_id
        self.dim = FakeEncoder.dim
        self._inner = FakeEncoder()

    @property
    def texts(self) -> int:
        """How many texts this model has embedded."""
        return self._inner.texts

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        vectors = self._inner.encode(texts)
        return vectors if self.model_id == KEYWORDS_MODEL else np.roll(vectors, 1, axis=1)


# --- the child ---------------------------------------------------------------------------------

_passed: Counter[str] = Counter()


def _point(kind: str, detail: str = "") -> None:
    _passed[kind] += 1
    here = f"{kind}:{_passed[kind]}"
    sys.stderr.write(f"{MARK}{kind} {_passed[kind]} {detail}\n")
    sys.stderr.flush()
    if os.environ.get(STOP_ENV) == here:
        sys.stderr.write(f"{MARK}stopped\n")
        sys.stderr.flush()
        time.sleep(3600)


class _MarkedModel(FakeModel):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        _point("encode", str(len(texts)))
        time.sleep(float(os.environ.get(SLOW_ENV, "0")))
        return super().encode(texts)


def main(argv: list[str]) -> int:
    from moviefinder.cli import run

    def marked_model(model: str, encoder_kind: str = "auto", on_export: Any = None) -> _MarkedModel:
        return _MarkedModel(model)

    replace = os.replace

    def marked_replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        _point("replace", Path(dst).name)
        replace(src, dst, *args, **kwargs)

    os.replace = marked_replace
    rmtree = shutil.rmtree

    def marked_rmtree(path: Any, *args: Any, **kwargs: Any) -> None:
        _point("rmtree", Path(path).name)
        rmtree(path, *args, **kwargs)

    shutil.rmtree = marked_rmtree  # type: ignore[assignment]
    if argv[:2] == ["catalog", "sync"]:  # the TMDB client is slow to import: only when used
        from moviefinder.sources.importers.tmdb_api import TmdbClient

        details = TmdbClient.details

        def marked_details(self: TmdbClient, kind: Any, tmdb_id: int) -> Any:
            _point("details", f"{kind}:{tmdb_id}")
            return details(self, kind, tmdb_id)

        TmdbClient.details = marked_details  # type: ignore[method-assign]
    return run(argv, encoders=marked_model)


# --- the test's side ---------------------------------------------------------------------------


@dataclass
class Child:
    """A running child and the stderr lines it has written so far."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, test: Callable[[str], bool], timeout: float = 30.0) -> str:
        """The first stderr line passing TEST (AssertionError if the child ends first)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no such line in {timeout} s: {self.lines}") from None
            if line is None:
                self.process.wait()
                raise AssertionError(f"child ended ({self.process.returncode}): {self.lines}")
            self.lines.append(line)
            if test(line):
                return line

    def stopped(self) -> None:
        """Wait until the child sits at its stop point."""
        self.wait_for(lambda line: line == f"{MARK}stopped")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no handler, no cleanup, as in a crash or power cut
        self.process.wait(timeout=10)

    def finish(self, timeout: float = 30.0) -> tuple[int, str, list[str]]:
        """Exit code, stdout and every stderr line, once the child has ended."""
        assert self.process.stdout is not None  # not communicate(): it would read stderr too
        stdout = self.process.stdout.read()
        self.process.wait(timeout=timeout)
        while (line := self._queue.get(timeout=timeout)) is not None:
            self.lines.append(line)
        return self.process.returncode, stdout, self.lines

    def marks(self) -> list[tuple[str, int, str]]:
        """The points passed so far: (kind, n, detail)."""
        out = []
        for line in self.lines:
            if line.startswith(MARK) and line != f"{MARK}stopped":
                kind, n, detail = [*line[len(MARK) :].split(" ", 2), ""][:3]
                out.append((kind, int(n), detail))
        return out


def start(home: Path, *argv: str, stop: str | None = None, **env: str) -> Child:
    """``moviefinder ARGV`` in a child process with data directory HOME and the fake model."""
    environ = {
        **os.environ,
        "MOVIEFINDER_HOME": str(home),
        "MOVIEFINDER_MODEL": KEYWORDS_MODEL,
        "no_proxy": "127.0.0.1",
        **env,
    }
    environ.pop(STOP_ENV, None)
    # Children compile every module afresh when bytecode is not written (as in CI): a cache
    # of their own, outside the repository, halves their start.
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    environ["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    if stop is not None:
        environ[STOP_ENV] = stop
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.child", *argv],
        cwd=REPO,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Child(process)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
