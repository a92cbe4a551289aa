"""Kiosk side: the outbox of records the server has not acknowledged yet.

SQLite triggers add an outbox row in the same transaction as each play session (insert and
finish), answer, points entry, badge award and check-in, whichever code wrote it — so nothing
acknowledged on screen can be forgotten, even after a kill -9. A batch is read in one snapshot
and its outbox rows are deleted only after the server acknowledged it, so nothing is sent twice
(except in the instant between the server's commit and ours, which the server's idempotency
absorbs). A finished session always travels with all of its answers, so the server counts it
complete.

A unit of records the server refuses for good (see :class:`ParkedUnit`) is *parked*: its rows
stay in the outbox, flagged in the client state, and later batches skip them, so one bad
record cannot hold back everything written after it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    ColumnElement,
    Engine,
    String,
    Uuid,
    and_,
    delete,
    false,
    func,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session

from safezone.db.base import UTCDateTime
from safezone.models import Answer, BadgeAward, CheckIn, PlaySession, PointsEntry
from safezone.sync.kinds import SESSION_UNIT_KINDS, RecordKind
from safezone.sync.models import SyncOutbox, SyncState
from safezone.sync.schemas import PushBatch

#: ``source_id`` of the per-resident balance entries the roster pull maintains; never pushed.
BASELINE_SOURCE = "sync:baseline"
#: Outbox rows read per batch (a batch may add the rest of its sessions' answers).
DEFAULT_BATCH_ROWS = 4000
#: Most sessions per batch (keeps bodies well under the server's limit).
DEFAULT_BATCH_SESSIONS = 200
#: Key of the client state holding the parked units (JSON list, see :class:`ParkedUnit`).
PARKED_KEY = "parked_units"
#: Outbox kinds that travel inside their play session's unit when they name one.
_SESSION_KINDS = SESSION_UNIT_KINDS

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


#: Lists of a push batch and the outbox kind of their records.
_LISTS = {kind.value: kind.outbox_kind for kind in RecordKind}


def unit_key(kind: str, record_id: uuid.UUID | str, session_id: uuid.UUID | str | None) -> str:
    """The unit an outbox row travels in, e.g. ``session:<uuid>``.

    A play session carries its answers and the badges earned in it (the server refuses an
    answer whose session it has not got, so they are sent, refused and parked together); any
    other record travels alone (``points:<uuid>``, ``checkin:<uuid>``, ``badge:<uuid>``).
    """
    if session_id is not None and kind in _SESSION_KINDS:
        return f"session:{session_id}"
    return f"{kind}:{record_id}"


def _record_unit(list_name: str, record: dict[str, Any]) -> str:
    kind = _LISTS[list_name]
    session_id = record["id"] if kind == "session" else record.get("session_id")
    return unit_key(kind, record["id"], session_id)


@dataclass
class OutgoingBatch:
    """A batch ready to send and the outbox rows its acknowledgement removes."""

    batch: PushPayload
    seqs: list[int] = field(default_factory=list)
    #: The outbox rows of each unit (see :func:`unit_key`), units in outbox order.
    units: dict[str, list[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when there is nothing to send."""
        return not self.seqs

    def subset(self, keys: Iterable[str]) -> OutgoingBatch:
        """A new batch (new id) with only the records and outbox rows of the units ``keys``."""
        wanted = set(keys)
        part = PushPayload(batch_id=uuid.uuid4(), sent_at=self.batch.sent_at)
        for name in _LISTS:
            getattr(part, name).extend(record for record in getattr(self.batch, name)
                                       if _record_unit(name, record) in wanted)
        units = {key: seqs for key, seqs in self.units.items() if key in wanted}
        return OutgoingBatch(part, sorted(seq for seqs in units.values() for seq in seqs), units)

    def split(self) -> tuple[OutgoingBatch, OutgoingBatch]:
        """The first and the second half of the units, each a batch of its own; sent in this
        order, a session still reaches the server before anything sent after it."""
        keys = list(self.units)
        middle = len(keys) // 2
        return self.subset(keys[:middle]), self.subset(keys[middle:])

    def records_in(self, key: str) -> int:
        """How many records of the batch belong to the unit ``key``."""
        return sum(_record_unit(name, record) == key
                   for name in _LISTS for record in getattr(self.batch, name))

    def refused_units(self, details: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
        """The units of this batch that a refusal's ``details`` name, each with the details
        naming it.

        The server names refused records in several shapes: ``{"kind", "id"}`` (id clashes,
        unknown sessions, another kiosk's records), ``{"loc": "answers.3.chosen"}`` (schema
        errors, by position in the batch), ``{"resident_id"}`` or ``{"roadshow_id"}`` (records
        naming something the server does not have). Anything else names no unit.
        """
        records = {name: getattr(self.batch, name) for name in _LISTS}
        by_id = {(name, str(r["id"])): _record_unit(name, r)
                 for name, rows in records.items() for r in rows}
        # Units naming each resident / roadshow, built once (a refusal may list thousands of
        # records naming the same unknown resident).
        by_field: dict[tuple[str, str], set[str]] = {}
        for field_name, lists, attr in (("resident_id", tuple(records), "resident_id"),
                                        ("roadshow_id", ("sessions",), "roadshow_id"),
                                        ("roadshow_id", ("checkins",), "event_id")):
            for name in lists:
                for r in records[name]:
                    if r.get(attr) is not None:
                        by_field.setdefault((field_name, str(r[attr])), set()).add(
                            _record_unit(name, r))
        mine = set(self.units)
        named: dict[str, list[dict[str, Any]]] = {}
        for detail in details:
            if not isinstance(detail, dict):
                continue
            units: set[str] = set()
            kind, ident = detail.get("kind"), detail.get("id")
            if kind in records and ident is not None and (kind, str(ident)) in by_id:
                units.add(by_id[(kind, str(ident))])
            loc = str(detail.get("loc") or "").split(".")
            if len(loc) >= 2 and loc[0] in records and loc[1].isdigit():
                index = int(loc[1])
                if index < len(records[loc[0]]):
                    units.add(_record_unit(loc[0], records[loc[0]][index]))
            for field_name in ("resident_id", "roadshow_id"):
                if detail.get(field_name) is not None:
                    units |= by_field.get((field_name, str(detail[field_name])), set())
            for unit in units & mine:
                named.setdefault(unit, []).append(detail)
        return named


@dataclass(frozen=True)
class ParkedUnit:
    """A unit of records the server refused for good (HTTP 403/409/413/422 for exactly these
    records). Its rows stay in the outbox — nothing leaves it without the server's
    acknowledgement — but are not sent again until parked units are retried, so they do not
    block what is queued behind them."""

    #: The unit (see :func:`unit_key`).
    unit: str
    #: Records in it when it was refused.
    records: int
    #: The server's answer: HTTP status, stable error code, message for people, details.
    status: int
    error: str
    message: str
    details: list[dict[str, Any]]
    #: Kiosk-clock time it was parked (for people; never compared with anything).
    parked_at: str

    def describe(self) -> str:
        """One line for staff, e.g. ``session 0190… (6 records): HTTP 422 invalid_payload: …``."""
        kind, _, ident = self.unit.partition(":")
        text = (f"{kind} {ident} ({self.records} record{'s' if self.records != 1 else ''}): "
                f"HTTP {self.status} {self.error}: {self.message}")
        shown = [", ".join(f"{k}={v}" for k, v in d.items()) for d in self.details[:3]]
        return f"{text} [{'; '.join(shown)}]" if shown else text


def parked_units(session: Session) -> list[ParkedUnit]:
    """The parked units, oldest first (a damaged state value counts as none parked: the units
    are then simply sent again, and parked again if the server still refuses them)."""
    raw = get_state(session, PARKED_KEY)
    if not raw:
        return []
    try:
        return [ParkedUnit(**item) for item in json.loads(raw)]
    except (ValueError, TypeError):
        return []


def park(session: Session, units: Iterable[ParkedUnit]) -> None:
    """Add (or refresh) parked units in the client state (flushed; the caller commits)."""
    current = {p.unit: p for p in parked_units(session)}
    for unit in units:
        current[unit.unit] = unit
    set_state(session, PARKED_KEY, json.dumps([asdict(p) for p in current.values()],
                                              ensure_ascii=False, default=str))


def unpark_all(session: Session) -> int:
    """Queue every parked unit normally again; returns how many there were (flushed)."""
    count = len(parked_units(session))
    set_state(session, PARKED_KEY, None)
    return count


def _in_parked(keys: Iterable[str]) -> ColumnElement[bool]:
    """SQL condition: the outbox row belongs to one of the units ``keys``."""
    sessions: list[uuid.UUID] = []
    singles: dict[str, list[uuid.UUID]] = {}
    for key in keys:
        kind, _, ident = key.partition(":")
        try:
            value = uuid.UUID(ident)
        except ValueError:
            continue
        if kind == "session":
            sessions.append(value)
        else:
            singles.setdefault(kind, []).append(value)
    terms = [and_(SyncOutbox.kind == kind, SyncOutbox.record_id.in_(ids))
             for kind, ids in singles.items()]
    if sessions:
        terms.append(and_(SyncOutbox.kind.in_(_SESSION_KINDS), SyncOutbox.session_id.in_(sessions)))
    return or_(*terms) if terms else false()


def unsettled_points(session: Session) -> Any:
    """A query of the ids of ledger rows still waiting for the server. Parked rows are left
    out: the server refused them, so the kiosk's balance must not count them either (its
    baseline is set so the local sum is the server's balance plus these rows)."""
    query = select(SyncOutbox.record_id).where(SyncOutbox.kind == "points")
    keys = [p.unit for p in parked_units(session) if p.unit.startswith("points:")]
    if keys:
        query = query.where(~_in_parked(keys))
    return query


def parked_count(session: Session) -> int:
    """Records waiting in parked units (a session counts once however often it changed)."""
    keys = [p.unit for p in parked_units(session)]
    if not keys:
        return 0
    return int(session.scalar(
        select(func.count(func.distinct(SyncOutbox.record_id))).where(_in_parked(keys))) or 0)


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


def _uuid_text(column: Any) -> Any:
    """``column`` (a UUID) read as its canonical text, formatted by SQLite itself.

    The replica stores UUIDs as 32 hex digits. Building a ``uuid.UUID`` for each of the
    hundreds of thousands of ids in a push only to print it again was most of the kiosk's
    time in :func:`collect_batch`; the text goes into the JSON body as it is.
    """
    raw = type_coerce(column, String)
    parts = [func.substr(raw, start, length) for start, length in _UUID_GROUPS]
    text_: ColumnElement[str] = parts[0]
    for part in parts[1:]:
        text_ = text_.concat("-").concat(part)
    return text_.label(column.key)


#: (start, length) of the five groups of a UUID's 32 hex digits (SQL ``substr`` is 1-based).
_UUID_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


def _time_text(column: Any) -> Any:
    """``column`` (a :class:`UTCDateTime`) read as ISO 8601 text in UTC: the replica stores
    ``YYYY-MM-DD HH:MM:SS.ffffff`` without an offset, always UTC (see UTCDateTime)."""
    return func.replace(type_coerce(column, String), " ", "T").concat("Z").label(column.key)


def _as_text(session: Session, columns: tuple[Any, ...]) -> list[Any]:
    """The columns to select: on the (SQLite) replica, UUID and time columns as text."""
    if session.get_bind().dialect.name != "sqlite":
        return list(columns)
    out = []
    for column in columns:
        if isinstance(column.type, Uuid):
            out.append(_uuid_text(column))
        elif isinstance(column.type, UTCDateTime):
            out.append(_time_text(column))
        else:
            out.append(column)
    return out


def _matches(session: Session, column: Any, ids: Sequence[str]) -> ColumnElement[bool]:
    """SQL: the UUID ``column`` is one of ``ids`` (canonical text)."""
    if session.get_bind().dialect.name != "sqlite":
        return column.in_([uuid.UUID(i) for i in ids])
    return type_coerce(column, String).in_([i.replace("-", "") for i in ids])


def _records(session: Session, columns: tuple[Any, ...], key: Any,
             ids: list[str]) -> list[Record]:
    """Rows whose ``key`` is in ``ids`` as records (column queries, ``_CHUNK`` ids a query);
    UUIDs and times as text (see :func:`_as_text`)."""
    names = [c.key for c in columns]
    selected = _as_text(session, columns)
    found: list[Record] = []
    for start in range(0, len(ids), _CHUNK):
        result = session.execute(
            select(*selected).where(_matches(session, key, ids[start : start + _CHUNK])))
        found.extend(Record(zip(names, row, strict=True)) for row in result)
    return found


def collect_batch(
    session: Session,
    *,
    sent_at: datetime,
    max_rows: int = DEFAULT_BATCH_ROWS,
    max_sessions: int = DEFAULT_BATCH_SESSIONS,
    skip_units: Iterable[str] = (),
) -> OutgoingBatch:
    """Read the next batch from the outbox, in write order, in one snapshot, leaving out
    parked units and the units ``skip_units`` (those of a batch still in flight).

    Sessions travel whole: a session in the batch brings all its answers, and every outbox row
    of those sessions read in this snapshot is acknowledged with the batch. Ids and times in
    the records are canonical text (what the JSON body carries), not ``UUID``/``datetime``.
    """
    parked = [p.unit for p in parked_units(session)] + list(skip_units)
    record_id, session_id_ = _as_text(session, (SyncOutbox.record_id, SyncOutbox.session_id))
    rows = session.execute(
        select(SyncOutbox.seq, SyncOutbox.kind, record_id, session_id_)
        .where(~_in_parked(parked)).order_by(SyncOutbox.seq).limit(max_rows)
    ).all()
    if not rows:
        return OutgoingBatch(batch=PushPayload(batch_id=uuid.uuid4(), sent_at=sent_at))
    order: dict[str, int] = {}  # chosen sessions (canonical text), in outbox order
    other: dict[str, list[str]] = {"points": [], "badge": [], "checkin": []}
    units: dict[str, list[int]] = {}
    for seq, kind, record, session_id in rows:
        record, session_id = str(record), session_id and str(session_id)
        if kind in ("session", "answer"):
            if session_id not in order:
                if len(order) >= max_sessions:
                    break
                order[session_id] = len(order)
        else:
            other[kind].append(record)
        units.setdefault(unit_key(kind, record, session_id), []).append(seq)
    last = max(seq for seqs in units.values() for seq in seqs)
    session_ids = list(order)
    # The rest of the chosen sessions' rows (answers beyond max_rows, a later finish): their
    # current state is what this snapshot reads, so they are acknowledged too.
    for start in range(0, len(session_ids), _CHUNK):
        chunk = session_ids[start : start + _CHUNK]
        for seq, session_id in session.execute(
                select(SyncOutbox.seq, session_id_)
                .where(_matches(session, SyncOutbox.session_id, chunk),
                       SyncOutbox.kind.in_(("session", "answer")), SyncOutbox.seq > last)):
            units.setdefault(unit_key("session", str(session_id), str(session_id)), []).append(seq)
    plays = _records(session, _SESSION_FIELDS, PlaySession.id, session_ids)
    plays.sort(key=lambda p: order[str(p["id"])])
    answers = _records(session, _ANSWER_FIELDS, Answer.session_id, session_ids)
    answers.sort(key=lambda a: (order[str(a["session_id"])], str(a["answered_at"]), str(a["id"])))
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
    return OutgoingBatch(batch=batch, seqs=sorted({seq for seqs in units.values() for seq in seqs}),
                         units=units)


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
