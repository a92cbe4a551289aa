"""A roadshow's record (路演活动记录) as a printable A4 PDF for the 台账: the facts, head counts,
the written summary, the photos two to a row with captions, and the attendance list."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safezone.cards.sheets import FONT_BOLD, FONT_REGULAR, register_fonts
from safezone.labels import REGISTRATION_ZH, topics_zh
from safezone.models import RoadshowEvent, RoadshowPhoto, RoadshowRecord
from safezone.reports.signin_pdf import NumberedCanvas, escape, natural_key, when_label
from safezone.services.localtime import LOCAL_TZ
from safezone.services.roadshows import AttendanceRow

_MARGIN = 15 * mm
_GRID = HexColor("#555555")
_HEAD = HexColor("#E4E9F0")


def record_pdf(event: RoadshowEvent, record: RoadshowRecord | None,
               photos: Sequence[RoadshowPhoto], rows: Sequence[AttendanceRow], *,
               site_name: str, now: datetime) -> bytes:
    """The record of ``event`` as PDF bytes (``rows``: its attendance list)."""
    register_fonts()
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=12, leading=18,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1)
    body = ParagraphStyle("body", fontName=FONT_REGULAR, fontSize=11, leading=17)
    small = ParagraphStyle("small", fontName=FONT_REGULAR, fontSize=9.5, leading=12,
                           alignment=1)
    came = [r for r in rows if r.checked_in_at is not None]
    registered = sum(1 for r in rows if r.registration == "registered")
    walk_ins = sum(1 for r in came if r.registration == "walk_in")
    households = len({r.address_label for r in came})
    width = A4[0] - 2 * _MARGIN

    facts = [
        ["活动名称", Paragraph(escape(event.title), body)],
        ["活动时间", when_label(event)],
        ["活动地点", Paragraph(escape(event.place), body)],
        ["宣传主题", topics_zh(event.topics or []) or "—"],
        ["参与情况", (f"报名 {registered} 人，实到 {len(came)} 人（其中现场参加 {walk_ins} 人），"
                     f"覆盖 {households} 户")],
    ]
    fact_table = Table(facts, colWidths=[28 * mm, width - 28 * mm])
    fact_table.setStyle(TableStyle([
        ("FONT", (0, 0), (0, -1), FONT_BOLD, 11), ("FONT", (1, 0), (1, -1), FONT_REGULAR, 11),
        ("BACKGROUND", (0, 0), (0, -1), _HEAD), ("GRID", (0, 0), (-1, -1), 0.6, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story: list = [Paragraph(escape(f"{site_name} 路演活动记录"), title), Spacer(0, 3 * mm),
                   fact_table, Paragraph("活动小结", heading)]
    summary = (record.summary if record else "").strip()
    if summary:
        story += [Paragraph(escape(part), body) for part in summary.splitlines() if part.strip()]
    else:
        story.append(Paragraph("（尚未填写）", body))

    story.append(Paragraph("活动照片", heading))
    if not photos:
        story.append(Paragraph("（未上传照片）", body))
    cell_w = (width - 6 * mm) / 2
    cells = []
    for photo in photos:
        scale = min(cell_w / photo.width, 70 * mm / photo.height)
        picture = Image(io.BytesIO(photo.jpeg), width=photo.width * scale,
                        height=photo.height * scale)
        cells.append([picture, Paragraph(escape(photo.caption or " "), small)])
    grid = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    for pair in grid:
        row = Table([[c[0] for c in pair], [c[1] for c in pair]],
                    colWidths=[cell_w + 3 * mm] * len(pair), hAlign="LEFT")
        row.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [row, Spacer(0, 3 * mm)]

    story.append(Paragraph(f"出席名单（{len(came)} 人）", heading))
    names = [["序号", "姓名", "住址", "报名情况", "签到时间"]]
    for n, person in enumerate(sorted(came, key=lambda r: (natural_key(r.address_label),
                                                             r.resident_id)), start=1):
        at = person.checked_in_at.astimezone(LOCAL_TZ) if person.checked_in_at else None
        names.append([str(n), Paragraph(escape(person.full_name or person.nickname), body),
                      Paragraph(escape(person.address_label), body),
                      REGISTRATION_ZH.get(person.registration, person.registration),
                      f"{at:%H:%M}" if at else ""])
    if len(names) == 1:
        names.append(["", "无人签到", "", "", ""])
    table = Table(names, colWidths=[12 * mm, 32 * mm, 70 * mm, 30 * mm, width - 144 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 10.5), ("FONT", (0, 1), (-1, -1), FONT_REGULAR, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD), ("GRID", (0, 0), (-1, -1), 0.6, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ]))
    story += [table, Spacer(0, 8 * mm),
              Paragraph("记录人：______________　　审核人：______________　　日期：____年__月__日", body)]

    local_now = now.astimezone(LOCAL_TZ)

    class Numbered(NumberedCanvas):
        footer = (f"{site_name} · 路演活动记录 · 打印于 {local_now.year}年{local_now.month}月"
                  f"{local_now.day}日 {local_now:%H:%M}")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN,
                            topMargin=_MARGIN, bottomMargin=18 * mm,
                            title=f"{event.title} 活动记录", author=site_name)
    doc.build(story, canvasmaker=Numbered)
    return buffer.getvalue()
