"""The availability files: evidence records one per line, written sorted, read back fast
(the query path reads only its region's lines) and checked record by record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from moviefinder.core import bundle
from moviefinder.core.availability import Availability
from moviefinder.core.errors import REINSTALL, InputError, MovieFinderError, Remedy
from moviefinder.storage.files import atomic_file


def write_availability(records: Iterable[Availability], path: Path) -> None:
    """One record per line, sorted, so diffs stay reviewable."""
    rows = sorted(records, key=lambda r: (r.id, r.region, r.source))
    with atomic_file(path) as handle:
        for record in rows:
            handle.write(json.dumps(record._asdict(), ensure_ascii=False).encode() + b"\n")


def read_availability(path: Path, regions: Iterable[str] | None = None) -> list[Availability]:
    """Records from PATH (none when it does not exist), only those for REGIONS if given.

    Raises:
        InputError: the file is unreadable or a line is not a record (naming the way out).
    """
    if not path.is_file():
        return []
    # On the query path only one region matters: skip other regions' lines before parsing
    # them (the US list alone is 6,000 lines), then check the parsed region exactly.
    wanted = None if regions is None else set(regions)
    marks = None if wanted is None else [f'"region": "{r}"' for r in wanted]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is unreadable ({exc})", _remedy(path)) from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if marks is not None and not any(mark in line for mark in marks):
            continue
        found = _CANONICAL.fullmatch(line)
        if found is not None:  # as written by write_availability: no JSON parse needed
            record = Availability(*found.groups())
        elif line.strip():
            try:
                record = _record(json.loads(line))
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"{path}:{number}: not an availability record ({exc})", _remedy(path)
                ) from None
        else:
            continue
        if wanted is None or record.region in wanted:
            records.append(record)
    return records


_DATE: Final = (
    r"\d{4}(?:-(?:0[1-9]|1[0-2])|-(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|-(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|-02-(?:0[1-9]|1\d|2[0-8]))?"
)
_TEXT: Final = r'([^"\\\x00-\x1f]+)'
#: A line exactly as :func:`write_availability` writes it, with dates that are surely valid
#: (29 February is left to the full check).
_CANONICAL: Final = re.compile(
    f'\\{{"id": "{_TEXT}", "region": "([A-Z]{{2}}|\\*)", "service": "{_TEXT}", '
    f'"source": "{_TEXT}", "first_seen": "({_DATE})", "last_seen": "({_DATE})"\\}}'
)


_DAY: Final = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _record(value: object) -> Availability:
    """An Availability from one parsed line; TypeError or ValueError if it is not one."""
    if not isinstance(value, dict):
        raise TypeError("not an object")
    record = Availability(**value)
    if not all(isinstance(part, str) for part in record):
        raise TypeError("every field must be text")
    if not (_DAY.fullmatch(record.first_seen) and _DAY.fullmatch(record.last_seen)):
        raise ValueError("dates must be YYYY, YYYY-MM or YYYY-MM-DD")
    record.seen()  # a month 13 or a day 32 fails here, not while rendering
    return record


def _remedy(path: Path) -> Remedy:
    """How to get past a damaged availability file at PATH."""
    try:
        shipped = path.resolve().is_relative_to(bundle.bundled_dir().resolve())
    except MovieFinderError:
        shipped = False
    if shipped:
        return REINSTALL
    name = path.parent.name
    return Remedy(
        "delete it (availability is then unknown) and add it again with",
        f"catalog evidence FILE --catalog {name}",
        alternative=Remedy("", f"catalog sync --name {name}"),
    )
