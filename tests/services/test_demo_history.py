"""The demo history generator: plausible, deterministic for a seed, consistent with the ledger
and the rollups because it plays through the real services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from service_helpers import Community
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.demo_history import BUILTIN_QUESTIONS, generate_history
from safezone.models import (
    AgeGroup,
    Answer,
    BadgeAward,
    Building,
    DailyTopicRollup,
    PlayMode,
    PlaySession,
    Plot,
    PointsEntry,
    Resident,
    ResidentActivity,
)
from safezone.services import rollups


@pytest.fixture
def neighbourhood(db: Session, community: Community) -> Community:
    """Eight buildings (1号地块5栋 among them) with 12 residents each, of every age group."""
    plot3 = Plot(site=community.site, number=3)
    community.buildings += [Building(plot=plot3, number=n) for n in range(1, 6)]
    db.add(plot3)
    db.flush()
    groups = [AgeGroup.CHILD, AgeGroup.ADULT, AgeGroup.ADULT, AgeGroup.ELDER]
    for b in range(len(community.buildings)):
        for i in range(12):
            community.resident(f"居民{b}-{i}", building=b, age_group=groups[i % 4])
    return community


def signature(session: Session) -> list[tuple]:
    plays = session.scalars(select(PlaySession)).all()
    return sorted(
        (
            p.started_at,
            p.resident_id or 0,
            p.mode.value,
            p.topic,
            p.score,
            p.points_awarded,
            tuple((a.question_id, a.correct) for a in p.answers),
        )
        for p in plays
    )


def total(session: Session, column: object) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(column), 0))) or 0)


def test_history_is_consistent_with_ledger_and_rollups(
    db: Session, neighbourhood: Community, now: datetime
) -> None:
    calls: list[tuple[int, int]] = []
    created = generate_history(
        db,
        days=14,
        rng=random.Random(5),
        now=now,
        progress=lambda d, t: calls.append((d, t)),
        plays_per_day=12,
    )
    assert 100 < created < 300
    assert db.scalar(select(func.count()).select_from(PlaySession)) == created
    assert calls[-1] == (created, created)
    # The ledger and the sessions agree, and every session was rolled up once.
    assert total(db, PointsEntry.amount) == total(db, PlaySession.points_awarded) > 0
    assert total(db, DailyTopicRollup.sessions) == created
    assert total(db, DailyTopicRollup.answers) == db.scalar(
        select(func.count()).select_from(Answer)
    )
    before = total(db, ResidentActivity.sessions)
    rollups.rebuild(db)
    assert total(db, ResidentActivity.sessions) == before

    # Everything happened in the last 14 days, during opening hours.
    starts = db.scalars(select(PlaySession.started_at)).all()
    assert min(starts) >= now - timedelta(days=14) and max(starts) <= now
    assert all(7 <= (s + timedelta(hours=8)).hour <= 22 for s in starts)
    # Children with a card play kids' mode; guests and card-less kids are both present.
    modes = dict(
        db.execute(
            select(Resident.age_group, func.count(func.distinct(PlaySession.mode)))
            .join(PlaySession, PlaySession.resident_id == Resident.id)
            .group_by(Resident.age_group)
        ).all()
    )
    assert modes.get(AgeGroup.CHILD, 1) == 1
    kid_modes = set(
        db.scalars(
            select(PlaySession.mode)
            .join(Resident, Resident.id == PlaySession.resident_id)
            .where(Resident.age_group == AgeGroup.CHILD)
        )
    )
    assert kid_modes <= {PlayMode.KIDS}
    anonymous = set(db.scalars(select(PlaySession.mode).where(PlaySession.resident_id.is_(None))))
    assert anonymous == {PlayMode.GUEST, PlayMode.KIDS}
    # Some buildings are never reached; the kiosk's own building is.
    reached = set(db.scalars(select(ResidentActivity.building_id)))
    ids = [b.id for b in neighbourhood.buildings]
    assert ids[0] in reached
    assert 0 < len(set(ids) - reached) < len(ids)
    # Question ids come from the built-in list.
    known = {q.id for q in BUILTIN_QUESTIONS}
    assert set(db.scalars(select(Answer.question_id))) <= known


def test_same_seed_same_history(db: Session, neighbourhood: Community, now: datetime) -> None:
    runs = []
    for _ in range(2):
        nested = db.begin_nested()
        generate_history(db, days=7, rng=random.Random(11), now=now, plays_per_day=10)
        runs.append(signature(db))
        nested.rollback()
    assert runs[0] == runs[1] and len(runs[0]) > 20
    generate_history(db, days=7, rng=random.Random(12), now=now, plays_per_day=10)
    assert signature(db) != runs[0]


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    audience: str
    difficulty: int


@dataclass(frozen=True)
class Rule:
    type: str
    count: int
    topic: str | None = None


@dataclass(frozen=True)
class Badge:
    id: str
    rule: Rule


@dataclass
class Bundle:
    questions: dict[str, Question]
    badges: dict[str, Badge]


def test_a_content_bundle_supplies_questions_and_badges(
    db: Session, neighbourhood: Community, now: datetime
) -> None:
    questions = [
        Question("fire-a", "fire", "adult", 1),
        Question("fire-b", "fire", "all", 3),
        Question("fire-k", "fire", "kids", 1),
        Question("cyber-a", "cyber", "adult", 2),
    ]
    bundle = Bundle({q.id: q for q in questions}, {"first": Badge("first", Rule("plays", 1))})
    generate_history(
        db, days=5, rng=random.Random(2), now=now, content_bundle=bundle, plays_per_day=15
    )
    asked = set(db.scalars(select(Answer.question_id)))
    # Topics the bundle covers use its questions; home and traffic fall back to built-in ids.
    assert {"fire-a", "fire-b", "cyber-a"} <= asked
    assert not any(
        qid.startswith("fire-") and qid not in {"fire-a", "fire-b", "fire-k"} for qid in asked
    )
    kids_only = set(
        db.scalars(
            select(Answer.question_id)
            .join(PlaySession, PlaySession.id == Answer.session_id)
            .where(PlaySession.mode == PlayMode.KIDS, PlaySession.topic == "fire")
        )
    )
    assert kids_only <= {"fire-b", "fire-k"}
    players = db.scalar(select(func.count(func.distinct(PlaySession.resident_id))))
    assert db.scalar(select(func.count()).select_from(BadgeAward)) == players > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0}, "days must be"),
        ({"days": True}, "days must be"),
        ({"plays_per_day": -1}, "plays_per_day"),
        ({"now": datetime(2026, 1, 1)}, "time-zone aware"),
    ],
)
def test_bad_arguments_create_nothing(
    db: Session, neighbourhood: Community, now: datetime, kwargs: dict, message: str
) -> None:
    arguments = {"days": 3, "rng": random.Random(1), "now": now, **kwargs}
    with pytest.raises(ValueError, match=message):
        generate_history(db, **arguments)
    assert db.scalar(select(func.count()).select_from(PlaySession)) == 0
