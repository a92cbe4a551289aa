"""Dashboard queries: reach, plays, topics, age groups, knowledge, roadshow impact, follow-up.

DESIGN.md decision 8: these read the rollups and :class:`ResidentActivity` (plus the small
static community tables), never raw answers on a page view — except :func:`roadshow_impact`,
which reads only one event's attendees' answers through an index. Every function returns plain
dicts and lists (ISO dates, ``None`` for "no data", never NaN) ready for ``jsonify``.

Totals "since D" are exact and cheap for any D: the whole months from D on come from the monthly
rollups, and the days of D's own month from D on (at most 30 of them) from the daily ones
(per-question totals for questions; :func:`_since_rows`). The per-day chart reads
:class:`DailyTotal`, one row a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Subquery, and_, case, exists, func, select, union_all
from sqlalchemy.orm import Session

from safezone.labels import building_label, flat_label, plot_label
from safezone.models import (
    GUEST_BUILDING,
    Answer,
    Building,
    CheckIn,
    DailyQuestionTotal,
    DailyTopicRollup,
    DailyTotal,
    Household,
    HouseholdTouch,
    MonthlyQuestionRollup,
    MonthlyTopicRollup,
    Plot,
    Resident,
    ResidentActivity,
    RoadshowEvent,
    Site,
)
from safezone.services.localtime import local_day
from safezone.services.reach import KINDS, parse_kinds
from safezone.services.reach import reached_by_building as reached_by_building_kinds
from safezone.topics import TOPICS

#: Topics in display order (the culture wall's order).
#: Age groups in display order; ``guest`` is what the rollups store for plays without a card.
AGE_GROUPS: tuple[str, ...] = ("child", "adult", "elder", "guest")


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded for display, or None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def _accuracy_fields(answers: int, correct: int) -> dict[str, Any]:
    return {"answers": answers, "correct": correct, "wrong": answers - correct,
            "accuracy": _share(correct, answers)}


def _buildings(session: Session) -> list[dict[str, Any]]:
    """Every building with its plot, in plot/building order (18 rows in the compound)."""
    rows = session.execute(
        select(Building.id, Building.number, Plot.id, Plot.number)
        .join(Plot, Plot.id == Building.plot_id).order_by(Plot.number, Building.number)
    ).all()
    return [{"building_id": b_id, "number": b_no, "plot_id": p_id, "plot_number": p_no,
             "label": building_label(p_no, b_no)} for b_id, b_no, p_id, p_no in rows]


def _next_month(month: date) -> date:
    """The first day of the month after ``month`` (itself a first day)."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _since_rows(monthly: Any, daily: Any, columns: tuple[str, ...], since: date | None) -> Subquery:
    """The rollup rows that together count everything from local day ``since`` on (all time
    when None): monthly rows of the whole months from ``since`` on, plus daily rows of the days
    from ``since`` to the end of its month when ``since`` is not a first of the month. Callers
    group and sum ``columns`` of the result."""
    whole = select(*(monthly.__table__.c[name] for name in columns))
    if since is None:
        return whole.subquery()
    first_whole = since if since.day == 1 else _next_month(since.replace(day=1))
    whole = whole.where(monthly.month >= first_whole)
    if first_whole == since:
        return whole.subquery()
    partial = select(*(daily.__table__.c[name] for name in columns)).where(
        daily.day >= since, daily.day < first_whole)
    return union_all(whole, partial).subquery()


_TOPIC_COLUMNS = ("building_id", "topic", "age_group", "sessions", "answers", "correct")
_QUESTION_COLUMNS = ("question_id", "topic", "answers", "correct")


def _topic_rows(since: date | None) -> Subquery:
    return _since_rows(MonthlyTopicRollup, DailyTopicRollup, _TOPIC_COLUMNS, since)


# ---------------------------------------------------------------------------------------------
# reach


