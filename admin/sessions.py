"""Admin sessions kept on the server (the database by default, Redis where configured).

Flask's default session lives in a signed cookie: logging out cannot revoke a copy of it, and it
stays valid until it expires. Here the cookie holds only a random token; the session's values
live in a store every admin process shares (the ``admin_session`` table, or Redis when
``session_redis_url`` is set), keyed by the token's SHA-256. Logging out deletes the row, so a
saved cookie stops working at once, in every process. Logging in rotates the token and the CSRF
token (session fixation: a token planted before login is worthless after it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import Flask, Request, Response, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, update
from werkzeug.datastructures import CallbackDict

from safezone.app_context import Database
from safezone.models import AdminSession

#: A session nobody logged in with (the login page's CSRF token) lasts this long.
ANONYMOUS_LIFETIME = timedelta(hours=1)
#: Redis keys of the sessions.
REDIS_PREFIX = "safezone:admin-session:"


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class SessionStore(Protocol):
    """Where the sessions' values live; shared by every admin process."""

    def load(self, key: str, now: datetime) -> str | None:
        """The serialized session under ``key`` unless missing or expired."""

    def save(self, key: str, data: str, *, staff_id: int | None, expires_at: datetime,
             now: datetime, new: bool = False) -> None:
        """Create (``new``: a token never stored) or replace the session under ``key``."""

    def delete(self, key: str) -> None:
        """Forget the session under ``key`` (revocation)."""


class DatabaseSessionStore:
    """Sessions in the ``admin_session`` table of the admin's own database."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def load(self, key: str, now: datetime) -> str | None:
        """The row's data unless missing or expired."""
        with self._database.sessions() as s:
            row = s.get(AdminSession, key)
            if row is None or row.expires_at <= now:
                return None
            return row.data

    def save(self, key: str, data: str, *, staff_id: int | None, expires_at: datetime,
             now: datetime, new: bool = False) -> None:
        """Insert a new row (sweeping expired ones first) or update the existing one.

        Writes come first in the transaction, never a read: on SQLite a transaction that read
        before writing cannot wait for the write lock (its snapshot may be stale) and fails at
        once with "database is locked" when another request is writing.
        """
        values = {"data": data, "staff_id": staff_id, "expires_at": expires_at, "updated_at": now}
        with self._database.sessions() as s:
            if new:
                s.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
            else:
                done = s.execute(update(AdminSession).where(AdminSession.id == key).values(**values))
                new = done.rowcount == 0  # expired and swept meanwhile: store it again
            if new:
                s.execute(insert(AdminSession).values(id=key, **values))
            s.commit()

    def delete(self, key: str) -> None:
        """Delete the row."""
        with self._database.sessions() as s:
            s.execute(delete(AdminSession).where(AdminSession.id == key))
            s.commit()


class RedisSessionStore:
    """Sessions in Redis (``session_redis_url``), expiring by Redis' own TTL."""

    def __init__(self, url: str) -> None:
        import redis  # optional dependency: pip install '.[redis]'

        self._redis = redis.Redis.from_url(url)

    def load(self, key: str, now: datetime) -> str | None:
        """The stored value, if Redis still has it."""
        value = self._redis.get(REDIS_PREFIX + key)
        return value.decode("utf-8") if value is not None else None

    def save(self, key: str, data: str, *, staff_id: int | None, expires_at: datetime,
             now: datetime, new: bool = False) -> None:
        """SET with the remaining lifetime as TTL."""
        ttl = max(1, int((expires_at - now).total_seconds()))
        self._redis.set(REDIS_PREFIX + key, data.encode("utf-8"), ex=ttl)

    def delete(self, key: str) -> None:
        """DEL the key."""
        self._redis.delete(REDIS_PREFIX + key)


class ServerSession(CallbackDict, SessionMixin):
    """The session's values plus the cookie token they were loaded under."""

    def __init__(self, initial: dict[str, Any] | None = None, token: str | None = None) -> None:
        def changed(_self: ServerSession) -> None:
            _self.modified = True

        super().__init__(initial, changed)
        self.token = token
        self.new = token is None
        self.modified = False
        #: Set by :func:`rotate`: the old token is deleted and a new one issued when saved.
        self.rotate = False


def rotate(*, keep: bool = True) -> None:
    """Issue a new session token (and CSRF token) for this session; the old one stops working.

    Called at login (``keep=True``: the language and ``next`` survive) and at logout
    (``keep=False``: everything is forgotten, the stored session is deleted).
    """
    if not keep:
        session.clear()
    session.pop("csrf_token", None)  # Flask-WTF makes a new one on the next form
    session.rotate = True  # type: ignore[attr-defined]
    session.modified = True


class ServerSessionInterface(SessionInterface):
    """Flask session interface over a :class:`SessionStore`."""

    serializer = TaggedJSONSerializer()

    def __init__(self, store: SessionStore, clock) -> None:
        self.store = store
        self._clock = clock

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """Load the session named by the cookie's token, else start an empty one."""
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128:
            return ServerSession()
        data = self.store.load(_key(token), self._clock())
        if data is None:
            return ServerSession()  # unknown, expired or revoked: a fresh anonymous session
        try:
            values = self.serializer.loads(data)
        except ValueError:
            return ServerSession()
        return ServerSession(values, token=token)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]
        """Write changed sessions, rotate or delete as asked, and set or clear the cookie."""
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        old = session.token
        if old is not None and (session.rotate or not session):
            self.store.delete(_key(old))
        if not session:
            if old is not None:
                response.delete_cookie(name, domain=domain, path=path,
                                       secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        if not (session.modified or session.rotate or session.new):
            return
        fresh = old is None or session.rotate
        token = secrets.token_urlsafe(32) if fresh else old
        now = self._clock()
        raw_user = str(session.get("_user_id") or "")
        number = re.match(r"[0-9]{1,18}:", raw_user)
        staff_id = int(number.group(0)[:-1]) if number else None
        lifetime = app.permanent_session_lifetime if staff_id is not None else ANONYMOUS_LIFETIME
        self.store.save(_key(token), self.serializer.dumps(dict(session)), staff_id=staff_id,
                        expires_at=now + lifetime, now=now, new=fresh)
        response.set_cookie(name, token, domain=domain, path=path,
                            secure=self.get_cookie_secure(app),
                            httponly=self.get_cookie_httponly(app),
                            samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")


def init_app(app: Flask, database: Database, redis_url: str, clock) -> None:
    """Keep ``app``'s sessions in Redis when ``redis_url`` is set, else in the database."""
    store: SessionStore = RedisSessionStore(redis_url) if redis_url else DatabaseSessionStore(database)
    app.session_interface = ServerSessionInterface(store, clock)
