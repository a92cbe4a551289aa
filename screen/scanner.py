"""Telling a USB card scanner from a person at a keyboard, by timing alone.

A scanner "types" the code as a burst of key presses a few milliseconds apart and ends it with
Enter. People type at most a few keys a second. So printable keys are held in a buffer: Enter
arriving within ``max_gap`` of a burst of at least ``min_length`` keys, all ``max_gap`` apart or
closer, is a scan. Anything else is handed back as keys a person typed (slightly delayed, by
``max_gap``), so a digit pressed on a maintenance keyboard still chooses an answer.
Letter case is irrelevant: the code is normalised by the card service.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EnterResult:
    """What an Enter key meant: a scanned code, or an Enter a person pressed after ``human_chars``."""

    code: str | None
    human_chars: list[str] = field(default_factory=list)


class ScannerReader:
    """Buffers key presses and decides, per burst, scanner or human."""

    def __init__(self, max_gap: float = 0.08, min_length: int = 4, max_length: int = 128) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.max_length = max_length
        self._chars: list[str] = []
        self._last: float | None = None

    def feed(self, char: str, now: float) -> list[str]:
        """Add a printable key; returns keys that turned out to be typed by a person."""
        released: list[str] = []
        if self._last is not None and now - self._last > self.max_gap:
            released = self.flush()
        self._chars.append(char)
        self._last = now
        if len(self._chars) > self.max_length:
            # No card code is this long: someone is leaning on the keyboard.
            released += self.flush()
        return released

    def enter(self, now: float) -> EnterResult:
        """Enter was pressed: a scan if the buffer is a fast, long enough burst."""
        fast = self._last is not None and now - self._last <= self.max_gap
        if self._chars and fast and len(self._chars) >= self.min_length:
            code = "".join(self._chars)
            self._reset()
            return EnterResult(code=code)
        return EnterResult(code=None, human_chars=self.flush())

    def expire(self, now: float) -> list[str]:
        """Release the buffer as a person's keys once no scanner key has followed in time."""
        if self._last is not None and now - self._last > self.max_gap:
            return self.flush()
        return []

    def flush(self) -> list[str]:
        """Give back every buffered key as typed by a person."""
        chars = self._chars
        self._reset()
        return chars

    @property
    def pending(self) -> int:
        """How many keys are buffered."""
        return len(self._chars)

    def _reset(self) -> None:
        self._chars = []
        self._last = None
