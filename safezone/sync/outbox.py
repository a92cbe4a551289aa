"""Kiosk side: the outbox of records the server has not acknowledged yet.

SQLite triggers add an outbox row in the same transaction as each play session (insert and
finish), answer, points entry, badge award and check-in, whichever code wrote it — so nothing
acknowledged on screen can be forgotten, even after a kill -9. A batch is read in one snapshot
and its outbox rows are deleted only after the server acknowledged it, so nothing is sent twice
(except in the instant between the server's commit and ours, which the server's idempotency
absorbs). A finished session always travels with all of its answers, so the server counts it
complete.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from safezone.models import Answer, BadgeAward, CheckIn, PlaySession, PointsEntry
from safezone.sync.models import SyncOutbox, SyncState
from safezone.sync.schemas import (
    AnswerIn,
    BadgeAwardIn,
    CheckInIn,
    PointsEntryIn,
    PushBatch,
    SessionIn,
)

#: ``source_id`` of the per-resident balance entries the roster pull maintains; never pushed.
BASELINE_SOURCE = "sync:baseline"
#: Outbox rows read per batch (a batch may add the rest of its sessions' answers).
DEFAULT_BATCH_ROWS = 4000
#: Most sessions per batch (keeps bodies well under the server's limit).
DEFAULT_BATCH_SESSIONS = 200

_SESSION_COLUMNS = ("finished_at", "score", "max_score", "points_awarded", "resident_id",
                    "kiosk_id", "roadshow_id")

_TRIGGERS = {
    "sync_outbox_session_insert": """
        CREATE TRIGGER IF NOT EXISTS sync_outbox_session_insert AFTER INSERT ON play_session
        BEGIN INSERT INTO sync_outbox (kind, record_id, session_id)
              VALUES ('session', NEW.id, NEW.id); END""",
    "sync_outbox_session_update": f"""
        CREATE TRIGGER IF NOT EXISTS sync_outbox_session_update AFTER UPDATE ON play_session
        WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _SESSION_COLUMNS)}
        BEGIN INSERT INTO sync_outbox (kind, record_id, session_id)
              VALUES ('session', NEW.id, NEW.id); END""",
    "sync_outbox_answer_insert": """
        CREATE TRIGGER IF NOT EXISTS sync_outbox_answer_insert AFTER INSERT ON answer
        BEGIN INSERT INTO sync_outbox (kind, record_id, session_id)
              VALUES ('answer', NEW.id, NEW.session_id); END""",
    "sync_outbox_points_insert": f"""
        CREATE TRIGGER IF NOT EXISTS sync_outbox_points_insert AFTER INSERT ON points_entry
        WHEN NEW.source_id IS NOT '{BASELINE_SOURCE}'
             AND NEW.reason IN ('play', 'checkin', 'badge')
        BEGIN INSERT INTO sync_outbox (kind, record_id) VALUES ('points', NEW.id); END""",
    "sync_outbox_badge_insert": """
        CREATE TRIGGER IF NOT EXISTS sync_outbox_badge_insert AFTER INSERT ON badge_award
        BEGIN INSERT INTO sync_outbox (kind, record_id, session_id)
              VALUES ('badge', NEW.id, NEW.session_id); END""",
    "sync_outbox_checkin_insert": """
        CREATE TRIGGER IF NOT EXISTS sync_outbox_checkin_insert AFTER INSERT ON checkin
        BEGIN INSERT INTO sync_outbox (kind, record_id) VALUES ('checkin', NEW.id); END""",
}


class OutboxError(Exception):
    """The replica cannot carry an outbox (not SQLite); the message says why."""


def prepare_replica(engine: Engine) -> bool:
    """Install the outbox triggers on a kiosk replica (idempotent; call at every start).

    When a trigger was missing — first start, or a migration rebuilt a table and dropped it —
    every local record is queued again in the same transaction, so nothing written while the
    trigger was missing is forgotten (the server ignores what it already has). Returns True
    when that full re-queue happened.
    """
    if engine.dialect.name != "sqlite":
        raise OutboxError("a kiosk replica is a SQLite database; the server needs no outbox")
    with engine.begin() as conn:
        present = set(conn.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_outbox_%'"
        )))
        if present >= set(_TRIGGERS):
            return False
        for ddl in _TRIGGERS.values():
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(
            "INSERT INTO sync_outbox (kind, record_id, session_id) "
            "SELECT 'session', id, id FROM play_session ORDER BY started_at")
        conn.exec_driver_sql(
            "INSERT INTO sync_outbox (kind, record_id, session_id) "
            "SELECT 'answer', id, session_id FROM answer ORDER BY answered_at")
        conn.exec_driver_sql(
            "INSERT INTO sync_outbox (kind, record_id) SELECT 'points', id FROM points_entry "
            f"WHERE source_id IS NOT '{BASELINE_SOURCE}' AND reason IN ('play','checkin','badge') "
            "ORDER BY created_at")
        conn.exec_driver_sql(
            "INSERT INTO sync_outbox (kind, record_id, session_id) "
            "SELECT 'badge', id, session_id FROM badge_award ORDER BY awarded_at")
        conn.exec_driver_sql(
            "INSERT INTO sync_outbox (kind, record_id) SELECT 'checkin', id FROM checkin "
            "ORDER BY checked_in_at")
    return True


def pending_count(session: Session) -> int:
    """Records waiting to be sent (a session counts once however often it changed)."""
    rows = session.execute(
        select(SyncOutbox.kind, func.count(func.distinct(SyncOutbox.record_id)))
        .group_by(SyncOutbox.kind)
    ).all()
    return int(sum(count for _, count in rows))


@dataclass
class OutgoingBatch:
    """A batch ready to send and the outbox rows its acknowledgement removes."""

    batch: PushBatch
    seqs: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to send."""
        return not self.seqs


