"""A roadshow's record for the 台账 (活动记录): what happened, in words and photos."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime, new_uuid, utcnow


class RoadshowRecord(Base):
    """The written summary of one roadshow (one per event)."""

    __tablename__ = "roadshow_record"

    #: The event the record is about.
    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id", ondelete="CASCADE"), primary_key=True
    )
    #: 活动小结: what was done, who spoke, what residents asked.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: When and by whom it was last saved.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class RoadshowPhoto(Base):
    """A photo of a roadshow, stored re-encoded as a JPEG without metadata (see
    :func:`safezone.services.roadshow_records.process_photo`), in the database so that a
    district server's backups and every admin process see the same photos."""

    __tablename__ = "roadshow_photo"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    #: The event.
    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("roadshow_event.id", ondelete="CASCADE"), index=True
    )
    #: Short caption printed under the photo.
    caption: Mapped[str] = mapped_column(String(100), default="")
    #: The JPEG bytes (at most 1600 px on the long edge, no EXIF).
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    #: Pixel size of the stored JPEG.
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    #: Who uploaded it and when.
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
