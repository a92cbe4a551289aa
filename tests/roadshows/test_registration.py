"""Registration with a waiting list, cancellation and promotion."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import Registration, RegistrationStatus, Resident, RoadshowEvent
from safezone.services import roadshows
from safezone.services.roadshows import AlreadyRegistered, EventCancelled, EventOver, NotRegistered


def _status(db: Session, event: RoadshowEvent, person: Resident) -> RegistrationStatus:
    return db.scalar(select(Registration.status).where(
        Registration.event_id == event.id, Registration.resident_id == person.id))


def test_full_event_puts_people_on_the_waiting_list_in_order(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    statuses = [roadshows.register(db, event, p, now=now + timedelta(minutes=i)).status
                for i, p in enumerate(residents[:4])]
    assert statuses == [RegistrationStatus.REGISTERED, RegistrationStatus.REGISTERED,
                        RegistrationStatus.WAITLISTED, RegistrationStatus.WAITLISTED]
    assert [r.resident_id for r in roadshows.waiting_list(db, event)] == [residents[2].id, residents[3].id]
    assert roadshows.counts(db, event) == roadshows.EventCounts(registered=2, waitlisted=2, checked_in=0)


def test_cancelling_a_place_promotes_the_first_waiting(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for i, person in enumerate(residents[:4]):
        roadshows.register(db, event, person, now=now + timedelta(minutes=i))
    promoted = roadshows.cancel_registration(db, event, residents[0], now=now)
    assert promoted is not None and promoted.resident_id == residents[2].id
    assert _status(db, event, residents[0]) == RegistrationStatus.CANCELLED
    assert _status(db, event, residents[2]) == RegistrationStatus.REGISTERED
    assert _status(db, event, residents[3]) == RegistrationStatus.WAITLISTED


def test_cancelling_a_waiting_slot_promotes_nobody(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for i, person in enumerate(residents[:4]):
        roadshows.register(db, event, person, now=now + timedelta(minutes=i))
    assert roadshows.cancel_registration(db, event, residents[2], now=now) is None
    assert [r.resident_id for r in roadshows.waiting_list(db, event)] == [residents[3].id]


def test_coming_back_after_cancelling_joins_the_back_of_the_queue(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    for i, person in enumerate(residents[:3]):
        roadshows.register(db, event, person, now=now + timedelta(minutes=i))
    roadshows.cancel_registration(db, event, residents[0], now=now + timedelta(minutes=5))
    again = roadshows.register(db, event, residents[0], now=now + timedelta(minutes=6))
    assert again.status == RegistrationStatus.WAITLISTED
    assert db.scalar(select(func.count()).select_from(Registration)) == 3  # the same row reused


def test_double_registration_is_refused(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    roadshows.register(db, event, residents[0], now=now)
    with pytest.raises(AlreadyRegistered) as caught:
        roadshows.register(db, event, residents[0], now=now)
    assert caught.value.message("en") == "This resident is already registered"
    assert caught.value.message() == "该居民已报名"


def test_cancelling_without_registration_is_refused(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    with pytest.raises(NotRegistered, match="no active registration"):
        roadshows.cancel_registration(db, event, residents[0], now=now)


def test_no_registration_for_cancelled_or_finished_events(
    db: Session, now: datetime, event: RoadshowEvent, residents: list[Resident]
) -> None:
    with pytest.raises(EventOver, match="registration is closed"):
        roadshows.register(db, event, residents[0], now=event.ends_at)
    roadshows.cancel_event(db, event, now=now)
    with pytest.raises(EventCancelled, match="was cancelled"):
        roadshows.register(db, event, residents[0], now=now)
    assert db.scalar(select(func.count()).select_from(Registration)) == 0
