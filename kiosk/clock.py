"""Injected clocks: the app never asks the operating system for the time itself.

A clock gives two things: a monotonic number of seconds (for timers, idle detection and the
scanner's key timing) and an aware wall-clock datetime (for records and the on-screen clock).
Robot mode and tests use :class:`SimClock`, which only moves when told to, so a 60-second idle
timeout takes no real time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the kiosk needs to know about time."""

    def monotonic(self) -> float:
        """Seconds since an arbitrary start; never goes backwards."""
        ...

    def now(self) -> datetime:
        """The current aware UTC datetime."""
        ...


class RealClock:
    """The operating system's clocks."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class SimClock:
    """Simulated time starting at ``start``; :meth:`advance` moves both clocks together."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware start datetime")
        self._start = start
        self._elapsed = 0.0

    def monotonic(self) -> float:
        """Simulated seconds since the clock was made."""
        return self._elapsed

    def now(self) -> datetime:
        """The start time plus the simulated seconds."""
        return self._start + timedelta(seconds=self._elapsed)

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (negative values are refused)."""
        if seconds < 0:
            raise ValueError(f"time cannot go backwards ({seconds} s)")
        self._elapsed += seconds
