"""``safezone kiosks`` and ``safezone sync`` from the command line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from click.testing import CliRunner

from safezone.app_context import open_database
from safezone.cli import cli as root
from safezone.cli.sync_cmd import COMMANDS
from safezone.config import Settings
from safezone.models import Kiosk
from safezone.sync.tokens import enrol, hash_secret


def _cli() -> click.Group:
    # The lead registers the commands in safezone/cli/__init__.py; until then add them here.
    for command in COMMANDS:
        if command.name not in root.commands:
            root.add_command(command)
    return root


def test_enrol_code_revoke_and_offline_sync(tmp_path: Path, monkeypatch) -> None:
    server_dir, kiosk_dir = tmp_path / "server", tmp_path / "kiosk"
    open_database(Settings(data_dir=server_dir), migrate=True).dispose()
    runner = CliRunner()
    monkeypatch.setenv("SAFEZONE_DATA_DIR", str(server_dir))
    result = runner.invoke(_cli(), ["kiosks", "enrol-code", "1号地块5栋架空层"])
    assert result.exit_code == 0, result.output
    code = re.search(r"code \(shown once, not stored\): (\S+)", result.output).group(1)
    kiosk_id = re.search(r"kiosk (\S+) ", result.output).group(1)
    db = open_database(Settings(data_dir=server_dir))
    with db.sessions() as s:
        kiosk = s.get(Kiosk, __import__("uuid").UUID(kiosk_id))
        assert kiosk.enrolment_code_hash == hash_secret(code.replace("-", ""))
    db.dispose()
    assert runner.invoke(_cli(), ["kiosks", "enrol-code"]).exit_code == 2
    listed = runner.invoke(_cli(), ["kiosks", "list"])
    assert "waiting for enrolment" in listed.output
    revoked = runner.invoke(_cli(), ["kiosks", "revoke", kiosk_id])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    missing = runner.invoke(_cli(), ["kiosks", "revoke", "00000000-0000-0000-0000-000000000000"])
    assert missing.exit_code == 1 and "no kiosk" in missing.output

    # A kiosk pointed at a server that is not there: exit 1, a clear message.
    monkeypatch.setenv("SAFEZONE_DATA_DIR", str(kiosk_dir))
    offline = runner.invoke(_cli(), ["sync", "--server", "http://127.0.0.1:9", "--enrol-code", code])
    assert offline.exit_code == 1
    assert "离线，数据已保存" in offline.output
    not_enrolled = runner.invoke(_cli(), ["sync"])
    assert not_enrolled.exit_code == 1 and "not enrolled" in not_enrolled.output


def test_enrolment_codes_state_their_expiry_and_the_list_shows_it(tmp_path: Path, monkeypatch) -> None:
    from safezone.cli import sync_cmd

    server_dir = tmp_path / "server"
    open_database(Settings(data_dir=server_dir), migrate=True).dispose()
    monkeypatch.setenv("SAFEZONE_DATA_DIR", str(server_dir))
    issued = datetime(2026, 11, 28, 2, 15, tzinfo=UTC)  # 10:15 in the community
    clock = [issued]
    monkeypatch.setattr(sync_cmd, "_now", lambda: clock[0])
    runner = CliRunner()
    created = runner.invoke(_cli(), ["kiosks", "enrol-code", "1号地块5栋架空层"])
    assert created.exit_code == 0, created.output
    # 48 h later, in local time with its offset (the server may run on UTC).
    assert "expires 2026-11-30 10:15+08:00 (48 h)" in created.output
    kiosk_id = re.search(r"kiosk (\S+) ", created.output).group(1)

    listed = runner.invoke(_cli(), ["kiosks", "list"])
    assert listed.exit_code == 0
    assert "waiting for enrolment" in listed.output and "code expires 2026-11-30 10:15+08:00" in listed.output

    clock[0] = issued + timedelta(hours=48)  # the code works for 48 h, not a second more
    expired = runner.invoke(_cli(), ["kiosks", "list"]).output
    assert "code expired 2026-11-30 10:15+08:00" in expired and "expires" not in expired
    assert f"safezone kiosks enrol-code --kiosk {kiosk_id}" in expired

    renewed = runner.invoke(_cli(), ["kiosks", "enrol-code", "--kiosk", kiosk_id])
    assert renewed.exit_code == 0 and "expires 2026-12-02 10:15+08:00 (48 h)" in renewed.output
    assert "code expires 2026-12-02 10:15+08:00" in runner.invoke(_cli(), ["kiosks", "list"]).output

    db = open_database(Settings(data_dir=server_dir))
    with db.sessions() as s:
        enrol(s, re.search(r"not stored\): (\S+)", renewed.output).group(1), now=clock[0])
        s.commit()
    db.dispose()
    enrolled = runner.invoke(_cli(), ["kiosks", "list"]).output
    assert "enrolled" in enrolled and "code" not in enrolled  # used: nothing pending
