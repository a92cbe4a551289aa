"""``safezone demo-data`` and ``safezone residents import`` through the real root group."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from safezone.app_context import open_database
from safezone.cli import cli
from safezone.cli.community_cmd import COMMANDS
from safezone.config import Settings
from safezone.models import AuditEntry, Household, Resident, Role, StaffUser
from safezone.services.staff import verify_password


@pytest.fixture
def root() -> Iterator[click.Group]:
    """The root ``safezone`` group with the community commands registered."""
    added = [command for command in COMMANDS if command.name not in cli.commands]
    for command in added:
        cli.add_command(command)
    yield cli
    for command in added:
        cli.commands.pop(command.name or "")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _run(root: click.Group, data_dir: Path, *args: str):
    return CliRunner().invoke(root, list(args), env={"SAFEZONE_DATA_DIR": str(data_dir)})


def _count(data_dir: Path, model: type) -> int:
    db = open_database(Settings(data_dir=data_dir))
    try:
        with db.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        db.dispose()


def test_commands_are_listed(root: click.Group) -> None:
    result = CliRunner().invoke(root, ["--help"])
    assert "demo-data" in result.output and "residents" in result.output


def test_demo_data_creates_community_and_admin(root: click.Group, data_dir: Path) -> None:
    result = _run(root, data_dir, "demo-data", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "1462" in result.output and "18" in result.output
    match = re.search(r"one-time password: ([a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5})", result.output)
    assert match, result.output
    assert _count(data_dir, Household) == 1462

    db = open_database(Settings(data_dir=data_dir))
    try:
        with db.sessions() as session:
            admin = session.scalars(select(StaffUser)).one()
            assert admin.username == "admin" and admin.role is Role.ADMIN
            assert admin.must_change_password
            assert verify_password(admin.password_hash, match[1])
            details = [str(e.details) for e in session.scalars(select(AuditEntry))]
            assert all(match[1] not in d for d in details)
    finally:
        db.dispose()

    again = _run(root, data_dir, "demo-data")
    assert again.exit_code == 0, again.output
    assert "already exists" in again.output and "password" not in again.output
    assert _count(data_dir, Household) == 1462 and _count(data_dir, StaffUser) == 1


def test_demo_data_refuses_bad_history(root: click.Group, data_dir: Path) -> None:
    result = _run(root, data_dir, "demo-data", "--history", "0")
    assert result.exit_code == 2
    assert "--history" in result.output


@pytest.mark.skipif(
    importlib.util.find_spec("safezone.demo_history") is None,
    reason="safezone.demo_history is not written yet (another engineer's module)",
)
def test_demo_data_with_history(root: click.Group, data_dir: Path) -> None:
    from safezone.models import PlaySession

    result = _run(root, data_dir, "demo-data", "--history", "2")
    assert result.exit_code == 0, result.output
    assert "history" in result.output
    assert _count(data_dir, PlaySession) > 0


CSV_HEADER = "姓名,地块,楼栋,单元,门牌,年龄段,出生年份,同意"


def _lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


def test_import_dry_run_then_real(root: click.Group, data_dir: Path, tmp_path: Path) -> None:
    assert _run(root, data_dir, "demo-data").exit_code == 0
    before = _count(data_dir, Resident)
    path = tmp_path / "新居民.csv"
    path.write_text(
        _lines(CSV_HEADER, "测试甲,1,5,2,3101,成人,1980,是", "测试乙,1,5,2,3101,儿童,2015,否"),
        encoding="gbk",
    )
    dry = _run(root, data_dir, "residents", "import", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "gbk" in dry.output and "2 新增 add" in dry.output and "1 新户" in dry.output
    assert "row 2: 测试甲" in dry.output and "dry run" in dry.output
    assert _count(data_dir, Resident) == before

    real = _run(root, data_dir, "residents", "import", str(path))
    assert real.exit_code == 0, real.output
    assert "imported 2 residents, 1 new households" in real.output
    assert _count(data_dir, Resident) == before + 2

    # Importing the same master file again updates (here: changes nothing) instead of refusing.
    twice = _run(root, data_dir, "residents", "import", str(path))
    assert twice.exit_code == 0, twice.output
    assert "0 新增 add, 0 更新 change, 2 不变 unchanged" in twice.output
    assert _count(data_dir, Resident) == before + 2


def test_import_with_errors_writes_nothing(
    root: click.Group, data_dir: Path, tmp_path: Path
) -> None:
    assert _run(root, data_dir, "demo-data").exit_code == 0
    before = _count(data_dir, Resident)
    path = tmp_path / "bad.csv"
    path.write_text(
        _lines(
            CSV_HEADER,
            "好人,1,5,2,3101,成人,1980,是",
            "坏地块,7,5,2,3101,成人,1980,是",
            "坏年龄,1,5,2,3101,中年,1980,是",
        ),
        encoding="utf-8",
    )
    result = _run(root, data_dir, "residents", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:row 3: plot: 小区没有 7 号地块" in result.output
    assert f"{path}:row 4: age_group:" in result.output
    assert "nothing was written" in result.output
    assert _count(data_dir, Resident) == before


def test_import_unreadable_file(root: click.Group, data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\x00\x01\x02garbage\xff")
    result = _run(root, data_dir, "residents", "import", str(path))
    assert result.exit_code == 1
    assert "junk.csv" in result.output and "not a CSV" in result.output


def test_import_without_site(root: click.Group, data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(CSV_HEADER + "\n张三,1,5,2,301,成人,1980,是\n", encoding="utf-8")
    result = _run(root, data_dir, "residents", "import", str(path))
    assert result.exit_code == 1
    assert "no site is set up" in result.output
