"""Server side of push: store a kiosk's batch idempotently, in one transaction.

Every record carries its client-generated UUID, so storing is "insert unless that id is already
here": a retried batch changes nothing. Before anything is written the whole batch is checked
(duplicate ids, records of another kiosk, unknown residents/sessions/roadshows); any problem
raises :class:`IngestError` naming every refused record of that kind of problem, and nothing is
written. Rollups are computed exactly once per session
that arrives finished (or arrives unfinished and is finished by a later batch): the insert and the
``finished_at IS NULL`` update report which rows they changed, so a concurrent retry of the same
batch cannot count a session twice. Record timestamps are the kiosk's and are trusted; the
receipt time (audit entry, ``Kiosk.last_seen_at``) is the server's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Table, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from safezone.db.base import table_of
from safezone.models import (
    Answer,
    BadgeAward,
    CheckIn,
    Kiosk,
    PlaySession,
    PointsEntry,
    Resident,
    RoadshowEvent,
)
from safezone.services import audit, points, rollups
from safezone.services import roadshows as roadshow_rules
from safezone.services.localtime import require_aware
from safezone.sync.kinds import RecordKind
from safezone.sync.models import RosterChange
from safezone.sync.schemas import RECORD_KINDS, KindCounts, PushBatch, PushResult

#: Ids per ``IN (...)`` list: well below SQLite's bound-parameter limit.
_CHUNK = 500
#: How far ahead of the server's clock a record's time may be (a kiosk clock running fast, a
#: time zone set wrong); later records are refused until their time has come (parked, retried).
MAX_CLOCK_AHEAD = timedelta(days=1)
#: Plays that finished longer ago than this before they reach the server earn no points (they
#: are stored and counted in the dashboards): back-dated sessions cannot fill one daily cap
#: after another, while a kiosk offline for weeks still gets its residents their points.
MAX_POINTS_AGE = timedelta(days=30)


class IngestError(Exception):
    """A batch was refused; nothing of it was written.

    ``status`` is the HTTP status (403 another kiosk's data, 409 id clash, 422 invalid),
    ``error`` a stable code, ``details`` every refused record: one entry each
    with ``kind`` (the batch list), ``id`` and ``reason``, plus fields older kiosks read
    (``kiosk_id``; ``resident_id``/``roadshow_id`` once per missing one, see :func:`_naming`).
    The API bounds how many it sends.
    """

    def __init__(self, status: int, error: str, message: str,
                 details: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.details = list(details)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


#: ``match(column)``: a predicate "column is one of the ids of this query" (see :func:`_rows`).
Match = Callable[[Any], ColumnElement[bool]]


def _rows(session: Session, query_for: Callable[[Match], Any], ids: Iterable[Any]) -> list[Any]:
    """The rows of ``query_for(match)`` for all ``ids``, where the query filters with
    ``match(column)``.

    On PostgreSQL that is ``column = ANY(:ids)``, one array parameter for every id: the SQL
    text never changes, so psycopg parses it once per process, whereas an ``IN`` list of a
    different length each batch is new text to parse every time. On SQLite, ``IN`` lists of
    ``_CHUNK`` ids, below its bound-parameter limit.
    """
    wanted = list(set(ids))
    if not wanted:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(query_for(
            lambda column: column == any_(bindparam("ids", wanted, type_=postgresql.ARRAY(column.type)))
        )).all())
    out: list[Any] = []
    for chunk in _chunks(wanted):
        def within(column: Any, chunk: Sequence[Any] = chunk) -> Any:
            return column.in_(chunk)

        out.extend(session.execute(query_for(within)).all())
    return out


#: Built insert statements by (dialect, table, any_conflict): each is built once per process.
_INSERTS: dict[tuple[str, str, bool], Any] = {}


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]],
                *, any_conflict: bool = False) -> set[UUID]:
    """Insert rows whose key is not taken yet, in one statement; return the ids inserted.

    ``any_conflict`` also skips rows clashing on another unique key (a badge already earned,
    a resident already checked in at that event). ``RETURNING`` reports exactly the rows this
    statement wrote, so a concurrent retry of the same batch is never taken for new data.
    """
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    stmt = _INSERTS.get((dialect, table.name, any_conflict))
    if stmt is None:
        if dialect == "postgresql":
            # One statement and one JSON parameter for the whole list (see recordset_insert).
            stmt = rollups.recordset_insert(table, list(rows[0]))
        elif dialect == "sqlite":
            stmt = sqlite.insert(table)
        else:
            raise NotImplementedError(
                f"sync ingest supports SQLite and PostgreSQL, not {dialect}")
        stmt = stmt.on_conflict_do_nothing() if any_conflict else stmt.on_conflict_do_nothing(
            index_elements=["id"]
        )
        stmt = stmt.returning(table.c.id)
        _INSERTS[(dialect, table.name, any_conflict)] = stmt
    connection = session.connection()
    if dialect == "postgresql":
        return set(connection.execute(
            stmt, {"rows": rollups.recordset_rows(rows)}).scalars())
    inserted: set[UUID] = set()
    for start in range(0, len(rows), 2000):
        inserted.update(connection.execute(stmt, rows[start : start + 2000]).scalars())
    return inserted


@dataclass
class _Plan:
    """What the checks learned about the batch, used by the writes."""

    existing_sessions: dict[UUID, tuple[UUID | None, datetime | None, int | None]] = field(
        default_factory=dict
    )
    existing_answers: set[UUID] = field(default_factory=set)
    existing_points: set[UUID] = field(default_factory=set)
    existing_badges: set[UUID] = field(default_factory=set)
    existing_checkins: set[UUID] = field(default_factory=set)


def _refuse_duplicates(batch: PushBatch) -> None:
    dupes = []
    for name in RECORD_KINDS:
        seen: set[UUID] = set()
        for record in getattr(batch, name):
            if record.id in seen:
                dupes.append({"kind": str(name), "id": str(record.id),
                              "reason": "id listed more than once in this batch"})
            seen.add(record.id)
    if dupes:
        raise IngestError(422, "duplicate_id",
                          "批次中有重复记录 / the batch lists the same record id twice", dupes)


def _naming(batch: PushBatch, fields: dict[str, str], missing: set[Any],
            label: str, key: str) -> list[dict[str, Any]]:
    """One refusal entry per record whose field ``fields[list]`` is in ``missing``, in batch
    order. Only the first entry naming each missing value also gives it as ``key``: an older
    kiosk parks every record naming that value from one such entry, and scans its whole batch
    for each one, so one per record would cost it records × records. Refused batches only."""
    entries: list[dict[str, Any]] = []
    given: set[Any] = set()
    for name, attr in fields.items():
        for record in getattr(batch, name):
            value = getattr(record, attr)
            if value not in missing:
                continue
            entry = {"kind": str(name), "id": str(record.id), "reason": f"unknown {label} {value}"}
            if value not in given:
                given.add(value)
                entry[key] = str(value) if isinstance(value, UUID) else value
            entries.append(entry)
    return entries


def _refuse_foreign_kiosk_fields(batch: PushBatch, me: UUID) -> None:
    foreign = [
        {"kind": str(name), "id": str(r.id), "reason": "kiosk_id names another kiosk",
         "kiosk_id": str(r.kiosk_id)}
        for name in (RecordKind.SESSIONS, RecordKind.POINTS_ENTRIES, RecordKind.CHECKINS)
        for r in getattr(batch, name)
        if r.kiosk_id is not None and r.kiosk_id != me
    ]
    if foreign:
        raise IngestError(403, "foreign_kiosk",
                          "记录属于另一台终端 / these records name another kiosk; a kiosk may "
                          "only send its own records", foreign)


#: Why a record whose id another kiosk (or the admin) already used is refused.
_TAKEN = "id already belongs to another kiosk's (or the admin's) record"


def _check(session: Session, batch: PushBatch, me: UUID) -> _Plan:
    """Every check that needs the database; raises before anything is written."""
    plan = _Plan()
    batch_sessions = {s.id: s for s in batch.sessions}
    wanted_sessions = set(batch_sessions) | {a.session_id for a in batch.answers} | {
        b.session_id for b in batch.badge_awards if b.session_id is not None
    }
    for sid, kiosk_id, finished_at, resident_id in _rows(
        session,
        lambda match: select(PlaySession.id, PlaySession.kiosk_id, PlaySession.finished_at,
                           PlaySession.resident_id).where(match(PlaySession.id)),
        wanted_sessions,
    ):
        plan.existing_sessions[sid] = (kiosk_id, finished_at, resident_id)
    theirs = {sid for sid, (kiosk_id, _, _) in plan.existing_sessions.items() if kiosk_id != me}
    if theirs:
        # The batch's own sessions with a taken id, and records naming another kiosk's session.
        clashes = [{"kind": "sessions", "id": str(s.id),
                    "reason": "id belongs to another kiosk's play session"}
                   for s in batch.sessions if s.id in theirs]
        clashes += [{"kind": str(name), "id": str(r.id), "reason": "its session belongs to another "
                     f"kiosk: {r.session_id}", "session_id": str(r.session_id)}
                    for name in (RecordKind.ANSWERS, RecordKind.BADGE_AWARDS) for r in getattr(batch, name)
                    if r.session_id in theirs and r.session_id not in batch_sessions]
        raise IngestError(409, "id_conflict",
                          "会话编号已属于另一台终端 / these play sessions belong to another "
                          "kiosk on the server", clashes)

    problems = []
    for answer in batch.answers:
        owner = batch_sessions.get(answer.session_id)
        if owner is not None:
            session_resident = owner.resident_id
        elif answer.session_id in plan.existing_sessions:
            session_resident = plan.existing_sessions[answer.session_id][2]
        else:
            problems.append({"kind": "answers", "id": str(answer.id),
                             "reason": f"unknown session {answer.session_id}"})
            continue
        if answer.resident_id != session_resident:
            problems.append({"kind": "answers", "id": str(answer.id),
                             "reason": "resident_id differs from its session's"})
    for badge in batch.badge_awards:
        if badge.session_id is not None and badge.session_id not in batch_sessions and (
            badge.session_id not in plan.existing_sessions
        ):
            problems.append({"kind": "badge_awards", "id": str(badge.id),
                             "reason": f"unknown session {badge.session_id}"})
    if problems:
        raise IngestError(422, "unknown_session",
                          "答题记录找不到所属会话 / records refer to sessions that are neither in "
                          "the batch nor on the server", problems)

    residents = {s.resident_id for s in batch.sessions if s.resident_id is not None}
    residents |= {a.resident_id for a in batch.answers if a.resident_id is not None}
    residents |= {r.resident_id for name in (RecordKind.POINTS_ENTRIES, RecordKind.BADGE_AWARDS, RecordKind.CHECKINS)
                  for r in getattr(batch, name)}
    known = {row[0] for row in _rows(
        session, lambda match: select(Resident.id).where(match(Resident.id)), residents)}
    if residents - known:
        raise IngestError(422, "unknown_resident",
                          "服务器上没有这些居民 / these residents do not exist on the server",
                          _naming(batch, {name: "resident_id" for name in RECORD_KINDS},
                                  residents - known, "resident", "resident_id"))

    events = {s.roadshow_id for s in batch.sessions if s.roadshow_id is not None}
    events |= {c.event_id for c in batch.checkins}
    known_events = {row[0] for row in _rows(
        session, lambda match: select(RoadshowEvent.id).where(match(RoadshowEvent.id)), events)}
    if events - known_events:
        raise IngestError(422, "unknown_roadshow",
                          "服务器上没有这些路演活动 / these roadshows do not exist on the server",
                          _naming(batch, {"sessions": "roadshow_id", "checkins": "event_id"},
                                  events - known_events, "roadshow", "roadshow_id"))

    clashes = []
    for aid, kiosk_id in _rows(
        session,
        lambda match: select(Answer.id, PlaySession.kiosk_id)
        .join(PlaySession, PlaySession.id == Answer.session_id).where(match(Answer.id)),
        (a.id for a in batch.answers),
    ):
        plan.existing_answers.add(aid)
        if kiosk_id != me:
            clashes.append({"kind": "answers", "id": str(aid), "reason": _TAKEN})
    for pid, kiosk_id in _rows(
        session, lambda match: select(PointsEntry.id, PointsEntry.kiosk_id).where(
            match(PointsEntry.id)), (p.id for p in batch.points_entries),
    ):
        plan.existing_points.add(pid)
        if kiosk_id != me:
            clashes.append({"kind": "points_entries", "id": str(pid), "reason": _TAKEN})
    incoming_badges = {b.id: b for b in batch.badge_awards}
    for bid, resident_id, badge_id in _rows(
        session, lambda match: select(BadgeAward.id, BadgeAward.resident_id, BadgeAward.badge_id)
        .where(match(BadgeAward.id)), incoming_badges,
    ):
        plan.existing_badges.add(bid)
        mine = incoming_badges[bid]
        if (resident_id, badge_id) != (mine.resident_id, mine.badge_id):
            clashes.append({"kind": "badge_awards", "id": str(bid),
                            "reason": "id already names a different badge award"})
    for cid, kiosk_id in _rows(
        session, lambda match: select(CheckIn.id, CheckIn.kiosk_id).where(match(CheckIn.id)),
        (c.id for c in batch.checkins),
    ):
        plan.existing_checkins.add(cid)
        if kiosk_id != me:
            clashes.append({"kind": "checkins", "id": str(cid), "reason": _TAKEN})
    if clashes:
        raise IngestError(409, "id_conflict",
                          "记录编号已被另一台终端或管理后台使用 / these ids already belong to "
                          "another kiosk's (or the admin's) records", clashes)
    return plan


#: Fields of a record that never change once written (a session may still be finished later).
_SESSION_FIXED = ("resident_id", "mode", "game_type", "topic", "content_id", "roadshow_id",
                  "language", "started_at")
_SESSION_FINAL = ("finished_at", "score", "max_score")
_ANSWER_FIXED = ("session_id", "resident_id", "question_id", "topic", "correct", "answered_at")
_CHECKIN_FIXED = ("event_id", "resident_id", "method", "checked_in_at")


def _same(stored: Any, incoming: Any) -> bool:
    # Enums compare with their values; times as instants.
    stored = getattr(stored, "value", stored)
    incoming = getattr(incoming, "value", incoming)
    return bool(stored == incoming)


def _differs(row: Any, record: Any, names: Sequence[str]) -> list[str]:
    return [n for n in names if not _same(getattr(row, n), getattr(record, n))]


def _refuse_changed_ids(session: Session, batch: PushBatch, me: UUID) -> None:
    """409 for a record whose id is already on the server with other content: the kiosk parks
    it (and keeps it) instead of deleting its copy as if it had been stored."""
    clashes: list[dict[str, Any]] = []

    def clash(kind: str, rid: UUID, fields: list[str]) -> None:
        clashes.append({"kind": kind, "id": str(rid),
                        "reason": "id already on the server with different "
                                  f"{', '.join(fields)}"})

    by_id = {s.id: s for s in batch.sessions}
    for row in _rows(session, lambda match: select(PlaySession).where(
            match(PlaySession.id), PlaySession.kiosk_id == me), by_id):
        stored, record = row[0], by_id[row[0].id]
        fields = _differs(stored, record, _SESSION_FIXED)
        if stored.finished_at is not None:
            fields += _differs(stored, record, _SESSION_FINAL)
        if fields:
            clash("sessions", record.id, fields)
    answers = {a.id: a for a in batch.answers}
    for row in _rows(session, lambda match: select(Answer).where(match(Answer.id)), answers):
        fields = _differs(row[0], answers[row[0].id], _ANSWER_FIXED)
        if fields:
            clash("answers", row[0].id, fields)
    checkins = {c.id: c for c in batch.checkins}
    for row in _rows(session, lambda match: select(CheckIn).where(
            match(CheckIn.id), CheckIn.kiosk_id == me), checkins):
        fields = _differs(row[0], checkins[row[0].id], _CHECKIN_FIXED)
        if fields:
            clash("checkins", row[0].id, fields)
    if clashes:
        raise IngestError(409, "id_reused",
                          "记录编号已存在但内容不同 / these ids are already on the server with "
                          "different content", clashes)


def _record_times(batch: PushBatch) -> Iterator[tuple[str, Any, datetime]]:
    for s in batch.sessions:
        yield "sessions", s, s.finished_at or s.started_at
    for a in batch.answers:
        yield "answers", a, a.answered_at
    for p in batch.points_entries:
        yield "points_entries", p, p.created_at
    for b in batch.badge_awards:
        yield "badge_awards", b, b.awarded_at
    for c in batch.checkins:
        yield "checkins", c, c.checked_in_at


def _refuse_bad_content(session: Session, batch: PushBatch, me: UUID, plan: _Plan, *,
                        now: datetime, known_badges: frozenset[str] | None,
                        checkin_opens_before: timedelta) -> None:
    """The rules a record must meet beyond its schema, refused with 422 (and parked by the
    kiosk with the reason): times not ahead of the server's clock; known badge ids; check-ins
    the core check-in rule allows (event status, check-in window); and ledger rows that name
    their source — a play session or check-in of this kiosk for the same resident. Badges earn
    no points. Accepted ledger rows are never stored as sent: the server writes its own."""
    problems: list[dict[str, Any]] = []

    def refuse(kind: str, rid: UUID, reason: str) -> None:
        problems.append({"kind": kind, "id": str(rid), "reason": reason})

    latest = now + MAX_CLOCK_AHEAD
    for kind, record, at in _record_times(batch):
        if at > latest:
            refuse(kind, record.id, f"time {at.isoformat()} is ahead of the server's clock "
                   f"({now.isoformat()}); check the kiosk clock")
    if known_badges is not None:
        for badge in batch.badge_awards:
            if badge.badge_id not in known_badges and badge.id not in plan.existing_badges:
                refuse("badge_awards", badge.id, f"unknown badge {badge.badge_id!r}")

    events = {e.id: e for (e,) in _rows(session, lambda match: select(RoadshowEvent).where(
        match(RoadshowEvent.id)), {c.event_id for c in batch.checkins})}
    for checkin in batch.checkins:
        if checkin.id in plan.existing_checkins:
            continue
        try:
            roadshow_rules.ensure_checkin_open(events[checkin.event_id], checkin.checked_in_at,
                                               checkin_opens_before)
        except roadshow_rules.RoadshowError as exc:
            refuse("checkins", checkin.id, exc.message("en"))

    # Sources of ledger rows: sessions and check-ins of this kiosk, in the batch or stored.
    session_owner = {s.id: s.resident_id for s in batch.sessions}
    named = {_uuid(p.source_id) for p in batch.points_entries if p.reason == "play"}
    named -= set(session_owner) | {None}
    for sid, resident_id in _rows(session, lambda match: select(
            PlaySession.id, PlaySession.resident_id).where(
            match(PlaySession.id), PlaySession.kiosk_id == me), named):
        session_owner[sid] = resident_id
    checkin_owner = {c.id: c.resident_id for c in batch.checkins}
    wanted = {_uuid(p.source_id) for p in batch.points_entries if p.reason == "checkin"}
    wanted.discard(None)
    for cid, resident_id in _rows(session, lambda match: select(CheckIn.id, CheckIn.resident_id)
                                  .where(match(CheckIn.id), CheckIn.kiosk_id == me), wanted):
        checkin_owner.setdefault(cid, resident_id)
    for entry in batch.points_entries:
        if entry.id in plan.existing_points:
            continue  # stored by an older server as sent; nothing changes now
        source = _uuid(entry.source_id)
        if entry.reason == "badge":
            refuse("points_entries", entry.id, "badges earn no points; the server credits "
                   "play and check-in points itself")
        elif entry.reason == "play" and (
                source is None or session_owner.get(source, -1) != entry.resident_id):
            refuse("points_entries", entry.id, "play points must name a play session of this "
                   f"kiosk for resident {entry.resident_id} (source_id {entry.source_id!r})")
        elif entry.reason == "checkin" and (
                source is None or checkin_owner.get(source, -1) != entry.resident_id):
            refuse("points_entries", entry.id, "check-in points must name a check-in of this "
                   f"kiosk for resident {entry.resident_id} (source_id {entry.source_id!r})")
    if problems:
        raise IngestError(422, "refused_records",
                          "服务器拒收这些记录 / the server refuses these records", problems)


def _uuid(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def _counts(total: int, new: int, existing: int) -> KindCounts:
    return KindCounts(new=new, existing=existing, skipped=total - new - existing)


def ingest_batch(session: Session, kiosk: Kiosk, batch: PushBatch, *, now: datetime,
                 known_badges: Iterable[str] | None = None,
                 checkin_opens_before: timedelta = roadshow_rules.DEFAULT_CHECKIN_OPENS_BEFORE,
                 ) -> PushResult:
    """Store ``batch`` sent by ``kiosk`` (flushed in the caller's transaction, not committed).

    Raises :class:`IngestError` before writing anything when the batch is not acceptable.
    Points are the server's (see :func:`_award_plays` and the check-ins): ledger rows the
    kiosk sends are checked for a valid source and acknowledged, never stored as sent.
    ``known_badges`` (the content's badge ids) refuses awards of any other badge.
    """
    require_aware(now)
    me = kiosk.id
    _refuse_duplicates(batch)
    _refuse_foreign_kiosk_fields(batch, me)
    plan = _check(session, batch, me)
    _refuse_changed_ids(session, batch, me)
    _refuse_bad_content(session, batch, me, plan, now=now,
                        known_badges=frozenset(known_badges) if known_badges is not None else None,
                        checkin_opens_before=checkin_opens_before)

    new_sessions = _insert_new(session, table_of(PlaySession), [
        {"id": s.id, "kiosk_id": me, "resident_id": s.resident_id, "mode": s.mode,
         "game_type": s.game_type, "topic": s.topic, "content_id": s.content_id,
         "roadshow_id": s.roadshow_id, "language": s.language, "started_at": s.started_at,
         "finished_at": s.finished_at, "score": s.score, "max_score": s.max_score,
         "points_awarded": 0}
        for s in batch.sessions
    ])
    to_count = {s.id for s in batch.sessions if s.id in new_sessions and s.finished_at is not None}
    for s in batch.sessions:
        if s.id in new_sessions or s.finished_at is None:
            continue
        # Arrived unfinished earlier, finished now: the conditional update is the "first time"
        # test, so a concurrent retry of this batch cannot count the session twice.
        finished = session.execute(
            update(PlaySession)
            .where(PlaySession.id == s.id, PlaySession.finished_at.is_(None))
            .values(finished_at=s.finished_at, score=s.score, max_score=s.max_score)
            .returning(PlaySession.id)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if finished is not None:
            to_count.add(finished)

    new_answers = _insert_new(session, table_of(Answer), [
        {"id": a.id, "session_id": a.session_id, "resident_id": a.resident_id,
         "question_id": a.question_id, "topic": a.topic, "correct": a.correct,
         "chosen": a.chosen, "response_ms": a.response_ms, "answered_at": a.answered_at}
        for a in batch.answers
    ])
    new_checkins = _store_checkins(session, batch, me, plan, checkin_opens_before)
    new_badges = _insert_new(session, table_of(BadgeAward), [
        {"id": b.id, "resident_id": b.resident_id, "badge_id": b.badge_id,
         "session_id": b.session_id, "awarded_at": b.awarded_at}
        for b in batch.badge_awards
    ], any_conflict=True)

    _count_sessions(session, to_count, batch, new_sessions)
    credited = _award_plays(session, to_count, now=now)
    # The kiosk's own ledger rows were acknowledged, not stored: the residents they name get a
    # fresh server balance on the kiosk's next roster pull, so its balance converges to ours.
    _mark_balances(session, {p.resident_id for p in batch.points_entries
                             if p.id not in plan.existing_points}, now=now)

    result = PushResult(
        batch_id=batch.batch_id,
        received_at=now,
        clock_skew_seconds=round((batch.sent_at - now).total_seconds(), 3),
        sessions=_counts(len(batch.sessions), len(new_sessions),
                         len(batch.sessions) - len(new_sessions)),
        answers=_counts(len(batch.answers), len(new_answers), len(plan.existing_answers)),
        points_entries=_counts(len(batch.points_entries), 0, len(plan.existing_points)),
        badge_awards=_counts(len(batch.badge_awards), len(new_badges), len(plan.existing_badges)),
        checkins=_counts(len(batch.checkins), len(new_checkins), len(plan.existing_checkins)),
        sessions_counted=len(to_count),
    )
    if new_sessions or new_answers or new_badges or new_checkins or to_count:
        audit.record(
            session, action="sync.push", actor_label=f"kiosk:{me}", now=now,
            target_type="kiosk", target_id=str(me),
            details={"batch_id": str(batch.batch_id), "sent_at": batch.sent_at.isoformat(),
                     "clock_skew_seconds": result.clock_skew_seconds,
                     "new": {"sessions": len(new_sessions), "answers": len(new_answers),
                             "badge_awards": len(new_badges), "checkins": len(new_checkins)},
                     "sessions_counted": len(to_count), "play_points_credited": credited},
        )
    session.flush()
    return result


def _store_checkins(session: Session, batch: PushBatch, me: UUID, plan: _Plan,
                    checkin_opens_before: timedelta) -> set[UUID]:
    """Store the batch's new check-ins through the core check-in (the web form's rules and
    the event's own ``checkin_points``), keeping the kiosk's ids. A resident already checked
    in at that event (on another kiosk, or by staff) keeps the first check-in and its points;
    this one is acknowledged and dropped."""
    new: set[UUID] = set()
    todo = [c for c in batch.checkins if c.id not in plan.existing_checkins]
    if not todo:
        return new
    events = {e.id: e for (e,) in _rows(session, lambda match: select(RoadshowEvent).where(
        match(RoadshowEvent.id)), {c.event_id for c in todo})}
    residents = {r.id: r for (r,) in _rows(session, lambda match: select(Resident).where(
        match(Resident.id)), {c.resident_id for c in todo})}
    for c in sorted(todo, key=lambda c: (c.checked_in_at, c.id)):
        try:
            roadshow_rules.check_in(session, events[c.event_id], residents[c.resident_id],
                                    method=c.method, now=c.checked_in_at, kiosk_id=me,
                                    actor_label=f"kiosk:{me}", checkin_id=c.id,
                                    opens_before=checkin_opens_before)
        except roadshow_rules.AlreadyCheckedIn:
            continue
        except roadshow_rules.RoadshowError as exc:  # checked before; a race with a cancel
            raise IngestError(422, "refused_records",
                              "服务器拒收这些记录 / the server refuses these records",
                              [{"kind": "checkins", "id": str(c.id),
                                "reason": exc.message("en")}]) from None
        new.add(c.id)
    return new


def _award_plays(session: Session, ids: set[UUID], *, now: datetime) -> int:
    """Credit each newly finished card holder's session with the core play rules
    (:func:`safezone.services.points.award_play`: fresh and repeat answers over every kiosk's
    answers, the daily cap over every kiosk's play entries of that local day), in the order
    the sessions finished; the session's ``points_awarded`` becomes the server's figure.
    Plays that finished more than ``MAX_POINTS_AGE`` before ``now`` earn nothing.
    Returns the points credited."""
    plays: list[PlaySession] = []
    for chunk in _chunks(sorted(ids)):
        plays.extend(session.scalars(
            select(PlaySession)
            .where(PlaySession.id.in_(chunk), PlaySession.resident_id.is_not(None))
            .options(selectinload(PlaySession.answers))))
    credited = 0
    finished = [(play.finished_at, play) for play in plays if play.finished_at is not None]
    finished.sort(key=lambda item: (item[0], item[1].started_at, item[1].id))
    for finished_at, play in finished:
        if finished_at < now - MAX_POINTS_AGE:
            play.points_awarded = 0
            continue
        award = points.award_play(session, play, now=finished_at)
        play.points_awarded = award.awarded
        credited += award.awarded
        session.flush()  # the next play's daily sum sees this entry
    return credited


def _mark_balances(session: Session, resident_ids: set[int], *, now: datetime) -> None:
    """Log a roster change for each resident so kiosks pull their server balance again."""
    if not resident_ids:
        return
    ids = sorted(resident_ids)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(
            "INSERT INTO roster_change (txid, kind, entity_id, changed_at) "
            "SELECT pg_current_xact_id()::text::bigint, 'resident', unnest(:ids), now()"),
            {"ids": ids})
        return
    session.execute(insert(RosterChange), [
        {"kind": "resident", "entity_id": rid, "changed_at": now} for rid in ids])


def _count_sessions(session: Session, ids: set[UUID], batch: PushBatch,
                    new_sessions: set[UUID]) -> None:
    """Count each newly arrived finished session once, with one :func:`rollups.apply_sessions`
    call for the whole batch (one upsert per rollup table, not several per session).

    A session this batch inserted is counted from the batch itself: an answer cannot reach the
    server before its session (foreign key), and a session travels with all its answers, so the
    batch holds every answer it has. A session that arrived unfinished earlier and is finished
    now is read back with column queries, since some of its answers came in earlier batches.
    """
    if not ids:
        return
    answers: dict[UUID, list[rollups.AnswerFacts]] = {sid: [] for sid in ids}
    facts = [
        (s.id, s.resident_id, s.mode, s.topic, s.started_at, s.finished_at)
        for s in batch.sessions if s.id in ids and s.id in new_sessions
    ]
    for answer in batch.answers:
        if answer.session_id in new_sessions and answer.session_id in answers:
            answers[answer.session_id].append(
                rollups.AnswerFacts(answer.question_id, answer.topic, answer.correct))
    earlier = ids - new_sessions
    facts += _rows(session, lambda match: select(
        PlaySession.id, PlaySession.resident_id, PlaySession.mode, PlaySession.topic,
        PlaySession.started_at, PlaySession.finished_at).where(match(PlaySession.id)), earlier)
    for session_id, question_id, topic, correct in _rows(session, lambda match: select(
            Answer.session_id, Answer.question_id, Answer.topic, Answer.correct
    ).where(match(Answer.session_id)), earlier):
        answers[session_id].append(rollups.AnswerFacts(question_id, topic, correct))
    rollups.apply_sessions(session, [
        rollups.SessionFacts(id=sid, resident_id=resident_id, mode=mode, topic=topic,
                             started_at=started_at, finished_at=finished_at,
                             answers=answers[sid])
        for sid, resident_id, mode, topic, started_at, finished_at in facts
    ])
