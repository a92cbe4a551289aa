"""Badge rules: each badge is awarded once, when its rule is first met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import BadgeAward, CheckIn, CheckInMethod, RoadshowEvent
from safezone.services import badges
from safezone.services.badges import BadgeRuleError, longest_streak


@dataclass(frozen=True)
class Rule:
    type: str
    count: int
    topic: str | None = None


@dataclass(frozen=True)
class Badge:
    id: str
    rule: Rule


FIRST_PLAY = Badge("first-play", Rule("plays", 1))
FIRE_EXPERT = Badge("fire-expert", Rule("correct_answers", 3, topic="fire"))
THREE_DAYS = Badge("three-days", Rule("streak_days", 3))
ROADSHOW_FAN = Badge("roadshow-fan", Rule("roadshows", 1))
ALL = (FIRST_PLAY, FIRE_EXPERT, THREE_DAYS, ROADSHOW_FAN)


def awards(session: Session) -> list[tuple[int, str]]:
    return [
        (a.resident_id, a.badge_id)
        for a in session.scalars(select(BadgeAward).order_by(BadgeAward.badge_id))
    ]


def test_badges_are_awarded_once_when_their_rule_is_met(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    _, first = play_round(amy, [("f1", True), ("f2", True)], now=now, badges=ALL)
    assert first.new_badges == ["first-play"]
    # Correct traffic answers do not count towards the fire badge.
    _, second = play_round(
        amy, [("t1", True)], now=now + timedelta(minutes=5), topic="traffic", badges=ALL
    )
    assert second.new_badges == []
    play, third = play_round(amy, [("f3", True)], now=now + timedelta(minutes=10), badges=ALL)
    assert third.new_badges == ["fire-expert"]
    _, fourth = play_round(amy, [("f4", True)], now=now + timedelta(minutes=15), badges=ALL)
    assert fourth.new_badges == []
    assert awards(db) == [(amy.id, "fire-expert"), (amy.id, "first-play")]
    award = db.scalars(select(BadgeAward).where(BadgeAward.badge_id == "fire-expert")).one()
    assert award.session_id == play.id
    # Evaluating again awards nothing new.
    assert badges.evaluate(db, amy.id, ALL, now=now + timedelta(hours=1)) == []


def test_streak_badge_needs_consecutive_local_days(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    days = [now - timedelta(days=4), now - timedelta(days=2), now - timedelta(days=1)]
    for day in days:
        _, result = play_round(amy, [("q", False)], now=day, badges=[THREE_DAYS])
        assert result.new_badges == []
    _, today = play_round(amy, [("q", False)], now=now, badges=[THREE_DAYS])
    assert today.new_badges == ["three-days"]


def test_roadshow_badge_counts_check_ins(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy = community.resident("阿美")
    event = RoadshowEvent(
        title="消防路演", place="架空层", starts_at=now, ends_at=now + timedelta(hours=2)
    )
    db.add(event)
    db.flush()
    assert badges.evaluate(db, amy.id, [ROADSHOW_FAN], now=now) == []
    db.add(
        CheckIn(
            event_id=event.id, resident_id=amy.id, method=CheckInMethod.SCANNER, checked_in_at=now
        )
    )
    db.flush()
    assert badges.evaluate(db, amy.id, [ROADSHOW_FAN], now=now + timedelta(minutes=1)) == [
        "roadshow-fan"
    ]
    assert awards(db) == [(amy.id, "roadshow-fan")]


def test_badges_are_per_resident(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    amy, bob = community.resident("阿美"), community.resident("阿波")
    play_round(amy, [("q", True)], now=now, badges=ALL)
    _, bob_result = play_round(bob, [("q", True)], now=now, badges=ALL)
    assert bob_result.new_badges == ["first-play"]
    # Guests hold no badges and are never evaluated.
    _, guest = play_round(None, [("q", True)], now=now, badges=ALL)
    assert guest.new_badges == []
    assert len(awards(db)) == 2


@pytest.mark.parametrize(
    ("definitions", "message"),
    [
        ([Badge("x", Rule("likes", 1))], "unknown rule type 'likes'"),
        ([Badge("x", Rule("plays", 0))], "count must be a positive whole number"),
        ([Badge("x", Rule("streak_days", 2, topic="fire"))], "streak_days rule has no topic"),
        ([FIRST_PLAY, FIRST_PLAY], "defined twice"),
        ([Badge("", Rule("plays", 1))], "badge id must be"),
    ],
)
def test_bad_definitions_award_nothing(
    db: Session, community: Community, now: datetime, definitions: list[Badge], message: str
) -> None:
    amy = community.resident("阿美")
    with pytest.raises(BadgeRuleError, match=message):
        badges.evaluate(db, amy.id, [FIRST_PLAY, *definitions], now=now)
    assert awards(db) == []


def test_content_badge_models_are_accepted(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    from safezone.content.schema import Badge as ContentBadge

    badge = ContentBadge.model_validate(
        {
            "id": "fire-starter",
            "name": "消防新手",
            "description": "答对 1 道消防题",
            "rule": {"type": "correct_answers", "topic": "fire", "count": 1},
        }
    )
    amy = community.resident("阿美")
    _, result = play_round(amy, [("f1", True)], now=now, badges=[badge])
    assert result.new_badges == ["fire-starter"]


def test_longest_streak() -> None:
    d = datetime(2026, 1, 1).date()
    assert longest_streak([]) == 0
    assert longest_streak([d, d]) == 1
    assert (
        longest_streak([d, d + timedelta(days=1), d + timedelta(days=3), d + timedelta(days=2)])
        == 4
    )
    assert longest_streak([d, d + timedelta(days=2)]) == 1
