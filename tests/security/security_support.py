"""Helpers of the security tests that are not fixtures: the server handle and push bodies.

(Kept out of conftest.py: test modules import them by name, and "conftest" is ambiguous when
several test folders are on sys.path.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from safezone.app_context import Database


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
