"""The kiosk's in-memory event log stays bounded over weeks of running."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.eventlog import EventLog


def test_memory_keeps_the_startup_report_and_the_latest_events_while_the_file_keeps_all(
        tmp_path: Path) -> None:
    log = EventLog(tmp_path / "kiosk.jsonl", recent=100)
    log.emit("content_problem", message="content/quiz/fire.yaml:3: bad")
    log.emit("scene", name="attract")
    for n in range(1000):
        log.emit("tap", n=n)
    log.close()
    kept = log.events
    assert [e["event"] for e in kept[:2]] == ["content_problem", "scene"]
    assert len(kept) == 2 + 100
    assert [e["n"] for e in kept[2:]] == list(range(900, 1000))
    lines = (tmp_path / "kiosk.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1002 and json.loads(lines[-1])["n"] == 999
