"""No input gives a 500 (issue 16). First the probes of the report, each a regression test
(they answered 500 on the original main); then a property-based fuzz (hypothesis) of every
route and method of the admin and the sync API, as every role (admin, staff, volunteer,
viewer, anonymous, kiosk token), with nasty query strings, form fields and JSON bodies:
no response may be ≥ 500. On SQLite, and on PostgreSQL (marked ``postgres``), where NUL bytes
and integer overflows used to surface as database errors."""

from __future__ import annotations

import random
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent.parent / "admin"))

from admin_support import PASSWORD, make_app

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.db.migrate import upgrade
from safezone.models import (
    AgeGroup,
    Building,
    Household,
    Plot,
    Resident,
    Role,
    Site,
)
from safezone.services import roadshows
from safezone.services.staff import create_staff_user
from safezone.sync import tokens

ROLES = ("admin", "staff", "volunteer", "viewer", "anonymous", "kiosk")
#: Endpoints the fuzz leaves alone: they end the fuzzing client's own session.
SKIP = {"auth.logout", "auth.password", "auth.toggle_staff", "auth.reset_password", "static"}


@dataclass
class Site_:
    app: Flask
    clients: dict[str, FlaskClient]
    event_id: uuid.UUID
    resident_id: int
    kiosk_headers: dict[str, str]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path, now: datetime) -> Iterator[Site_]:
    """The admin with the sync API, a resident, a roadshow on now, a kiosk, one client per role."""
    if request.param == "sqlite":
        server_settings = Settings(data_dir=tmp_path / "var")
    else:
        engine = request.getfixturevalue("pg_engine")
        upgrade(engine)
        server_settings = Settings(data_dir=tmp_path / "var",
                                   database_url=engine.url.render_as_string(hide_password=False))
    db = open_database(server_settings, migrate=True)
    with db.sessions() as s:
        plot = Plot(site=Site(name="锦秀城三期", household_target=1462), number=1)
        household = Household(building=Building(plot=plot, number=5), unit=1, room="101",
                              created_at=now)
        resident = Resident(household=household, full_name="张伟", nickname="张先生",
                            age_group=AgeGroup.ADULT, consent=True, created_at=now)
        s.add_all([plot, household, resident])
        for role in (Role.ADMIN, Role.STAFF, Role.VOLUNTEER, Role.VIEWER):
            create_staff_user(s, username=role.value, display_name=role.value, role=role,
                              password=PASSWORD, now=now)
        event = roadshows.create_event(s, title="消防路演", place="广场", starts_at=now,
                                       ends_at=now + timedelta(hours=2), topics=["fire"], now=now)
        ticket = tokens.create_kiosk(s, "终端", now=now, rng=random.Random(1))
        s.commit()
        event_id, resident_id = event.id, resident.id
        s.execute(select(Resident.id))
    app = make_app(server_settings, now)
    from admin.api import register
    if "api" not in app.blueprints:
        register(app)
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role not in ("anonymous", "kiosk"):
            answer = client.post("/login", data={"username": role, "password": PASSWORD})
            assert answer.status_code == 302, role
        clients[role] = client
    token = clients["kiosk"].post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
    yield Site_(app, clients, event_id, resident_id, {"Authorization": f"Bearer {token}"})
    app.extensions["safezone"].database.dispose()
    db.dispose()


# -- the report's probes ---------------------------------------------------------------------

PROBES = [
    ("GET", "/residents/?building=²"),
    ("GET", "/audit/?page=²"),
    ("GET", "/dashboards/?days=99999999999"),
    ("GET", "/dashboards/api/plays?days=99999999999"),
    ("GET", "/dashboards/unreached?building=99999999999"),
    ("GET", "/exports/residents.xlsx?building=²"),
    ("GET", "/roadshows/?view=calendar&month=9999-12"),
    ("GET", "/store/?resident=99999999999"),
    ("GET", "/residents/99999999999"),
    ("GET", "/residents/?q=%00"),
    ("GET", "/store/?find=a%00b"),
]


def test_report_probes_answer_below_500(site: Site_) -> None:
    admin = site.clients["admin"]
    for method, url in PROBES:
        assert admin.open(url, method=method).status_code < 500, url
    # A JSON list as the check-in body; a NUL in the login form (anonymous).
    answer = admin.post(f"/roadshows/{site.event_id}/checkin", json=[1, 2])
    assert answer.status_code == 422 and answer.json["ok"] is False
    answer = site.clients["anonymous"].post("/login", data={"username": "ad\x00min",
                                                            "password": "x\x00"})
    assert answer.status_code < 500
    # check-in points of 10**12: a form error, not an overflow.
    answer = admin.post("/roadshows/new", data={
        "title": "讲座", "place": "会议室", "starts_at": "2026-12-01 10:00",
        "ends_at": "2026-12-01 11:00", "topics": "fire", "checkin_points": str(10**12)})
    assert answer.status_code == 200 and "范围内的整数" in answer.get_data(as_text=True)


