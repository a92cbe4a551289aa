"""Helpers shared by the card tests (imported by name: the tests folders are not packages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import AgeGroup, Building, Household, Plot, Resident, Site

#: The compound's name as printed on cards.
SITE_NAME = "锦秀城三期"

#: ``make_resident(session, nickname=..., plot=1, building=5, unit=2, room=...)``.
MakeResident = Callable[..., Resident]


def add_resident(
    session: Session,
    *,
    nickname: str,
    plot: int = 1,
    building: int = 5,
    unit: int = 2,
    room: str = "1203",
    full_name: str | None = "张三",
    created: datetime,
) -> Resident:
    """Add a resident, creating the site, plot, building and household when missing (flushed)."""
    site = session.scalars(select(Site).where(Site.name == SITE_NAME)).first()
    if site is None:
        site = Site(name=SITE_NAME, household_target=1462)
        session.add(site)
        session.flush()
    plot_row = session.scalars(
        select(Plot).where(Plot.site_id == site.id, Plot.number == plot)
    ).first()
    if plot_row is None:
        plot_row = Plot(site=site, number=plot)
        session.add(plot_row)
        session.flush()
    building_row = session.scalars(
        select(Building).where(Building.plot_id == plot_row.id, Building.number == building)
    ).first()
    if building_row is None:
        building_row = Building(plot=plot_row, number=building)
        session.add(building_row)
        session.flush()
    household = session.scalars(
        select(Household).where(
            Household.building_id == building_row.id, Household.unit == unit, Household.room == room
        )
    ).first()
    if household is None:
        household = Household(building=building_row, unit=unit, room=room, created_at=created)
        session.add(household)
        session.flush()
    resident = Resident(
        household=household,
        full_name=full_name,
        nickname=nickname,
        age_group=AgeGroup.ADULT,
        consent=True,
        created_at=created,
    )
    session.add(resident)
    session.flush()
    return resident
