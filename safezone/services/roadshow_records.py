"""A roadshow's record (活动记录) for the 台账: the written summary and up to eight photos.

Photos from phones arrive large, in any orientation and full of metadata (EXIF holds the GPS
position of the residents' building and the phone's serial). Every upload is therefore opened
with Pillow's limits, turned upright by its EXIF orientation, shrunk to at most 1600 px on the
long edge and re-encoded as a JPEG without any metadata: what is stored is only the picture.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import RoadshowEvent, RoadshowPhoto, RoadshowRecord
from safezone.services import audit
from safezone.services.errors import BilingualError

#: Largest upload accepted (a phone photo is 2–8 MB).
PHOTO_MAX_BYTES = 12 * 1024 * 1024
#: Largest picture accepted, in pixels: beyond this a file is a decompression bomb, not a photo.
PHOTO_MAX_PIXELS = 50_000_000
#: Long edge of the stored JPEG: sharp at A4 half-page width, ~200–400 KB.
PHOTO_LONG_EDGE = 1600
#: Photos per roadshow (a record page holds them on one or two printed pages).
MAX_PHOTOS = 8
#: Formats a phone or camera produces.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
#: Longest summary kept.
SUMMARY_MAX = 4000
CAPTION_MAX = 100


class RecordError(BilingualError):
    """A refused change to a roadshow record; nothing was written."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """An upload made safe to store: JPEG bytes without metadata, and their pixel size."""

    jpeg: bytes
    width: int
    height: int


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check and re-encode an uploaded photo (see the module docstring).

    Raises :class:`RecordError` for an empty, too large, unreadable or unsupported file."""
    if not data:
        raise RecordError("请选择要上传的照片", "Choose a photo to upload")
    if len(data) > PHOTO_MAX_BYTES:
        raise RecordError(f"照片太大（{len(data) / 1048576:.1f} MB），请小于 {PHOTO_MAX_BYTES // 1048576} MB",
                          f"The photo is too large ({len(data) / 1048576:.1f} MB); the limit is "
                          f"{PHOTO_MAX_BYTES // 1048576} MB")
    try:
        with warnings.catch_warnings():
            # Pillow warns (then raises) on huge images; we check the size ourselves first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in PHOTO_FORMATS:
                raise RecordError("只能上传 JPEG、PNG 或 WebP 格式的照片",
                                  "Only JPEG, PNG or WebP photos can be uploaded")
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise RecordError("照片像素过多，请上传普通手机或相机照片",
                                  "The picture has too many pixels; upload an ordinary photo")
            image.load()
    except RecordError:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise RecordError("无法读取这个文件，它不是完整的照片", "This file cannot be read as a photo") from None
    # Upright as the phone showed it; the orientation tag goes with the rest of the EXIF.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((PHOTO_LONG_EDGE, PHOTO_LONG_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image has no info dict: no EXIF, ICC, XMP or comments are written.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return ProcessedPhoto(out.getvalue(), clean.width, clean.height)


def record_of(session: Session, event: RoadshowEvent) -> RoadshowRecord | None:
    """The event's written record, if any."""
    return session.get(RoadshowRecord, event.id)


def photos_of(session: Session, event: RoadshowEvent) -> list[RoadshowPhoto]:
    """The event's photos in upload order."""
    return list(session.scalars(select(RoadshowPhoto).where(RoadshowPhoto.event_id == event.id)
                                .order_by(RoadshowPhoto.created_at, RoadshowPhoto.id)))


def save_summary(session: Session, event: RoadshowEvent, summary: str, *, now: datetime,
                 actor_id: int | None = None, actor_label: str = "system") -> RoadshowRecord:
    """Write the event's summary (活动小结); audited as ``roadshow.record``."""
    text = summary.strip()
    if len(text) > SUMMARY_MAX:
        raise RecordError(f"活动小结最多 {SUMMARY_MAX} 字（现在 {len(text)} 字）",
                          f"The summary may hold {SUMMARY_MAX} characters (it has {len(text)})")
    record = record_of(session, event)
    if record is None:
        record = RoadshowRecord(event_id=event.id)
        session.add(record)
    record.summary, record.updated_at, record.updated_by = text, now, actor_id
    session.flush()
    audit.record(session, action="roadshow.record", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"characters": len(text)})
    return record


def add_photo(session: Session, event: RoadshowEvent, data: bytes, *, caption: str = "",
              now: datetime, actor_id: int | None = None,
              actor_label: str = "system") -> RoadshowPhoto:
    """Store one photo (processed by :func:`process_photo`); audited as ``roadshow.photo_add``.

    Raises :class:`RecordError` when the event already has :data:`MAX_PHOTOS` photos or the file
    is refused."""
    count = session.scalar(select(func.count()).select_from(RoadshowPhoto)
                           .where(RoadshowPhoto.event_id == event.id)) or 0
    if count >= MAX_PHOTOS:
        raise RecordError(f"每场活动最多 {MAX_PHOTOS} 张照片，请先删除一张",
                          f"An event holds at most {MAX_PHOTOS} photos; delete one first")
    caption = caption.strip()
    if len(caption) > CAPTION_MAX:
        raise RecordError(f"照片说明最多 {CAPTION_MAX} 字", f"A caption holds at most {CAPTION_MAX} characters")
    photo = process_photo(data)
    row = RoadshowPhoto(id=uuid.uuid4(), event_id=event.id, caption=caption, jpeg=photo.jpeg,
                        width=photo.width, height=photo.height, uploaded_by=actor_id,
                        created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, action="roadshow.photo_add", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="roadshow", target_id=event.id,
                 details={"photo_id": str(row.id), "bytes_in": len(data),
                          "bytes_stored": len(photo.jpeg), "size": [photo.width, photo.height]})
    return row


def delete_photo(session: Session, photo: RoadshowPhoto, *, now: datetime,
                 actor_id: int | None = None, actor_label: str = "system") -> None:
    """Remove a photo; audited as ``roadshow.photo_delete``."""
    event_id = photo.event_id
    session.delete(photo)
    session.flush()
    audit.record(session, action="roadshow.photo_delete", actor_label=actor_label,
                 actor_id=actor_id, now=now, target_type="roadshow", target_id=event_id,
                 details={"photo_id": str(photo.id), "caption": photo.caption})
