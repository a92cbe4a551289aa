"""Kill -9 mid-session, reopen: every answer the log says was written is in the database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from kiosk_db import make_card_holder
from kiosk_fakes import write_test_content
from sqlalchemy import select, text

from safezone.app_context import Database, open_database
from safezone.config import Settings
from safezone.models import Answer, PlaySession

pytestmark = pytest.mark.kill9

REPO = Path(__file__).resolve().parents[2]


def _records(log: Path) -> list[dict]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    # The last line may be cut in half by the kill; a half line was never acknowledged.
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry.get("event") == "record":
            out.append(entry)
    return out


@pytest.mark.slow
def test_kill_mid_session_loses_nothing_acknowledged(settings: Settings, database: Database, now: datetime, tmp_path: Path) -> None:
    _, code, _ = make_card_holder(database, nickname="阿强", now=now)
    database.dispose()
    # Two rounds, then a long wait in the middle of a third so the kill lands mid-session.
    script = tmp_path / "crash.txt"
    round_ = "tap: option_1\ntap: next\n" * 5
    script.write_text(
        f"scan: {code}\ntap: start\ntap: fire\n{round_}tap: again\ntap: home\n{round_}"
        "tap: again\ntap: traffic\ntap: option_2\ntap: next\ntap: option_1\nwait: 3600\n",
        encoding="utf-8",
    )
    log = tmp_path / "robot.jsonl"
    content = write_test_content(tmp_path / "content")
    env = {**os.environ, "SAFEZONE_DATA_DIR": str(settings.data_dir), "SAFEZONE_CONTENT_DIR": str(content)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--headless", "--script", str(script), "--log", str(log)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            answers = [r for r in _records(log) if r["kind"] == "answer"]
            if len(answers) >= 12:
                break
            if proc.poll() is not None:
                pytest.fail(f"kiosk exited early: {proc.stderr.read().decode()}")
            time.sleep(0.05)
        else:
            pytest.fail("the kiosk did not record 12 answers in 90 s")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    records = _records(log)
    answer_ids = {r["answer_id"] for r in records if r["kind"] == "answer"}
    finished = {r["session_id"] for r in records if r["kind"] == "session_finished"}
    reopened = open_database(settings)
    try:
        with reopened.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with reopened.sessions() as session:
            stored = {str(a) for a in session.scalars(select(Answer.id))}
            assert answer_ids <= stored
            done = {str(p.id) for p in session.scalars(select(PlaySession).where(PlaySession.finished_at.is_not(None)))}
            assert finished <= done
            assert len(finished) == 2
    finally:
        reopened.dispose()
