"""QR cards. Only a hash of the card code is ever stored (DESIGN.md decision 4)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, utcnow
from safezone.models.community import Resident


class CardStatus(str, enum.Enum):
    """Lifecycle of a card."""

    ACTIVE = "active"
    REVOKED = "revoked"


class Card(Base):
    """A printed QR card identifying one resident. One active card per resident."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Holder of the card.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    #: SHA-256 hex digest of the normalised code; the code itself is never stored.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Active or revoked.
    status: Mapped[CardStatus] = mapped_column(
        Enum(CardStatus, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e]),
        default=CardStatus.ACTIVE,
    )
    #: When the card was issued.
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was revoked, if it was.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it was revoked (lost, re-issued, resident left...).
    revoked_reason: Mapped[str | None] = mapped_column(String(200))

    resident: Mapped[Resident] = relationship()
