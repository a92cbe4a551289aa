"""A roadshow's printable sign-in sheet (签到表): A4, one line per registered person with name
and room and a blank 签名 cell, blank lines for walk-ins, page numbers "第 1 页 / 共 N 页".

People are listed in natural address order (2单元 before 10单元, room 101 before 1001), the order
a volunteer at the table looks them up in.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safezone.cards.sheets import FONT_BOLD, FONT_REGULAR, register_fonts
from safezone.labels import REGISTRATION_ZH, topics_zh
from safezone.models import RoadshowEvent
from safezone.services.localtime import LOCAL_TZ
from safezone.services.roadshows import AttendanceRow

#: Empty numbered lines at the end for people who come without registering.
WALK_IN_LINES = 10
_MARGIN = 15 * mm
_GRID = HexColor("#555555")
_HEAD = HexColor("#E4E9F0")


def natural_key(text: str) -> tuple:
    """Sort key that compares the numbers inside ``text`` as numbers (``101`` < ``1001``)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def when_label(event: RoadshowEvent) -> str:
    start, end = event.starts_at.astimezone(LOCAL_TZ), event.ends_at.astimezone(LOCAL_TZ)
    weekday = "一二三四五六日"[start.weekday()]
    return f"{start.year}年{start.month}月{start.day}日（星期{weekday}）{start:%H:%M}–{end:%H:%M}"


class NumberedCanvas(Canvas):
    """Writes "第 n 页 / 共 N 页" on every page once the total is known (two-pass trick from
    the reportlab user guide: keep each page's state, draw the footers on save)."""

    footer = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT_REGULAR, 9)
            self.setFillColor(_GRID)
            self.drawString(_MARGIN, 9 * mm, self.footer)
            self.drawRightString(A4[0] - _MARGIN, 9 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页")
            super().showPage()
        super().save()


def signin_sheet_pdf(event: RoadshowEvent, rows: Sequence[AttendanceRow], *, site_name: str,
                     now: datetime) -> bytes:
    """The sign-in sheet of ``event`` for ``rows`` (its attendance list; cancelled registrations
    are left out), as PDF bytes."""
    register_fonts()
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=21)
    info = ParagraphStyle("info", fontName=FONT_REGULAR, fontSize=10.5, leading=15)
    cell = ParagraphStyle("cell", fontName=FONT_REGULAR, fontSize=10.5, leading=13)
    people = sorted((r for r in rows if r.registration != "cancelled"),
                    key=lambda r: (natural_key(r.address_label), r.resident_id))
    data: list[list[object]] = [["序号", "姓名", "住址（楼栋 单元 房号）", "报名情况", "签名"]]
    for n, person in enumerate(people, start=1):
        status = REGISTRATION_ZH.get(person.registration, person.registration)
        if person.checked_in_at is not None:
            status += "·已签到"
        data.append([str(n), Paragraph(escape(person.full_name or person.nickname), cell),
                     Paragraph(escape(person.address_label), cell), status, ""])
    for n in range(len(people) + 1, len(people) + WALK_IN_LINES + 1):
        data.append([str(n), "", "", "现场参加", ""])
    widths = [12 * mm, 28 * mm, 52 * mm, 27 * mm, A4[0] - 2 * _MARGIN - 119 * mm]
    table = Table(data, colWidths=widths, repeatRows=1, rowHeights=[9 * mm] + [11 * mm] * (len(data) - 1))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 11),
        ("FONT", (0, 1), (-1, -1), FONT_REGULAR, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("GRID", (0, 0), (-1, -1), 0.6, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]))
    event_title = f"{event.title} 签到表"
    story = [
        Paragraph(escape(event_title), title),
        Spacer(0, 2 * mm),
        Paragraph(escape(f"社区：{site_name}　　时间：{when_label(event)}"), info),
        Paragraph(escape(f"地点：{event.place}　　主题：{topics_zh(event.topics or []) or '—'}　　"
                          f"已报名 {sum(1 for p in people if p.registration == 'registered')} 人"), info),
        Spacer(0, 4 * mm),
        table,
        Spacer(0, 5 * mm),
        Paragraph("工作人员签字：______________　　　核对人数：________ 人", info),
    ]
    buffer = io.BytesIO()
    local_now = now.astimezone(LOCAL_TZ)

    class Numbered(NumberedCanvas):
        footer = (f"{site_name} · {event.title} · 打印于 {local_now.year}年{local_now.month}月"
                  f"{local_now.day}日 {local_now:%H:%M}")

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN,
                            topMargin=_MARGIN, bottomMargin=18 * mm, title=event_title,
                            author=site_name)
    doc.build(story, canvasmaker=Numbered)
    return buffer.getvalue()


def escape(text: str) -> str:
    """Text for a reportlab Paragraph (which reads a little XML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