def _session_in(play: PlaySession) -> SessionIn:
    return SessionIn(
        id=play.id, kiosk_id=play.kiosk_id, resident_id=play.resident_id, mode=play.mode,
        game_type=play.game_type, topic=play.topic, content_id=play.content_id,
        roadshow_id=play.roadshow_id, language=play.language, started_at=play.started_at,
        finished_at=play.finished_at, score=play.score, max_score=play.max_score,
        points_awarded=play.points_awarded)


def _answer_in(answer: Answer) -> AnswerIn:
    return AnswerIn(
        id=answer.id, session_id=answer.session_id, resident_id=answer.resident_id,
        question_id=answer.question_id, topic=answer.topic, correct=answer.correct,
        chosen=answer.chosen, response_ms=answer.response_ms, answered_at=answer.answered_at)


def collect_batch(
    session: Session,
    *,
    sent_at: datetime,
    max_rows: int = DEFAULT_BATCH_ROWS,
    max_sessions: int = DEFAULT_BATCH_SESSIONS,
) -> OutgoingBatch:
    """Read the next batch from the outbox, in write order, in one snapshot.

    Sessions travel whole: a session in the batch brings all its answers, and every outbox row
    of those sessions read in this snapshot is acknowledged with the batch.
    """
    rows = session.execute(
        select(SyncOutbox.seq, SyncOutbox.kind, SyncOutbox.record_id, SyncOutbox.session_id)
        .order_by(SyncOutbox.seq).limit(max_rows)
    ).all()
    if not rows:
        return OutgoingBatch(batch=PushBatch(batch_id=uuid.uuid4(), sent_at=sent_at))
    session_ids: list[uuid.UUID] = []
    other: dict[str, list[uuid.UUID]] = {"points": [], "badge": [], "checkin": []}
    seqs: list[int] = []
    for seq, kind, record_id, session_id in rows:
        if kind in ("session", "answer"):
            if session_id not in session_ids:
                if len(session_ids) >= max_sessions:
                    break
                session_ids.append(session_id)
        else:
            other[kind].append(record_id)
        seqs.append(seq)
    last = seqs[-1]
    # The rest of the chosen sessions' rows (answers beyond max_rows, a later finish): their
    # current state is what this snapshot reads, so they are acknowledged too.
    for start in range(0, len(session_ids), 500):
        chunk = session_ids[start : start + 500]
        seqs.extend(session.scalars(
            select(SyncOutbox.seq).where(SyncOutbox.session_id.in_(chunk),
                                         SyncOutbox.kind.in_(("session", "answer")),
                                         SyncOutbox.seq > last)))
    plays: list[PlaySession] = []
    answers: list[Answer] = []
    for start in range(0, len(session_ids), 500):
        chunk = session_ids[start : start + 500]
        plays.extend(session.scalars(select(PlaySession).where(PlaySession.id.in_(chunk))))
        answers.extend(session.scalars(select(Answer).where(Answer.session_id.in_(chunk))))
    order = {sid: i for i, sid in enumerate(session_ids)}
    plays.sort(key=lambda p: order[p.id])
    answers.sort(key=lambda a: (order[a.session_id], a.answered_at, str(a.id)))

    def load(model: type, ids: list[uuid.UUID]) -> list:
        found = []
        for start in range(0, len(ids), 500):
            found.extend(session.scalars(select(model).where(model.id.in_(ids[start : start + 500]))))
        return found

    batch = PushBatch(
        batch_id=uuid.uuid4(),
        sent_at=sent_at,
        sessions=[_session_in(p) for p in plays],
        answers=[_answer_in(a) for a in answers],
        points_entries=[
            PointsEntryIn(id=e.id, resident_id=e.resident_id, amount=e.amount,
                          reason=e.reason.value, source_id=e.source_id, kiosk_id=e.kiosk_id,
                          note=e.note, created_at=e.created_at)
            for e in load(PointsEntry, other["points"])
        ],
        badge_awards=[
            BadgeAwardIn(id=b.id, resident_id=b.resident_id, badge_id=b.badge_id,
                         session_id=b.session_id, awarded_at=b.awarded_at)
            for b in load(BadgeAward, other["badge"])
        ],
        checkins=[
            CheckInIn(id=c.id, event_id=c.event_id, resident_id=c.resident_id,
                      kiosk_id=c.kiosk_id, method=c.method, checked_in_at=c.checked_in_at)
            for c in load(CheckIn, other["checkin"])
        ],
    )
    return OutgoingBatch(batch=batch, seqs=sorted(set(seqs)))


def acknowledge(session: Session, outgoing: OutgoingBatch) -> None:
    """Remove the outbox rows of an acknowledged batch (flushed; the caller commits)."""
    seqs = outgoing.seqs
    for start in range(0, len(seqs), 500):
        session.execute(delete(SyncOutbox).where(SyncOutbox.seq.in_(seqs[start : start + 500])))
    session.flush()


def get_state(session: Session, key: str) -> str | None:
    """A value of the sync client's state, or None."""
    row = session.get(SyncState, key)
    return row.value if row is not None else None


def set_state(session: Session, key: str, value: str | None) -> None:
    """Set (or, with None, remove) a value of the sync client's state (flushed)."""
    row = session.get(SyncState, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value
    session.flush()
