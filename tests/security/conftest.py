"""Fixtures of the security tests: a server (SQLite, and PostgreSQL where marked) with two
enrolled kiosks, a settable clock, and helpers that build push batches as JSON."""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "sync"))

from security_support import Server
from sync_support import Clock, make_api_app, make_community

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.db.migrate import upgrade
from safezone.sync import tokens


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at minimal cost: these tests log in many accounts; production keeps RFC 9106."""
    from argon2 import PasswordHasher

    from safezone.services import staff

    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                         parallelism=1))


@pytest.fixture
def clock(now: datetime) -> Clock:
    """The server's clock, starting at the fixed test time."""
    return Clock(now)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Server settings on each engine."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "server", secret_key="test-secret")
    engine = request.getfixturevalue("pg_engine")
    upgrade(engine)
    return Settings(data_dir=tmp_path / "server", secret_key="test-secret",
                    database_url=engine.url.render_as_string(hide_password=False))


@pytest.fixture
def server(server_settings: Settings, clock: Clock, now: datetime) -> Iterator[Server]:
    """A server with two enrolled kiosks (``a``, ``b``) and four residents with cards."""
    db = open_database(server_settings, migrate=True)
    with db.sessions() as s:
        community = make_community(s, now, residents=4)
        tickets = {name: tokens.create_kiosk(s, f"终端{name}", now=now, rng=random.Random(seed))
                   for seed, name in enumerate("ab", start=1)}
        s.commit()
    app = make_api_app(server_settings, clock)
    client = app.test_client()
    headers, ids = {}, {}
    for name, ticket in tickets.items():
        token = client.post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
        ids[name] = str(ticket.kiosk.id)
    yield Server(app, client, db, headers, ids, community.resident_ids)
    app.extensions["safezone"].database.dispose()
    db.dispose()


# The deployment and session tests reuse the admin tests' fixtures (app, client, auth, staff and
# community factories) and helpers (``admin_support``).
ADMIN_TESTS = Path(__file__).resolve().parents[1] / "admin"
if str(ADMIN_TESTS) not in sys.path:
    sys.path.insert(0, str(ADMIN_TESTS))

_spec = importlib.util.spec_from_file_location("security_admin_fixtures", ADMIN_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

app = _fixtures.app
client = _fixtures.client
db_session = _fixtures.db_session
make_staff = _fixtures.make_staff
auth = _fixtures.auth
community = _fixtures.community
