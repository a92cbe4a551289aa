"""XLSX exports: residents, roadshow attendance, plays and dashboard tables.

Headers are bilingual (``中文 / English``). Anything a person typed (names, rooms, titles, phone
numbers, question ids from content) is written as a *text* cell, and text that a spreadsheet would
run as a formula — starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — gets a
leading apostrophe, as OWASP's CSV/formula-injection guidance recommends. Workbooks are built in
openpyxl's write-only mode so a district-sized export streams instead of filling memory.

The caller decides who may export and records it with :func:`audit_export`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from safezone.labels import building_label
from safezone.models import (
    Building,
    Household,
    PlaySession,
    Plot,
    Resident,
    ResidentActivity,
    RoadshowEvent,
)
from safezone.private_files import create_private
from safezone.services import audit
from safezone.services.localtime import LOCAL_TZ
from safezone.services.roadshows import attendance

#: First characters that make Excel, LibreOffice or WPS evaluate a cell (OWASP list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["text", "int", "float", "percent", "datetime", "date", "bool"]


@dataclass(frozen=True)
class Column:
    """One export column: the row key it reads, its zh/en header and how to write it."""

    key: str
    zh: str
    en: str
    kind: Kind = "text"

    @property
    def header(self) -> str:
        """The bilingual header text."""
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class Export:
    """A finished export: the workbook bytes (None when written to a path/stream) and its row
    count (for the audit log)."""

    data: bytes | None
    rows: int


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: control characters XML cannot hold removed,
    and a leading apostrophe added when it would otherwise start a formula."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + cleaned if cleaned.startswith(FORMULA_TRIGGERS) else cleaned


def _local(value: datetime) -> datetime:
    # Excel has no time zones: staff read local wall-clock time.
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _cell(sheet: Any, column: Column, value: Any) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    kind = column.kind
    if kind == "text" or isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        # Never let openpyxl guess: a string is a string, even one that looks like a formula.
        cell.data_type = "s"
        return cell
    if kind == "bool":
        return WriteOnlyCell(sheet, value="是 / yes" if value else "否 / no")
    if kind == "datetime" and isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if kind == "date" and isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind == "percent":
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.0%"
        return cell
    if kind in ("int", "float") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    raise TypeError(f"column {column.key!r} ({kind}) cannot hold {type(value).__name__} {value!r}")


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    sheet_title: str = "导出",
    out: Path | BinaryIO | None = None,
) -> Export:
    """Write ``rows`` (mappings keyed by ``Column.key``) as one sheet with a bold bilingual
    header row; return the bytes, or write them to ``out`` (a path or binary stream)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=neutralise(sheet_title)[:31] or "Sheet")
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    try:
        for row in rows:
            sheet.append([_cell(sheet, column, row.get(column.key)) for column in columns])
            count += 1
    except BaseException:
        # Finish the sheet's temporary file now instead of leaving a half-run writer for the GC.
        sheet.close()
        raise
    if out is None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return Export(data=buffer.getvalue(), rows=count)
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        create_private(out)  # personal data: owner only (openpyxl keeps the mode it truncates)
        workbook.save(str(out))
    else:
        workbook.save(out)
    return Export(data=None, rows=count)


# ---------------------------------------------------------------------------------------------
# residents

RESIDENT_COLUMNS: tuple[Column, ...] = (
    Column("resident_id", "编号", "ID", "int"),
    Column("full_name", "姓名", "Full name"),
    Column("nickname", "昵称", "Nickname"),
    Column("age_group", "年龄段", "Age group"),
    Column("birth_year", "出生年份", "Birth year", "int"),
    Column("phone", "电话", "Phone"),
    Column("address", "住址", "Address"),
    Column("consent", "同意记录", "Consent", "bool"),
    Column("sessions", "参与次数", "Plays", "int"),
    Column("accuracy", "正确率", "Accuracy", "percent"),
    Column("last_played_at", "最近参与", "Last played", "datetime"),
    Column("created_at", "登记时间", "Registered", "datetime"),
)


