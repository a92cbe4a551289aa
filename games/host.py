"""What a game view may ask of whoever hosts it (the kiosk app): the game host protocol.

A game's view is a scene (:class:`screen.scene.Scene`) shown by a host; it never imports the
kiosk. It draws with the host's :class:`screen.ui.Ui` (language, text size, sounds), reads the
host's clock, and hands what happened back: a step's answer, the finished round, a quit. The host
decides what that means (which database, which screen comes next) — the kiosk does it in
``kiosk/app.py``; a test can host a game with a small fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from screen.scene import ScreenHost

#: The host's handle on a round's play session (``kiosk.backend.PlayRef`` in the kiosk). A game
#: only keeps it and hands it back, so it stays opaque here.
PlayHandle = Any


class HostClock(Protocol):
    """The host's clock: simulated under the robot, real on a kiosk."""

    def monotonic(self) -> float:
        """Seconds, for durations (response times, animations)."""
        ...

    def now(self) -> datetime:
        """The wall-clock time (UTC), for records."""
        ...


class HostLog(Protocol):
    """The host's event log (JSON lines under the robot; tests read it)."""

    def emit(self, kind: str, **fields: Any) -> None:
        """Write one event."""
        ...


class GameHost(ScreenHost, Protocol):
    """Everything a game view may ask of its host, beyond drawing (:class:`ScreenHost`)."""

    #: The assets folder (pictures, spoken prompts).
    assets_dir: Path
    clock: HostClock
    log: HostLog

    @property
    def kids_visit(self) -> bool:
        """True when the round is played in kids' mode (pictures, sound, bigger targets)."""
        ...

    def record_answer(self, play: PlayHandle, *, question_id: str, topic: str, correct: bool,
                      chosen: Sequence[str], response_ms: int | None) -> None:
        """Write one finished step now (its own transaction). A storage problem is the host's
        to log: the game goes on."""
        ...

    def finish_round(self, play: PlayHandle, score: int, max_score: int, *, game: str = "quiz") -> None:
        """The round is over: finish its session and show the results."""
        ...

    def leave_round(self) -> None:
        """The player stopped the round unfinished: the host shows what comes next."""
        ...

    def is_top(self, scene: object) -> bool:
        """True while ``scene`` is the one receiving input (not covered by an overlay)."""
        ...

    def site_title(self, separator: str = " · ") -> str:
        """The top bar's title as one line (part of some games' redraw state)."""
        ...
