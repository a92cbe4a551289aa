"""Migrations create the same schema as the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

import safezone.models  # noqa: F401
from safezone.app_context import Database
from safezone.config import Settings
from safezone.db.base import Base
from safezone.db.engine import make_engine
from safezone.db.migrate import SchemaOutdated, check_schema, head_revision, upgrade


def _diff(engine: Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_match_models_on_both_engines(any_database: Database) -> None:
    assert _diff(any_database.engine) == []
    check_schema(any_database.engine)


def test_upgrade_is_idempotent(any_database: Database) -> None:
    upgrade(any_database.engine)
    check_schema(any_database.engine)


def test_empty_database_is_reported(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.resolved_database_url)
    with pytest.raises(SchemaOutdated, match="safezone init"):
        check_schema(engine)
    engine.dispose()


def test_old_schema_is_reported(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(SchemaOutdated, match="newer than this program"):
        check_schema(engine)
    assert head_revision() != "ffffffffffff"
    engine.dispose()


def test_sqlite_pragmas_on_every_connection(database: Database) -> None:
    for _ in range(3):
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        database.engine.dispose()  # force a brand-new connection next time


def test_opening_a_current_database_does_not_load_alembic(tmp_path) -> None:
    """The kiosk opens the database through the core on every start: no Alembic import then."""
    import subprocess
    import sys

    from safezone.app_context import open_database as open_db
    from safezone.config import Settings as S

    url = f"sqlite:///{tmp_path / 'current.sqlite3'}"
    open_db(S(data_dir=tmp_path, database_url=url), migrate=True).dispose()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from safezone.app_context import open_database\n"
        "from safezone.config import Settings\n"
        f"open_database(Settings(data_dir=Path({str(tmp_path)!r}), database_url={url!r})).dispose()\n"
        "print('ALEMBIC', 'alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    assert "ALEMBIC False" in out, out
