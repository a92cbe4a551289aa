"""Fixtures for the community tests: a session on each engine and a small site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.models import Building, Site
from safezone.services.community import ensure_buildings, ensure_site, find_building


@pytest.fixture
def db_session(any_database: Database) -> Iterator[Session]:
    """A session on SQLite and on PostgreSQL; rolled back afterwards."""
    with any_database.sessions() as session:
        yield session
        session.rollback()


@pytest.fixture
def site(db_session: Session) -> Site:
    """锦秀城三期 with plots 1–3 and buildings 1–6 on each (not the demo's households)."""
    site = ensure_site(db_session, "锦秀城三期", 1462, name_en="Jinxiucheng Phase 3")
    ensure_buildings(db_session, site, {plot: range(1, 7) for plot in (1, 2, 3)})
    return site


@pytest.fixture
def building(db_session: Session, site: Site) -> Building:
    """Plot 1, building 5 (the one with the pilotis)."""
    found = find_building(db_session, 1, 5, site=site)
    assert found is not None
    return found
