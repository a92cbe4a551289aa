"""The kiosk greeting profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from service_helpers import Community, PlayRound
from sqlalchemy.orm import Session

from safezone.models import AgeGroup
from safezone.services.points import UnknownResident
from safezone.services.profiles import Profile, resident_profile


@dataclass(frozen=True)
class Rule:
    type: str
    count: int
    topic: str | None = None


@dataclass(frozen=True)
class Badge:
    id: str
    rule: Rule


def test_profile_shows_nickname_building_balance_and_badges(
    db: Session, community: Community, play_round: PlayRound, now: datetime
) -> None:
    grandma = community.resident("王奶奶", building=2, age_group=AgeGroup.ELDER)
    assert resident_profile(db, grandma.id) == Profile(
        resident_id=grandma.id,
        nickname="王奶奶",
        building_label="2号地块1栋",
        age_group=AgeGroup.ELDER,
        balance=0,
        badges=[],
    )
    first, second = Badge("first-play", Rule("plays", 1)), Badge("two-plays", Rule("plays", 2))
    play_round(grandma, [("q1", True)], now=now, badges=[second, first])
    play_round(grandma, [("q2", True)], now=now + timedelta(minutes=3), badges=[second, first])
    profile = resident_profile(db, grandma.id)
    assert (profile.balance, profile.badges) == (20, ["first-play", "two-plays"])
    assert "全名" not in repr(profile)


def test_unknown_or_anonymised_residents_have_no_profile(
    db: Session, community: Community, now: datetime
) -> None:
    with pytest.raises(UnknownResident, match="no resident with id 4242"):
        resident_profile(db, 4242)
    gone = community.resident("离开")
    gone.anonymised_at = now
    db.flush()
    with pytest.raises(UnknownResident):
        resident_profile(db, gone.id)
