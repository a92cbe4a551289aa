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
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Table, any_, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from safezone.db.base import table_of
from safezone.models import (
    Answer,
    BadgeAward,
    CheckIn,
    Kiosk,
    PlaySession,
    PointsEntry,
    PointsReason,
    Resident,
    RoadshowEvent,
)
from safezone.services import audit, rollups
from safezone.services.localtime import require_aware
from safezone.sync.kinds import RecordKind
from safezone.sync.schemas import RECORD_KINDS, KindCounts, PushBatch, PushResult

#: Ids per ``IN (...)`` list: well below SQLite's bound-parameter limit.
_CHUNK = 500


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


def _counts(total: int, new: int, existing: int) -> KindCounts:
    return KindCounts(new=new, existing=existing, skipped=total - new - existing)


def ingest_batch(session: Session, kiosk: Kiosk, batch: PushBatch, *, now: datetime) -> PushResult:
    """Store ``batch`` sent by ``kiosk`` (flushed in the caller's transaction, not committed).

    Raises :class:`IngestError` before writing anything when the batch is not acceptable.
    """
    require_aware(now)
    me = kiosk.id
    _refuse_duplicates(batch)
    _refuse_foreign_kiosk_fields(batch, me)
    plan = _check(session, batch, me)

    new_sessions = _insert_new(session, table_of(PlaySession), [
        {"id": s.id, "kiosk_id": me, "resident_id": s.resident_id, "mode": s.mode,
         "game_type": s.game_type, "topic": s.topic, "content_id": s.content_id,
         "roadshow_id": s.roadshow_id, "language": s.language, "started_at": s.started_at,
         "finished_at": s.finished_at, "score": s.score, "max_score": s.max_score,
         "points_awarded": s.points_awarded}
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
            .values(finished_at=s.finished_at, score=s.score, max_score=s.max_score,
                    points_awarded=s.points_awarded)
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
    new_checkins = _insert_new(session, table_of(CheckIn), [
        {"id": c.id, "event_id": c.event_id, "resident_id": c.resident_id, "operator_id": None,
         "kiosk_id": me, "method": c.method, "checked_in_at": c.checked_in_at}
        for c in batch.checkins
    ], any_conflict=True)

    # Check-in points only count when their check-in is on the server: a resident checked in at
    # the same event on two offline kiosks keeps the first check-in and its points only.
    checkin_sources = {p.source_id for p in batch.points_entries if p.reason == "checkin"}
    stored_checkins = {str(row[0]) for row in _rows(
        session, lambda match: select(CheckIn.id).where(match(CheckIn.id)),
        [UUID(s) for s in checkin_sources if s and _is_uuid(s)],
    )}
    points_rows = [
        {"id": p.id, "resident_id": p.resident_id, "amount": p.amount,
         "reason": PointsReason(p.reason), "source_id": p.source_id, "operator_id": None,
         "kiosk_id": me, "note": p.note, "created_at": p.created_at}
        for p in batch.points_entries
        if p.reason != "checkin" or p.id in plan.existing_points or (
            p.source_id is not None and _canonical(p.source_id) in stored_checkins)
    ]
    new_points = _insert_new(session, table_of(PointsEntry), points_rows)
    new_badges = _insert_new(session, table_of(BadgeAward), [
        {"id": b.id, "resident_id": b.resident_id, "badge_id": b.badge_id,
         "session_id": b.session_id, "awarded_at": b.awarded_at}
        for b in batch.badge_awards
    ], any_conflict=True)

    _count_sessions(session, to_count, batch, new_sessions)

    result = PushResult(
        batch_id=batch.batch_id,
        received_at=now,
        clock_skew_seconds=round((batch.sent_at - now).total_seconds(), 3),
        sessions=_counts(len(batch.sessions), len(new_sessions),
                         len(batch.sessions) - len(new_sessions)),
        answers=_counts(len(batch.answers), len(new_answers), len(plan.existing_answers)),
        points_entries=_counts(len(batch.points_entries), len(new_points),
                               len(plan.existing_points)),
        badge_awards=_counts(len(batch.badge_awards), len(new_badges), len(plan.existing_badges)),
        checkins=_counts(len(batch.checkins), len(new_checkins), len(plan.existing_checkins)),
        sessions_counted=len(to_count),
    )
    if new_sessions or new_answers or new_points or new_badges or new_checkins or to_count:
        audit.record(
            session, action="sync.push", actor_label=f"kiosk:{me}", now=now,
            target_type="kiosk", target_id=str(me),
            details={"batch_id": str(batch.batch_id), "sent_at": batch.sent_at.isoformat(),
                     "clock_skew_seconds": result.clock_skew_seconds,
                     "new": {"sessions": len(new_sessions), "answers": len(new_answers),
                             "points_entries": len(new_points), "badge_awards": len(new_badges),
                             "checkins": len(new_checkins)},
                     "sessions_counted": len(to_count)},
        )
    session.flush()
    return result


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _canonical(value: str) -> str:
    return str(UUID(value)) if _is_uuid(value) else value


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
