"""Rollups that dashboards read (DESIGN.md decision 8): kept current on write, rebuildable.

Daily and monthly grains of the same counts (see :mod:`safezone.models.rollups` for why months).

What is counted, identically by :func:`apply_session` (one finished session, on write) and
:func:`rebuild` (everything, from raw ``play_session``/``answer`` rows):

- only finished sessions (``finished_at`` set) and their answers;
- the day is the local (Asia/Shanghai) day the session *started*, for the session and all its
  answers, so a play across midnight is counted on one day;
- the building is the resident's current building, ``GUEST_BUILDING`` (0) without a resident;
- the age group is the resident's, ``child`` for kids' mode without a card, else ``guest``;
- ``DailyTopicRollup`` counts a session under the session's topic and each answer under the
  answer's own topic;
- the month is the local calendar month of that day (``month`` = its first day), and each monthly
  row is the sum of the daily rows of its month (buildings summed for questions);
- ``DailyQuestionTotal`` is ``DailyQuestionRollup`` summed over buildings;
- ``DailyTotal`` is ``DailyTopicRollup`` summed over buildings, topics and age groups.

``apply_session`` must run once per finished session (``play.finish_session`` does that);
``apply_sessions`` counts many at once (sync ingest) with one upsert per table, same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, SQLColumnExpression

from safezone.db.base import table_of
from safezone.models import (
    GUEST_BUILDING,
    Answer,
    DailyQuestionRollup,
    DailyQuestionTotal,
    DailyTopicRollup,
    DailyTotal,
    Household,
    HouseholdTouch,
    MonthlyQuestionRollup,
    MonthlyTopicRollup,
    PlayMode,
    PlaySession,
    Resident,
    ResidentActivity,
)
from safezone.services.localtime import local_day, local_day_sql

#: Age group of anonymous plays (kids' mode without a card counts as ``child``).
GUEST_AGE_GROUP = "guest"
CHILD_AGE_GROUP = "child"

Progress = Callable[[int, int], None]


class RollupError(ValueError):
    """Rollups were asked to count something they cannot (e.g. an unfinished session)."""


@dataclass(frozen=True)
class RebuildCounts:
    """Rows written by :func:`rebuild`."""

    topic_rows: int
    question_rows: int
    residents: int
    monthly_topic_rows: int
    monthly_question_rows: int
    question_total_rows: int
    total_rows: int


def month_of(day: date) -> date:
    """The ``month`` key of a local day: the first day of its calendar month."""
    return day.replace(day=1)


def month_sql(session: Session, day: SQLColumnExpression[date]) -> ColumnElement[date]:
    """SQL for :func:`month_of` applied to a ``Date`` column, for set-based queries."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Truncate a timestamp *without* time zone, so the session's time zone plays no part.
        naive = cast(day, DateTime(timezone=False))
        return cast(func.date_trunc(literal_column("'month'"), naive), Date)
    if dialect == "sqlite":
        # Dates are ISO text on SQLite; the built-in modifier keeps them ISO text.
        return func.date(day, literal_column("'start of month'"), type_=Date)
    raise NotImplementedError(
        f"month keys in SQL are implemented for SQLite and PostgreSQL, not {dialect}"
    )


def recordset_rows(rows: Sequence[dict[str, Any]]) -> str:
    """``rows`` (keyed by column name) as the single parameter of :func:`recordset_insert`: JSON
    text, with UUIDs, aware datetimes (ISO 8601, offset kept), dates and enums (their value)
    encoded by pydantic-core in one pass, which costs a fraction of converting each value in
    Python first."""
    return to_json(list(rows)).decode()


def recordset_insert(table: Table, columns: Sequence[str]) -> Any:
    """PostgreSQL ``INSERT INTO table (columns) SELECT columns FROM
    jsonb_populate_recordset(NULL::table, :rows)``: any number of rows in ONE statement with
    one parameter (bind ``rows`` to :func:`recordset_rows`).

    Why not a multi-row ``VALUES``: its SQL text grows with the rows (thousands of
    placeholders), and psycopg re-parses every such text, which cost more than the insert. This
    text is constant, so it is parsed once; PostgreSQL casts each JSON field to the column type.
    """
    rows = func.jsonb_populate_recordset(
        literal_column(f"NULL::{table.name}"), cast(bindparam("rows", type_=Text), postgresql.JSONB)
    ).table_valued(*columns)
    return postgresql.insert(table).from_select(
        list(columns), select(*(rows.c[name] for name in columns))
    )


