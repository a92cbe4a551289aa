"""Database layer: engine factory, declarative base, migrations."""

from safezone.db.base import Base, new_uuid, utcnow
from safezone.db.engine import make_engine, make_session_factory, session_scope

__all__ = ["Base", "make_engine", "make_session_factory", "new_uuid", "session_scope", "utcnow"]
