"""Roadshows (路演): themed public safety events, registrations and check-ins."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


def _enum(cls: type[enum.Enum], length: int) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class RoadshowStatus(str, enum.Enum):
    """Scheduled events can be cancelled; cancelled ones stay for the record."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(str, enum.Enum):
    """A registration holds a place, waits for one, or was cancelled."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class CheckInMethod(str, enum.Enum):
    """How a check-in was taken."""

    SCANNER = "scanner"
    CAMERA = "camera"
    KIOSK = "kiosk"
    MANUAL = "manual"


class RoadshowEvent(Base):
    """A scheduled roadshow."""

    __tablename__ = "roadshow_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: Title (zh-CN) and optional English title.
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(120))
    #: Topics of the event (subset of fire, home, traffic, cyber).
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Where it happens.
    place: Mapped[str] = mapped_column(String(120))
    #: Start and end.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Places available; None means unlimited.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: Staff member in charge.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: Description shown on the kiosk and the admin.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Scheduled or cancelled.
    status: Mapped[RoadshowStatus] = mapped_column(
        _enum(RoadshowStatus, 10), default=RoadshowStatus.SCHEDULED
    )
    #: Points a check-in earns.
    checkin_points: Mapped[int] = mapped_column(Integer, default=10)
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registrations: Mapped[list[Registration]] = relationship(back_populates="event")
    checkins: Mapped[list[CheckIn]] = relationship(back_populates="event")


class Registration(Base):
    """A resident registered (or wait-listed) for a roadshow."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("event_id", "resident_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: The event.
    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id", ondelete="CASCADE"), index=True
    )
    #: The resident.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    #: Registered, wait-listed or cancelled.
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus, 10))
    #: When; the waiting list is served in this order.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[RoadshowEvent] = relationship(back_populates="registrations")


class CheckIn(Base):
    """Attendance at a roadshow; at most one per resident and event."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("event_id", "resident_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: The event.
    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id", ondelete="CASCADE"), index=True
    )
    #: The resident.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    #: Staff member who checked them in (None at a kiosk).
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: Kiosk that checked them in, if any.
    kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("kiosk.id"))
    #: Scanner, camera, kiosk or manual.
    method: Mapped[CheckInMethod] = mapped_column(_enum(CheckInMethod, 8))
    #: When.
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[RoadshowEvent] = relationship(back_populates="checkins")


class RoadshowVolunteer(Base):
    """A volunteer assigned to a roadshow: a volunteer checks people in only at the roadshows
    they are assigned to (staff and administrators at any)."""

    __tablename__ = "roadshow_volunteer"

    #: The event.
    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id", ondelete="CASCADE"), primary_key=True
    )
    #: The volunteer's account.
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)
    #: When they were assigned.
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