def test_names_are_stored_without_nul_bidi_or_zero_width(site: Site_) -> None:
    admin = site.clients["admin"]
    answer = admin.post(f"/residents/{site.resident_id}", data={
        "full_name": "张\x00伟\u202e", "nickname": "\u200b小\u2066张", "age_group": "adult",
        "consent": "y", "building": "", "unit": "", "room": ""})
    assert answer.status_code < 500
    with site.app.extensions["safezone"].database.sessions() as s:
        resident = s.get(Resident, site.resident_id)
        for text in (resident.full_name, resident.nickname):
            assert not any(c in text for c in "\x00\u202e\u200b\u2066"), text


def test_sync_push_with_a_nul_byte_is_422_not_503(site: Site_, now: datetime) -> None:
    sid = str(uuid.uuid4())
    body = {"batch_id": str(uuid.uuid4()), "sent_at": now.isoformat(),
            "sessions": [{"id": sid, "mode": "guest", "game_type": "qu\x00iz", "topic": "fire",
                          "started_at": now.isoformat()}]}
    answer = site.clients["kiosk"].post("/api/v1/push", json=body, headers=site.kiosk_headers)
    assert answer.status_code == 422
    assert answer.json["details"][0]["id"] == sid  # named, so the kiosk parks just that one


def test_413_page_is_ours_and_downloads_are_not_stored(site: Site_) -> None:
    admin = site.clients["admin"]
    answer = admin.post("/residents/import", data=b"x" * (17 * 1024 * 1024),
                        content_type="application/octet-stream")
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert "太大" in page and "too large" not in page.lower() or "太大" in page
    assert "Request Entity Too Large" not in page
    export = admin.get("/exports/residents.xlsx")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    attendance = admin.get(f"/roadshows/{site.event_id}/attendance.xlsx")
    assert attendance.headers["Cache-Control"] == "no-store"


# -- the fuzz --------------------------------------------------------------------------------

NASTY = ["", "1", "0", "-1", "²", "١٢", "99999999999", "9" * 30, "9999-12", "2026-13", "1e3",
         "\x00", "a\x00b", "\u202eevil", "x\u200by", "<script>", "' OR 1=1 --", "%", "a" * 300,
         "2026-11-28", "2026-11-28 10:00", "scanner", "manual", "all", "calendar", "fire",
         "adult", "y", "true"]
PARAMS = ["building", "page", "days", "month", "view", "resident", "find", "q", "since", "until",
          "actor", "action", "code", "method", "resident_id", "item_id", "price_points", "stock",
          "checkin_points", "capacity", "title", "place", "starts_at", "ends_at", "topics",
          "staff_id", "description", "username", "password", "name", "nickname", "full_name",
          "phone", "reason", "card", "mode", "lang", "next", "table", "age_group", "consent",
          "unit", "room", "birth_year", "disabled", "confirm", "token", "since_id", "role"]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
fields = st.dictionaries(st.sampled_from(PARAMS), values, max_size=6)
json_bodies = st.one_of(st.none(), fields, st.lists(values, max_size=3), st.integers(),
                        st.just({"batch_id": "x", "sessions": [{}]}))
path_ints = st.sampled_from(["1", "0", "2", "2147483647", "2147483648", "99999999999"])


def _url(site: Site_, rule, draw_int: str, draw_text: str) -> str:
    parts = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if "UUID" in kind:
            parts[name] = site.event_id if "event" in name else uuid.UUID(int=1)
        elif "Int" in kind:
            parts[name] = draw_int
        else:
            parts[name] = draw_text or "x"
    path = rule.rule
    for name, value in parts.items():
        path = path.replace(f"<{rule._converters[name].__class__.__name__}:{name}>", str(value))
    for piece in rule.rule.split("<")[1:]:
        spec = piece.split(">")[0]
        name = spec.split(":")[-1]
        path = path.replace(f"<{spec}>", str(parts[name]))
    return path


def test_fuzz_every_route_as_every_role(site: Site_) -> None:
    routes = [(rule, method) for rule in site.app.url_map.iter_rules()
              if rule.endpoint not in SKIP
              for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(routes) > 60

    @given(route=st.sampled_from(routes), role=st.sampled_from(ROLES), query=fields,
           form=fields, body=json_bodies, as_json=st.booleans(), number=path_ints,
           word=st.sampled_from(["x", "fire-1", "%00", "²"]))
    @settings(max_examples=400, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def probe(route, role, query, form, body, as_json, number, word) -> None:
        rule, method = route
        url = _url(site, rule, number, word)
        client = site.clients[role]
        headers = site.kiosk_headers if role == "kiosk" else {}
        if method == "GET":
            answer = client.get(url, query_string=query, headers=headers)
        elif as_json:
            answer = client.open(url, method=method, json=body, query_string=query,
                                 headers=headers)
        else:
            answer = client.open(url, method=method, data=form, query_string=query,
                                 headers=headers)
        assert answer.status_code < 500, (method, url, role, query, form, body,
                                          answer.get_data(as_text=True)[:300])

    probe()