def reach(session: Session, kinds: Iterable[str] = KINDS) -> dict[str, Any]:
    """Households reached by any of the touchpoints ``kinds`` (kiosk play, roadshow check-in,
    door-to-door visit; all three by default), against the site's household target, overall,
    per plot and per building, with each building's count per touchpoint. Reads the two reach
    rollups (:mod:`safezone.services.reach`)."""
    kinds = parse_kinds(kinds)
    target = session.scalar(select(func.coalesce(func.sum(Site.household_target), 0))) or 0
    households_by_building = dict(session.execute(
        select(Household.building_id, func.count()).group_by(Household.building_id)).all())
    reached_by_building, per_kind = reached_by_building_kinds(session, kinds)
    residents_total = session.scalar(
        select(func.count()).select_from(Resident).where(Resident.anonymised_at.is_(None))) or 0
    residents_reached = session.scalar(select(func.count()).select_from(ResidentActivity)) or 0

    buildings: list[dict[str, Any]] = []
    plots: dict[int, dict[str, Any]] = {}
    by_kind_total = dict.fromkeys(kinds, 0)
    for b in _buildings(session):
        total = households_by_building.get(b["building_id"], 0)
        reached = reached_by_building.get(b["building_id"], 0)
        by_kind = {k: per_kind.get((b["building_id"], k), 0) for k in kinds}
        for k, n in by_kind.items():
            by_kind_total[k] += n
        buildings.append({**b, "households": total, "reached": reached,
                          "share": _share(reached, total), "by_kind": by_kind})
        plot = plots.setdefault(b["plot_id"], {"plot_id": b["plot_id"], "number": b["plot_number"],
                                               "label": plot_label(b["plot_number"]),
                                               "households": 0, "reached": 0})
        plot["households"] += total
        plot["reached"] += reached
    for plot in plots.values():
        plot["share"] = _share(plot["reached"], plot["households"])
    households_reached = sum(b["reached"] for b in buildings)
    return {
        "kinds": list(kinds),
        "household_target": target,
        "households_total": sum(households_by_building.values()),
        "households_reached": households_reached,
        "households_by_kind": by_kind_total,
        "share_of_target": _share(households_reached, target),
        "residents_total": residents_total,
        "residents_reached": residents_reached,
        "residents_share": _share(residents_reached, residents_total),
        "plots": list(plots.values()),
        "buildings": buildings,
    }


