"""Shared fixtures: settings in a temporary folder, migrated databases on SQLite and PostgreSQL.

PostgreSQL tests use the server at 127.0.0.1:5432 (trust auth); each pytest worker gets its own
database so parallel runs do not collide. Without a server they skip with a visible reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from safezone.app_context import Database, open_database
from safezone.config import Settings
from safezone.db.engine import make_engine, make_session_factory
from safezone.db.migrate import upgrade

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

PG_URL = os.environ.get(
    "SAFEZONE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

#: A fixed instant for deterministic tests.
FIXED_NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    """A fixed, aware UTC time."""
    return FIXED_NOW


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data folder is a fresh temporary directory."""
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated SQLite database in the temporary data folder."""
    db = open_database(settings, migrate=True)
    yield db
    db.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session on the SQLite test database; rolled back and closed afterwards."""
    with database.sessions() as s:
        yield s
        s.rollback()


def _worker_pg_url() -> str:
    # One database per test run and worker: parallel runs (several engineers, CI) never collide.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"safezone_test_{run}_{worker}"
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of this worker's own PostgreSQL database; skips when no server answers.

    The database is dropped again when the worker's session ends.
    """
    url = _worker_pg_url()
    name = make_url(url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {PG_URL}: {exc.__class__.__name__}")
    yield url
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_engine(pg_server_url: str) -> Iterator[Engine]:
    """An empty PostgreSQL database (public schema recreated), not yet migrated."""
    engine = make_engine(pg_server_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_database(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """A migrated database on each engine: tests using it run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        db = open_database(settings, migrate=True)
    else:
        engine = request.getfixturevalue("pg_engine")
        upgrade(engine)
        db = Database(engine=engine, sessions=make_session_factory(engine))
    yield db
    db.dispose()
