"""Fixtures for the points store: a session on each engine, a resident with 50 points, an item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.models import (
    AgeGroup,
    Building,
    Household,
    Plot,
    PointsReason,
    Resident,
    Site,
    StoreItem,
)
from safezone.services import points, store


@pytest.fixture
def db(any_database: Database) -> Iterator[Session]:
    """A session on each engine; rolled back afterwards."""
    with any_database.sessions() as s:
        yield s
        s.rollback()


@pytest.fixture
def resident(db: Session, now: datetime) -> Resident:
    """A resident holding 50 points."""
    site = Site(name="测试小区", household_target=10)
    household = Household(building=Building(plot=Plot(site=site, number=1), number=5),
                          unit=1, room="101")
    person = Resident(household=household, full_name="张三", nickname="张先生",
                      age_group=AgeGroup.ELDER, consent=True)
    db.add_all([site, person])
    db.flush()
    points.add_entry(db, person.id, 50, PointsReason.CHECKIN, now=now)
    return person


@pytest.fixture
def item(db: Session, now: datetime) -> StoreItem:
    """A 30-point fire blanket, two in stock."""
    return store.create_item(db, name="灭火毯", name_en="Fire blanket", price_points=30, stock=2, now=now)
