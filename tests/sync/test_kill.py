"""Kill -9 a kiosk process at random moments while it plays scripted sessions; after restarts
and a sync, every acknowledged record is on the PostgreSQL server exactly once and the replica
passes ``PRAGMA integrity_check`` after every kill."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sync_support import live_server, make_api_app, make_community, open_replica, totals

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.models import Answer, PlaySession
from safezone.services import rollups
from safezone.sync import tokens
from safezone.sync.agent import SyncAgent, enrol_replica

pytestmark = [pytest.mark.postgres, pytest.mark.kill9]

PLAYER = Path(__file__).with_name("kill_player.py")
REPO = Path(__file__).resolve().parents[2]


def _run_player(data_dir: Path, seed: int, stop_after: int, kill_after_acks: int | None,
                rng: random.Random, acks: dict[str, set[str]]) -> bool:
    """Run the player; kill -9 it after ``kill_after_acks`` acks (plus a random few ms).
    Returns True when it finished on its own."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(PLAYER), str(data_dir), str(seed), str(stop_after)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert proc.stdout is not None
    seen = 0
    done = False
    try:
        for line in proc.stdout:
            parts = line.split()
            if parts[:1] == ["DONE"]:
                done = True
                break
            if parts[:1] == ["ACK"] and _complete(line, parts):
                acks[parts[1]].add(parts[2])
                seen += 1
                if kill_after_acks is not None and seen >= kill_after_acks:
                    # Land somewhere inside the next transaction (or between two).
                    time.sleep(rng.uniform(0, 0.02))
                    proc.send_signal(signal.SIGKILL)
                    break
    finally:
        if proc.poll() is None and done:
            proc.wait(30)
        elif proc.poll() is None:
            proc.kill()
        # Acks printed just before the kill are still in the pipe: they were acknowledged too.
        for line in proc.stdout:
            parts = line.split()
            if parts[:1] == ["ACK"] and _complete(line, parts):
                acks[parts[1]].add(parts[2])
        proc.wait(30)
        proc.stdout.close()
    return done


def _integrity_ok(data_dir: Path) -> None:
    db = open_database(Settings(data_dir=data_dir))
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    db.dispose()


def _kill_run(pg_settings: Settings, tmp_path: Path, clock, now: datetime, *, kills: int,
              stop_after: int) -> None:
    server_db = open_database(pg_settings, migrate=True)
    with server_db.sessions() as s:
        make_community(s, now, residents=6)
        ticket = tokens.create_kiosk(s, "断电测试终端", now=now, rng=random.Random(5))
        s.commit()
    # The server's clock is past every play the player dates (up to a day after the start):
    # records dated ahead of the server's clock are refused until their time has come.
    clock.current = now + timedelta(days=1)
    app = make_api_app(pg_settings, clock)
    rng = random.Random(2026)
    acks: dict[str, set[str]] = {"session": set(), "answer": set(), "finish": set()}
    with live_server(app) as server:
        replica_dir = tmp_path / "kiosk"
        db = open_replica(replica_dir)
        enrol_replica(db, server.url, ticket.code)
        agent = SyncAgent(db, rng=random.Random(3))
        agent.sync_once()
        db.dispose()
        killed = 0
        run = 0
        while True:
            run += 1
            kill_at = rng.randint(1, 12) if killed < kills else None
            done = _run_player(replica_dir, run, stop_after, kill_at, rng, acks)
            _integrity_ok(replica_dir)
            if not done:
                killed += 1
            if run % 3 == 0:
                # Sometimes sync between crashes, so acknowledgements interleave with kills.
                sync_db = open_database(Settings(data_dir=replica_dir))
                SyncAgent(sync_db, rng=random.Random(run)).sync_once()
                sync_db.dispose()
            if done:
                break
        assert killed == kills
        db = open_database(Settings(data_dir=replica_dir))
        report = SyncAgent(db, rng=random.Random(4)).sync_once()
        assert report.pending_after == 0
        with db.sessions() as s:
            local = totals(s)
        db.dispose()
    with server_db.sessions() as s:
        sessions = {str(r.id): r.finished_at for r in s.execute(
            select(PlaySession.id, PlaySession.finished_at))}
        answers = {str(a) for a in s.scalars(select(Answer.id))}
        assert acks["session"] <= set(sessions)
        assert acks["answer"] <= answers
        assert all(sessions[sid] is not None for sid in acks["finish"])
        # None twice: the server holds exactly the replica's records, and its incremental
        # rollups equal a full rebuild (each finished session counted once).
        remote = totals(s)
        for key in ("sessions", "finished", "answers", "points_entries", "points", "badges"):
            assert remote[key] == local[key], key
        assert s.scalar(select(func.count()).select_from(PlaySession)) == len(sessions)
        rollups.rebuild(s)
        assert totals(s) == remote
        s.rollback()
    app.extensions["safezone"].database.dispose()
    server_db.dispose()
    assert len(acks["finish"]) >= stop_after - kills  # the run really played


def test_kill_9_twenty_times(pg_settings: Settings, tmp_path: Path, clock, now: datetime) -> None:
    _kill_run(pg_settings, tmp_path, clock, now, kills=20, stop_after=30)


@pytest.mark.slow
def test_kill_9_during_200_sessions(pg_settings: Settings, tmp_path: Path, clock, now: datetime) -> None:
    _kill_run(pg_settings, tmp_path, clock, now, kills=60, stop_after=200)


def _complete(line: str, parts: list[str]) -> bool:
    """A kill can cut the last ack line in half; only a whole line was acknowledged on screen."""
    return line.endswith("\n") and len(parts) == 3