def unreached_households(
    session: Session, building_id: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Households no touchpoint reached (no play, check-in or visit that spoke to someone), by
    address in natural room order (101, 102, … 1001), with head counts."""
    touched = exists().where(HouseholdTouch.household_id == Household.id)
    residents = (select(func.count()).select_from(Resident)
                 .where(Resident.household_id == Household.id, Resident.anonymised_at.is_(None))
                 .correlate(Household).scalar_subquery())
    query = (
        select(Household.id, Household.unit, Household.room, Building.id, Building.number,
               Plot.number, residents)
        .join(Building, Building.id == Household.building_id)
        .join(Plot, Plot.id == Building.plot_id)
        .where(~touched)
        .order_by(Plot.number, Building.number, Household.unit, func.length(Household.room),
                  Household.room)
    )
    if building_id is not None:
        query = query.where(Household.building_id == building_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        {"household_id": h_id, "building_id": b_id,
         "building_label": building_label(p_no, b_no), "unit": unit, "room": room,
         "label": flat_label(p_no, b_no, unit, room), "residents": count}
        for h_id, unit, room, b_id, b_no, p_no, count in session.execute(query)
    ]


# ---------------------------------------------------------------------------------------------
# plays, topics, age groups


def plays_over_time(session: Session, days: int, now: datetime) -> list[dict[str, Any]]:
    """Sessions, answers and accuracy per local day for the last ``days`` days up to today,
    missing days filled with zeros (a chart needs every day)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    today = local_day(now)
    first = today - timedelta(days=days - 1)
    # One row per day with plays: at most ``days`` rows, through the primary key.
    rows = {
        day: (sessions, answers, correct)
        for day, sessions, answers, correct in session.execute(
            select(DailyTotal.day, DailyTotal.sessions, DailyTotal.answers, DailyTotal.correct)
            .where(DailyTotal.day >= first, DailyTotal.day <= today))
    }
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        sessions, answers, correct = rows.get(day, (0, 0, 0))
        out.append({"day": day.isoformat(), "sessions": int(sessions),
                    **_accuracy_fields(int(answers), int(correct))})
    return out


def _by_dimension(session: Session, name: str, since: date | None) -> dict[str, tuple[int, int, int]]:
    rows = _topic_rows(since)
    return {
        key: (int(s or 0), int(a or 0), int(c or 0))
        for key, s, a, c in session.execute(
            select(rows.c[name], func.sum(rows.c.sessions), func.sum(rows.c.answers),
                   func.sum(rows.c.correct)).group_by(rows.c[name]))
    }


def topics(session: Session, since: date | None = None) -> list[dict[str, Any]]:
    """Plays per topic (all four, zeros included) with each topic's share of all plays."""
    data = _by_dimension(session, "topic", since)
    total = sum(s for s, _a, _c in data.values())
    return [{"topic": t, "sessions": data.get(t, (0, 0, 0))[0],
             "share": _share(data.get(t, (0, 0, 0))[0], total)} for t in TOPICS]


def accuracy_by_topic(session: Session, since: date | None = None) -> list[dict[str, Any]]:
    """Answers, correct answers and accuracy per topic (all four, ``None`` when unplayed)."""
    data = _by_dimension(session, "topic", since)
    return [{"topic": t, **_accuracy_fields(*data.get(t, (0, 0, 0))[1:])} for t in TOPICS]


def age_groups(session: Session, since: date | None = None) -> list[dict[str, Any]]:
    """Plays and accuracy per age group (child, adult, elder, guest)."""
    data = _by_dimension(session, "age_group", since)
    total = sum(s for s, _a, _c in data.values())
    out = []
    for group in AGE_GROUPS:
        sessions, answers, correct = data.get(group, (0, 0, 0))
        out.append({"age_group": group, "sessions": sessions, "share": _share(sessions, total),
                    **_accuracy_fields(answers, correct)})
    return out


# ---------------------------------------------------------------------------------------------
# knowledge


def _question_totals(since: date | None) -> Any:
    rows = _since_rows(MonthlyQuestionRollup, DailyQuestionTotal, _QUESTION_COLUMNS, since)
    answers = func.sum(rows.c.answers).label("answers")
    correct = func.sum(rows.c.correct).label("correct")
    return rows.c.question_id, answers, correct, (
        select(rows.c.question_id, func.min(rows.c.topic), answers, correct)
        .group_by(rows.c.question_id)
    )


def question_stats(session: Session, since: date | None = None) -> list[dict[str, Any]]:
    """Answers and accuracy per question (every question answered at least once), by id."""
    question_id, _a, _c, query = _question_totals(since)
    return [{"question_id": q, "topic": topic, **_accuracy_fields(int(a), int(c))}
            for q, topic, a, c in session.execute(query.order_by(question_id))]


def weakest_questions(
    session: Session, limit: int = 20, min_answers: int = 5, since: date | None = None
) -> list[dict[str, Any]]:
    """The questions most often answered wrong: highest wrong-answer rate first (ties: more
    wrong answers first), among questions with at least ``min_answers`` answers so one unlucky
    answer does not top the list."""
    question_id, answers, correct, query = _question_totals(since)
    wrong_rate = (answers - correct) * 1.0 / answers
    query = (query.having(answers >= min_answers)
             .order_by(wrong_rate.desc(), (answers - correct).desc(), question_id)
             .limit(limit))
    return [{"question_id": q, "topic": topic, **_accuracy_fields(int(a), int(c))}
            for q, topic, a, c in session.execute(query)]


def accuracy_by_building(session: Session, since: date | None = None) -> list[dict[str, Any]]:
    """Accuracy per building overall and per topic (every building listed; guests excluded)."""
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    rows = _topic_rows(since)
    for b_id, topic, a, c in session.execute(
        select(rows.c.building_id, rows.c.topic, func.sum(rows.c.answers), func.sum(rows.c.correct))
        .where(rows.c.building_id != GUEST_BUILDING)
        .group_by(rows.c.building_id, rows.c.topic)
    ):
        cells.setdefault(b_id, {})[topic] = (int(a or 0), int(c or 0))
    out = []
    for b in _buildings(session):
        per_topic = cells.get(b["building_id"], {})
        answers = sum(a for a, _c in per_topic.values())
        correct = sum(c for _a, c in per_topic.values())
        out.append({**b, **_accuracy_fields(answers, correct),
                    "topics": {t: _accuracy_fields(*per_topic.get(t, (0, 0))) for t in TOPICS}})
    return out


# ---------------------------------------------------------------------------------------------
# roadshow impact


def roadshow_impact(
    session: Session, event: RoadshowEvent, window_days: int = 30, now: datetime | None = None
) -> dict[str, Any]:
    """Attendees' accuracy on the event's topics in the ``window_days`` before the event versus
    the same span after it (answers during the event itself count for neither).

    Reads raw answers, but only those of this event's checked-in residents on its topics in the
    two windows, through the answer table's resident index. With ``now`` the result says whether
    the after-window is still running.
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    span = timedelta(days=window_days)
    before_start, after_end = event.starts_at - span, event.ends_at + span
    attendees = select(CheckIn.resident_id).where(CheckIn.event_id == event.id)
    attendee_count = session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event.id)) or 0
    topics_ = list(event.topics or [])
    period = case((Answer.answered_at < event.starts_at, "before"), else_="after")
    rows = session.execute(
        select(period.label("period"), Answer.topic, func.count(),
               func.sum(case((Answer.correct, 1), else_=0)).cast(Integer))
        .where(
            Answer.resident_id.in_(attendees),
            Answer.topic.in_(topics_),
            Answer.answered_at >= before_start,
            Answer.answered_at < after_end,
            ~and_(Answer.answered_at >= event.starts_at, Answer.answered_at < event.ends_at),
        )
        .group_by(period, Answer.topic)
    ).all() if topics_ and attendee_count else []
    cells = {(p, t): (int(n), int(c or 0)) for p, t, n, c in rows}

    def side(name: str) -> dict[str, Any]:
        per_topic = {t: _accuracy_fields(*cells.get((name, t), (0, 0))) for t in topics_}
        answers = sum(v["answers"] for v in per_topic.values())
        correct = sum(v["correct"] for v in per_topic.values())
        return {**_accuracy_fields(answers, correct), "topics": per_topic}

    before, after = side("before"), side("after")
    change = (None if before["accuracy"] is None or after["accuracy"] is None
              else round(after["accuracy"] - before["accuracy"], 4))
    return {
        "event_id": str(event.id), "title": event.title, "topics": topics_,
        "window_days": window_days, "attendees": attendee_count,
        "before_from": before_start.isoformat(), "after_until": after_end.isoformat(),
        "after_complete": None if now is None else now >= after_end,
        "before": before, "after": after, "change": change,
    }


def accuracy_cells(session: Session, since: date | None = None) -> dict[tuple[int, str, str], tuple[int, int]]:
    """Answers and correct answers per (building id, topic, age group) from local day ``since``
    on, from the rollups (guests excluded): the grid the next-theme suggestion searches."""
    rows = _topic_rows(since)
    return {
        (b_id, topic, age): (int(a or 0), int(c or 0))
        for b_id, topic, age, a, c in session.execute(
            select(rows.c.building_id, rows.c.topic, rows.c.age_group, func.sum(rows.c.answers),
                   func.sum(rows.c.correct))
            .where(rows.c.building_id != GUEST_BUILDING)
            .group_by(rows.c.building_id, rows.c.topic, rows.c.age_group))
    }
