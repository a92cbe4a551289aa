"""The audit log: who did what, when — every change, check-in, export and login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One audited action; append-only."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened.
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Staff account that acted (None for the CLI, a kiosk or the system).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    #: Who acted, as text that survives account deletion (``admin``, ``cli``, ``kiosk:<id>``).
    actor_label: Mapped[str] = mapped_column(String(80))
    #: Dotted action name, e.g. ``resident.update``, ``export.residents``, ``auth.login_failed``.
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: Kind and id of the object acted on.
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    #: Details (changed fields, counts); never card codes or passwords.
    details: Mapped[dict | None] = mapped_column(JSON)
    #: Client address for web actions.
    ip: Mapped[str | None] = mapped_column(String(45))