def resident_rows(session: Session, building_id: int | None = None) -> Iterable[dict[str, Any]]:
    """Residents (anonymised ones without personal fields) with their participation, by address."""
    query = (
        select(Resident, ResidentActivity)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(ResidentActivity, ResidentActivity.resident_id == Resident.id)
        .options(joinedload(Resident.household).joinedload(Household.building)
                 .joinedload(Building.plot))
        .order_by(Building.plot_id, Building.number, Household.unit, Household.room, Resident.id)
    )
    if building_id is not None:
        query = query.where(Household.building_id == building_id)
    for person, activity in session.execute(query):
        yield {
            "resident_id": person.id, "full_name": person.full_name, "nickname": person.nickname,
            "age_group": person.age_group.value, "birth_year": person.birth_year,
            "phone": person.phone, "address": person.household.label, "consent": person.consent,
            "sessions": activity.sessions if activity else 0,
            "accuracy": (activity.correct / activity.answers) if activity and activity.answers else None,
            "last_played_at": activity.last_played_at if activity else None,
            "created_at": person.created_at,
        }


def residents_xlsx(session: Session, *, building_id: int | None = None,
                   out: Path | BinaryIO | None = None) -> Export:
    """The residents list as XLSX (optionally one building)."""
    return write_xlsx(RESIDENT_COLUMNS, resident_rows(session, building_id),
                      sheet_title="居民 Residents", out=out)


# ---------------------------------------------------------------------------------------------
# attendance

ATTENDANCE_COLUMNS: tuple[Column, ...] = (
    Column("resident_id", "编号", "ID", "int"),
    Column("full_name", "姓名", "Full name"),
    Column("nickname", "昵称", "Nickname"),
    Column("address_label", "住址", "Address"),
    Column("registration", "报名状态", "Registration"),
    Column("checked_in_at", "签到时间", "Checked in", "datetime"),
    Column("method", "签到方式", "Method"),
)

_REGISTRATION_LABELS = {"registered": "已报名 registered", "waitlisted": "候补 waitlisted",
                        "cancelled": "已取消 cancelled", "walk_in": "现场 walk-in"}


def attendance_xlsx(session: Session, event: RoadshowEvent, *,
                    out: Path | BinaryIO | None = None) -> Export:
    """One roadshow's registrations and check-ins as XLSX."""
    rows = ({**row.__dict__, "registration": _REGISTRATION_LABELS[row.registration]}
            for row in attendance(session, event))
    return write_xlsx(ATTENDANCE_COLUMNS, rows, sheet_title="签到 Attendance", out=out)


# ---------------------------------------------------------------------------------------------
# plays

PLAY_COLUMNS: tuple[Column, ...] = (
    Column("started_at", "开始时间", "Started", "datetime"),
    Column("mode", "方式", "Mode"),
    Column("nickname", "昵称", "Nickname"),
    Column("building", "楼栋", "Building"),
    Column("game_type", "游戏", "Game"),
    Column("topic", "主题", "Topic"),
    Column("score", "得分", "Score", "int"),
    Column("max_score", "满分", "Max score", "int"),
    Column("points_awarded", "积分", "Points", "int"),
    Column("finished", "完成", "Finished", "bool"),
)


def play_rows(session: Session, since: datetime, until: datetime) -> Iterable[dict[str, Any]]:
    """Play sessions started in ``[since, until)``, oldest first, streamed in batches."""
    people = {
        rid: (nick, building_label(p_no, b_no))
        for rid, nick, b_no, p_no in session.execute(
            select(Resident.id, Resident.nickname, Building.number, Plot.number)
            .join(Household, Household.id == Resident.household_id)
            .join(Building, Building.id == Household.building_id)
            .join(Plot, Plot.id == Building.plot_id))
    }
    query = (select(PlaySession).where(PlaySession.started_at >= since, PlaySession.started_at < until)
             .order_by(PlaySession.started_at, PlaySession.id)
             .execution_options(yield_per=2000))
    for play in session.scalars(query):
        nick, building = people.get(play.resident_id, (None, None)) if play.resident_id else (None, None)
        yield {"started_at": play.started_at, "mode": play.mode.value, "nickname": nick,
               "building": building, "game_type": play.game_type, "topic": play.topic,
               "score": play.score, "max_score": play.max_score,
               "points_awarded": play.points_awarded, "finished": play.finished_at is not None}


