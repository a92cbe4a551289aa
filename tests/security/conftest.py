"""Fixtures of the security tests: a server (SQLite, and PostgreSQL where marked) with two
enrolled kiosks, a settable clock, and helpers that build push batches as JSON."""

from __future__ import annotations

import random
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).parent.parent / "sync"))

from sync_support import Clock, make_api_app, make_community

from safezone.app_context import Database, open_database
from safezone.config import Settings
from safezone.db.migrate import upgrade
from safezone.sync import tokens


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at minimal cost: these tests log in many accounts; production keeps RFC 9106."""
    from argon2 import PasswordHasher

    from safezone.services import staff

    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                         parallelism=1))


@pytest.fixture
def clock(now: datetime) -> Clock:
    """The server's clock, starting at the fixed test time."""
    return Clock(now)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Server settings on each engine."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "server", secret_key="test-secret")
    engine = request.getfixturevalue("pg_engine")
    upgrade(engine)
    return Settings(data_dir=tmp_path / "server", secret_key="test-secret",
                    database_url=engine.url.render_as_string(hide_password=False))


@dataclass
class Server:
    """The admin app with the sync API, its database, two kiosks and four residents."""

    app: Flask
    client: FlaskClient
    db: Database
    headers: dict[str, dict[str, str]]
    kiosk_ids: dict[str, str]
    residents: list[int]

    def push(self, kiosk: str, body: dict):
        """POST a batch as ``kiosk`` ("a" or "b")."""
        return self.client.post("/api/v1/push", json=body, headers=self.headers[kiosk])


@pytest.fixture
def server(server_settings: Settings, clock: Clock, now: datetime) -> Iterator[Server]:
    """A server with two enrolled kiosks (``a``, ``b``) and four residents with cards."""
    db = open_database(server_settings, migrate=True)
    with db.sessions() as s:
        community = make_community(s, now, residents=4)
        tickets = {name: tokens.create_kiosk(s, f"终端{name}", now=now, rng=random.Random(seed))
                   for seed, name in enumerate("ab", start=1)}
        s.commit()
    app = make_api_app(server_settings, clock)
    client = app.test_client()
    headers, ids = {}, {}
    for name, ticket in tickets.items():
        token = client.post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
        ids[name] = str(ticket.kiosk.id)
    yield Server(app, client, db, headers, ids, community.resident_ids)
    app.extensions["safezone"].database.dispose()
    db.dispose()


def batch(now: datetime, **lists: list[dict]) -> dict:
    """A push body with the given record lists."""
    return {"batch_id": str(uuid.uuid4()), "sent_at": now.isoformat(), **lists}


def resident_play(now: datetime, resident_id: int, questions: list[str], *,
                  correct: bool = True) -> tuple[dict, list[dict]]:
    """A finished resident quiz session and its answers (one per question id)."""
    sid = str(uuid.uuid4())
    session = {"id": sid, "mode": "resident", "resident_id": resident_id, "game_type": "quiz",
               "topic": "fire", "started_at": now.isoformat(),
               "finished_at": (now + timedelta(minutes=5)).isoformat(),
               "score": len(questions) if correct else 0, "max_score": len(questions),
               "points_awarded": 10_000}
    answers = [{"id": str(uuid.uuid4()), "session_id": sid, "resident_id": resident_id,
                "question_id": q, "topic": "fire", "correct": correct,
                "answered_at": (now + timedelta(seconds=10 * (n + 1))).isoformat()}
               for n, q in enumerate(questions)]
    return session, answers


def ledger_row(now: datetime, resident_id: int, *, reason: str = "play",
               source_id: str | None = None, amount: int = 10_000) -> dict:
    """A ledger row as a kiosk (or a forger with a kiosk token) sends it."""
    row = {"id": str(uuid.uuid4()), "resident_id": resident_id, "amount": amount,
           "reason": reason, "created_at": now.isoformat()}
    if source_id is not None:
        row["source_id"] = source_id
    return row