#: Built upsert statements by (dialect, table): constructing ``excluded`` is costly, and a
#: statement is immutable, so each is built once per process.
_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    add: Sequence[str] = (),
    least: Sequence[str] = (),
    greatest: Sequence[str] = (),
) -> None:
    """Insert ``rows``; on a key conflict add the ``add`` columns and keep the min/max of the
    ``least``/``greatest`` columns. One statement, safe against a concurrent writer.

    All rows must have the same keys, and no two rows the same ``keys`` values (PostgreSQL
    refuses to update one row twice in one statement): callers aggregate first.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = _UPSERTS.get((dialect, table.name))
    if stmt is None:
        if dialect == "sqlite":
            insert_ = sqlite.insert(table)
        elif dialect == "postgresql":
            insert_ = recordset_insert(table, list(rows[0]))
        else:
            raise NotImplementedError(
                f"rollup upserts are implemented for SQLite and PostgreSQL, not {dialect}"
            )
        new = insert_.excluded
        updates: dict[str, Any] = {name: table.c[name] + new[name] for name in add}
        updates.update(
            {
                name: case((new[name] < table.c[name], new[name]), else_=table.c[name])
                for name in least
            }
        )
        updates.update(
            {
                name: case((new[name] > table.c[name], new[name]), else_=table.c[name])
                for name in greatest
            }
        )
        stmt = insert_.on_conflict_do_update(index_elements=list(keys), set_=updates)
        _UPSERTS[(dialect, table.name)] = stmt
    # Core execution on the session's connection: the ORM has nothing to do for these rows.
    if dialect == "postgresql":
        session.connection().execute(stmt, {"rows": recordset_rows(rows)})
    else:
        # SQLite runs executemany in-process, row by row, which is what it is fastest at.
        session.connection().execute(stmt, list(rows))


@dataclass(frozen=True)
class AnswerFacts:
    """What the rollups read of an answer (an :class:`Answer` has the same attributes)."""

    question_id: str
    topic: str
    correct: bool


@dataclass(frozen=True)
class SessionFacts:
    """What the rollups read of a play session, without the ORM object (an
    :class:`PlaySession` with its ``answers`` loaded has the same attributes): bulk callers
    such as sync ingest read these with plain column queries, which costs far less."""

    id: Any
    resident_id: int | None
    mode: PlayMode
    topic: str
    started_at: datetime
    finished_at: datetime | None
    answers: Sequence[AnswerFacts]


#: Ids per ``IN (...)`` list when looking residents up: below SQLite's bound-parameter limit.
_CHUNK = 500


@dataclass(frozen=True)
class _Who:
    """Where a resident is counted: their household and its building, their age group."""

    household_id: int
    building_id: int
    age_group: str


def _residents(session: Session, ids: set[int]) -> dict[int, _Who]:
    """Household, building and age group of each resident in ``ids``, one query per chunk.

    A plain column query (not ``session.get``) so a batch of thousands of sessions costs a few
    round trips; autoflush first writes any pending change to a resident or household.
    """
    found: dict[int, _Who] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(Resident.id, Resident.household_id, Household.building_id, Resident.age_group)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.id.in_(chunk))
        )
        for resident_id, household_id, building_id, age_group in rows:
            found[resident_id] = _Who(household_id, building_id, age_group.value)
    return found


def _check_countable(plays: Sequence[PlaySession | SessionFacts]) -> None:
    """Refuse the whole call before anything is written: unfinished or repeated sessions."""
    seen: set[Any] = set()
    for play in plays:
        if play.finished_at is None:
            raise RollupError(
                f"session {play.id} is not finished; only finished sessions are counted"
            )
        if play.id in seen:
            raise RollupError(
                f"session {play.id} is listed twice; each session is counted exactly once"
            )
        seen.add(play.id)


def apply_session(session: Session, play: PlaySession) -> None:
    """Add one finished session and its answers to the daily and monthly rollups and the
    resident's activity (flushed, not committed). Call it exactly once per session."""
    apply_sessions(session, [play])