def plays_xlsx(session: Session, since: datetime, until: datetime, *,
               out: Path | BinaryIO | None = None) -> Export:
    """Play sessions in a time range as XLSX."""
    return write_xlsx(PLAY_COLUMNS, play_rows(session, since, until),
                      sheet_title="游戏记录 Plays", out=out)


# ---------------------------------------------------------------------------------------------
# dashboard tables

_ACCURACY = (Column("answers", "答题数", "Answers", "int"), Column("correct", "答对", "Correct", "int"),
             Column("wrong", "答错", "Wrong", "int"), Column("accuracy", "正确率", "Accuracy", "percent"))

#: Columns of each dashboard table, keyed by the :mod:`safezone.services.dashboards` result.
DASHBOARD_COLUMNS: dict[str, tuple[Column, ...]] = {
    "reach_buildings": (Column("label", "楼栋", "Building"),
                        Column("households", "户数", "Households", "int"),
                        Column("reached", "已参与户数", "Households reached", "int"),
                        Column("share", "覆盖率", "Share", "percent")),
    "reach_plots": (Column("label", "地块", "Plot"), Column("households", "户数", "Households", "int"),
                    Column("reached", "已参与户数", "Households reached", "int"),
                    Column("share", "覆盖率", "Share", "percent")),
    "plays_over_time": (Column("day", "日期", "Day"), Column("sessions", "游戏次数", "Plays", "int"),
                        *_ACCURACY),
    "topics": (Column("topic", "主题", "Topic"), Column("sessions", "游戏次数", "Plays", "int"),
               Column("share", "占比", "Share", "percent")),
    "age_groups": (Column("age_group", "年龄段", "Age group"),
                   Column("sessions", "游戏次数", "Plays", "int"),
                   Column("share", "占比", "Share", "percent"), *_ACCURACY),
    "accuracy_by_topic": (Column("topic", "主题", "Topic"), *_ACCURACY),
    "question_stats": (Column("question_id", "题目", "Question"), Column("topic", "主题", "Topic"),
                       *_ACCURACY),
    "weakest_questions": (Column("question_id", "题目", "Question"),
                          Column("topic", "主题", "Topic"), *_ACCURACY),
    "accuracy_by_building": (Column("label", "楼栋", "Building"), *_ACCURACY),
    "unreached_households": (Column("label", "住址", "Address"),
                             Column("residents", "居民人数", "Residents", "int")),
}


def dashboard_xlsx(kind: str, rows: Iterable[Mapping[str, Any]], *,
                   out: Path | BinaryIO | None = None) -> Export:
    """A dashboard table (``kind`` is a key of :data:`DASHBOARD_COLUMNS`) as XLSX."""
    if kind not in DASHBOARD_COLUMNS:
        raise ValueError(f"unknown dashboard table {kind!r}; known: {', '.join(sorted(DASHBOARD_COLUMNS))}")
    return write_xlsx(DASHBOARD_COLUMNS[kind], rows, sheet_title=kind, out=out)


def audit_export(
    session: Session, *, kind: str, rows: int, now: datetime, actor_label: str,
    actor_id: int | None = None, ip: str | None = None, details: dict[str, Any] | None = None,
) -> None:
    """Record an export in the audit log as ``export.<kind>`` with its row count."""
    audit.record(session, action=f"export.{kind}"[:64], actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="export", target_id=kind, ip=ip,
                 details={"rows": rows, **(details or {})})
