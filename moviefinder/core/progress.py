"""How a long step tells how far it is: the callbacks every floor passes up to the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

#: Told (done, total) as a long step goes on.
Progress = Callable[[int, int], None]
#: Gives the Progress of each named step of a longer command ("matching titles", "saving").
Stages = Callable[[str], Progress]
#: A long file reports progress every this many rows (a short one never shows a bar).
PROGRESS_EVERY: Final = 10_000
