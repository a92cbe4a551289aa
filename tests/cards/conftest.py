"""Fixtures for the card tests: sessions on each engine and a factory for residents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from cards_support import MakeResident, add_resident
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.models import Resident


@pytest.fixture
def db_session(any_database: Database) -> Iterator[Session]:
    """A session on SQLite and on PostgreSQL; rolled back afterwards."""
    with any_database.sessions() as session:
        yield session
        session.rollback()


@pytest.fixture
def make_resident(now: datetime) -> MakeResident:
    """Factory: ``make_resident(session, nickname=..., plot=1, building=5, unit=2, room=...)``."""

    def make(session: Session, **fields: object) -> Resident:
        fields.setdefault("nickname", "小明")
        return add_resident(session, created=now, **fields)  # type: ignore[arg-type]

    return make
