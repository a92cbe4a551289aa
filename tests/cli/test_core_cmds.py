"""``safezone init`` and the CLI's exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from safezone.cli import cli


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "init" in result.output


def test_init_creates_database(tmp_path: Path) -> None:
    env = {"SAFEZONE_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, ["init"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "safezone.db").is_file()
    again = CliRunner().invoke(cli, ["init"], env=env)
    assert again.exit_code == 0, again.output


def test_unwritable_data_dir_is_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["init"], env={"SAFEZONE_DATA_DIR": str(blocker / "sub")})
    assert result.exit_code == 1
    assert "Error:" in result.output and str(blocker) in result.output


def test_bad_config_is_user_error(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text("nonsense = [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "init"])
    assert result.exit_code == 1
    assert "invalid TOML" in result.output


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
