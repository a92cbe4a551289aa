"""Door-to-door visits (上门走访): the third touchpoint after kiosk plays and roadshow check-ins."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow
from safezone.models.community import Household


class VisitOutcome(str, enum.Enum):
    """What came of a visit. Only a conversation at the door counts as reaching the household."""

    TALKED = "talked"
    MATERIAL = "material"
    NOT_HOME = "not_home"
    REFUSED = "refused"

    @property
    def reaches(self) -> bool:
        """True when the visit counts as a touchpoint (someone was spoken to)."""
        return self is VisitOutcome.TALKED


class DoorVisit(Base):
    """One visit to a flat by staff or volunteers, recorded from the door-knocking sheet."""

    __tablename__ = "door_visit"
    __table_args__ = (Index("ix_door_visit_household_visited", "household_id", "visited_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: The flat visited.
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    #: Who visited (names as the team writes them, e.g. "王姐、小李").
    visitor: Mapped[str] = mapped_column(String(64))
    #: When the visit happened (may be earlier than when it was recorded).
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Safety topic talked about (fire, home, traffic, cyber) or None.
    topic: Mapped[str | None] = mapped_column(String(16))
    #: Talked, left material, nobody home, refused.
    outcome: Mapped[VisitOutcome] = mapped_column(
        Enum(VisitOutcome, native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e])
    )
    #: Free note (what was found, what to follow up).
    note: Mapped[str | None] = mapped_column(String(200))
    #: Staff account that recorded it.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: When it was recorded.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()
