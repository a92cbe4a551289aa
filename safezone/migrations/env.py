"""Alembic environment: runs against the connection handed in by safezone.db.migrate."""

from __future__ import annotations

from alembic import context

import safezone.models  # noqa: F401  (registers every table on Base.metadata)
from safezone.db.base import Base
from safezone.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Use the caller's connection when given one, else build an engine from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass a connection or set sqlalchemy.url")
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _render_item(type_: str, obj, autogen_context):
    """Render our UTCDateTime as a plain DateTime so migrations do not import model code."""
    from safezone.db.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    # Batch mode lets ALTER-style changes work on SQLite by copying tables.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
