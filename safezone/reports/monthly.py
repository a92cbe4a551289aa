"""The month's report (月度报告): one XLSX workbook in Chinese for the 社区 / 街道 台账.

Six sheets, each with a title, the period, column widths, local dates and Chinese values:

========== ==============================================================================
概览        headline figures: reach against the household target, plays, roadshows, points
各楼栋覆盖  per building: households touched this month by each touchpoint, cumulative reach
路演与出席  every roadshow of the month with registrations, check-ins and attendance rate
知识掌握    accuracy per topic and age group for the month
薄弱题目    the questions most often answered wrong this month, with their text
积分与兑换  points issued and spent by reason, and the store's redemptions per item
========== ==============================================================================

Reach counts a household once when any of its residents played at a kiosk, checked in at a
roadshow or was visited door to door (DESIGN.md decision 12). Kiosk knowledge figures come from
the monthly rollups (decision 8); reach reads :class:`ResidentActivity`, check-ins and the plays
of the month through their time index, so a district-sized month stays within seconds.

Door-to-door visits are recorded by another part of the admin: :func:`door_visit_households`
is the single place this report asks for them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from safezone.exports import neutralise
from safezone.labels import AGE_GROUP_ZH, POINTS_REASON_ZH, TOPIC_ZH, topics_zh
from safezone.models import (
    GUEST_BUILDING,
    Building,
    CheckIn,
    Household,
    MonthlyQuestionRollup,
    MonthlyTopicRollup,
    PlaySession,
    Plot,
    PointsEntry,
    Redemption,
    Registration,
    RegistrationStatus,
    Resident,
    ResidentActivity,
    RoadshowEvent,
    RoadshowStatus,
    Site,
    StoreItem,
)
from safezone.models.visits import DoorVisit, VisitOutcome
from safezone.services.localtime import LOCAL_TZ

#: Excel number formats: local (Chinese) dates and times.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
PERCENT_FORMAT = "0.0%"
#: How many weak questions the report lists.
WEAK_QUESTIONS = 20
#: A question needs this many answers in the month to be called weak (one unlucky answer is not).
WEAK_MIN_ANSWERS = 5

#: Sheet names, in order.
SHEETS = ("概览", "各楼栋覆盖", "路演与出席", "知识掌握", "薄弱题目", "积分与兑换")

REACH_DEFINITION = ("覆盖口径：一户中任一居民在互动终端完成答题、在路演活动签到，或接受入户宣传走访，"
                    "即计为该户“已覆盖”；同一户多种方式只计一次。")

_TITLE_FONT = Font(size=16, bold=True)
_NOTE_FONT = Font(size=10, color="555555")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FONT = Font(bold=True)
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


# ---------------------------------------------------------------------------------------------
# period and sources


@dataclass(frozen=True)
class ReportMonth:
    """A local calendar month: its first day and its UTC bounds."""

    first: date

    @classmethod
    def parse(cls, text: str) -> ReportMonth:
        """``2026-11`` → the month; ``ValueError`` with a readable message otherwise."""
        try:
            day = datetime.strptime(text.strip(), "%Y-%m").date()
        except ValueError:
            raise ValueError(f"月份格式应为 YYYY-MM，例如 2026-11（收到：{text!r}）") from None
        return cls(day)

    @classmethod
    def of(cls, instant: datetime) -> ReportMonth:
        """The local month an aware instant falls in."""
        return cls(instant.astimezone(LOCAL_TZ).date().replace(day=1))

    @property
    def next_first(self) -> date:
        """First day of the following month."""
        return (self.first.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def start(self) -> datetime:
        """UTC instant the month begins (local midnight of its first day)."""
        return datetime.combine(self.first, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """UTC instant the month ends (exclusive)."""
        return datetime.combine(self.next_first, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)

    @property
    def label(self) -> str:
        """``2026年11月``."""
        return f"{self.first.year}年{self.first.month}月"

    @property
    def key(self) -> str:
        """``2026-11`` (file names, audit details)."""
        return self.first.strftime("%Y-%m")


#: Households visited door to door in ``[since, until)`` (``since`` None: from the beginning).
DoorVisitSource = Callable[[Session, "datetime | None", datetime], Iterable[int]]


def door_visit_households(session: Session, since: datetime | None, until: datetime) -> set[int]:
    """Ids of households with a recorded door-to-door visit (入户走访) in ``[since, until)``.

    The one hook through which the report and the PDF summary count door visits: only visits
    that spoke to someone (:attr:`VisitOutcome.reaches`) count, as on the reach page."""
    reaching = [o for o in VisitOutcome if o.reaches]
    query = select(DoorVisit.household_id).where(
        DoorVisit.visited_at < until, DoorVisit.outcome.in_(reaching))
    if since is not None:
        query = query.where(DoorVisit.visited_at >= since)
    return set(session.scalars(query.distinct()))


@dataclass
class BuildingReach:
    """One building's households and who was touched, by touchpoint."""

    building_id: int
    label: str
    households: int
    month_kiosk: set[int] = field(default_factory=set)
    month_roadshow: set[int] = field(default_factory=set)
    month_door: set[int] = field(default_factory=set)
    ever: set[int] = field(default_factory=set)

    @property
    def month_any(self) -> set[int]:
        """Households touched this month by any touchpoint."""
        return self.month_kiosk | self.month_roadshow | self.month_door


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def reach_by_building(session: Session, month: ReportMonth,
                      door_visits: DoorVisitSource = door_visit_households) -> list[BuildingReach]:
    """Per building (plot/building order): households touched in the month by kiosk plays,
    roadshow check-ins and door visits, and households reached at least once up to the month's
    end by any of them."""
    buildings = {
        b_id: BuildingReach(b_id, f"{p_no}号地块{b_no}栋", 0)
        for b_id, b_no, p_no in session.execute(
            select(Building.id, Building.number, Plot.number)
            .join(Plot, Plot.id == Building.plot_id).order_by(Plot.number, Building.number))
    }
    home_of = dict(session.execute(select(Household.id, Household.building_id)).all())
    for building_id in home_of.values():
        buildings[building_id].households += 1

    def add(attr: str, households: Iterable[int]) -> None:
        for household_id in households:
            building_id = home_of.get(household_id)
            if building_id is not None:
                getattr(buildings[building_id], attr).add(household_id)

    start, end = month.start, month.end
    add("month_kiosk", session.scalars(
        select(Resident.household_id).distinct()
        .join(PlaySession, PlaySession.resident_id == Resident.id)
        .where(PlaySession.started_at >= start, PlaySession.started_at < end,
               PlaySession.finished_at.is_not(None))))
    checked_in = (select(Resident.household_id).distinct()
                  .join(CheckIn, CheckIn.resident_id == Resident.id))
    add("month_roadshow", session.scalars(
        checked_in.where(CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end)))
    add("month_door", door_visits(session, start, end))
    add("ever", session.scalars(
        select(ResidentActivity.household_id).distinct()
        .where(ResidentActivity.building_id != GUEST_BUILDING,
               ResidentActivity.first_played_at < end)))
    add("ever", session.scalars(checked_in.where(CheckIn.checked_in_at < end)))
    add("ever", door_visits(session, None, end))
    return list(buildings.values())


