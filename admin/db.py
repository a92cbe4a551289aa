"""One database session per request, committed once at the end of a successful request.

Views and services only ``flush()``; :func:`_finish` commits when the response is a success
(status < 400) and nothing asked for a rollback, otherwise it rolls everything back.

SQLite has one writer at a time. A request that reads first and writes later would fail at
once with "database is locked" when another writer committed in between (WAL cannot upgrade a
stale read snapshot), so write requests take the write lock before their first statement —
except views marked :func:`late_write_lock`, which do their reads first and call
:func:`write_lock` just before changing anything, keeping the lock short (check-in bursts).
Inside one process writers queue on a plain mutex (fair, no polling); across processes SQLite's
busy timeout applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy import text
from sqlalchemy.orm import Session

from admin.state import state

F = TypeVar("F", bound=Callable[..., Any])

#: Methods that may write.
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# A write that matches nothing: it makes SQLite take the write (RESERVED) lock now.
_TAKE_WRITE_LOCK = text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")


def late_write_lock(view: F) -> F:
    """Mark a write view that reads first and calls :func:`write_lock` before its first change."""
    view._late_write_lock = True  # type: ignore[attr-defined]
    return view


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def db() -> Session:
    """The session of the current request (opened on first use)."""
    if "db_session" not in g:
        session = state(current_app).database.sessions()
        g.db_session = session
        view = current_app.view_functions.get(request.endpoint or "")
        if request.method in _WRITE_METHODS and not getattr(view, "_late_write_lock", False):
            write_lock()
    return g.db_session


def write_lock() -> None:
    """Take this request's write lock now (SQLite); a no-op when already held or on PostgreSQL.

    Ends a read-only transaction first, so the lock is never taken on a stale snapshot; calling
    it with unflushed or flushed changes pending is a programming error.
    """
    session = db() if "db_session" in g else None
    if session is None or g.get("db_write_locked") or not _is_sqlite(session):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("write_lock() must come before the first change of the request")
    if session.in_transaction():
        session.commit()  # read-only so far: ends the snapshot, objects stay loaded
    state(current_app).write_mutex.acquire()
    g.db_write_locked = True
    session.execute(_TAKE_WRITE_LOCK)


def discard_changes() -> None:
    """Undo everything this request wrote so far and make sure nothing is committed.

    Views call it when a service raised after flushing part of its work, before they render a
    friendly error page with a 200 status.
    """
    g.db_discard = True
    if "db_session" in g:
        g.db_session.rollback()


def _finish(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is None:
        return response
    if response.status_code < 400 and not g.get("db_discard"):
        session.commit()
    else:
        session.rollback()
    _release()
    return response


def _release() -> None:
    if g.pop("db_write_locked", False):
        state(current_app).write_mutex.release()


def _close(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        # An exception after after_request (or one that skipped it) must not leave work pending.
        session.rollback()
        session.close()
    _release()


def init_app(app: Flask) -> None:
    """Register the commit-once and close hooks."""
    app.after_request(_finish)
    app.teardown_request(_close)
