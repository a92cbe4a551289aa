"""Kiosks: each physical station, known to the admin for sync and statistics."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


class Kiosk(Base):
    """A kiosk station. Its id is generated on the kiosk so records can reference it offline."""

    __tablename__ = "kiosk"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Human name, e.g. ``1号地块5栋架空层``.
    name: Mapped[str] = mapped_column(String(100))
    #: Hash of the one-time enrolment code while enrolment is pending.
    enrolment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When the pending enrolment code was issued; it expires a fixed time later
    #: (``safezone.sync.tokens.ENROLMENT_CODE_LIFETIME``). None when no code is pending.
    enrolment_code_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Hash of the per-kiosk API token once enrolled.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: When the kiosk was registered.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last time the kiosk synced or started.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its token was revoked; a revoked kiosk is refused by the sync API.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