# ---------------------------------------------------------------------------------------------
# sheet writing


class _Sheet:
    """A sheet being written top-down: title, notes, a table with a styled header."""

    def __init__(self, ws: Worksheet, title: str, widths: Sequence[float]) -> None:
        self.ws = ws
        self.row = 1
        self.width = len(widths)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.title(title)

    def title(self, text: str) -> None:
        cell = self.ws.cell(self.row, 1, neutralise(text))
        cell.font = _TITLE_FONT
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                            end_column=max(self.width, 1))
        self.ws.row_dimensions[self.row].height = 26
        self.row += 1

    def note(self, text: str) -> None:
        cell = self.ws.cell(self.row, 1, neutralise(text))
        cell.font = _NOTE_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                            end_column=max(self.width, 1))
        # Long notes wrap over the merged width: give them room (≈ 60 CJK characters a line).
        self.ws.row_dimensions[self.row].height = 15 * (1 + len(text) // 60)
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def header(self, names: Sequence[str]) -> None:
        for col, name in enumerate(names, start=1):
            cell = self.ws.cell(self.row, col, name)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.row += 1

    def line(self, values: Sequence[Any], formats: Sequence[str | None] = (),
             bold: bool = False) -> None:
        for col, value in enumerate(values, start=1):
            if isinstance(value, str):
                value = neutralise(value)
            cell = self.ws.cell(self.row, col, value)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            fmt = formats[col - 1] if col - 1 < len(formats) else None
            if fmt:
                cell.number_format = fmt
            cell.border = _BORDER
            if bold:
                cell.font = _TOTAL_FONT
        self.row += 1

    def freeze_below(self) -> None:
        """Keep the title and the table header in view while scrolling."""
        self.ws.freeze_panes = self.ws.cell(self.row, 1)


def _local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _zh_date(day: date) -> str:
    """``2026年12月6日`` (no zero padding, as Chinese dates are written)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class MonthlyReport:
    """The finished workbook and what it covered (for the audit log)."""

    data: bytes
    month: str
    roadshows: int
    buildings: int


def _write_overview(wb: Workbook, site: str, month: ReportMonth, generated: datetime,
                    reach: list[BuildingReach], target: int, knowledge: dict[str, Any],
                    roadshows: list[dict[str, Any]], points: dict[str, Any]) -> None:
    sheet = _Sheet(wb.active, f"{site} 安全宣传教育月度报告（{month.label}）", (34, 18, 40))
    wb.active.title = SHEETS[0]
    last = month.next_first - timedelta(days=1)
    sheet.note(f"统计期间：{month.first.year}年{month.first.month}月1日至{last.year}年{last.month}月"
               f"{last.day}日；生成时间：{_zh_date(_local(generated))} {_local(generated):%H:%M}")
    sheet.note(REACH_DEFINITION)
    sheet.blank()
    sheet.header(("指标", "数值", "说明"))
    households = sum(b.households for b in reach)
    ever = sum(len(b.ever) for b in reach)
    month_any = sum(len(b.month_any) for b in reach)
    held = [r for r in roadshows if not r["cancelled"]]
    pct, num = PERCENT_FORMAT, None
    rows: list[tuple[str, Any, str, str | None]] = [
        ("目标户数", target, "社区统计的住户总数", num),
        ("已登记户数", households, "系统中登记的住户", num),
        ("累计覆盖户数", ever, "截至本月末，三种方式任一", num),
        ("累计覆盖率（对目标户数）", _share(ever, target), "", pct),
        ("本月触达户数", month_any, "本月内三种方式任一，去重", num),
        ("其中：终端答题户数", sum(len(b.month_kiosk) for b in reach), "", num),
        ("其中：路演签到户数", sum(len(b.month_roadshow) for b in reach), "", num),
        ("其中：入户走访户数", sum(len(b.month_door) for b in reach), "", num),
        ("本月终端游戏次数", knowledge["sessions"], "完成的游戏（含游客）", num),
        ("本月答题数", knowledge["answers"], "", num),
        ("本月答题正确率", _share(knowledge["correct"], knowledge["answers"]), "", pct),
        ("本月路演场次", len(held), "不含已取消的活动", num),
        ("本月路演签到人次", sum(r["checked_in"] for r in held), "", num),
        ("本月发放积分", points["issued"], "答题、签到、徽章、人工调整（正数）", num),
        ("本月兑换消耗积分", points["spent"], "积分超市兑换及扣减", num),
        ("本月兑换件数", points["redemptions"], "", num),
    ]
    for name, value, note, fmt in rows:
        sheet.line((name, value, note), (None, fmt, None))


def _write_reach(wb: Workbook, month: ReportMonth, reach: list[BuildingReach]) -> None:
    sheet = _Sheet(wb.create_sheet(SHEETS[1]), f"各楼栋覆盖情况（{month.label}）",
                   (18, 10, 13, 13, 13, 14, 14, 12, 12))
    sheet.note(REACH_DEFINITION)
    sheet.header(("楼栋", "住户数", "本月终端答题户数", "本月路演签到户数", "本月入户走访户数",
                  "本月触达户数（去重）", "累计覆盖户数", "累计覆盖率", "未覆盖户数"))
    sheet.freeze_below()
    fmts = (None, None, None, None, None, None, None, PERCENT_FORMAT, None)
    totals = [0] * 7
    for b in reach:
        values = [b.households, len(b.month_kiosk), len(b.month_roadshow), len(b.month_door),
                  len(b.month_any), len(b.ever)]
        totals = [t + v for t, v in zip(totals, [*values, b.households - len(b.ever)])]
        sheet.line((b.label, *values, _share(len(b.ever), b.households),
                    b.households - len(b.ever)), fmts)
    sheet.line(("合计", *totals[:6], _share(totals[5], totals[0]), totals[6]), fmts, bold=True)


def _roadshow_rows(session: Session, month: ReportMonth, now: datetime) -> list[dict[str, Any]]:
    events = list(session.scalars(
        select(RoadshowEvent)
        .where(RoadshowEvent.starts_at >= month.start, RoadshowEvent.starts_at < month.end)
        .order_by(RoadshowEvent.starts_at, RoadshowEvent.id)))
    if not events:
        return []
    ids = [e.id for e in events]
    regs: dict[tuple[Any, str], int] = {
        (event_id, status.value if hasattr(status, "value") else status): n
        for event_id, status, n in session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id, Registration.status))}
    checkins: dict[Any, tuple[int, int]] = {
        event_id: (n, h) for event_id, n, h in session.execute(
            select(CheckIn.event_id, func.count(), func.count(func.distinct(Resident.household_id)))
            .join(Resident, Resident.id == CheckIn.resident_id)
            .where(CheckIn.event_id.in_(ids)).group_by(CheckIn.event_id))}
    # Registered people who came; the rest of the check-ins are walk-ins.
    came: dict[Any, int] = dict(session.execute(
        select(CheckIn.event_id, func.count())
        .join(Registration, (Registration.event_id == CheckIn.event_id)
              & (Registration.resident_id == CheckIn.resident_id))
        .where(CheckIn.event_id.in_(ids), Registration.status == RegistrationStatus.REGISTERED)
        .group_by(CheckIn.event_id)).all())
    rows = []
    for e in events:
        registered = regs.get((e.id, "registered"), 0)
        checked_in, households = checkins.get(e.id, (0, 0))
        cancelled = e.status == RoadshowStatus.CANCELLED
        rows.append({
            "event": e, "cancelled": cancelled, "registered": registered,
            "waitlisted": regs.get((e.id, "waitlisted"), 0), "checked_in": checked_in,
            "households": households, "walk_ins": checked_in - came.get(e.id, 0),
            "attendance": _share(came.get(e.id, 0), registered),
            "status": "已取消" if cancelled else ("已举办" if e.ends_at <= now else "未开始"),
        })
    return rows


def _write_roadshows(wb: Workbook, month: ReportMonth, rows: list[dict[str, Any]]) -> None:
    sheet = _Sheet(wb.create_sheet(SHEETS[2]), f"路演活动与出席情况（{month.label}）",
                   (16, 13, 28, 20, 22, 8, 8, 8, 10, 10, 10, 11, 9))
    sheet.note("出席率 = 已报名且签到人数 ÷ 报名人数；现场参加 = 未报名而签到的人数。")
    sheet.header(("日期", "时间", "活动名称", "宣传主题", "地点", "名额", "报名", "候补",
                  "签到人数", "签到户数", "现场参加", "出席率", "状态"))
    sheet.freeze_below()
    if not rows:
        sheet.line(("本月没有路演活动",))
        return
    fmts = (DATE_FORMAT, *([None] * 10), PERCENT_FORMAT, None)
    for r in rows:
        e = r["event"]
        start, end = _local(e.starts_at), _local(e.ends_at)
        sheet.line((start.date(), f"{start:%H:%M}–{end:%H:%M}", e.title, topics_zh(e.topics or []),
                    e.place, e.capacity if e.capacity is not None else "不限", r["registered"],
                    r["waitlisted"], r["checked_in"], r["households"], r["walk_ins"],
                    r["attendance"], r["status"]), fmts)
    held = [r for r in rows if not r["cancelled"]]
    sheet.line(("合计", f"{len(held)} 场", "", "", "", "", sum(r["registered"] for r in held),
                sum(r["waitlisted"] for r in held), sum(r["checked_in"] for r in held),
                sum(r["households"] for r in held), sum(r["walk_ins"] for r in held), None, ""),
               (None,) * 13, bold=True)


_AGE_ORDER = ("child", "adult", "elder", "guest")
_TOPIC_ORDER = tuple(TOPIC_ZH)


def _knowledge(session: Session, month: ReportMonth) -> dict[str, Any]:
    cells: dict[tuple[str, str], tuple[int, int, int]] = {}
    for topic, age, s, a, c in session.execute(
        select(MonthlyTopicRollup.topic, MonthlyTopicRollup.age_group,
               func.sum(MonthlyTopicRollup.sessions), func.sum(MonthlyTopicRollup.answers),
               func.sum(MonthlyTopicRollup.correct))
        .where(MonthlyTopicRollup.month == month.first)
        .group_by(MonthlyTopicRollup.topic, MonthlyTopicRollup.age_group)):
        cells[(topic, age)] = (int(s or 0), int(a or 0), int(c or 0))
    return {"cells": cells, "sessions": sum(v[0] for v in cells.values()),
            "answers": sum(v[1] for v in cells.values()),
            "correct": sum(v[2] for v in cells.values())}


def _write_knowledge(wb: Workbook, month: ReportMonth, knowledge: dict[str, Any]) -> None:
    widths = (14, *([11, 11] * (len(_AGE_ORDER) + 1)))
    sheet = _Sheet(wb.create_sheet(SHEETS[3]), f"各主题、各年龄段知识掌握情况（{month.label}）",
                   widths)
    sheet.note("正确率 = 答对题数 ÷ 答题数（终端答题）；“—”表示本月该组没有答题。")
    names = ["主题"]
    for age in (*_AGE_ORDER, "all"):
        label = AGE_GROUP_ZH.get(age, "全部")
        names += [f"{label}答题数", f"{label}正确率"]
    sheet.header(names)
    sheet.freeze_below()
    cells = knowledge["cells"]
    fmts = (None, *([None, PERCENT_FORMAT] * (len(_AGE_ORDER) + 1)))

    def pair(answers: int, correct: int) -> list[Any]:
        return [answers, _share(correct, answers) if answers else "—"]

    for topic in (*_TOPIC_ORDER, "all"):
        values: list[Any] = [TOPIC_ZH.get(topic, "全部主题")]
        for age in (*_AGE_ORDER, "all"):
            picked = [v for (t, a), v in cells.items()
                      if (topic == "all" or t == topic) and (age == "all" or a == age)]
            values += pair(sum(v[1] for v in picked), sum(v[2] for v in picked))
        sheet.line(values, fmts, bold=topic == "all")


def _weak_questions(session: Session, month: ReportMonth) -> list[tuple[str, str, int, int]]:
    answers = func.sum(MonthlyQuestionRollup.answers)
    correct = func.sum(MonthlyQuestionRollup.correct)
    return [(q, t, int(a), int(c)) for q, t, a, c in session.execute(
        select(MonthlyQuestionRollup.question_id, func.min(MonthlyQuestionRollup.topic),
               answers, correct)
        .where(MonthlyQuestionRollup.month == month.first)
        .group_by(MonthlyQuestionRollup.question_id)
        .having(answers >= WEAK_MIN_ANSWERS)
        .order_by(((answers - correct) * 1.0 / answers).desc(), (answers - correct).desc(),
                  MonthlyQuestionRollup.question_id)
        .limit(WEAK_QUESTIONS))]


def _write_weak(wb: Workbook, month: ReportMonth, rows: list[tuple[str, str, int, int]],
                question_text: Callable[[str], str]) -> None:
    sheet = _Sheet(wb.create_sheet(SHEETS[4]), f"答错最多的题目（{month.label}）",
                   (6, 12, 60, 9, 9, 10, 22))
    sheet.note(f"本月答题数不少于 {WEAK_MIN_ANSWERS} 次的题目中，错误率最高的 {WEAK_QUESTIONS} 道；"
               "可作为下次路演的讲解重点。")
    sheet.header(("序号", "主题", "题目", "答题数", "答错", "正确率", "题目编号"))
    sheet.freeze_below()
    if not rows:
        sheet.line(("", "", "本月答题数据不足"))
        return
    for rank, (qid, topic, answers, correct) in enumerate(rows, start=1):
        sheet.line((rank, TOPIC_ZH.get(topic, topic), question_text(qid), answers,
                    answers - correct, _share(correct, answers), qid),
                   (None, None, None, None, None, PERCENT_FORMAT, None))


def _points(session: Session, month: ReportMonth) -> dict[str, Any]:
    in_month = (PointsEntry.created_at >= month.start, PointsEntry.created_at < month.end)
    plus = func.sum(case((PointsEntry.amount > 0, PointsEntry.amount), else_=0))
    minus = func.sum(case((PointsEntry.amount < 0, PointsEntry.amount), else_=0))
    by_reason = [
        (reason.value if hasattr(reason, "value") else reason, int(p or 0), int(m or 0),
         int(n), int(people))
        for reason, p, m, n, people in session.execute(
            select(PointsEntry.reason, plus, minus, func.count(),
                   func.count(func.distinct(PointsEntry.resident_id)))
            .where(*in_month).group_by(PointsEntry.reason))]
    items = [
        (name, price, stock, active, int(n or 0), int(spent or 0))
        for name, price, stock, active, n, spent in session.execute(
            select(StoreItem.name, StoreItem.price_points, StoreItem.stock, StoreItem.active,
                   func.count(Redemption.id), func.sum(Redemption.price_points))
            .outerjoin(Redemption, (Redemption.item_id == StoreItem.id)
                       & (Redemption.created_at >= month.start)
                       & (Redemption.created_at < month.end))
            .group_by(StoreItem.id, StoreItem.name, StoreItem.price_points, StoreItem.stock,
                      StoreItem.active)
            .order_by(StoreItem.name))]
    order = list(POINTS_REASON_ZH)
    by_reason.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
    return {"by_reason": by_reason, "items": items,
            "issued": sum(r[1] for r in by_reason), "spent": -sum(r[2] for r in by_reason),
            "redemptions": sum(i[4] for i in items)}


def _write_points(wb: Workbook, month: ReportMonth, points: dict[str, Any]) -> None:
    sheet = _Sheet(wb.create_sheet(SHEETS[5]), f"积分发放与积分超市兑换（{month.label}）",
                   (22, 12, 12, 12, 12, 12))
    sheet.header(("积分来源", "发放积分", "扣减积分", "笔数", "涉及居民"))
    for reason, plus, minus, n, people in points["by_reason"]:
        sheet.line((POINTS_REASON_ZH.get(reason, reason), plus, -minus, n, people))
    if not points["by_reason"]:
        sheet.line(("本月没有积分记录",))
    sheet.line(("合计", points["issued"], points["spent"],
                sum(r[3] for r in points["by_reason"]), ""), bold=True)
    sheet.blank()
    sheet.header(("兑换物品", "单价（积分）", "本月兑换件数", "本月消耗积分", "当前库存", "状态"))
    for name, price, stock, active, n, spent in points["items"]:
        sheet.line((name, price, n, spent, stock, "上架" if active else "已下架"))
    if not points["items"]:
        sheet.line(("积分超市尚无物品",))
    sheet.line(("合计", "", points["redemptions"], sum(i[5] for i in points["items"]), "", ""),
               bold=True)


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the month's documents show, read once: the workbook and the one-page PDF
    summary are two renderings of it."""

    month: ReportMonth
    site_name: str
    generated: datetime
    household_target: int
    reach: list[BuildingReach]
    knowledge: dict[str, Any]
    roadshows: list[dict[str, Any]]
    points: dict[str, Any]
    weak: list[tuple[str, str, int, int]]

    @property
    def households(self) -> int:
        """Households registered."""
        return sum(b.households for b in self.reach)

    @property
    def reached_ever(self) -> int:
        """Households reached at least once up to the month's end."""
        return sum(len(b.ever) for b in self.reach)

    def touched(self, attr: str) -> int:
        """Households touched this month through ``month_kiosk``/``month_roadshow``/
        ``month_door``/``month_any``."""
        return sum(len(getattr(b, attr)) for b in self.reach)


def monthly_figures(
    session: Session, month: ReportMonth, *, now: datetime, site_name: str | None = None,
    door_visits: DoorVisitSource = door_visit_households,
) -> MonthlyFigures:
    """Read the month's figures (reach, knowledge, roadshows, points, weakest questions);
    ``site_name`` defaults to the sites in the database."""
    if site_name is None:
        names = list(session.scalars(select(Site.name).order_by(Site.id)))
        site_name = "、".join(names) or "本社区"
    target = session.scalar(select(func.coalesce(func.sum(Site.household_target), 0))) or 0
    return MonthlyFigures(
        month=month, site_name=site_name, generated=now, household_target=int(target),
        reach=reach_by_building(session, month, door_visits),
        knowledge=_knowledge(session, month), roadshows=_roadshow_rows(session, month, now),
        points=_points(session, month), weak=_weak_questions(session, month))


def monthly_workbook(
    session: Session, month: ReportMonth, *, now: datetime,
    question_text: Callable[[str], str], site_name: str | None = None,
    door_visits: DoorVisitSource = door_visit_households,
) -> MonthlyReport:
    """Build the month's report workbook (see the module docstring for its sheets).

    ``question_text`` turns a question id into its Chinese prompt (the caller owns the loaded
    content); ``site_name`` defaults to the sites in the database."""
    f = monthly_figures(session, month, now=now, site_name=site_name, door_visits=door_visits)
    wb = Workbook()
    _write_overview(wb, f.site_name, month, now, f.reach, f.household_target, f.knowledge,
                    f.roadshows, f.points)
    _write_reach(wb, month, f.reach)
    _write_roadshows(wb, month, f.roadshows)
    _write_knowledge(wb, month, f.knowledge)
    _write_weak(wb, month, f.weak, question_text)
    _write_points(wb, month, f.points)
    buffer = io.BytesIO()
    wb.save(buffer)
    return MonthlyReport(data=buffer.getvalue(), month=month.key, roadshows=len(f.roadshows),
                         buildings=len(f.reach))
