"""The cross-process write lock of admin.db: two worker processes writing to one SQLite file at
the same time both finish every request, with no "database is locked", and a writer waits for
the ``.write.lock`` flock instead of failing or polling.

The workers run a minimal Flask app with only admin.db's hooks and SQLite's busy timeout set to
0, so without the flock the second writer would fail at once with "database is locked".
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from safezone.app_context import open_database
from safezone.config import Settings

pytestmark = pytest.mark.kill9

REPO = Path(__file__).resolve().parents[2]

# A worker: app with admin.db only; POST /write inserts a row and holds the lock for a moment.
_WORKER = r"""
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from flask import Flask
from sqlalchemy import event, text
from admin import db as admin_db
from admin.state import AdminState
from safezone.app_context import open_database
from safezone.config import Settings

data_dir, label, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
database = open_database(Settings(data_dir=data_dir))

@event.listens_for(database.engine, "connect")
def no_busy_wait(dbapi_connection, _record):
    # Runs after the engine's own pragmas: fail at once instead of SQLite's sleep-and-retry.
    dbapi_connection.execute("PRAGMA busy_timeout=0")

database.engine.dispose()  # the schema check already pooled a connection with the old timeout

app = Flask("worker")
app.extensions["safezone"] = AdminState(settings=Settings(data_dir=data_dir), database=database,
                                        clock=lambda: datetime.now(UTC))
admin_db.init_app(app)

@app.post("/write")
def write():
    admin_db.db().execute(text("INSERT INTO lock_test_hits (label) VALUES (:label)"),
                          {"label": label})
    time.sleep(0.005)  # widen the window in which the other process wants the lock
    return "ok"

client = app.test_client()
(data_dir / f"ready-{label}").touch()
while not (data_dir / "go").exists():
    time.sleep(0.01)
failures = []
for _ in range(count):
    response = client.post("/write")
    if response.status_code != 200:
        failures.append(response.status_code)
database.dispose()
print(f"{label} failures={failures}")
sys.exit(1 if failures else 0)
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A migrated SQLite database with an extra table the workers insert into."""
    folder = tmp_path / "var"
    database = open_database(Settings(data_dir=folder), migrate=True)
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE lock_test_hits (id INTEGER PRIMARY KEY, label TEXT)"))
    database.dispose()
    return folder


def _start(data_dir: Path, label: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", _WORKER, str(data_dir), label, str(count)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_ready(data_dir: Path, labels: list[str], workers: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + 60
    while not all((data_dir / f"ready-{label}").exists() for label in labels):
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"worker exited early: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail("workers did not start")
        time.sleep(0.05)


def _hits(data_dir: Path) -> dict[str, int]:
    database = open_database(Settings(data_dir=data_dir))
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT label, COUNT(*) FROM lock_test_hits GROUP BY label"))
        counts = {label: total for label, total in rows}
    database.dispose()
    return counts


def test_two_processes_writing_at_once_both_finish(data_dir: Path) -> None:
    """Every write of both processes commits; none sees "database is locked"."""
    labels, count = ["a", "b"], 150
    workers = [_start(data_dir, label, count) for label in labels]
    try:
        _wait_ready(data_dir, labels, workers)
        (data_dir / "go").touch()
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert "database is locked" not in err
        assert worker.returncode == 0, out + err
    assert _hits(data_dir) == {"a": count, "b": count}
    assert (data_dir / ".write.lock").exists()


def test_a_writer_waits_for_the_lock_file_and_then_writes(data_dir: Path) -> None:
    """While another process holds ``.write.lock`` a write waits; it completes once released."""
    worker = _start(data_dir, "w", 1)
    lock_file = os.open(data_dir / ".write.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        _wait_ready(data_dir, ["w"], [worker])
        (data_dir / "go").touch()
        time.sleep(0.5)
        assert worker.poll() is None, "the write did not wait for the lock file"
        assert _hits(data_dir) == {}
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        out, err = worker.communicate(timeout=60)
    finally:
        os.close(lock_file)
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, out + err
    assert _hits(data_dir) == {"w": 1}
