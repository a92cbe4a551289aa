"""Engine and session factories.

Every SQLite connection gets the pragmas of DESIGN.md (WAL, synchronous=FULL, foreign keys,
busy timeout) so that an acknowledged write survives a power cut and two processes (kiosk and
admin) can share one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from safezone.private_files import create_private, restrict

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseError(Exception):
    """The database cannot be used as configured; the message says what to do."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Driver-level autocommit: pysqlite's implicit BEGIN is replaced by our own (see _sqlite_begin),
    # and WAL cannot be switched on inside a transaction anyway.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_begin(conn) -> None:
    # pysqlite's own transaction handling defers BEGIN; issue it ourselves so that SAVEPOINT and
    # SERIALIZABLE semantics work (SQLAlchemy's documented recipe for the sqlite3 driver).
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with our per-connection settings.

    For a SQLite file the parent folder must exist and be writable; otherwise a
    :class:`DatabaseError` names the path and the fix.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseError(
                    f"database folder {folder} does not exist; run 'safezone init' "
                    "or set SAFEZONE_DATA_DIR to a writable folder"
                )
            probe = folder / ".safezone-write-test"
            try:
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                raise DatabaseError(
                    f"database folder {folder} is not writable ({exc.strerror}); "
                    "choose another SAFEZONE_DATA_DIR or fix its permissions"
                ) from None
            # Residents' names, tokens: owner only. SQLite gives its -wal and -shm files the
            # database file's mode, so making this one 0600 covers them.
            create_private(Path(database).expanduser().resolve())
            for suffix in ("-wal", "-shm", "-journal"):
                restrict(Path(str(Path(database).expanduser().resolve()) + suffix))
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
