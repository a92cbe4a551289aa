"""Fixtures for the play/points/badges/ranking/rollups services: a session on each engine and a
tiny community built with the models directly."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from service_helpers import Community, PlayRound, play_round_with
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.models import Building, Plot, Site


@pytest.fixture
def db(any_database: Database) -> Iterator[Session]:
    """A session on SQLite and on PostgreSQL; rolled back afterwards."""
    with any_database.sessions() as s:
        yield s
        s.rollback()


@pytest.fixture
def community(db: Session) -> Community:
    """The small community, flushed."""
    site = Site(name="测试小区", household_target=10)
    plot1, plot2 = Plot(site=site, number=1), Plot(site=site, number=2)
    buildings = [
        Building(plot=plot1, number=5),
        Building(plot=plot1, number=6),
        Building(plot=plot2, number=1),
    ]
    db.add_all([site, plot1, plot2, *buildings])
    db.flush()
    return Community(session=db, site=site, buildings=buildings)


@pytest.fixture
def play_round(db: Session) -> PlayRound:
    """``play_round(resident_or_None, [(question_id, correct), ...], now=..., topic=..., mode=...,
    badges=..., **start_kwargs)`` plays one quiz through the real services."""
    return partial(play_round_with, db)
