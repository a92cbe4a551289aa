"""Rollups: the incremental path (on every finished session) and the set-based rebuild agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import (
    AgeGroup,
    DailyQuestionRollup,
    DailyTopicRollup,
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
    return {"topic": sorted(topic), "question": sorted(question), "activity": sorted(activity)}


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
    }


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
        at = now - timedelta(days=i % 5, hours=i * 3)  # crosses local midnights
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
    steps: list[tuple[int, int]] = []
    counts = rollups.rebuild(db, progress=lambda done, total: steps.append((done, total)))
    assert snapshot(db) == incremental
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert counts == rollups.RebuildCounts(
        topic_rows=len(incremental["topic"]),
        question_rows=len(incremental["question"]),
        residents=3,
    )
    # Rebuilding twice changes nothing.
    rollups.rebuild(db)
    assert snapshot(db) == incremental


def test_rebuild_of_an_empty_database_writes_nothing(db: Session) -> None:
    assert rollups.rebuild(db) == rollups.RebuildCounts(0, 0, 0)


def test_unfinished_sessions_cannot_be_applied(
    db: Session, community: Community, now: datetime
) -> None:
    play = play_service.start_session(
        db, mode=PlayMode.GUEST, game_type="quiz", topic="fire", now=now
    )
    with pytest.raises(RollupError, match="not finished"):
        rollups.apply_session(db, play)
    assert snapshot(db) == {"topic": [], "question": [], "activity": []}


def test_finishing_twice_counts_once(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    play, _ = play_round(amy, [("f1", True)], now=now)
    before = snapshot(db)
    play_service.finish_session(db, play, score=10, max_score=10, now=now + timedelta(minutes=1))
    assert snapshot(db) == before
