"""Roadshow records: photos resized and stripped of EXIF, limits with clear errors, the PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from safezone.models import AuditEntry, CheckInMethod, RoadshowPhoto
from safezone.reports.record_pdf import record_pdf
from safezone.services import roadshow_records as records
from safezone.services import roadshows


def photo_bytes(size=(4000, 3000), fmt="JPEG", gps=True, orientation=None, mode="RGB") -> bytes:
    """A phone-like photo: big, with a GPS position and a camera serial in its EXIF."""
    image = Image.new(mode, size, "red" if mode == "RGB" else None)
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 35.0, 10.0), 3: "E", 4: (114.0, 17.0, 5.0)}
        exif[0xA431] = "CAMERA-SERIAL-12345"  # BodySerialNumber
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif) if fmt in ("JPEG", "PNG", "WEBP") else image.save(out, fmt)
    return out.getvalue()


def test_a_phone_photo_is_shrunk_and_loses_its_exif() -> None:
    original = photo_bytes()
    assert b"CAMERA-SERIAL" in original
    result = records.process_photo(original)
    stored = Image.open(io.BytesIO(result.jpeg))
    assert stored.format == "JPEG" and max(stored.size) == records.PHOTO_LONG_EDGE
    assert (result.width, result.height) == (1600, 1200)
    assert not stored.getexif() and "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"CAMERA-SERIAL" not in result.jpeg and b"Exif" not in result.jpeg


def test_the_exif_orientation_is_applied_before_it_is_dropped() -> None:
    # Orientation 6: the camera held upright, pixels stored sideways.
    result = records.process_photo(photo_bytes(size=(400, 300), orientation=6))
    assert (result.width, result.height) == (300, 400)


def test_png_with_transparency_and_webp_are_accepted() -> None:
    assert records.process_photo(photo_bytes((50, 40), "PNG", mode="RGBA")).width == 50
    assert records.process_photo(photo_bytes((50, 40), "WEBP")).height == 40


@pytest.mark.parametrize("data, message", [
    (b"", "请选择"),
    (b"not a picture at all", "无法读取"),
    (photo_bytes((40, 40))[:200], "无法读取"),  # cut off in transfer
    (photo_bytes((40, 40), "GIF", gps=False), "JPEG、PNG 或 WebP"),
    (photo_bytes((40, 40), "BMP", gps=False), "JPEG、PNG 或 WebP"),
])
def test_bad_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(records.RecordError, match=message):
        records.process_photo(data)


def test_too_large_and_too_many_pixels_are_refused(monkeypatch) -> None:
    monkeypatch.setattr(records, "PHOTO_MAX_BYTES", 1000)
    with pytest.raises(records.RecordError, match="照片太大"):
        records.process_photo(b"x" * 1001)
    monkeypatch.setattr(records, "PHOTO_MAX_BYTES", 12 * 1024 * 1024)
    monkeypatch.setattr(records, "PHOTO_MAX_PIXELS", 100 * 100)
    with pytest.raises(records.RecordError, match="像素过多"):
        records.process_photo(photo_bytes((101, 100), gps=False))


def test_record_summary_photos_limit_and_audit(db, event, residents, now, monkeypatch) -> None:
    records.save_summary(db, event, "  讲解了电动车充电安全。\n现场演示灭火器。 ", now=now,
                         actor_label="staff")
    assert records.record_of(db, event).summary == "讲解了电动车充电安全。\n现场演示灭火器。"
    with pytest.raises(records.RecordError, match="最多"):
        records.save_summary(db, event, "字" * (records.SUMMARY_MAX + 1), now=now)
    monkeypatch.setattr(records, "MAX_PHOTOS", 2)
    first = records.add_photo(db, event, photo_bytes((800, 600)), caption="现场讲解", now=now)
    records.add_photo(db, event, photo_bytes((600, 800)), now=now + timedelta(seconds=1))
    with pytest.raises(records.RecordError, match="最多 2 张"):
        records.add_photo(db, event, photo_bytes((60, 80)), now=now)
    assert [p.caption for p in records.photos_of(db, event)] == ["现场讲解", ""]
    records.delete_photo(db, first, now=now, actor_label="staff")
    assert db.scalar(select(RoadshowPhoto.caption)) == ""
    actions = [a for a, in db.execute(select(AuditEntry.action).where(
        AuditEntry.action.like("roadshow.%o%")).order_by(AuditEntry.id))]
    assert {"roadshow.record", "roadshow.photo_add", "roadshow.photo_delete"} <= set(actions)


def test_record_pdf_has_facts_summary_photos_and_attendance(db, event, residents, now) -> None:
    import pypdfium2 as pdfium

    roadshows.register(db, event, residents[0], now=now)
    roadshows.check_in(db, event, residents[0], method=CheckInMethod.SCANNER, now=event.starts_at)
    roadshows.check_in(db, event, residents[1], method=CheckInMethod.MANUAL, now=event.starts_at)
    records.save_summary(db, event, "讲解了电动车充电安全。", now=now)
    records.add_photo(db, event, photo_bytes((800, 600)), caption="现场讲解", now=now)
    pdf = record_pdf(event, records.record_of(db, event), records.photos_of(db, event),
                     roadshows.attendance(db, event), site_name="测试小区", now=now)
    document = pdfium.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    images = sum(1 for page in document for obj in page.get_objects()
                 if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    document.close()
    assert "测试小区 路演活动记录" in text and "讲解了电动车充电安全。" in text
    assert "实到 2 人（其中现场参加 1 人），覆盖 2 户" in text
    assert "居民0" in text and "居民1" in text and "现场讲解" in text
    assert images == 1
