"""A kiosk token cannot make the server build the whole roster again and again (on main one
full pull was 28 MB and 3.7 s of server CPU for a district, with no per-kiosk limit): four whole
rosters an hour per kiosk, then 429 with Retry-After (the kiosk treats it as "retry later").
304s and deltas are not counted, and one kiosk's budget is not another's."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from sync_support import make_api_app, make_community

from safezone.sync import tokens


@pytest.fixture
def api(settings, database, now):
    app = make_api_app(settings, lambda: now)
    yield app
    app.extensions["safezone"].database.dispose()


def _enrol(api, database, now, name: str, seed: int) -> dict[str, str]:
    with database.sessions() as s:
        ticket = tokens.create_kiosk(s, name, now=now, rng=random.Random(seed))
        s.commit()
    token = api.test_client().post("/api/v1/enrol", json={"code": ticket.grouped_code}).json["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def kiosks(api, database, now):
    with database.sessions() as s:
        make_community(s, now)
        s.commit()
    return _enrol(api, database, now, "1号", 1), _enrol(api, database, now, "2号", 2)


def test_whole_rosters_are_limited_per_kiosk(api, kiosks):
    first, second = kiosks
    client = api.test_client()
    answers = [client.get("/api/v1/roster", headers=first) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    version = answers[-1].headers["ETag"]
    # A current version costs nothing and is still answered.
    assert client.get("/api/v1/roster", headers={**first, "If-None-Match": version}).status_code == 304
    refused = client.get("/api/v1/roster", headers=first)
    assert refused.status_code == 429 and refused.json["error"] == "roster_rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # Asking for "changes" without a cursor is a whole roster too.
    assert client.get("/api/v1/roster/changes", headers=first).status_code == 429
    # Another kiosk has its own budget.
    assert client.get("/api/v1/roster/changes", headers=second).status_code == 200


def test_deltas_are_not_counted(api, kiosks):
    first, _ = kiosks
    client = api.test_client()
    cursor = client.get("/api/v1/roster/changes", headers=first).json["cursor"]
    for _ in range(10):
        answer = client.get(f"/api/v1/roster/changes?since={cursor}", headers=first)
        assert answer.status_code == 200 and answer.json["full"] is False
        cursor = answer.json["cursor"]
