"""A JSON-lines log of what the kiosk did: scene changes, records written, sounds, errors.

Each line is flushed when written, so a log read after ``kill -9`` lists exactly the records
that had been committed (the crash test relies on this). Card codes never appear here.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

#: Events kept in memory after start-up (the file, if any, keeps every one). A kiosk runs for
#: weeks; an unbounded list would grow past the memory budget.
RECENT_EVENTS = 5000


class EventLog:
    """Collects events in memory and, if given a path, appends them to a file as JSON lines.

    In memory it keeps the start-up report (every event up to and including the first scene:
    content problems, the content in use) and the latest :data:`RECENT_EVENTS` events after it.
    """

    def __init__(self, path: Path | None = None, time_source: Callable[[], float] | None = None,
                 recent: int = RECENT_EVENTS) -> None:
        self._startup: list[dict[str, Any]] = []
        self._recent: deque[dict[str, Any]] = deque(maxlen=recent)
        self._started = False
        self._time = time_source or (lambda: 0.0)
        self._file: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")

    def set_time_source(self, time_source: Callable[[], float]) -> None:
        """Where the ``t`` of each event comes from (the app's monotonic clock)."""
        self._time = time_source

    def emit(self, event: str, **fields: Any) -> dict[str, Any]:
        """Record one event."""
        entry = {"t": round(self._time(), 3), "event": event, **fields}
        if self._started:
            self._recent.append(entry)
        else:
            self._startup.append(entry)
            self._started = event == "scene"
        if self._file is not None:
            self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
            self._file.flush()
        return entry

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events kept in memory, oldest first (see the class docstring)."""
        return [*self._startup, *self._recent]

    def of(self, event: str) -> list[dict[str, Any]]:
        """Every recorded event of one kind."""
        return [e for e in self.events if e["event"] == event]

    def close(self) -> None:
        """Close the file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None
