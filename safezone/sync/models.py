"""Tables of the kiosk side of sync: the outbox and the client's own state.

They exist in every database (one schema everywhere), but only a kiosk replica fills them: the
outbox by SQLite triggers that :func:`safezone.sync.outbox.prepare_replica` installs.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base


class SyncOutbox(Base):
    """One record written on the kiosk that the server has not acknowledged yet.

    Rows are added by triggers in the same transaction as the record itself (so a kill -9 can
    never separate them) and deleted when the server acknowledges the batch that carried them.
    """

    __tablename__ = "sync_outbox"
    # Never reuse a sequence number (see migration 0004).
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    #: Order of writing; batches are built in this order.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: ``session``, ``answer``, ``points``, ``badge`` or ``checkin``.
    kind: Mapped[str] = mapped_column(String(16))
    #: Id of the record.
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: Play session the record belongs to (sessions and answers), so a session travels whole.
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


class SyncState(Base):
    """Key/value state of the kiosk's sync client (server URL, kiosk id, token, versions)."""

    __tablename__ = "sync_state"

    #: Name of the setting, e.g. ``server_url``.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Its value as text.
    value: Mapped[str] = mapped_column(Text)
