"""Fixtures for dashboard tests: a session on each engine and the hand-made town."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from dashboard_town import Town, build_town  # type: ignore[import-not-found]
from sqlalchemy.orm import Session

from safezone.app_context import Database


@pytest.fixture
def db(any_database: Database) -> Iterator[Session]:
    """A session on each engine; rolled back afterwards."""
    with any_database.sessions() as s:
        yield s
        s.rollback()


@pytest.fixture
def town(db: Session, now: datetime) -> Town:
    """The hand-made town of dashboard_town.py, its plays already rolled up."""
    return build_town(db, now)
