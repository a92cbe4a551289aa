"""One database session per request, committed once at the end of a successful request.

Views and services only ``flush()``; :func:`_finish` commits when the response is a success
(status < 400) and nothing asked for a rollback, otherwise it rolls everything back.

SQLite has one writer at a time. A request that reads first and writes later would fail at
once with "database is locked" when another writer committed in between (WAL cannot upgrade a
stale read snapshot), so write requests take the write lock before their first statement —
except views marked :func:`late_write_lock`, which do their reads first and call
:func:`write_lock` just before changing anything, keeping the lock short (check-in bursts).
Inside one process writers queue on a plain mutex; across processes (``safezone admin
--processes N``) the mutex holder then takes an exclusive ``flock`` on ``.write.lock`` beside the
database file, held from the first write until commit/rollback. A blocked ``flock`` sleeps in the
kernel and wakes the moment the holder unlocks, whereas SQLite's busy handler polls with sleeps
of up to 100 ms, so one worker could starve the other (p99 over a second at 80 check-ins/s).
SQLite's own lock is still taken after the flock, so other programs (the kiosk) stay safe.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path
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


#: Name of the cross-process write lock file, created beside the SQLite database file.
LOCK_FILE_NAME = ".write.lock"
_LOCK_KEY = "safezone.write_lock"


class ProcessWriteLock:
    """One process's share of the cross-process SQLite write lock: a mutex for its threads, then
    an exclusive ``flock`` on a lock file (``flock`` belongs to the open file, which all threads
    share, so the mutex is what keeps two threads of one process apart).

    A ``path`` of None (an in-memory database) means this process is the only writer: mutex only.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._fd_pid: int | None = None

    def _file(self, path: Path) -> int:
        # Opened on first use and again after a fork: a forked worker must not share the
        # parent's open file, or flock would treat both processes as one owner.
        if self._fd is None or self._fd_pid != os.getpid():
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._fd_pid = os.getpid()
        return self._fd

    def acquire(self, path: Path | None) -> None:
        """Wait (sleeping in the kernel, no polling) until this thread is the only writer."""
        self._mutex.acquire()
        if path is None:
            return
        try:
            fcntl.flock(self._file(path), fcntl.LOCK_EX)
        except BaseException:
            self._mutex.release()
            raise

    def release(self) -> None:
        """Let the next writer in (call after commit or rollback)."""
        try:
            if self._fd is not None and self._fd_pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)  # a no-op when only the mutex was taken
        finally:
            self._mutex.release()


def lock_path_for(session: Session) -> Path | None:
    """``.write.lock`` beside the session's SQLite file; None for an in-memory database."""
    database = session.get_bind().url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve().parent / LOCK_FILE_NAME


def _process_lock() -> ProcessWriteLock:
    return current_app.extensions[_LOCK_KEY]


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
    _process_lock().acquire(lock_path_for(session))
    g.db_write_locked = True
    session.execute(_TAKE_WRITE_LOCK)


def commit_now() -> None:
    """Commit this request's writes now and release the write lock early.

    For hot write paths (card check-in) whose remaining work only reads: the lock is then held
    just for the writes and the commit, not for the queries and rendering that follow.
    """
    session: Session | None = g.get("db_session")
    if session is None:
        return
    session.commit()
    _release()


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
        _process_lock().release()


def _close(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        # An exception after after_request (or one that skipped it) must not leave work pending.
        session.rollback()
        session.close()
    _release()


def init_app(app: Flask) -> None:
    """Register the commit-once and close hooks and this app's write lock."""
    app.extensions[_LOCK_KEY] = ProcessWriteLock()
    app.after_request(_finish)
    app.teardown_request(_close)
