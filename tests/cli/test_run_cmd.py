"""``safezone run``: first run builds the demo community, later runs reuse it; front ends start."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safezone.cli import cli


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Replace waitress.serve so the command returns instead of serving forever."""
    import waitress

    calls: dict = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.update(kw, app=app))
    return calls


def test_first_run_sets_up_demo_and_serves_admin(
    tmp_path: Path, served: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    env = {"SAFEZONE_DATA_DIR": str(tmp_path / "var"), "SAFEZONE_ADMIN_PORT": "5099"}

    first = CliRunner().invoke(cli, ["run", "--history", "1"], env=env)
    assert first.exit_code == 0, first.output
    assert "one-time password" in first.output
    assert "no display found" in first.output
    assert (tmp_path / "var" / "demo-cards.pdf").stat().st_size > 10_000
    assert served["port"] == 5099 and served["host"] == "127.0.0.1"
    # Loopback only: the admin cookie may travel over plain HTTP there.
    assert served["app"].config["SESSION_COOKIE_SECURE"] is False

    served.clear()
    second = CliRunner().invoke(cli, ["run"], env=env)
    assert second.exit_code == 0, second.output
    assert "one-time password" not in second.output
    assert "database ready" in second.output
    assert served["port"] == 5099


def test_with_a_display_the_kiosk_runs_beside_the_admin(
    tmp_path: Path, served: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.main

    started: list = []
    monkeypatch.setattr(kiosk.main, "has_display", lambda: True)
    monkeypatch.setattr(kiosk.main, "run_windowed", lambda settings, options: started.append(1))
    env = {"SAFEZONE_DATA_DIR": str(tmp_path / "var"), "SAFEZONE_ADMIN_PORT": "5098"}
    result = CliRunner().invoke(cli, ["run", "--history", "0"], env=env)
    assert result.exit_code == 0, result.output
    assert started == [1]
    assert "kiosk started" in result.output
