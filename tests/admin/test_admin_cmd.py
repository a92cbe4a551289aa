"""``safezone admin`` builds the app for the CLI settings and hands it to waitress."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from admin import cli as module
from safezone.cli.context import CliContext


def test_admin_command_serves_with_waitress(settings, database, monkeypatch):
    served = {}

    def fake_serve(app, **kwargs):
        served.update(kwargs, app=app)

    monkeypatch.setattr("waitress.serve", fake_serve)
    ctx = CliContext()
    ctx._settings = settings
    result = CliRunner().invoke(module.admin_cmd, ["--port", "5055", "--http-cookies"], obj=ctx)
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 5055 and served["threads"] == 8
    assert served["app"].config["SESSION_COOKIE_SECURE"] is False
    assert "http://127.0.0.1:5055/" in result.output
    served["app"].extensions["safezone"].database.dispose()


def test_admin_command_defaults_keep_secure_cookies(settings, database, monkeypatch):
    served = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.update(kw, app=app))
    ctx = CliContext()
    ctx._settings = settings
    result = CliRunner().invoke(module.admin_cmd, [], obj=ctx)
    assert result.exit_code == 0, result.output
    assert served["port"] == 5000
    assert "trusted_proxy" not in served  # only --behind-proxy trusts forwarded headers
    assert served["app"].config["SESSION_COOKIE_SECURE"] is True
    served["app"].extensions["safezone"].database.dispose()


def test_admin_command_refuses_missing_database(settings):
    ctx = CliContext()
    ctx._settings = settings
    settings.data_dir.mkdir(parents=True)
    with pytest.raises(click.ClickException) as info:
        module.build_admin_app(ctx, http_cookies=False, behind_proxy=False)
    assert "safezone init" in str(info.value.message) or "schema" in str(info.value.message).lower()


def test_starting_the_admin_prunes_old_roster_changes(settings, database, community, now,
                                                       monkeypatch):
    """A single machine has no kiosk asking for roster changes (which prunes the log), so the
    admin prunes it when it starts."""
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from safezone.models import PointsReason
    from safezone.services import points
    from safezone.sync.models import RosterChange
    with database.sessions() as s:
        resident_id = community["residents"][0].id
        points.add_entry(s, resident_id, 2, PointsReason.PLAY, now=now)
        s.commit()
        s.execute(update(RosterChange).values(changed_at=now - timedelta(days=400)))
        s.commit()
        assert s.scalar(select(func.count()).select_from(RosterChange))
    monkeypatch.setattr("waitress.serve", lambda app, **kw: app.extensions["safezone"].database.dispose())
    ctx = CliContext()
    ctx._settings = settings
    result = CliRunner().invoke(module.admin_cmd, [], obj=ctx)
    assert result.exit_code == 0, result.output
    with database.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RosterChange)) == 0
