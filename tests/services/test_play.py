"""Starting, answering and finishing sessions; every bad input is refused with nothing written."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import Answer, PlayMode, PlaySession, PointsEntry
from safezone.services import play as play_service
from safezone.services.play import PlayError, SessionResult
from safezone.services.points import UnknownResident


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_session_is_written_with_uuid7_keys_and_its_answers(
    db: Session, community: Community, now: datetime
) -> None:
    amy = community.resident("阿美")
    play = play_service.start_session(
        db,
        mode=PlayMode.RESIDENT,
        game_type="quiz",
        topic="traffic",
        now=now,
        resident_id=amy.id,
        content_id="traffic-basics",
        language="en",
    )
    assert play.id.version == 7
    answer = play_service.record_answer(
        db,
        play,
        question_id="traffic-01",
        topic="traffic",
        correct=False,
        now=now + timedelta(seconds=8),
        chosen=["b"],
        response_ms=7900,
    )
    assert answer.id.version == 7 and answer.resident_id == amy.id
    result = play_service.finish_session(
        db, play, score=0, max_score=10, now=now + timedelta(seconds=9)
    )
    assert result == SessionResult(points_awarded=0, balance=0, new_badges=[], capped=False)
    db.expire_all()
    stored = db.get(PlaySession, play.id)
    assert stored is not None
    assert (stored.finished_at, stored.score, stored.max_score, stored.language) == (
        now + timedelta(seconds=9),
        0,
        10,
        "en",
    )
    assert [(a.question_id, a.correct, a.chosen, a.response_ms) for a in stored.answers] == [
        ("traffic-01", False, ["b"], 7900)
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "resident"}, "mode must be a PlayMode"),
        ({"mode": PlayMode.RESIDENT, "resident_id": None}, "needs the card holder"),
        ({"mode": PlayMode.GUEST, "resident_id": "RESIDENT"}, "must not name a resident"),
        ({"topic": "water"}, "topic must be one of fire, home, traffic, cyber"),
        ({"game_type": " "}, "game_type must be non-empty"),
        ({"game_type": "x" * 33}, "game_type is longer than 32"),
        ({"content_id": ""}, "content_id must be non-empty"),
        ({"language": "fr"}, "language must be one of"),
        ({"kiosk_id": uuid.UUID(int=1)}, "unknown kiosk"),
        ({"roadshow_id": uuid.UUID(int=2)}, "unknown roadshow"),
        ({"now": datetime(2026, 11, 28, 9, 30)}, "time-zone aware"),
    ],
)
def test_start_session_refuses_bad_input(
    db: Session, community: Community, now: datetime, kwargs: dict, message: str
) -> None:
    amy = community.resident("阿美")
    arguments = {
        "mode": PlayMode.RESIDENT,
        "game_type": "quiz",
        "topic": "fire",
        "now": now,
        "resident_id": amy.id,
    }
    arguments.update({k: amy.id if v == "RESIDENT" else v for k, v in kwargs.items()})
    with pytest.raises(ValueError, match=message):
        play_service.start_session(db, **arguments)
    db.flush()
    assert count(db, PlaySession) == 0


def test_unknown_and_anonymised_residents_cannot_play(
    db: Session, community: Community, now: datetime
) -> None:
    with pytest.raises(UnknownResident):
        play_service.start_session(
            db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire", now=now, resident_id=999
        )
    gone = community.resident("离开")
    gone.anonymised_at = now
    with pytest.raises(PlayError, match="anonymised"):
        play_service.start_session(
            db, mode=PlayMode.KIDS, game_type="quiz", topic="fire", now=now, resident_id=gone.id
        )
    db.flush()
    assert count(db, PlaySession) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"question_id": ""}, "question_id must be non-empty"),
        ({"question_id": "q" * 81}, "question_id is longer than 80"),
        ({"topic": "Fire"}, "topic must be one of"),
        ({"correct": 1}, "correct must be True or False"),
        ({"chosen": "b"}, "chosen must be a list"),
        ({"response_ms": -1}, "response_ms must be"),
        ({"response_ms": 1.5}, "response_ms must be"),
    ],
)
def test_record_answer_refuses_bad_input(
    db: Session, community: Community, now: datetime, kwargs: dict, message: str
) -> None:
    play = play_service.start_session(
        db, mode=PlayMode.GUEST, game_type="quiz", topic="fire", now=now
    )
    arguments = {"question_id": "fire-01", "topic": "fire", "correct": True, "now": now}
    arguments.update(kwargs)
    with pytest.raises(PlayError, match=message):
        play_service.record_answer(db, play, **arguments)
    db.flush()
    assert count(db, Answer) == 0 and play.answers == []


@pytest.mark.parametrize(
    ("score", "max_score", "message"),
    [
        (-1, 10, "score must be a whole number"),
        (11, 10, "above max_score"),
        (1, True, "max_score must be"),
    ],
)
def test_finish_refuses_bad_scores_and_writes_nothing(
    db: Session, community: Community, now: datetime, score: object, max_score: object, message: str
) -> None:
    amy = community.resident("阿美")
    play = play_service.start_session(
        db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire", now=now, resident_id=amy.id
    )
    play_service.record_answer(db, play, question_id="fire-01", topic="fire", correct=True, now=now)
    with pytest.raises(PlayError, match=message):
        play_service.finish_session(db, play, score=score, max_score=max_score, now=now)  # type: ignore[arg-type]
    assert play.finished_at is None
    assert count(db, PointsEntry) == 0


def test_answers_cannot_be_added_after_finish(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    play, _ = play_round(None, [("fire-01", True)], now=now)
    with pytest.raises(PlayError, match="is finished"):
        play_service.record_answer(
            db, play, question_id="fire-02", topic="fire", correct=True, now=now
        )
    assert count(db, Answer) == 1


def test_bad_badge_definitions_stop_finish_before_anything_is_written(
    db: Session, community: Community, now: datetime
) -> None:
    from safezone.services.badges import BadgeRuleError

    class Broken:
        id = "broken"
        rule = None

    amy = community.resident("阿美")
    play = play_service.start_session(
        db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire", now=now, resident_id=amy.id
    )
    play_service.record_answer(db, play, question_id="fire-01", topic="fire", correct=True, now=now)
    with pytest.raises(BadgeRuleError, match="unknown rule type"):
        play_service.finish_session(db, play, score=10, max_score=10, now=now, badges=[Broken()])
    assert play.finished_at is None
    assert count(db, PointsEntry) == 0
