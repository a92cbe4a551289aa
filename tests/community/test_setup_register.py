"""Setting a real community up: building numbers, units, the household register import and CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.app_context import open_database
from safezone.cli import cli
from safezone.config import Settings
from safezone.importing import (
    REGISTER_COLUMNS,
    ImportFileError,
    ImportRefused,
    apply_register,
    plan_register,
    read_table_bytes,
)
from safezone.models import AuditEntry, Household, Site
from safezone.services import community


def _register(text: str, encoding: str = "utf-8"):
    return read_table_bytes(text.encode(encoding), "台账.csv", REGISTER_COLUMNS)


def _households(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Household)) or 0


@pytest.mark.parametrize(("text", "expected"), [
    ("1-6", [1, 2, 3, 4, 5, 6]), ("1-3, 8", [1, 2, 3, 8]), ("１、３～４", [1, 3, 4]), ("7", [7]),
])
def test_building_numbers_are_read(text: str, expected: list[int]) -> None:
    assert community.parse_building_numbers(text) == expected


@pytest.mark.parametrize("text", ["", "a", "0-3", "5-2", "1-500"])
def test_bad_building_numbers_are_refused(text: str) -> None:
    with pytest.raises(community.CommunityError):
        community.parse_building_numbers(text)


def test_register_creates_flats_and_reimport_keeps_them(
    db_session: Session, site: Site, now: datetime
) -> None:
    b = community.find_building(db_session, 1, 5, site=site)
    community.set_building_units(db_session, b, 2)
    table = _register("地块,楼栋,单元,门牌\n1,5,1,101\n1,5,2,1001\n2,3,1,102\n", "gbk")
    assert table.encoding in ("gbk", "gb18030")
    plan = plan_register(db_session, table, site=site)
    assert plan.ok and len(plan.new) == 3 and plan.unchanged == 0
    assert apply_register(db_session, plan, now=now, actor_label="test") == 3
    again = plan_register(db_session, _register("地块,楼栋,单元,门牌\n1,5,1,101\n1,5,1,102\n"), site=site)
    assert [r.address for r in again.new] == ["1号地块5栋1单元102"] and again.unchanged == 1
    apply_register(db_session, again, now=now, actor_label="test")
    assert _households(db_session) == 4
    audit = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "household.import")).all()
    assert len(audit) == 2


def test_every_bad_register_row_is_reported_and_nothing_written(
    db_session: Session, site: Site, now: datetime
) -> None:
    b = community.find_building(db_session, 1, 5, site=site)
    community.set_building_units(db_session, b, 2)
    text = ("地块,楼栋,单元,门牌\n"
            "1,5,1,101\n"      # ok
            "1,5,3,101\n"      # unit above the building's 2 units
            "4,1,1,101\n"      # no plot 4
            "1,9,1,101\n"      # no building 9 on plot 1
            "1,5,1,10 1\n"     # bad room
            "1,5,1,101\n"      # same flat as row 2
            "1,5,,102\n")      # unit missing
    plan = plan_register(db_session, _register(text), site=site)
    assert [(e.row, e.field) for e in plan.errors] == [
        (3, "unit"), (4, "plot"), (5, "building"), (6, "room"), (7, "room"), (8, "unit")]
    assert plan.unknown_buildings
    with pytest.raises(ImportRefused):
        apply_register(db_session, plan, now=now, actor_label="test")
    assert _households(db_session) == 0


def test_register_refuses_resident_columns() -> None:
    with pytest.raises(ImportFileError, match="姓名"):
        _register("姓名,地块,楼栋,单元,门牌\n张三,1,5,1,101\n")


def test_units_cannot_shrink_below_registered_flats(db_session: Session, site: Site, now: datetime) -> None:
    plan = plan_register(db_session, _register("地块,楼栋,单元,门牌\n1,5,3,101\n"), site=site)
    apply_register(db_session, plan, now=now, actor_label="test")
    b = community.find_building(db_session, 1, 5, site=site)
    with pytest.raises(community.CommunityError, match="3"):
        community.set_building_units(db_session, b, 2)
    community.set_building_units(db_session, b, 3)
    with pytest.raises(community.CommunityError):
        community.delete_building(db_session, b)
    empty = community.find_building(db_session, 1, 6, site=site)
    community.delete_building(db_session, empty)
    assert community.find_building(db_session, 1, 6, site=site) is None


def test_cli_sets_up_a_community_and_imports_its_register(tmp_path: Path) -> None:
    env = {"SAFEZONE_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    result = runner.invoke(cli, ["community", "setup", "--name", "龙凤小区", "--target", "6",
                                 "--plot", "1:1-2", "--plot", "2:1,3", "--units", "2"], env=env)
    assert result.exit_code == 0, result.output
    assert "4 栋" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes("地块,楼栋,单元,门牌\n1,1,1,101\n3,1,1,101\n1,2,5,101\n".encode("gbk"))
    result = runner.invoke(cli, ["community", "register", str(bad)], env=env)
    assert result.exit_code == 1
    assert "bad.csv:row 3: plot" in result.output and "bad.csv:row 4: unit" in result.output
    assert "safezone community setup" in result.output
    good = tmp_path / "good.csv"
    good.write_text("地块,楼栋,单元,门牌\n1,1,1,101\n1,1,1,1001\n2,3,2,102\n", encoding="utf-8")
    result = runner.invoke(cli, ["community", "register", str(good)], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["community", "show"], env=env)
    assert "1号地块1栋" in result.output and "合计 total: 3" in result.output
    # A second site in the same database is refused with the fix.
    result = runner.invoke(cli, ["community", "setup", "--name", "别的小区"], env=env)
    assert result.exit_code == 1 and "龙凤小区" in result.output
    db = open_database(Settings(data_dir=tmp_path / "var"))
    try:
        with db.sessions() as session:
            assert _households(session) == 3
    finally:
        db.dispose()
