"""A JSON-lines log of what the kiosk did: scene changes, records written, sounds, errors.

Each line is flushed when written, so a log read after ``kill -9`` lists exactly the records
that had been committed (the crash test relies on this). Card codes never appear here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


class EventLog:
    """Collects events in memory and, if given a path, appends them to a file as JSON lines."""

    def __init__(self, path: Path | None = None, time_source: Callable[[], float] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
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
        self.events.append(entry)
        if self._file is not None:
            self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
            self._file.flush()
        return entry

    def of(self, event: str) -> list[dict[str, Any]]:
        """Every recorded event of one kind."""
        return [e for e in self.events if e["event"] == event]

    def close(self) -> None:
        """Close the file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None
