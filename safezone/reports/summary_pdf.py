"""The month's one-page PDF summary (月度小结) for the 街道 / 社区 台账, with vector charts.

One A4 page: four headline figures, reach by building (by plot when there are too many buildings
for one page), households touched by each touchpoint, accuracy by topic, and the five weakest
questions. Charts are reportlab graphics drawn straight into the PDF (vectors: sharp on any
printer, a few kilobytes), text in the bundled CJK font.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from safezone.cards.sheets import FONT_BOLD, FONT_REGULAR, register_fonts, truncate_text
from safezone.labels import TOPIC_ZH
from safezone.reports.monthly import REACH_DEFINITION, MonthlyFigures
from safezone.services.localtime import LOCAL_TZ

#: Above this many buildings the reach chart shows plots instead (bars stay ≥ 4 mm high).
MAX_BUILDING_BARS = 24
_INK = HexColor("#1A1A1A")
_MUTED = HexColor("#555555")
_ACCENT = HexColor("#9B1C16")
_BAR = HexColor("#2F5D8A")
_TILE = HexColor("#F2F5F9")
_MARGIN = 15 * mm
_WIDTH = A4[0] - 2 * _MARGIN


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Chinese text broken between any characters to fit ``width``."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, font, size) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def _style_axis_labels(chart: HorizontalBarChart | VerticalBarChart, size: float) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT_REGULAR
        axis.labels.fontSize = size
        axis.labels.fillColor = _INK
        axis.strokeColor = _MUTED


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 11, text, fontName=FONT_BOLD, fontSize=11,
                       fillColor=_INK))


def reach_chart(figures: MonthlyFigures, width: float, height: float) -> Drawing:
    """Cumulative reach (%) per building, or per plot when there are many buildings."""
    rows = [(b.label, len(b.ever), b.households) for b in figures.reach]
    by = "楼栋"
    if len(rows) > MAX_BUILDING_BARS:
        plots: dict[str, list[int]] = {}
        for label, reached, households in rows:
            plot = plots.setdefault(label.split("号地块")[0] + "号地块", [0, 0])
            plot[0] += reached
            plot[1] += households
        rows = [(label, r, h) for label, (r, h) in plots.items()]
        by = "地块"
    drawing = Drawing(width, height)
    _title(drawing, f"各{by}累计覆盖率（截至本月末）")
    chart = HorizontalBarChart()
    chart.x, chart.y = 70, 14
    chart.width, chart.height = width - 70 - 40, height - 14 - 20
    # Top to bottom in reading order: reportlab draws the first category at the bottom.
    rows = list(reversed(rows))
    chart.data = [[round((_share(r, h) or 0) * 100, 1) for _l, r, h in rows]]
    chart.categoryAxis.categoryNames = [label for label, _r, _h in rows]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = _BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = FONT_REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    _style_axis_labels(chart, 7.5 if len(rows) > 12 else 9)
    drawing.add(chart)
    return drawing


def _column_chart(title: str, names: Sequence[str], values: Sequence[float], width: float,
                  height: float, value_max: float, fmt: str, axis_fmt: str) -> Drawing:
    drawing = Drawing(width, height)
    _title(drawing, title)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 18
    chart.width, chart.height = width - 34 - 8, height - 18 - 26
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = list(names)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, value_max
    chart.valueAxis.labelTextFormat = axis_fmt
    chart.bars[0].fillColor = _BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = fmt
    chart.barLabels.fontName = FONT_REGULAR
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 6
    _style_axis_labels(chart, 9)
    drawing.add(chart)
    return drawing


def touchpoint_chart(figures: MonthlyFigures, width: float, height: float) -> Drawing:
    """Households touched this month by each touchpoint."""
    values = [figures.touched(a) for a in ("month_kiosk", "month_roadshow", "month_door")]
    top = max(values + [1])
    step = 10 ** max(len(str(top)) - 1, 0)
    return _column_chart("本月各方式触达户数", ["终端答题", "路演签到", "入户走访"], values,
                         width, height, (top // step + 1) * step, "%d", "%d")


def topic_chart(figures: MonthlyFigures, width: float, height: float) -> Drawing:
    """Accuracy (%) per topic this month."""
    cells = figures.knowledge["cells"]
    values = []
    for topic in TOPIC_ZH:
        answers = sum(v[1] for (t, _a), v in cells.items() if t == topic)
        correct = sum(v[2] for (t, _a), v in cells.items() if t == topic)
        values.append(round((_share(correct, answers) or 0) * 100, 1))
    return _column_chart("本月各主题答题正确率", [n.removesuffix("安全") for n in TOPIC_ZH.values()],
                         values, width, height, 100, "%.0f%%", "%d%%")


def summary_pdf(figures: MonthlyFigures, question_text: Callable[[str], str]) -> bytes:
    """The one-page A4 summary as PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{figures.site_name} 安全宣传教育月度小结（{figures.month.label}）")
    canvas.setAuthor(figures.site_name)
    top = A4[1] - _MARGIN

    canvas.setFillColor(_INK)
    canvas.setFont(FONT_BOLD, 17)
    canvas.drawString(_MARGIN, top - 17, truncate_text(f"{figures.site_name} 安全宣传教育月度小结",
                                              FONT_BOLD, 17, _WIDTH))
    canvas.setFont(FONT_REGULAR, 10)
    canvas.setFillColor(_MUTED)
    gen = figures.generated.astimezone(LOCAL_TZ)
    canvas.drawString(_MARGIN, top - 32, f"统计月份：{figures.month.label}    "
                                          f"制表日期：{gen.year}年{gen.month}月{gen.day}日")
    canvas.setStrokeColor(_ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(_MARGIN, top - 38, A4[0] - _MARGIN, top - 38)

    # Headline tiles.
    k = figures.knowledge
    held = [r for r in figures.roadshows if not r["cancelled"]]
    tiles = [
        ("累计覆盖率", _pct(_share(figures.reached_ever, figures.household_target)),
         f"{figures.reached_ever} / {figures.household_target} 户"),
        ("本月触达户数", f"{figures.touched('month_any')}", "三种方式去重"),
        ("本月路演", f"{len(held)} 场", f"签到 {sum(r['checked_in'] for r in held)} 人次"),
        ("本月答题正确率", _pct(_share(k["correct"], k["answers"])), f"共 {k['answers']} 题"),
    ]
    gap = 4 * mm
    tile_w, tile_h = (_WIDTH - 3 * gap) / 4, 22 * mm
    y = top - 44 - tile_h
    for i, (name, value, note) in enumerate(tiles):
        x = _MARGIN + i * (tile_w + gap)
        canvas.setFillColor(_TILE)
        canvas.roundRect(x, y, tile_w, tile_h, 2 * mm, stroke=0, fill=1)
        canvas.setFillColor(_MUTED)
        canvas.setFont(FONT_REGULAR, 9)
        canvas.drawString(x + 3 * mm, y + tile_h - 5 * mm, name)
        canvas.setFillColor(_ACCENT)
        canvas.setFont(FONT_BOLD, 18)
        canvas.drawString(x + 3 * mm, y + 7.5 * mm, truncate_text(value, FONT_BOLD, 18, tile_w - 6 * mm))
        canvas.setFillColor(_MUTED)
        canvas.setFont(FONT_REGULAR, 8)
        canvas.drawString(x + 3 * mm, y + 2.5 * mm, truncate_text(note, FONT_REGULAR, 8, tile_w - 6 * mm))

    # Charts.
    y -= 6 * mm
    bars = len(figures.reach) if len(figures.reach) <= MAX_BUILDING_BARS else 12
    reach_h = max(50 * mm, min(95 * mm, (bars * 4.6 + 16) * mm))
    y -= reach_h
    renderPDF.draw(reach_chart(figures, _WIDTH, reach_h), canvas, _MARGIN, y)
    half = (_WIDTH - gap) / 2
    small_h = 58 * mm
    y -= small_h + 4 * mm
    renderPDF.draw(touchpoint_chart(figures, half, small_h), canvas, _MARGIN, y)
    renderPDF.draw(topic_chart(figures, half, small_h), canvas, _MARGIN + half + gap, y)

    # Weakest questions.
    y -= 9 * mm
    canvas.setFillColor(_INK)
    canvas.setFont(FONT_BOLD, 11)
    canvas.drawString(_MARGIN, y, "本月答错最多的题目（建议作为下次路演讲解重点）")
    canvas.setFont(FONT_REGULAR, 10)
    if not figures.weak:
        y -= 6 * mm
        canvas.drawString(_MARGIN, y, "本月答题数据不足。")
    for rank, (qid, topic, answers, correct) in enumerate(figures.weak[:5], start=1):
        y -= 6 * mm
        tail = f"  正确率 {_pct(_share(correct, answers))}（{answers} 次）"
        head = f"{rank}. 【{TOPIC_ZH.get(topic, topic).removesuffix('安全')}】"
        room = _WIDTH - pdfmetrics.stringWidth(head + tail, FONT_REGULAR, 10)
        canvas.drawString(_MARGIN, y, head + truncate_text(question_text(qid), FONT_REGULAR, 10, room) + tail)

    # Definition and source at the foot of the page.
    canvas.setFillColor(_MUTED)
    canvas.setFont(FONT_REGULAR, 8.5)
    foot = [*_wrap(REACH_DEFINITION, FONT_REGULAR, 8.5, _WIDTH),
            "数据来源：安全体验区互动终端答题记录、路演签到记录、入户走访记录（系统自动汇总）。"]
    for i, line in enumerate(reversed(foot)):
        canvas.drawString(_MARGIN, _MARGIN + i * 11, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
