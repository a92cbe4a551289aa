"""Files holding personal data or tokens are 0600 (folders 0700) whatever the umask: the SQLite
database (the admin's, and a kiosk's replica holding its sync token), uploaded resident lists,
exports. Pending uploads expire after an hour and are swept. The units set UMask=0077.
On main all of these were 0644 under the usual umask, and uploads stayed forever."""

from __future__ import annotations

import io
import os
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from admin_support import make_app
from sqlalchemy import func, select

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.exports import Column, write_xlsx
from safezone.models import Resident, Role

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"
GOOD_CSV = "姓名,地块,楼栋,单元,门牌,年龄段,出生年份,电话,同意\n孙丽,1,5,3,601,成人,1985,13900000000,是\n"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """The umask most shells and services start with: files 0644 unless we say otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_sqlite_database_and_its_folder_are_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "kiosk-var")
    database = open_database(settings, migrate=True)
    try:
        assert _mode(settings.data_dir) == 0o700
        db_file = settings.data_dir / "safezone.db"
        assert _mode(db_file) == 0o600
        for suffix in ("-wal", "-shm"):
            side = Path(f"{db_file}{suffix}")
            if side.exists():  # SQLite gives them the database file's mode
                assert _mode(side) == 0o600, side
    finally:
        database.dispose()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    open_database(settings, migrate=True).dispose()
    db_file = settings.data_dir / "safezone.db"
    os.chmod(db_file, 0o644)
    open_database(settings).dispose()
    assert _mode(db_file) == 0o600


def test_exports_written_to_a_file_are_private(tmp_path):
    out = tmp_path / "exports" / "residents.xlsx"
    write_xlsx([Column("name", "姓名", "Name")], [{"name": "孙丽"}], out=out)
    assert _mode(out) == 0o600


def _upload(client):
    return client.post("/residents/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(GOOD_CSV.encode()), "list.csv")})


def test_uploaded_lists_are_private(client, auth, community, settings):
    auth.login(Role.STAFF)
    assert _upload(client).status_code == 200
    folder = settings.data_dir / "imports"
    files = list(folder.iterdir())
    assert len(files) == 1 and _mode(files[0]) == 0o600 and _mode(folder) == 0o700


class Clock:
    def __init__(self, start):
        self.current = start

    def __call__(self):
        return self.current


def test_a_pending_upload_expires_after_an_hour(settings, database, now, make_staff, community):
    from admin_support import PASSWORD

    make_staff(Role.STAFF, "li")
    clock = Clock(now)
    app = make_app(settings, now, CLOCK=clock)
    try:
        client = app.test_client()
        client.post("/login", data={"username": "li", "password": PASSWORD})
        assert _upload(client).status_code == 200
        clock.current = now + timedelta(minutes=61)
        done = client.post("/residents/import/confirm", follow_redirects=True)
        assert "预览已过期" in done.get_data(as_text=True)
        assert list((settings.data_dir / "imports").iterdir()) == []  # deleted, not kept
        with database.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Resident)
                            .where(Resident.full_name == "孙丽")) == 0
    finally:
        app.extensions["safezone"].database.dispose()


def test_abandoned_uploads_are_swept(client, auth, community, settings):
    auth.login(Role.STAFF)
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True)
    stale, fresh = folder / ("a" * 32), folder / ("b" * 32)
    stale.write_bytes(b"old list")
    fresh.write_bytes(b"someone else's preview")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    assert _upload(client).status_code == 200
    assert not stale.exists() and fresh.exists()


def test_starting_the_admin_sweeps_abandoned_uploads(settings, database):
    from admin.cli import build_admin_app
    from safezone.cli.context import CliContext

    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True)
    stale = folder / ("c" * 32)
    stale.write_bytes(b"old list")
    os.utime(stale, (time.time() - 7200,) * 2)
    ctx = CliContext()
    ctx._settings = settings
    build_admin_app(ctx, http_cookies=False, behind_proxy=False).extensions[
        "safezone"].database.dispose()
    assert not stale.exists()


@pytest.mark.parametrize("unit", ["safezone-admin.service", "safezone-kiosk.service",
                                  "safezone-sync.service"])
def test_units_set_a_private_umask(unit):
    lines = (DEPLOY / unit).read_text(encoding="utf-8").splitlines()
    assert "UMask=0077" in lines
