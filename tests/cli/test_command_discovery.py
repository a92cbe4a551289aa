"""Front ends bring their own commands (entry points); the core CLI names none of them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import click
from click.testing import CliRunner

from safezone.cli import CORE_COMMANDS, ENTRY_POINT_GROUP, cli, plugin_commands

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["entry-points"][ENTRY_POINT_GROUP]


def test_installed_metadata_matches_pyproject() -> None:
    # A stale install (pyproject edited, `make venv` not re-run) would hide a front-end command.
    assert plugin_commands() == _declared()
    assert {"kiosk", "admin", "run"} <= set(_declared())
    assert not set(_declared()) & set(CORE_COMMANDS)


def test_every_registered_command_loads_and_is_listed() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in [*CORE_COMMANDS, *_declared()]:
        assert f"  {name} " in result.output
        command = cli.get_command(click.Context(cli), name)
        assert isinstance(command, click.Command) and command.name == name


def test_core_cli_source_names_no_front_end() -> None:
    for path in (ROOT / "safezone" / "cli").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for front_end in ("kiosk.", "admin.", "launcher."):
            assert f"from {front_end}" not in source and f"import {front_end}" not in source, path


def test_kiosk_command_does_not_import_the_admin() -> None:
    """The kiosk's cold start goes through the root group: it must not load Flask or the admin."""
    code = (
        "import sys\n"
        "from safezone.cli import cli\n"
        "try:\n"
        "    cli.main(['kiosk', '--help'], prog_name='safezone')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'admin', 'flask', 'launcher', 'reportlab'})\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=60, check=True).stdout
    assert "LOADED []" in out, out
