"""Admin sessions live on the server: logging out revokes a saved cookie, logging in rotates
the session and CSRF tokens, and every admin process (here: two app instances on one database,
or on one Redis) sees the same sessions."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from admin_support import PASSWORD, csrf_token_of, make_app

from safezone.models import Role

COOKIE = "safezone_session"


def _login(client, username: str = "admin") -> None:
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": PASSWORD})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]


def _logout(client) -> None:
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def _with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


@pytest.fixture
def csrf_app(settings, database, now):
    application = make_app(settings, now, WTF_CSRF_ENABLED=True)
    yield application
    application.extensions["safezone"].database.dispose()


def test_a_cookie_saved_before_logout_no_longer_works(csrf_app, make_staff, community):
    make_staff(Role.ADMIN, "admin")
    client = csrf_app.test_client()
    _login(client)
    saved = _cookie(client)
    assert _with_cookie(csrf_app, saved).get("/").status_code == 200
    _logout(client)
    # On main (signed client-side cookies) this still answered 200 for up to 12 hours.
    replay = _with_cookie(csrf_app, saved).get("/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_login_rotates_the_session_and_the_csrf_token(csrf_app, make_staff, community):
    make_staff(Role.ADMIN, "admin")
    client = csrf_app.test_client()
    before_token = csrf_token_of(client.get("/login").get_data(as_text=True))
    before_cookie = _cookie(client)
    response = client.post("/login", data={"csrf_token": before_token, "username": "admin",
                                           "password": PASSWORD})
    assert response.status_code == 302
    after_cookie = _cookie(client)
    assert after_cookie != before_cookie
    after_token = csrf_token_of(client.get("/").get_data(as_text=True))
    assert after_token != before_token
    # A form carrying the pre-login token is refused: a planted token buys nothing.
    assert client.post("/logout", data={"csrf_token": before_token}).status_code == 400
    # The pre-login session is gone from the store: a planted cookie is not logged in.
    assert _with_cookie(csrf_app, before_cookie).get("/").status_code == 302


def test_two_app_instances_share_one_session(settings, database, now, make_staff, community):
    make_staff(Role.ADMIN, "admin")
    first = make_app(settings, now, WTF_CSRF_ENABLED=True, SECRET_KEY="one")
    second = make_app(settings, now, WTF_CSRF_ENABLED=True, SECRET_KEY="two")
    try:
        client = first.test_client()
        _login(client)
        cookie = _cookie(client)
        elsewhere = _with_cookie(second, cookie)
        assert elsewhere.get("/").status_code == 200  # the other process knows this session
        _logout(elsewhere)
        assert client.get("/").status_code == 302  # logged out there: revoked here too
    finally:
        first.extensions["safezone"].database.dispose()
        second.extensions["safezone"].database.dispose()


def test_sessions_carry_no_values_in_the_cookie(csrf_app, make_staff):
    make_staff(Role.ADMIN, "admin")
    client = csrf_app.test_client()
    _login(client)
    value = _cookie(client)
    assert "." not in value and len(value) >= 40  # a random token, not a signed payload


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    pytest.importorskip("redis")
    port = 5135
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.skip("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_two_app_instances_share_sessions_in_redis(settings, database, now, make_staff, community, redis_url):
    from dataclasses import replace

    from sqlalchemy import func, select

    from safezone.models import AdminSession

    make_staff(Role.ADMIN, "admin")
    with_redis = replace(settings, session_redis_url=redis_url)
    first, second = make_app(with_redis, now, WTF_CSRF_ENABLED=True), make_app(
        with_redis, now, WTF_CSRF_ENABLED=True)
    try:
        client = first.test_client()
        _login(client)
        elsewhere = _with_cookie(second, _cookie(client))
        assert elsewhere.get("/").status_code == 200
        _logout(elsewhere)
        assert client.get("/").status_code == 302
        with database.sessions() as s:  # nothing went to the database
            assert s.scalar(select(func.count()).select_from(AdminSession)) == 0
    finally:
        first.extensions["safezone"].database.dispose()
        second.extensions["safezone"].database.dispose()
