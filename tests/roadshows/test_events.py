"""Creating, editing, cancelling and listing roadshows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import AuditEntry, Resident, RoadshowEvent, RoadshowStatus
from safezone.services import roadshows
from safezone.services.roadshows import EventCancelled, EventInvalid


def _fields(now: datetime, **overrides: object) -> dict:
    base = {"title": "交通安全", "place": "广场", "starts_at": now + timedelta(hours=1),
                "ends_at": now + timedelta(hours=3), "topics": ["traffic"], "now": now}
    return {**base, **overrides}


def test_create_event_orders_topics_and_audits(db: Session, event: RoadshowEvent) -> None:
    assert event.topics == ["fire", "home"]
    assert event.status == RoadshowStatus.SCHEDULED
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "roadshow.create"))
    assert audit is not None and audit.target_id == str(event.id)


@pytest.mark.parametrize(
    ("overrides", "field", "english"),
    [
        ({"title": "  "}, "title", "Please enter a title"),
        ({"place": ""}, "place", "Please enter a place"),
        ({"ends_at": "start"}, "ends_at", "The end must be after the start"),
        ({"topics": ["fire", "water"]}, "topics", "Unknown topics: water"),
        ({"topics": []}, "topics", "Choose at least one topic"),
        ({"capacity": 0}, "capacity", "Capacity must be at least 1"),
        ({"checkin_points": -5}, "checkin_points", "cannot be negative"),
    ],
)
def test_invalid_event_is_refused_and_nothing_written(
    db: Session, now: datetime, overrides: dict, field: str, english: str
) -> None:
    if overrides.get("ends_at") == "start":
        overrides = {"ends_at": now + timedelta(hours=1)}  # equal to the start
    with pytest.raises(EventInvalid) as caught:
        roadshows.create_event(db, **_fields(now, **overrides))
    assert caught.value.field == field
    assert english in caught.value.message("en")
    assert caught.value.message("zh-CN")  # a Chinese sentence too
    assert db.scalar(select(func.count()).select_from(RoadshowEvent)) == 0


def test_unlimited_capacity_is_allowed(db: Session, now: datetime) -> None:
    event = roadshows.create_event(db, **_fields(now, capacity=None))
    assert event.capacity is None


def test_update_grows_capacity_and_promotes(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for person in residents[:4]:
        roadshows.register(db, event, person, now=now)
    promoted = roadshows.update_event(db, event, now=now, capacity=3, title="消防安全路演（加场）")
    assert [r.resident_id for r in promoted] == [residents[2].id]
    assert event.title == "消防安全路演（加场）"
    assert roadshows.counts(db, event).registered == 3


def test_update_cannot_drop_capacity_below_registered(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for person in residents[:2]:
        roadshows.register(db, event, person, now=now)
    with pytest.raises(EventInvalid, match="capacity cannot be below 2"):
        roadshows.update_event(db, event, now=now, capacity=1)
    assert event.capacity == 2


def test_update_validates_merged_values(db: Session, now: datetime, event: RoadshowEvent) -> None:
    with pytest.raises(EventInvalid, match="after the start"):
        roadshows.update_event(db, event, now=now, ends_at=event.starts_at - timedelta(minutes=1))
    with pytest.raises(EventInvalid, match="cannot be changed"):
        roadshows.update_event(db, event, now=now, status="cancelled")
    assert event.ends_at > event.starts_at


def test_cancel_event_keeps_it_for_the_calendar(
    db: Session, now: datetime, event: RoadshowEvent
) -> None:
    roadshows.cancel_event(db, event, now=now, reason="下雨")
    assert roadshows.upcoming(db, now) == []
    assert roadshows.events_between(db, now, now + timedelta(days=7)) == [event]
    with pytest.raises(EventCancelled):
        roadshows.cancel_event(db, event, now=now)
    with pytest.raises(EventCancelled):
        roadshows.update_event(db, event, now=now, title="x")


def test_upcoming_and_calendar_windows(db: Session, now: datetime) -> None:
    past = roadshows.create_event(db, **_fields(now, title="过去", starts_at=now - timedelta(days=2),
                                                ends_at=now - timedelta(days=2) + timedelta(hours=1)))
    running = roadshows.create_event(db, **_fields(now, title="进行中", starts_at=now - timedelta(hours=1),
                                                   ends_at=now + timedelta(hours=1)))
    later = roadshows.create_event(db, **_fields(now, title="以后", starts_at=now + timedelta(days=3),
                                                 ends_at=now + timedelta(days=3, hours=1)))
    assert roadshows.upcoming(db, now) == [running, later]
    assert roadshows.upcoming(db, now, limit=1) == [running]
    window = roadshows.events_between(db, now - timedelta(days=3), now + timedelta(days=1))
    assert window == [past, running]

