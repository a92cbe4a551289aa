"""Deny-by-default access control, walked over every route in ``app.url_map`` so new routes are
covered automatically; role limits; CSRF; login rate limit."""

from __future__ import annotations

import uuid

import pytest
from admin_support import PASSWORD, csrf_token_of, make_app
from werkzeug.routing import Rule

from safezone.models import Role

PUBLIC = {"auth.login", "auth.setup", "static"}
#: The kiosk sync API (admin/api) has no staff login: its views are public to the guard and
#: check a kiosk bearer token themselves; only its OpenAPI document is readable without one.
API_OPEN = {"api.openapi"}

#: Everything a volunteer may open: the check-in flow and their own account.
VOLUNTEER_ALLOWED = {
    "home.index", "auth.password", "auth.logout",
    "roadshows.index", "roadshows.checkin", "roadshows.checkin_scan",
    # Door-to-door work: the sheet (nicknames only for volunteers) and recording a visit.
    "dashboards.unreached", "visits.new",
}
#: Changes a viewer may still make: only to their own session and password.
VIEWER_MAY_POST = {"auth.logout", "auth.password"}

#: A value of the right type for each URL converter (the row need not exist).
_DUMMY = {"IntegerConverter": 1, "BoundedIntConverter": 1, "UUIDConverter": uuid.UUID(int=1)}


def _url(rule: Rule) -> str:
    values = {arg: _DUMMY.get(type(conv).__name__, "x") for arg, conv in rule._converters.items()}
    return rule.map.bind("localhost").build(rule.endpoint, values, method=next(iter(rule.methods)))


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.fixture
def app(app):
    """The admin app with the kiosk sync API registered as in production (when present)."""
    try:
        from admin.api import register
    except ImportError:
        return app
    if "api" not in app.blueprints:
        register(app)
    return app


def test_every_endpoint_declares_who_may_use_it(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        access = getattr(view, "_access", None)
        assert access == "public" or isinstance(access, frozenset), f"{endpoint} has no access rule"
        if access == "public":
            assert endpoint in PUBLIC or endpoint.startswith("api."), (
                f"{endpoint} is public but not on the reviewed list")


def test_route_walker_refuses_unauthenticated(app, client, make_staff):
    make_staff()  # an account exists, so even the set-up page refuses
    walked = 0
    for rule, method in _routes(app):
        if rule.endpoint in ("static", "auth.login") or rule.endpoint in API_OPEN:
            continue
        response = client.open(_url(rule), method=method)
        walked += 1
        if rule.endpoint.startswith("api."):
            # No bearer token: refused (401), or rejected as a malformed enrolment (4xx).
            assert 400 <= response.status_code < 500, (rule.rule, method, response.status_code)
            continue
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (rule.rule, method)
        else:
            assert response.status_code in (401, 403), (rule.rule, method, response.status_code)
    assert walked >= 8


def test_unknown_routes_do_not_leak_when_unauthenticated(client):
    assert client.get("/residents/999999").status_code in (302, 404)


@pytest.mark.parametrize("role", [Role.VOLUNTEER])
def test_volunteer_can_only_check_in(app, client, auth, role):
    auth.login(role)
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC or rule.endpoint in VOLUNTEER_ALLOWED or rule.endpoint.startswith("api."):
            continue
        response = client.open(_url(rule), method=method)
        assert response.status_code == 403, (rule.rule, method, response.status_code)


def test_viewer_cannot_change_anything(app, client, auth):
    auth.login(Role.VIEWER)
    for rule, method in _routes(app):
        if (method == "GET" or rule.endpoint in PUBLIC or rule.endpoint in VIEWER_MAY_POST
                or rule.endpoint.startswith("api.")):
            continue
        response = client.open(_url(rule), method=method)
        assert response.status_code == 403, (rule.rule, method, response.status_code)


def test_staff_cannot_manage_accounts(client, auth):
    auth.login(Role.STAFF)
    assert client.get("/staff").status_code == 403
    assert client.post("/staff", data={"username": "x1", "display_name": "x", "role": "admin"}).status_code == 403


def test_csrf_rejects_forms_without_token(settings, database, now, make_staff, community):
    make_staff(Role.ADMIN, "boss")
    app = make_app(settings, now, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        # Without the token the login form is refused outright.
        r = client.post("/login", data={"username": "boss", "password": PASSWORD})
        assert r.status_code == 400
        token = csrf_token_of(client.get("/login").get_data(as_text=True))
        r = client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302
        # Logged in, a state-changing POST without the token is still refused.
        assert client.post("/logout").status_code == 400
        assert client.get("/").status_code == 200
        page_token = csrf_token_of(client.get("/").get_data(as_text=True))
        assert client.post("/logout", data={"csrf_token": page_token}).status_code == 302
    finally:
        app.extensions["safezone"].database.dispose()


def test_login_rate_limit(client, make_staff):
    make_staff(Role.STAFF, "slow")
    codes = [client.post("/login", data={"username": "slow", "password": "wrong-password"}).status_code
             for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    # Even the right password is refused until the window passes.
    assert client.post("/login", data={"username": "slow", "password": PASSWORD}).status_code == 429
    # Reading the login page is not limited.
    assert client.get("/login").status_code == 200


def test_admin_creates_staff_with_one_time_password(client, auth, db_session):
    auth.login(Role.ADMIN)
    page = client.post("/staff", data={"username": "Vol1", "display_name": "志愿者一", "role": "volunteer"})
    html = page.get_data(as_text=True)
    assert "一次性密码" in html
    dup = client.post("/staff", data={"username": "vol1", "display_name": "x", "role": "viewer"})
    assert "已被使用" in dup.get_data(as_text=True)