def apply_sessions(session: Session, plays: Iterable[PlaySession | SessionFacts]) -> None:
    """Add many finished sessions and their answers to the rollups (flushed, not committed).

    The counts are summed in Python first, so each rollup table gets one upsert for the whole
    batch instead of one per session; the result is exactly that of :func:`apply_session` called
    once per play, in any order. Call it exactly once per session: a session listed twice, or
    one not finished, is refused with :class:`RollupError` before anything is written.
    ``plays`` are :class:`PlaySession` objects or :class:`SessionFacts` (same attributes).
    """
    plays = list(plays)
    _check_countable(plays)
    if not plays:
        return
    people = _residents(session, {p.resident_id for p in plays if p.resident_id is not None})

    # Keyed exactly like the tables' unique constraints, so one batch row per table row.
    topic: dict[tuple[date, int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    question: dict[tuple[date, str, int], list[Any]] = {}
    activity: dict[int, list[Any]] = {}
    for play in plays:
        if play.resident_id is None:
            building_id = GUEST_BUILDING
            age_group = CHILD_AGE_GROUP if play.mode is PlayMode.KIDS else GUEST_AGE_GROUP
        else:
            who = people.get(play.resident_id)
            if who is None:
                raise RollupError(
                    f"session {play.id} names resident {play.resident_id}, who does not exist"
                )
            building_id, age_group = who.building_id, who.age_group
        day = local_day(play.started_at)
        topic[(day, building_id, play.topic, age_group)][0] += 1
        answers = correct = 0
        for answer in play.answers:
            answers += 1
            correct += int(answer.correct)
            counts = topic[(day, building_id, answer.topic, age_group)]
            counts[1] += 1
            counts[2] += int(answer.correct)
            q = question.setdefault(
                (day, answer.question_id, building_id), [answer.topic, 0, 0]
            )
            q[0] = min(q[0], answer.topic)  # the same choice rebuild's min() makes
            q[1] += 1
            q[2] += int(answer.correct)
        if play.resident_id is not None:
            a = activity.get(play.resident_id)
            if a is None:
                activity[play.resident_id] = [play.started_at, play.started_at, 1, answers,
                                              correct]
            else:
                a[0] = min(a[0], play.started_at)
                a[1] = max(a[1], play.started_at)
                a[2] += 1
                a[3] += answers
                a[4] += correct

    # The coarser tables are sums of the finest ones, exactly as rebuild() derives them.
    monthly_topic: dict[tuple[date, int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    total: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (day, building_id, topic_name, age_group), (s, n, c) in topic.items():
        for counts in (monthly_topic[(month_of(day), building_id, topic_name, age_group)],
                       total[day]):
            counts[0] += s
            counts[1] += n
            counts[2] += c
    question_total: dict[tuple[date, str], list[Any]] = {}
    monthly_question: dict[tuple[date, str], list[Any]] = {}
    for (day, question_id, _building), (topic_name, a, c) in question.items():
        for table, key in ((question_total, (day, question_id)),
                           (monthly_question, (month_of(day), question_id))):
            counts = table.setdefault(key, [topic_name, 0, 0])
            counts[0] = min(counts[0], topic_name)
            counts[1] += a
            counts[2] += c

    # Rows sorted by key: concurrent batches then lock shared rows in the same order.
    _upsert(
        session,
        table_of(DailyTopicRollup),
        [{"day": d, "building_id": b, "topic": t, "age_group": g,
          "sessions": s, "answers": a, "correct": c}
         for (d, b, t, g), (s, a, c) in sorted(topic.items())],
        keys=("day", "building_id", "topic", "age_group"),
        add=("sessions", "answers", "correct"),
    )
    _upsert(
        session,
        table_of(MonthlyTopicRollup),
        [{"month": m, "building_id": b, "topic": t, "age_group": g,
          "sessions": s, "answers": a, "correct": c}
         for (m, b, t, g), (s, a, c) in sorted(monthly_topic.items())],
        keys=("month", "building_id", "topic", "age_group"),
        add=("sessions", "answers", "correct"),
    )
    _upsert(
        session,
        table_of(DailyTotal),
        [{"day": d, "sessions": s, "answers": a, "correct": c}
         for d, (s, a, c) in sorted(total.items())],
        keys=("day",),
        add=("sessions", "answers", "correct"),
    )
    _upsert(
        session,
        table_of(DailyQuestionRollup),
        [{"day": d, "question_id": q, "building_id": b, "topic": t, "answers": a, "correct": c}
         for (d, q, b), (t, a, c) in sorted(question.items())],
        keys=("day", "question_id", "building_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    _upsert(
        session,
        table_of(DailyQuestionTotal),
        [{"day": d, "question_id": q, "topic": t, "answers": a, "correct": c}
         for (d, q), (t, a, c) in sorted(question_total.items())],
        keys=("day", "question_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    _upsert(
        session,
        table_of(MonthlyQuestionRollup),
        [{"month": m, "question_id": q, "topic": t, "answers": a, "correct": c}
         for (m, q), (t, a, c) in sorted(monthly_question.items())],
        keys=("month", "question_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    _upsert(
        session,
        table_of(ResidentActivity),
        [
            {
                "resident_id": rid,
                "household_id": people[rid].household_id,
                "building_id": people[rid].building_id,
                "first_played_at": first,
                "last_played_at": last,
                "sessions": s,
                "answers": a,
                "correct": c,
            }
            for rid, (first, last, s, a, c) in sorted(activity.items())
        ],
        keys=("resident_id",),
        add=("sessions", "answers", "correct"),
        least=("first_played_at",),
        greatest=("last_played_at",),
    )
    # The kiosk touchpoint per household, so reach reads one small table (DESIGN.md 12).
    households: dict[int, list[Any]] = {}
    for rid, (first, last, sessions, _a, _c) in sorted(activity.items()):
        who = people[rid]
        row = households.setdefault(who.household_id, [who.building_id, first, last, 0])
        row[1], row[2], row[3] = min(row[1], first), max(row[2], last), row[3] + sessions
    _upsert(
        session,
        table_of(HouseholdTouch),
        [{"household_id": h, "kind": "kiosk", "building_id": b, "first_at": f, "last_at": la,
          "count": n} for h, (b, f, la, n) in sorted(households.items())],
        keys=("household_id", "kind"),
        add=("count",),
        least=("first_at",),
        greatest=("last_at",),
    )


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


#: Tables :func:`rebuild` writes, one progress step each.
STEPS = 7


def rebuild(session: Session, progress: Progress | None = None) -> RebuildCounts:
    """Recompute every rollup from the raw sessions and answers with set-based SQL (flushed, not
    committed); yields exactly the rows incremental :func:`apply_session` calls produce.

    The monthly tables and the per-question and per-day totals are summed from the freshly
    rebuilt daily ones (a few hundred thousand rows, not millions of answers). ``progress(step, steps)``
    is called after each of the :data:`STEPS` tables.
    """
    session.flush()
    day = local_day_sql(session, PlaySession.started_at)
    building = func.coalesce(Household.building_id, GUEST_BUILDING)
    age_group = case(
        (
            PlaySession.resident_id.is_(None),
            case((PlaySession.mode == PlayMode.KIDS, CHILD_AGE_GROUP), else_=GUEST_AGE_GROUP),
        ),
        else_=cast(Resident.age_group, String),
    )
    finished = PlaySession.finished_at.is_not(None)
    correct = case((Answer.correct, 1), else_=0)
    one, zero = literal_column("1", Integer), literal_column("0", Integer)

    def with_people(query: Any) -> Any:
        return query.outerjoin(Resident, Resident.id == PlaySession.resident_id).outerjoin(
            Household, Household.id == Resident.household_id
        )

    for model in (
        DailyTopicRollup,
        DailyQuestionRollup,
        DailyQuestionTotal,
        DailyTotal,
        MonthlyTopicRollup,
        MonthlyQuestionRollup,
        ResidentActivity,
    ):
        session.execute(delete(model))

    # Topic rollup: sessions under the session topic, answers under their own topic.
    sessions_part = with_people(
        select(
            day.label("day"),
            building.label("building_id"),
            PlaySession.topic.label("topic"),
            age_group.label("age_group"),
            one.label("s"),
            zero.label("a"),
            zero.label("c"),
        ).select_from(PlaySession)
    ).where(finished)
    answers_part = with_people(
        select(
            day,
            building,
            Answer.topic,
            age_group,
            zero,
            one,
            correct,
        )
        .select_from(Answer)
        .join(PlaySession, PlaySession.id == Answer.session_id)
    ).where(finished)
    rows = union_all(sessions_part, answers_part).subquery()
    group: tuple[Any, ...] = (rows.c.day, rows.c.building_id, rows.c.topic, rows.c.age_group)
    session.execute(
        insert(DailyTopicRollup).from_select(
            ["day", "building_id", "topic", "age_group", "sessions", "answers", "correct"],
            select(*group, func.sum(rows.c.s), func.sum(rows.c.a), func.sum(rows.c.c)).group_by(
                *group
            ),
        )
    )
    if progress:
        progress(1, STEPS)

    per_answer = (
        with_people(
            select(
                day.label("day"),
                Answer.question_id.label("question_id"),
                Answer.topic.label("topic"),
                building.label("building_id"),
                correct.label("c"),
            )
            .select_from(Answer)
            .join(PlaySession, PlaySession.id == Answer.session_id)
        )
        .where(finished)
        .subquery()
    )
    group = (per_answer.c.day, per_answer.c.question_id, per_answer.c.building_id)
    session.execute(
        insert(DailyQuestionRollup).from_select(
            ["day", "question_id", "building_id", "topic", "answers", "correct"],
            # A question keeps one topic; min() picks it without another grouping level.
            select(
                *group, func.min(per_answer.c.topic), func.count(), func.sum(per_answer.c.c)
            ).group_by(*group),
        )
    )
    if progress:
        progress(2, STEPS)

    month = month_sql(session, DailyTopicRollup.day).label("month")
    group = (
        month,
        DailyTopicRollup.building_id,
        DailyTopicRollup.topic,
        DailyTopicRollup.age_group,
    )
    session.execute(
        insert(MonthlyTopicRollup).from_select(
            ["month", "building_id", "topic", "age_group", "sessions", "answers", "correct"],
            select(
                *group,
                func.sum(DailyTopicRollup.sessions),
                func.sum(DailyTopicRollup.answers),
                func.sum(DailyTopicRollup.correct),
            ).group_by(*group),
        )
    )
    if progress:
        progress(3, STEPS)

    month = month_sql(session, DailyQuestionRollup.day).label("month")
    session.execute(
        insert(MonthlyQuestionRollup).from_select(
            ["month", "question_id", "topic", "answers", "correct"],
            select(
                month,
                DailyQuestionRollup.question_id,
                func.min(DailyQuestionRollup.topic),
                func.sum(DailyQuestionRollup.answers),
                func.sum(DailyQuestionRollup.correct),
            ).group_by(month, DailyQuestionRollup.question_id),
        )
    )
    if progress:
        progress(4, STEPS)

    group = (DailyQuestionRollup.day, DailyQuestionRollup.question_id)
    session.execute(
        insert(DailyQuestionTotal).from_select(
            ["day", "question_id", "topic", "answers", "correct"],
            select(
                *group,
                func.min(DailyQuestionRollup.topic),
                func.sum(DailyQuestionRollup.answers),
                func.sum(DailyQuestionRollup.correct),
            ).group_by(*group),
        )
    )
    if progress:
        progress(5, STEPS)

    session.execute(
        insert(DailyTotal).from_select(
            ["day", "sessions", "answers", "correct"],
            select(
                DailyTopicRollup.day,
                func.sum(DailyTopicRollup.sessions),
                func.sum(DailyTopicRollup.answers),
                func.sum(DailyTopicRollup.correct),
            ).group_by(DailyTopicRollup.day),
        )
    )
    if progress:
        progress(6, STEPS)

    per_session = (
        select(
            Answer.session_id.label("session_id"),
            func.count().label("answers"),
            func.sum(correct).label("correct"),
        )
        .group_by(Answer.session_id)
        .subquery()
    )
    session.execute(
        insert(ResidentActivity).from_select(
            [
                "resident_id",
                "household_id",
                "building_id",
                "first_played_at",
                "last_played_at",
                "sessions",
                "answers",
                "correct",
            ],
            select(
                PlaySession.resident_id,
                Resident.household_id,
                Household.building_id,
                func.min(PlaySession.started_at),
                func.max(PlaySession.started_at),
                func.count(),
                func.coalesce(func.sum(per_session.c.answers), 0),
                func.coalesce(func.sum(per_session.c.correct), 0),
            )
            .select_from(PlaySession)
            .join(Resident, Resident.id == PlaySession.resident_id)
            .join(Household, Household.id == Resident.household_id)
            .outerjoin(per_session, per_session.c.session_id == PlaySession.id)
            .where(finished)
            .group_by(PlaySession.resident_id, Resident.household_id, Household.building_id),
        )
    )
    # Check-ins and visits, the other two touchpoints of reach (imported here: reach uses _upsert).
    from safezone.services.reach import rebuild_touches

    rebuild_touches(session)
    if progress:
        progress(STEPS, STEPS)
    session.flush()
    return RebuildCounts(
        topic_rows=_count(session, DailyTopicRollup),
        question_rows=_count(session, DailyQuestionRollup),
        residents=_count(session, ResidentActivity),
        monthly_topic_rows=_count(session, MonthlyTopicRollup),
        monthly_question_rows=_count(session, MonthlyQuestionRollup),
        question_total_rows=_count(session, DailyQuestionTotal),
        total_rows=_count(session, DailyTotal),
    )
