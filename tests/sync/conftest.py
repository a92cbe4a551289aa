"""Fixtures of the sync tests: a server database on PostgreSQL (or SQLite), its app, a clock."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from sync_support import Clock

from safezone.app_context import Database
from safezone.config import Settings
from safezone.db.engine import make_session_factory
from safezone.db.migrate import upgrade


@pytest.fixture
def clock(now: datetime) -> Clock:
    """A clock starting at the fixed test time."""
    return Clock(now)


@pytest.fixture
def pg_database(pg_engine: Engine) -> Iterator[Database]:
    """A migrated PostgreSQL server database."""
    upgrade(pg_engine)
    db = Database(engine=pg_engine, sessions=make_session_factory(pg_engine))
    yield db


@pytest.fixture
def pg_settings(tmp_path: Path, pg_engine: Engine) -> Settings:
    """Server settings pointing at the PostgreSQL test database."""
    return Settings(data_dir=tmp_path / "server",
                    database_url=pg_engine.url.render_as_string(hide_password=False),
                    secret_key="test-secret")


@pytest.fixture
def server_factory() -> Callable[..., object]:
    """Build the admin app with the API for given settings and clock."""
    from sync_support import make_api_app

    return make_api_app
