"""XLSX exports: bilingual headers, user text always text (no formula injection), audit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone import exports
from safezone.app_context import Database
from safezone.exports import Column
from safezone.models import (
    AgeGroup,
    AuditEntry,
    Building,
    CheckInMethod,
    Household,
    PlayMode,
    Plot,
    Resident,
    Site,
)
from safezone.services import play as play_service
from safezone.services import roadshows

INJECTIONS = ["=1+1", "+SUM(A1:A2)", "-2", "@cmd", "\t=x", "\r=x", '=HYPERLINK("http://x","y")']


@pytest.fixture
def db(any_database: Database) -> Iterator[Session]:
    """A session on each engine; rolled back afterwards."""
    with any_database.sessions() as s:
        yield s
        s.rollback()


def _sheet(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _cells(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_text_is_written_as_literal_text(text: str) -> None:
    data = exports.write_xlsx([Column("note", "备注", "Note")], [{"note": text}]).data
    assert data is not None
    cell = _cells(data)[1][0]
    assert cell.data_type == "s"  # a string cell, not a formula
    # XML parsers turn a stored CR into LF on reading; the apostrophe still comes first.
    assert cell.value == "'" + text.replace("\r", "\n")
    assert not str(cell.value).startswith(exports.FORMULA_TRIGGERS)


def test_harmless_text_is_unchanged_and_control_characters_dropped() -> None:
    rows = [{"note": "灭火器 1+1"}, {"note": "a\x00b\x07c"}, {"note": "1203"}]
    data = exports.write_xlsx([Column("note", "备注", "Note")], rows).data
    assert [r[0] for r in _sheet(data)[1:]] == ["灭火器 1+1", "abc", "1203"]
    assert _cells(data)[3][0].data_type == "s"  # a room number stays text, not a number


def test_typed_columns_and_bilingual_headers(tmp_path: Path) -> None:
    columns = [Column("n", "次数", "Plays", "int"), Column("p", "正确率", "Accuracy", "percent"),
               Column("at", "时间", "When", "datetime"), Column("ok", "同意", "Consent", "bool")]
    at = datetime.fromisoformat("2026-11-28T09:30:00+00:00")
    target = tmp_path / "out" / "t.xlsx"
    result = exports.write_xlsx(columns, [{"n": 3, "p": 0.5, "at": at, "ok": True}], out=target)
    assert result == exports.Export(data=None, rows=1)
    rows = _sheet(target.read_bytes())
    assert rows[0] == ["次数 / Plays", "正确率 / Accuracy", "时间 / When", "同意 / Consent"]
    assert rows[1] == [3, 0.5, datetime(2026, 11, 28, 17, 30), "是 / yes"]  # local wall-clock time


def test_wrong_value_type_is_refused() -> None:
    with pytest.raises(TypeError, match="column 'n' \\(int\\) cannot hold"):
        exports.write_xlsx([Column("n", "次数", "Plays", "int")], [{"n": datetime.now()}])


def test_unknown_dashboard_table_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dashboard table 'nope'"):
        exports.dashboard_xlsx("nope", [])


def _community(db: Session) -> list[Resident]:
    site = Site(name="测试小区", household_target=10)
    building = Building(plot=Plot(site=site, number=1), number=5)
    evil = Resident(household=Household(building=building, unit=1, room="=1+1"),
                    full_name="=cmd|' /C calc'!A0", nickname="@SUM(1)", age_group=AgeGroup.ADULT,
                    phone="+8613800000000", consent=True)
    plain = Resident(household=Household(building=building, unit=2, room="101"),
                     full_name="李四", nickname="老李", age_group=AgeGroup.ELDER, consent=False)
    db.add_all([site, evil, plain])
    db.flush()
    return [evil, plain]


def test_residents_export_neutralises_user_text(db: Session, now: datetime) -> None:
    _community(db)
    result = exports.residents_xlsx(db)
    rows = _sheet(result.data)
    assert result.rows == 2
    assert rows[0][:3] == ["编号 / ID", "姓名 / Full name", "昵称 / Nickname"]
    first = dict(zip([h.split(" / ")[1] for h in rows[0]], rows[1]))
    assert first["Full name"] == "'=cmd|' /C calc'!A0"
    assert first["Nickname"] == "'@SUM(1)"
    assert first["Phone"] == "'+8613800000000"
    assert first["Address"] == "1号地块5栋1单元=1+1"  # not at the start: harmless, unchanged
    assert rows[2][2] == "老李"


def test_attendance_and_plays_exports(db: Session, now: datetime) -> None:
    evil, plain = _community(db)
    event = roadshows.create_event(db, title="-消防", place="广场", starts_at=now,
                                   ends_at=now + timedelta(hours=1), topics=["fire"], now=now)
    roadshows.register(db, event, plain, now=now)
    roadshows.check_in(db, event, evil, method=CheckInMethod.SCANNER, now=now)
    rows = _sheet(exports.attendance_xlsx(db, event).data)
    assert [r[2] for r in rows[1:]] == ["'@SUM(1)", "老李"]
    assert [r[4] for r in rows[1:]] == ["现场 walk-in", "已报名 registered"]

    played = play_service.start_session(db, mode=PlayMode.RESIDENT, game_type="quiz", topic="fire",
                                        now=now, resident_id=evil.id)
    play_service.finish_session(db, played, score=0, max_score=0, now=now + timedelta(minutes=1))
    plays = exports.plays_xlsx(db, now - timedelta(hours=1), now + timedelta(hours=1))
    rows = _sheet(plays.data)
    assert plays.rows == 1
    assert rows[1][1:6] == ["resident", "'@SUM(1)", "1号地块5栋", "quiz", "fire"]


def test_dashboard_table_export_and_audit(db: Session, now: datetime) -> None:
    result = exports.dashboard_xlsx("weakest_questions", [
        {"question_id": "=q1", "topic": "fire", "answers": 4, "correct": 1, "wrong": 3, "accuracy": 0.25}])
    assert _sheet(result.data)[1] == ["'=q1", "fire", 4, 1, 3, 0.25]
    exports.audit_export(db, kind="weakest_questions", rows=result.rows, now=now, actor_label="admin",
                         ip="127.0.0.1")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "export.weakest_questions"))
    assert entry is not None and entry.details == {"rows": 1} and entry.ip == "127.0.0.1"
