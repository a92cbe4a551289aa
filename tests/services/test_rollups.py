"""Rollups: the incremental path (on every finished session) and the set-based rebuild agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from safezone.models import (
    AgeGroup,
    DailyQuestionRollup,
    DailyQuestionTotal,
    DailyTopicRollup,
    DailyTotal,
    MonthlyQuestionRollup,
    MonthlyTopicRollup,
    PlayMode,
    ResidentActivity,
)
from safezone.services import play as play_service
from safezone.services import rollups
from safezone.services.rollups import RollupError


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every rollup row without its surrogate id, sorted."""
    session.expire_all()
    topic = [
        (r.day, r.building_id, r.topic, r.age_group, r.sessions, r.answers, r.correct)
        for r in session.scalars(select(DailyTopicRollup))
    ]
    question = [
        (r.day, r.question_id, r.topic, r.building_id, r.answers, r.correct)
        for r in session.scalars(select(DailyQuestionRollup))
    ]
    activity = [
        (
            r.resident_id,
            r.household_id,
            r.building_id,
            r.first_played_at,
            r.last_played_at,
            r.sessions,
            r.answers,
            r.correct,
        )
        for r in session.scalars(select(ResidentActivity))
    ]
    monthly_topic = [
        (r.month, r.building_id, r.topic, r.age_group, r.sessions, r.answers, r.correct)
        for r in session.scalars(select(MonthlyTopicRollup))
    ]
    monthly_question = [
        (r.month, r.question_id, r.topic, r.answers, r.correct)
        for r in session.scalars(select(MonthlyQuestionRollup))
    ]
    question_total = [
        (r.day, r.question_id, r.topic, r.answers, r.correct)
        for r in session.scalars(select(DailyQuestionTotal))
    ]
    total = [
        (r.day, r.sessions, r.answers, r.correct) for r in session.scalars(select(DailyTotal))
    ]
    return {
        "topic": sorted(topic),
        "question": sorted(question),
        "activity": sorted(activity),
        "monthly_topic": sorted(monthly_topic),
        "monthly_question": sorted(monthly_question),
        "question_total": sorted(question_total),
        "total": sorted(total),
    }


