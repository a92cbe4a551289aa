"""Fixtures for roadshow tests: a session on SQLite and PostgreSQL, residents and an event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.models import AgeGroup, Building, Household, Plot, Resident, RoadshowEvent, Site
from safezone.services import roadshows


@pytest.fixture
def db(any_database: Database) -> Iterator[Session]:
    """A session on each engine; rolled back afterwards."""
    with any_database.sessions() as s:
        yield s
        s.rollback()


@pytest.fixture
def residents(db: Session) -> list[Resident]:
    """Five residents of 1号地块5栋, one household each (rooms 101..105)."""
    site = Site(name="测试小区", household_target=10)
    building = Building(plot=Plot(site=site, number=1), number=5)
    people = []
    for n in range(5):
        household = Household(building=building, unit=1, room=f"10{n + 1}")
        people.append(Resident(household=household, full_name=f"居民{n}", nickname=f"昵称{n}",
                               age_group=AgeGroup.ADULT, consent=True))
    db.add_all([site, *people])
    db.flush()
    return people


@pytest.fixture
def event(db: Session, now: datetime, residents: list[Resident]) -> RoadshowEvent:
    """A fire/home roadshow tomorrow with two places and 15 check-in points."""
    return roadshows.create_event(
        db, title="消防安全路演", place="5栋架空层", starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2), topics=["home", "fire"], capacity=2,
        checkin_points=15, now=now,
    )
