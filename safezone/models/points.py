"""The points ledger and badge awards (DESIGN.md decision 7: balances are sums)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


class PointsReason(str, enum.Enum):
    """Why points were added or taken."""

    PLAY = "play"
    CHECKIN = "checkin"
    BADGE = "badge"
    REDEEM = "redeem"
    ADJUST = "adjust"


class PointsEntry(Base):
    """An append-only ledger line; never updated or deleted."""

    __tablename__ = "points_entry"
    __table_args__ = (Index("ix_points_entry_resident_created", "resident_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Whose balance the entry changes.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    #: Signed amount; redemptions are negative.
    amount: Mapped[int] = mapped_column(Integer)
    #: Why.
    reason: Mapped[PointsReason] = mapped_column(
        Enum(PointsReason, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e])
    )
    #: Id of what caused it (play session, check-in, redemption), as text.
    source_id: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Staff member who made a manual entry or redemption.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: Kiosk that wrote the entry, if any.
    kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("kiosk.id"))
    #: Free note (e.g. the store item redeemed).
    note: Mapped[str | None] = mapped_column(String(200))
    #: When it was written.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BadgeAward(Base):
    """A badge (defined in content/badges) earned by a resident; each badge once."""

    __tablename__ = "badge_award"
    __table_args__ = (UniqueConstraint("resident_id", "badge_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Who earned it.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    #: Badge id from content.
    badge_id: Mapped[str] = mapped_column(String(64))
    #: Session in which it was earned.
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("play_session.id"))
    #: When.
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
