"""Sync throughput: 10,000 queued kiosk sessions (with answers and points) pushed over loopback
HTTP to the admin on PostgreSQL, against a raw bulk insert of the same rows.

The server is the real one, as deployed: ``safezone admin`` (waitress) in its own process on
PostgreSQL; the kiosk's sync agent runs in this process on its SQLite replica. The CPU time of
each side is printed, since a loaded machine inflates wall time far more than CPU time.

Target (issue 7): <= 10 s. Uses its own database ``safezone_bench_sync`` on 127.0.0.1:5432
(trust auth), dropped afterwards. Run: ``python -m bench sync``.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.db.base import new_uuid
from safezone.db.engine import make_engine
from safezone.db.migrate import upgrade
from safezone.models import (
    AgeGroup,
    Answer,
    Building,
    Household,
    PlayMode,
    PlaySession,
    Plot,
    PointsEntry,
    PointsReason,
    Resident,
    Site,
)
from safezone.sync import tokens
from safezone.sync.agent import SyncAgent, configured_kiosk_id, enrol_replica

SESSIONS = 10_000
ANSWERS_PER_SESSION = 5
RESIDENTS = 400
TARGET_SECONDS = 10.0
BASE_URL = os.environ.get("SAFEZONE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = "safezone_bench_sync"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _recreate(name: str) -> str:
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def _drop(name: str) -> None:
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _community(session) -> list[int]:
    site = Site(name="锦秀城三期", household_target=1462)
    plot = Plot(site=site, number=1)
    buildings = [Building(plot=plot, number=n) for n in range(1, 7)]
    session.add_all([site, plot, *buildings])
    residents = []
    for i in range(RESIDENTS):
        household = Household(building=buildings[i % 6], unit=1 + i % 3, room=str(1000 + i),
                              created_at=NOW)
        residents.append(Resident(household=household, nickname=f"居民{i}", full_name=None,
                                  age_group=AgeGroup.ADULT, consent=True, created_at=NOW))
    session.add_all(residents)
    session.flush()
    return [r.id for r in residents]


def _rows(kiosk_id: uuid.UUID, residents: list[int]) -> tuple[list[dict], list[dict], list[dict]]:
    """The queued records: sessions, their answers, and play points for card holders."""
    rng = random.Random(7)
    sessions, answers, entries = [], [], []
    for n in range(SESSIONS):
        resident = rng.choice(residents) if rng.random() < 0.7 else None
        start = NOW - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        sid = new_uuid()
        correct = 0
        for q in range(ANSWERS_PER_SESSION):
            ok = rng.random() < 0.7
            correct += ok
            answers.append({"id": new_uuid(), "session_id": sid, "resident_id": resident,
                            "question_id": f"fire-q{rng.randint(0, 80):02d}", "topic": "fire",
                            "correct": ok, "chosen": [rng.randint(0, 3)],
                            "response_ms": rng.randint(800, 9000),
                            "answered_at": start + timedelta(seconds=10 * (q + 1))})
        sessions.append({"id": sid, "kiosk_id": kiosk_id, "resident_id": resident,
                         "mode": PlayMode.RESIDENT if resident else PlayMode.GUEST,
                         "game_type": "quiz", "topic": "fire", "content_id": None,
                         "roadshow_id": None, "language": "zh-CN", "started_at": start,
                         "finished_at": start + timedelta(seconds=70), "score": correct,
                         "max_score": ANSWERS_PER_SESSION, "points_awarded": 10 * correct})
        if resident and correct:
            entries.append({"id": new_uuid(), "resident_id": resident, "amount": 10 * correct,
                            "reason": PointsReason.PLAY, "source_id": str(sid),
                            "operator_id": None, "kiosk_id": kiosk_id, "note": None,
                            "created_at": start + timedelta(seconds=70)})
    return sessions, answers, entries


def _bulk_insert(engine, sessions, answers, entries) -> None:
    with engine.begin() as conn:
        for table, rows in ((PlaySession.__table__, sessions), (Answer.__table__, answers),
                            (PointsEntry.__table__, entries)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start : start + 5000])


#: The real launcher, one waitress process (a kiosk sends one batch at a time).
_SERVER = """
import sys
from admin.cli import admin_cmd
from safezone.cli.context import CliContext
admin_cmd.main(args=["--port", sys.argv[1], "--threads", "4"], obj=CliContext(), standalone_mode=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the admin server exited with status {server.returncode}; "
                               "its messages are above")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2).read()
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError("the admin server did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


def main() -> None:
    """Run the benchmark and print the figures."""
    load_before = os.getloadavg()
    url = _recreate(DB_NAME)
    raw_url = _recreate(DB_NAME + "_raw")
    with tempfile.TemporaryDirectory() as tmp:
        server_settings = Settings(data_dir=Path(tmp) / "server", database_url=url,
                                   secret_key="bench")
        server_db = open_database(server_settings, migrate=True)
        with server_db.sessions() as s:
            residents = _community(s)
            ticket = tokens.create_kiosk(s, "bench kiosk", now=datetime.now(UTC))
            s.commit()

        port = _free_port()
        env = {**os.environ, "SAFEZONE_DATA_DIR": str(server_settings.data_dir),
               "SAFEZONE_DATABASE_URL": url, "SAFEZONE_SECRET_KEY": "bench"}
        server = subprocess.Popen([sys.executable, "-c", _SERVER, str(port)], env=env,
                                  stdout=subprocess.DEVNULL)
        try:
            _wait_ready(port, server)
            replica = open_database(Settings(data_dir=Path(tmp) / "kiosk"), migrate=True)
            enrol_replica(replica, f"http://127.0.0.1:{port}", ticket.code)
            agent = SyncAgent(replica)
            agent.sync_once()  # the roster: residents exist on the replica
            kiosk_id = configured_kiosk_id(replica)
            assert kiosk_id is not None
            sessions, answers, entries = _rows(kiosk_id, residents)
            # Queue them as the kiosk would have: written locally, caught by the outbox.
            _bulk_insert(replica.engine, sessions, answers, entries)

            started, cpu_started = time.perf_counter(), time.process_time()
            server_cpu_started = _cpu_seconds(server.pid)
            report = agent.push_pending()
            push_seconds = time.perf_counter() - started
            kiosk_cpu = time.process_time() - cpu_started
            server_cpu = _cpu_seconds(server.pid) - server_cpu_started
            assert report.pending_after == 0, report
            assert report.sessions == SESSIONS, report
            with server_db.engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM play_session")).scalar()
                stored_answers = conn.execute(text("SELECT count(*) FROM answer")).scalar()
            assert stored == SESSIONS and stored_answers == SESSIONS * ANSWERS_PER_SESSION

            raw_engine = make_engine(raw_url)
            upgrade(raw_engine)
            with raw_engine.begin() as conn:
                conn.execute(text("INSERT INTO kiosk (id, name, created_at) VALUES (:id, 'k', now())"),
                             {"id": kiosk_id})
            with server_db.engine.connect() as src, raw_engine.begin() as dst:
                # Same community rows so the foreign keys hold.
                for table in ("site", "plot", "building", "household", "resident"):
                    rows = [dict(r._mapping) for r in src.execute(text(f"SELECT * FROM {table}"))]
                    dst.execute(text(f"INSERT INTO {table} ({', '.join(rows[0])}) VALUES "
                                     f"({', '.join(':' + c for c in rows[0])})"), rows)
            started = time.perf_counter()
            _bulk_insert(raw_engine, sessions, answers, entries)
            raw_seconds = time.perf_counter() - started
            raw_engine.dispose()
            replica.dispose()
        finally:
            server.terminate()
            server.wait(timeout=10)
            server_db.dispose()
    _drop(DB_NAME)
    _drop(DB_NAME + "_raw")
    verdict = "OK" if push_seconds <= TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"sync push: {SESSIONS} sessions + {len(answers)} answers + {len(entries)} points "
          f"entries in {report.batches} batches: {push_seconds:.2f} s "
          f"({SESSIONS / push_seconds:.0f} sessions/s; target <= {TARGET_SECONDS:.0f} s: {verdict}); "
          f"CPU time: kiosk {kiosk_cpu:.2f} s, server process {server_cpu:.2f} s")
    print(f"raw bulk insert of the same rows: {raw_seconds:.2f} s; "
          f"ratio sync/raw = {push_seconds / raw_seconds:.1f}x")
    # Both figures are wall-clock on a shared machine: the load says how much to trust them.
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
