"""Open the configured database: settings → engine → schema check → session factory.

Front ends and CLI commands call :func:`open_database` instead of wiring engines themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from safezone.config import Settings
from safezone.db.engine import make_engine, make_session_factory
from safezone.db.migrate import check_schema, upgrade
from safezone.private_files import private_dir


@dataclass
class Database:
    """An open database: its engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(settings: Settings, *, migrate: bool = False) -> Database:
    """Open the database of ``settings``.

    With ``migrate`` the schema is created/upgraded (``safezone init``); otherwise an out-of-date
    schema raises :class:`safezone.db.migrate.SchemaOutdated` with the command to run.
    """
    if not settings.database_url:
        private_dir(settings.data_dir)
    engine = make_engine(settings.resolved_database_url)
    try:
        if migrate:
            upgrade(engine)
        else:
            check_schema(engine)  # no Alembic import when the schema is current (kiosk start-up)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine=engine, sessions=make_session_factory(engine))