def months_of_topics(daily: list[tuple]) -> list[tuple]:
    """Daily topic snapshot rows summed per month by hand: the monthly table must hold this."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, building, topic, age, sessions, answers, correct in daily:
        counts = sums[(day.replace(day=1), building, topic, age)]
        counts[0] += sessions
        counts[1] += answers
        counts[2] += correct
    return sorted((*key, *counts) for key, counts in sums.items())


def days_of_topics(daily: list[tuple]) -> list[tuple]:
    """Daily topic snapshot rows summed per day over buildings, topics and age groups, by hand:
    the daily total table must hold this."""
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, _building, _topic, _age, sessions, answers, correct in daily:
        counts = sums[day]
        counts[0] += sessions
        counts[1] += answers
        counts[2] += correct
    return sorted((day, *counts) for day, counts in sums.items())


def months_of_questions(daily: list[tuple], *, by_day: bool = False) -> list[tuple]:
    """Daily question snapshot rows summed per month (per day with ``by_day``) over buildings,
    by hand."""
    sums: dict[tuple, list] = {}
    for day, question, topic, _building, answers, correct in daily:
        key = (day if by_day else day.replace(day=1), question)
        counts = sums.setdefault(key, [topic, 0, 0])
        counts[0] = min(counts[0], topic)
        counts[1] += answers
        counts[2] += correct
    return sorted((*key, *counts) for key, counts in sums.items())


def test_sessions_are_counted_on_the_local_day_with_building_and_age_group(
    db: Session, community: Community, play_round: PlayRound
) -> None:
    grandma = community.resident("王奶奶", building=1, age_group=AgeGroup.ELDER)
    # 16:30 UTC on 27 Nov is 00:30 on 28 Nov in Asia/Shanghai.
    at = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    play_round(grandma, [("f1", True), ("f2", False)], now=at)
    play_round(None, [("f1", False)], now=at)
    play_round(None, [("k1", True)], now=at, mode=PlayMode.KIDS)
    b = community.buildings[1].id
    assert snapshot(db) == {
        "topic": [
            (date(2026, 11, 28), 0, "fire", "child", 1, 1, 1),
            (date(2026, 11, 28), 0, "fire", "guest", 1, 1, 0),
            (date(2026, 11, 28), b, "fire", "elder", 1, 2, 1),
        ],
        "question": [
            (date(2026, 11, 28), "f1", "fire", 0, 1, 0),
            (date(2026, 11, 28), "f1", "fire", b, 1, 1),
            (date(2026, 11, 28), "f2", "fire", b, 1, 0),
            (date(2026, 11, 28), "k1", "fire", 0, 1, 1),
        ],
        "activity": [(grandma.id, grandma.household_id, b, at, at, 1, 2, 1)],
        "monthly_topic": [
            (date(2026, 11, 1), 0, "fire", "child", 1, 1, 1),
            (date(2026, 11, 1), 0, "fire", "guest", 1, 1, 0),
            (date(2026, 11, 1), b, "fire", "elder", 1, 2, 1),
        ],
        "monthly_question": [
            (date(2026, 11, 1), "f1", "fire", 2, 1),
            (date(2026, 11, 1), "f2", "fire", 1, 0),
            (date(2026, 11, 1), "k1", "fire", 1, 1),
        ],
        "question_total": [
            (date(2026, 11, 28), "f1", "fire", 2, 1),
            (date(2026, 11, 28), "f2", "fire", 1, 0),
            (date(2026, 11, 28), "k1", "fire", 1, 1),
        ],
        "total": [(date(2026, 11, 28), 3, 4, 2)],
    }


def test_months_are_local_calendar_months(
    db: Session, community: Community, play_round: PlayRound
) -> None:
    amy = community.resident("阿美")
    b = community.buildings[0].id
    # 15:59 UTC on 31 Oct is 23:59 on 31 Oct locally; 16:00 UTC is already 1 Nov.
    play_round(amy, [("f1", True)], now=datetime(2026, 10, 31, 15, 59, tzinfo=UTC))
    play_round(amy, [("f1", False), ("f2", True)], now=datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    play_round(amy, [("f1", True)], now=datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    rows = snapshot(db)
    assert rows["monthly_topic"] == [
        (date(2026, 10, 1), b, "fire", "adult", 1, 1, 1),
        (date(2026, 11, 1), b, "fire", "adult", 2, 3, 2),
    ]
    assert rows["monthly_question"] == [
        (date(2026, 10, 1), "f1", "fire", 1, 1),
        (date(2026, 11, 1), "f1", "fire", 2, 1),
        (date(2026, 11, 1), "f2", "fire", 1, 1),
    ]
    rollups.rebuild(db)
    assert snapshot(db) == rows


def test_incremental_rollups_equal_a_full_rebuild(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    people = [
        community.resident("阿美"),
        community.resident("王奶奶", building=1, age_group=AgeGroup.ELDER),
        community.resident("露露", building=2, age_group=AgeGroup.CHILD),
    ]
    topics = ["fire", "home", "traffic", "cyber"]
    for i in range(24):
        # Crosses local midnights, and (i >= 16: 28 days and more back) the end of October.
        at = now - timedelta(days=i % 5 + (28 if i >= 16 else 0), hours=i * 3)
        who = people[i % 4] if i % 4 < 3 else None
        mode = PlayMode.KIDS if who is people[2] or i % 8 == 7 else None
        topic = topics[i % 4]
        play_round(
            who,
            [(f"{topic}-{j}", (i + j) % 3 != 0) for j in range(i % 4 + 1)],
            now=at,
            topic=topic,
            mode=mode,
        )
    # A session that mixes topics counts each answer under its own topic.
    mixed = play_service.start_session(
        db,
        mode=PlayMode.RESIDENT,
        game_type="quiz",
        topic="fire",
        now=now,
        resident_id=people[0].id,
    )
    play_service.record_answer(
        db, mixed, question_id="cyber-9", topic="cyber", correct=True, now=now
    )
    play_service.finish_session(db, mixed, score=10, max_score=10, now=now)
    # An abandoned session is counted by neither path.
    abandoned = play_service.start_session(
        db, mode=PlayMode.GUEST, game_type="quiz", topic="home", now=now
    )
    play_service.record_answer(
        db, abandoned, question_id="home-1", topic="home", correct=True, now=now
    )
    db.flush()

    incremental = snapshot(db)
    assert len(incremental["topic"]) > 10 and len(incremental["activity"]) == 3
    assert {m for m, *_ in incremental["monthly_topic"]} == {date(2026, 10, 1), date(2026, 11, 1)}
    assert incremental["monthly_topic"] == months_of_topics(incremental["topic"])
    assert incremental["monthly_question"] == months_of_questions(incremental["question"])
    assert incremental["question_total"] == months_of_questions(
        incremental["question"], by_day=True
    )
    assert incremental["total"] == days_of_topics(incremental["topic"])
    # 25 finished sessions (the abandoned one is not counted), each on one day.
    assert sum(sessions for _day, sessions, _a, _c in incremental["total"]) == 25
    assert len(incremental["total"]) > 5
    steps: list[tuple[int, int]] = []
    counts = rollups.rebuild(db, progress=lambda done, total: steps.append((done, total)))
    assert snapshot(db) == incremental
    assert steps == [(step, 7) for step in range(1, 8)]
    assert counts == rollups.RebuildCounts(
        topic_rows=len(incremental["topic"]),
        question_rows=len(incremental["question"]),
        residents=3,
        monthly_topic_rows=len(incremental["monthly_topic"]),
        monthly_question_rows=len(incremental["monthly_question"]),
        question_total_rows=len(incremental["question_total"]),
        total_rows=len(incremental["total"]),
    )
    # Rebuilding twice changes nothing.
    rollups.rebuild(db)
    assert snapshot(db) == incremental


def test_rebuild_of_an_empty_database_writes_nothing(db: Session) -> None:
    assert rollups.rebuild(db) == rollups.RebuildCounts(0, 0, 0, 0, 0, 0, 0)


def test_unfinished_sessions_cannot_be_applied(
    db: Session, community: Community, now: datetime
) -> None:
    play = play_service.start_session(
        db, mode=PlayMode.GUEST, game_type="quiz", topic="fire", now=now
    )
    with pytest.raises(RollupError, match="not finished"):
        rollups.apply_session(db, play)
    assert all(rows == [] for rows in snapshot(db).values())


def test_finishing_twice_counts_once(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play, _ = play_round(amy, [("f1", True)], now=now)
    before = snapshot(db)
    play_service.finish_session(db, play, score=10, max_score=10, now=now + timedelta(minutes=1))
    assert snapshot(db) == before


ROLLUP_TABLES = (
    DailyTopicRollup,
    DailyQuestionRollup,
    DailyQuestionTotal,
    DailyTotal,
    MonthlyTopicRollup,
    MonthlyQuestionRollup,
    ResidentActivity,
)


def _clear_rollups(session: Session) -> None:
    for model in ROLLUP_TABLES:
        session.execute(delete(model))
    session.flush()


def test_batched_apply_equals_one_by_one_and_a_rebuild(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    people = [
        community.resident("阿美"),
        community.resident("阿强"),  # same building as 阿美: activity rows stay per resident
        community.resident("王奶奶", building=1, age_group=AgeGroup.ELDER),
        community.resident("露露", building=2, age_group=AgeGroup.CHILD),
    ]
    topics = ["fire", "home", "traffic", "cyber"]
    plays = []
    for i in range(60):
        # Crosses local midnights and (i >= 40) the end of October; residents play many times.
        at = now - timedelta(days=i % 7 + (30 if i >= 40 else 0), hours=i * 5)
        who = people[i % 5] if i % 5 < 4 else None
        mode = PlayMode.KIDS if who is people[3] or i % 10 == 9 else None
        topic = topics[i % 4]
        # Question ids repeat across plays and within a play (i % 3 == 0).
        answers = [(f"{topic}-{j % 3}", (i + j) % 4 != 0) for j in range(i % 5 + 1)]
        plays.append(play_round(who, answers, now=at, topic=topic, mode=mode)[0])
    mixed = play_service.start_session(
        db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire", now=now,
        resident_id=people[2].id,
    )
    play_service.record_answer(db, mixed, question_id="cyber-9", topic="cyber", correct=True,
                               now=now)
    play_service.record_answer(db, mixed, question_id="fire-1", topic="fire", correct=False,
                               now=now)
    play_service.finish_session(db, mixed, score=10, max_score=20, now=now)
    plays.append(mixed)
    db.flush()
    one_by_one = snapshot(db)
    assert sum(sessions for _day, sessions, _a, _c in one_by_one["total"]) == 61
    assert len(one_by_one["activity"]) == 4 and len(one_by_one["monthly_topic"]) > 10

    _clear_rollups(db)
    assert all(rows == [] for rows in snapshot(db).values())
    rollups.apply_sessions(db, reversed(plays))  # order does not matter
    assert snapshot(db) == one_by_one

    # In uneven batches over rows already there: the upserts add to existing counts.
    _clear_rollups(db)
    for start, end in ((0, 1), (1, 17), (17, 45), (45, 61)):
        rollups.apply_sessions(db, plays[start:end])
    assert snapshot(db) == one_by_one

    rollups.rebuild(db)
    assert snapshot(db) == one_by_one


def test_a_batch_with_an_unfinished_or_repeated_session_writes_nothing(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    done, _ = play_round(amy, [("f1", True)], now=now)
    other, _ = play_round(None, [("f2", False)], now=now)
    before = snapshot(db)
    open_play = play_service.start_session(
        db, mode=PlayMode.GUEST, game_type="quiz", topic="fire", now=now
    )
    with pytest.raises(RollupError, match=f"session {open_play.id} is not finished"):
        rollups.apply_sessions(db, [done, other, open_play])
    with pytest.raises(RollupError, match=f"session {other.id} is listed twice"):
        rollups.apply_sessions(db, [other, done, other])
    rollups.apply_sessions(db, [])
    assert snapshot(db) == before
