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
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from safezone.models import Answer, BadgeAward, CheckIn, PlaySession, PointsEntry
from safezone.sync.models import SyncOutbox, SyncState
from safezone.sync.schemas import PushBatch

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


class Record(dict[str, Any]):
    """One record of a batch: a plain dict (serialised as is) whose fields also read as
    attributes, like the schema models they stand for."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class PushPayload:
    """A push batch as plain records, shaped exactly like :class:`PushBatch`.

    Built from column queries without a model per row: the server validates the batch anyway,
    so validating it here too would only double the kiosk's work. :meth:`validated` checks it
    against the schema when a caller wants that.
    """

    batch_id: uuid.UUID
    sent_at: datetime
    sessions: list[Record] = field(default_factory=list)
    answers: list[Record] = field(default_factory=list)
    points_entries: list[Record] = field(default_factory=list)
    badge_awards: list[Record] = field(default_factory=list)
    checkins: list[Record] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The request body as Python values (UUIDs, datetimes and enums not yet encoded)."""
        return {"batch_id": self.batch_id, "sent_at": self.sent_at, "sessions": self.sessions,
                "answers": self.answers, "points_entries": self.points_entries,
                "badge_awards": self.badge_awards, "checkins": self.checkins}

    def model_dump_json(self) -> str:
        """The JSON body, encoded as :meth:`PushBatch.model_dump_json` would encode it."""
        return to_json(self.as_dict()).decode()

    def validated(self) -> PushBatch:
        """The batch checked against the schema (raises ``pydantic.ValidationError``)."""
        return PushBatch.model_validate_json(self.model_dump_json())


@dataclass
class OutgoingBatch:
    """A batch ready to send and the outbox rows its acknowledgement removes."""

    batch: PushPayload
    seqs: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to send."""
        return not self.seqs


_CHUNK = 500
_SESSION_FIELDS = (PlaySession.id, PlaySession.kiosk_id, PlaySession.resident_id,
                   PlaySession.mode, PlaySession.game_type, PlaySession.topic,
                   PlaySession.content_id, PlaySession.roadshow_id, PlaySession.language,
                   PlaySession.started_at, PlaySession.finished_at, PlaySession.score,
                   PlaySession.max_score, PlaySession.points_awarded)
_ANSWER_FIELDS = (Answer.id, Answer.session_id, Answer.resident_id, Answer.question_id,
                  Answer.topic, Answer.correct, Answer.chosen, Answer.response_ms,
                  Answer.answered_at)
_POINTS_FIELDS = (PointsEntry.id, PointsEntry.resident_id, PointsEntry.amount,
                  PointsEntry.reason, PointsEntry.source_id, PointsEntry.kiosk_id,
                  PointsEntry.note, PointsEntry.created_at)
_BADGE_FIELDS = (BadgeAward.id, BadgeAward.resident_id, BadgeAward.badge_id,
                 BadgeAward.session_id, BadgeAward.awarded_at)
_CHECKIN_FIELDS = (CheckIn.id, CheckIn.event_id, CheckIn.resident_id, CheckIn.kiosk_id,
                   CheckIn.method, CheckIn.checked_in_at)


def _records(session: Session, columns: tuple[Any, ...], key: Any,
             ids: list[uuid.UUID]) -> list[Record]:
    """Rows whose ``key`` is in ``ids`` as records (column queries, ``_CHUNK`` ids a query)."""
    names = [c.key for c in columns]
    found: list[Record] = []
    for start in range(0, len(ids), _CHUNK):
        result = session.execute(select(*columns).where(key.in_(ids[start : start + _CHUNK])))
        found.extend(Record(zip(names, row, strict=True)) for row in result)
    return found


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
        return OutgoingBatch(batch=PushPayload(batch_id=uuid.uuid4(), sent_at=sent_at))
    order: dict[uuid.UUID, int] = {}  # chosen sessions, in outbox order
    other: dict[str, list[uuid.UUID]] = {"points": [], "badge": [], "checkin": []}
    seqs: list[int] = []
    for seq, kind, record_id, session_id in rows:
        if kind in ("session", "answer"):
            if session_id not in order:
                if len(order) >= max_sessions:
                    break
                order[session_id] = len(order)
        else:
            other[kind].append(record_id)
        seqs.append(seq)
    last = seqs[-1]
    session_ids = list(order)
    # The rest of the chosen sessions' rows (answers beyond max_rows, a later finish): their
    # current state is what this snapshot reads, so they are acknowledged too.
    for start in range(0, len(session_ids), _CHUNK):
        chunk = session_ids[start : start + _CHUNK]
        seqs.extend(session.scalars(
            select(SyncOutbox.seq).where(SyncOutbox.session_id.in_(chunk),
                                         SyncOutbox.kind.in_(("session", "answer")),
                                         SyncOutbox.seq > last)))
    plays = _records(session, _SESSION_FIELDS, PlaySession.id, session_ids)
    plays.sort(key=lambda p: order[p["id"]])
    answers = _records(session, _ANSWER_FIELDS, Answer.session_id, session_ids)
    answers.sort(key=lambda a: (order[a["session_id"]], a["answered_at"], str(a["id"])))
    points = _records(session, _POINTS_FIELDS, PointsEntry.id, other["points"])
    for entry in points:
        entry["reason"] = entry["reason"].value
    batch = PushPayload(
        batch_id=uuid.uuid4(),
        sent_at=sent_at,
        sessions=plays,
        answers=answers,
        points_entries=points,
        badge_awards=_records(session, _BADGE_FIELDS, BadgeAward.id, other["badge"]),
        checkins=_records(session, _CHECKIN_FIELDS, CheckIn.id, other["checkin"]),
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
