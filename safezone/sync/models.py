"""Tables of sync: the kiosk's outbox and client state, and the server's roster change log.

They exist in every database (one schema everywhere). Only a kiosk replica fills the outbox (by
SQLite triggers that :func:`safezone.sync.outbox.prepare_replica` installs); only a server
uses the roster change log (filled by database triggers from migration 0007, see
:mod:`safezone.sync.export`; a replica drops those triggers when it applies its first roster).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime


class SyncOutbox(Base):
    """One record written on the kiosk that the server has not acknowledged yet.

    Rows are added by triggers in the same transaction as the record itself (so a kill -9 can
    never separate them) and deleted when the server acknowledges the batch that carried them.
    """

    __tablename__ = "sync_outbox"
    # Never reuse a sequence number (see migration 0004).
    __table_args__ = ({"sqlite_autoincrement": True},)

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


class RosterChange(Base):
    """One roster-visible change on the server: a resident (identity, household, card holder
    details or balance), a card, or the site/plot/building structure.

    Written only by database triggers, in the same transaction as the change itself, whichever
    code made it (services, imports, bulk inserts, plain SQL). Rows are never updated; old ones
    are pruned (:func:`safezone.sync.export.prune_roster_changes`). The *position* of a row,
    which cursors compare against, is ``txid`` on PostgreSQL and ``seq`` on SQLite.
    """

    __tablename__ = "roster_change"
    # AUTOINCREMENT on SQLite: a pruned sequence number is never handed out again.
    __table_args__ = (Index("ix_roster_change_txid", "txid"),
                      Index("ix_roster_change_changed_at", "changed_at"),
                      {"sqlite_autoincrement": True})

    #: Order of writing. On SQLite, where writers are serialised, also the order of commit.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True, autoincrement=True)
    #: PostgreSQL: id of the writing transaction (``pg_current_xact_id()``); NULL on SQLite.
    txid: Mapped[int | None] = mapped_column(BigInteger)
    #: ``resident``, ``card`` or ``structure`` (sites, plots, buildings).
    kind: Mapped[str] = mapped_column(String(16))
    #: Id of the resident or card (0 for ``structure``).
    entity_id: Mapped[int] = mapped_column(Integer)
    #: When the change was written (server clock), for pruning.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RosterLog(Base):
    """The one row describing the roster change log: its identity and how far it was pruned."""

    __tablename__ = "roster_log"

    #: Always 1.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random id of this log, part of every cursor: a cursor from another database (a replaced
    #: server) is recognised and answered with a full snapshot.
    log_id: Mapped[str] = mapped_column(String(32))
    #: Rows with a position below this were pruned: a cursor below it gets a full snapshot.
    pruned_below: Mapped[int] = mapped_column(BigInteger, default=0)
