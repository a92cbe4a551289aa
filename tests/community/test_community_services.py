"""Site and buildings, building labels, nicknames and anonymising a resident."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import (
    AgeGroup,
    AuditEntry,
    Building,
    Card,
    CardStatus,
    Household,
    PlayMode,
    PlaySession,
    Plot,
    PointsEntry,
    PointsReason,
    Resident,
    Site,
)
from safezone.services.community import (
    ANONYMISED_NICKNAME,
    BuildingLabelError,
    CommunityError,
    anonymise_resident,
    building_by_label,
    ensure_buildings,
    ensure_site,
    nickname_for,
    parse_building_label,
    split_name,
)


def test_ensure_site_and_buildings_are_idempotent(db_session: Session, site: Site) -> None:
    again = ensure_site(db_session, "锦秀城三期", 1500)
    assert again.id == site.id and again.household_target == 1500
    assert again.name_en == "Jinxiucheng Phase 3"
    buildings = ensure_buildings(db_session, site, {1: [5, 7]})
    assert [b.label for b in buildings] == ["1号地块5栋", "1号地块7栋"]
    assert len(db_session.scalars(select(Plot)).all()) == 3
    assert len(db_session.scalars(select(Building)).all()) == 19


def test_ensure_rejects_bad_input(db_session: Session, site: Site) -> None:
    with pytest.raises(CommunityError, match="empty"):
        ensure_site(db_session, "  ", 10)
    with pytest.raises(CommunityError, match="plot numbers start at 1"):
        ensure_buildings(db_session, site, {0: [1]})
    with pytest.raises(CommunityError, match="building numbers start at 1"):
        ensure_buildings(db_session, site, {1: [0]})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-5", (1, 5)),
        ("1号地块5栋", (1, 5)),
        ("1地块5栋", (1, 5)),
        (" 2 号地块 13 栋 ", (2, 13)),
        ("１－５", (1, 5)),  # full-width, as Chinese input methods type it
        ("3号6栋", (3, 6)),
        ("1号地块5号楼", (1, 5)),
        ("2-4栋", (2, 4)),
    ],
)
def test_parse_building_label(text: str, expected: tuple[int, int]) -> None:
    assert parse_building_label(text) == expected


@pytest.mark.parametrize("text", ["", "5栋", "15", "一号地块五栋", "1-5-2", "A-5", "1号地块"])
def test_unreadable_building_label(text: str) -> None:
    with pytest.raises(BuildingLabelError, match="1号地块5栋"):
        parse_building_label(text)


def test_building_by_label(db_session: Session, site: Site) -> None:
    found = building_by_label(db_session, "1号地块5栋", site=site)
    assert found is not None and (found.plot.number, found.number) == (1, 5)
    assert building_by_label(db_session, "3-6") is not None
    assert building_by_label(db_session, "4-1") is None
    assert building_by_label(db_session, "1-9", site=site) is None


def test_split_name() -> None:
    assert (split_name("张三").surname, split_name("张三").given) == ("张", "三")
    assert (split_name("欧阳娜娜").surname, split_name("欧阳娜娜").given) == ("欧阳", "娜娜")
    assert split_name("王").given == ""
    assert split_name("Anna Li").surname == "Anna"


NAMES = ["王明", "李秀英", "欧阳娜娜", "张老", "刘小", "陈师", "赵豆", "司马光", "王", "孙小星"]


@pytest.mark.parametrize("group", list(AgeGroup))
def test_nickname_never_contains_given_name(group: AgeGroup) -> None:
    rng = random.Random(3)
    for name in NAMES:
        parts = split_name(name)
        for _ in range(40):
            nick = nickname_for(name, rng, age_group=group)
            if parts.given:  # a surname-only name cannot leak more than the surname
                assert name not in nick
                assert parts.given not in nick, (name, nick)
            assert nick.startswith(parts.surname) or parts.surname in nick


def test_nickname_styles() -> None:
    rng = random.Random(1)
    assert nickname_for("王秀英", rng, age_group=AgeGroup.ELDER) in {"老王", "王老"}
    assert nickname_for("李伟", rng, age_group=AgeGroup.ADULT) in {"李老师", "小李", "李师傅"}
    child = nickname_for("赵子涵", rng, age_group=AgeGroup.CHILD)
    assert child.startswith("赵小") and len(child) == 3
    assert nickname_for("Zhang Wei", rng) in {"Z老师", "小Z", "Z师傅"}
    assert nickname_for("", rng).startswith("小")
    assert nickname_for(None, rng).startswith("小")


def _resident(session: Session, building: Building, now: datetime) -> Resident:
    household = Household(building_id=building.id, unit=2, room="1203", created_at=now)
    session.add(household)
    session.flush()
    resident = Resident(
        household_id=household.id,
        full_name="王秀英",
        nickname="老王",
        age_group=AgeGroup.ELDER,
        birth_year=1950,
        phone="13800000000",
        consent=True,
        consent_at=now,
        created_at=now,
    )
    session.add(resident)
    session.flush()
    return resident


def test_anonymise_keeps_history_and_clears_pii(
    db_session: Session, building: Building, now: datetime
) -> None:
    resident = _resident(db_session, building, now)
    old_card = Card(
        resident_id=resident.id,
        code_hash="a" * 64,
        status=CardStatus.REVOKED,
        issued_at=now,
        revoked_at=now,
        revoked_reason="lost",
    )
    card = Card(resident_id=resident.id, code_hash="b" * 64, issued_at=now)
    play = PlaySession(
        resident_id=resident.id,
        mode=PlayMode.RESIDENT,
        game_type="quiz",
        topic="fire",
        started_at=now,
        finished_at=now,
        score=3,
        max_score=5,
    )
    points = PointsEntry(
        resident_id=resident.id, amount=30, reason=PointsReason.PLAY, created_at=now
    )
    db_session.add_all([old_card, card, play, points])
    db_session.flush()

    later = now + timedelta(days=3)
    revoked = anonymise_resident(db_session, resident, now=later, actor_label="admin")
    assert revoked == 1
    db_session.expire_all()
    gone = db_session.get(Resident, resident.id)
    assert gone.full_name is None and gone.phone is None and gone.birth_year is None
    assert gone.nickname == ANONYMISED_NICKNAME
    assert gone.anonymised_at == later and gone.consent is False
    assert db_session.get(Card, card.id).status is CardStatus.REVOKED
    assert db_session.get(Card, card.id).revoked_at == later
    assert db_session.get(Card, card.id).revoked_reason == "anonymised"
    assert db_session.get(Card, old_card.id).revoked_reason == "lost"
    assert db_session.get(PlaySession, play.id).resident_id == resident.id
    assert db_session.get(PointsEntry, points.id).amount == 30
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "resident.anonymise")
    ).one()
    assert entry.actor_label == "admin" and entry.details == {"cards_revoked": 1}
    assert "王秀英" not in str(entry.details)

    with pytest.raises(CommunityError, match="already anonymised"):
        anonymise_resident(db_session, gone, now=later, actor_label="admin")
