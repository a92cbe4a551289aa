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

``apply_session`` must run once per finished session (``play.finish_session`` does that).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    Table,
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
from sqlalchemy.sql.elements import ColumnElement

from safezone.models import (
    GUEST_BUILDING,
    Answer,
    DailyQuestionRollup,
    DailyQuestionTotal,
    DailyTopicRollup,
    DailyTotal,
    Household,
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


def month_sql(session: Session, day: ColumnElement[date]) -> ColumnElement[date]:
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
    ``least``/``greatest`` columns. One statement, safe against a concurrent writer."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = _UPSERTS.get((dialect, table.name))
    if stmt is None:
        if dialect == "sqlite":
            insert_ = sqlite.insert(table)
        elif dialect == "postgresql":
            insert_ = postgresql.insert(table)
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
    session.connection().execute(stmt, list(rows))


def _who(session: Session, play: PlaySession) -> tuple[Resident | None, int, str]:
    if play.resident_id is None:
        age = CHILD_AGE_GROUP if play.mode is PlayMode.KIDS else GUEST_AGE_GROUP
        return None, GUEST_BUILDING, age
    resident = session.get(Resident, play.resident_id)
    if resident is None:
        raise RollupError(
            f"session {play.id} names resident {play.resident_id}, who does not exist"
        )
    return resident, resident.household.building_id, resident.age_group.value


def apply_session(session: Session, play: PlaySession) -> None:
    """Add one finished session and its answers to the daily and monthly rollups and the
    resident's activity (flushed, not committed). Call it exactly once per session."""
    if play.finished_at is None:
        raise RollupError(f"session {play.id} is not finished; only finished sessions are counted")
    resident, building_id, age_group = _who(session, play)
    day = local_day(play.started_at)
    month = month_of(day)
    answers = list(play.answers)

    per_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_topic[play.topic][0] += 1
    per_question: dict[str, list[Any]] = {}
    for answer in answers:
        per_topic[answer.topic][1] += 1
        per_topic[answer.topic][2] += int(answer.correct)
        counts = per_question.setdefault(answer.question_id, [answer.topic, 0, 0])
        counts[0] = min(counts[0], answer.topic)  # the same choice rebuild's min() makes
        counts[1] += 1
        counts[2] += int(answer.correct)

    topic_rows = [
        {
            "building_id": building_id,
            "topic": topic,
            "age_group": age_group,
            "sessions": s,
            "answers": a,
            "correct": c,
        }
        for topic, (s, a, c) in sorted(per_topic.items())
    ]
    _upsert(
        session,
        DailyTopicRollup.__table__,
        [{"day": day, **row} for row in topic_rows],
        keys=("day", "building_id", "topic", "age_group"),
        add=("sessions", "answers", "correct"),
    )
    _upsert(
        session,
        MonthlyTopicRollup.__table__,
        [{"month": month, **row} for row in topic_rows],
        keys=("month", "building_id", "topic", "age_group"),
        add=("sessions", "answers", "correct"),
    )
    _upsert(
        session,
        DailyTotal.__table__,
        [
            {
                "day": day,
                "sessions": 1,
                "answers": len(answers),
                "correct": sum(int(a.correct) for a in answers),
            }
        ],
        keys=("day",),
        add=("sessions", "answers", "correct"),
    )
    question_rows = [
        {"question_id": qid, "topic": topic, "answers": a, "correct": c}
        for qid, (topic, a, c) in sorted(per_question.items())
    ]
    _upsert(
        session,
        DailyQuestionRollup.__table__,
        [{"day": day, "building_id": building_id, **row} for row in question_rows],
        keys=("day", "question_id", "building_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    _upsert(
        session,
        DailyQuestionTotal.__table__,
        [{"day": day, **row} for row in question_rows],
        keys=("day", "question_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    _upsert(
        session,
        MonthlyQuestionRollup.__table__,
        [{"month": month, **row} for row in question_rows],
        keys=("month", "question_id"),
        add=("answers", "correct"),
        least=("topic",),
    )
    if resident is not None:
        _upsert(
            session,
            ResidentActivity.__table__,
            [
                {
                    "resident_id": resident.id,
                    "household_id": resident.household_id,
                    "building_id": building_id,
                    "first_played_at": play.started_at,
                    "last_played_at": play.started_at,
                    "sessions": 1,
                    "answers": len(answers),
                    "correct": sum(a.correct for a in answers),
                }
            ],
            keys=("resident_id",),
            add=("sessions", "answers", "correct"),
            least=("first_played_at",),
            greatest=("last_played_at",),
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
    group = (rows.c.day, rows.c.building_id, rows.c.topic, rows.c.age_group)
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
