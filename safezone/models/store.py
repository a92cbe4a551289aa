"""The points store (积分超市): items residents can redeem with points, and each redemption."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


class StoreItem(Base):
    """Something the community hands out for points (a fire blanket, a torch, a bag of rice)."""

    __tablename__ = "store_item"
    __table_args__ = (
        CheckConstraint("price_points >= 1", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name shown to residents and staff (zh-CN), unique so staff cannot create look-alikes.
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: English name, optional.
    name_en: Mapped[str | None] = mapped_column(String(80))
    #: Price in points (at least 1).
    price_points: Mapped[int] = mapped_column(Integer)
    #: Pieces left; a redemption takes one.
    stock: Mapped[int] = mapped_column(Integer, default=0)
    #: Inactive items are hidden from the store but kept for past redemptions.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When the item was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Redemption(Base):
    """One item handed to a resident for points; the ledger entry holds the points taken."""

    __tablename__ = "redemption"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: The item handed out.
    item_id: Mapped[int] = mapped_column(ForeignKey("store_item.id"), index=True)
    #: Who received it.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    #: The negative ledger entry that paid for it.
    points_entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("points_entry.id"), unique=True
    )
    #: Price paid (copied: the item's price may change later).
    price_points: Mapped[int] = mapped_column(Integer)
    #: Staff member who handed it out.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: When.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    item: Mapped[StoreItem] = relationship()

