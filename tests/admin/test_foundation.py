"""App factory, first-run set-up, log in/out, password change, headers, language."""

from __future__ import annotations

from admin_support import PASSWORD
from sqlalchemy import select

from safezone.models import AuditEntry, Role, StaffUser


def test_first_run_redirects_to_setup_and_creates_admin(client, db_session):
    assert client.get("/").headers["Location"].startswith("/login")
    assert client.get("/login").headers["Location"] == "/setup"
    page = client.get("/setup")
    assert "首次设置" in page.get_data(as_text=True)
    bad = client.post("/setup", data={"username": "boss", "display_name": "主任",
                                      "password": "short", "confirm": "short"})
    assert "密码太短" in bad.get_data(as_text=True)
    assert db_session.scalar(select(StaffUser)) is None
    ok = client.post("/setup", data={"username": "Boss", "display_name": "主任",
                                     "password": PASSWORD, "confirm": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    db_session.rollback()  # end the read snapshot taken above
    db_session.expire_all()
    user = db_session.scalar(select(StaffUser))
    assert user.username == "boss" and user.role == Role.ADMIN
    # No community yet (``safezone init`` without the demo): the overview hands over to the wizard.
    assert client.get("/").headers["Location"] == "/community/"
    assert "欢迎使用：设置您的小区" in client.get("/community/").get_data(as_text=True)
    # Once an account exists the set-up page is gone.
    client.post("/logout")
    assert client.get("/setup").headers["Location"] == "/login"


def test_login_wrong_password_is_refused_and_audited(client, make_staff, db_session):
    make_staff(Role.STAFF, "wang")
    page = client.post("/login", data={"username": "wang", "password": "nope-nope-nope"})
    assert "用户名或密码不正确" in page.get_data(as_text=True)
    assert client.get("/").status_code == 302
    actions = db_session.scalars(select(AuditEntry.action)).all()
    assert "auth.login_failed" in actions


def test_login_logout_audited(client, auth, db_session):
    response = auth.login(Role.STAFF)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302
    actions = db_session.scalars(select(AuditEntry.action)).all()
    assert "auth.login" in actions and "auth.logout" in actions


def test_login_next_must_stay_on_site(client, auth, make_staff):
    make_staff(Role.STAFF, "li")
    r = client.post("/login?next=https://evil.example/x", data={"username": "li", "password": PASSWORD})
    assert r.headers["Location"] == "/"
    client.post("/logout")
    r = client.post("/login?next=/password", data={"username": "li", "password": PASSWORD})
    assert r.headers["Location"] == "/password"


def test_disabled_account_cannot_log_in(client, make_staff, db_session):
    user = make_staff(Role.STAFF, "gone")
    user.active = False
    db_session.commit()
    client.post("/login", data={"username": "gone", "password": PASSWORD})
    assert client.get("/").status_code == 302


def test_forced_password_change(client, make_staff, db_session):
    make_staff(Role.STAFF, "new", must_change_password=True)
    r = client.post("/login", data={"username": "new", "password": PASSWORD})
    assert r.headers["Location"] == "/password"
    assert client.get("/").headers["Location"] == "/password"
    wrong = client.post("/password", data={"current": "bad", "new": "another secret 1",
                                           "confirm": "another secret 1"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    mismatch = client.post("/password", data={"current": PASSWORD, "new": "another secret 1",
                                              "confirm": "different"})
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    ok = client.post("/password", data={"current": PASSWORD, "new": "another secret 1",
                                        "confirm": "another secret 1"})
    assert ok.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(StaffUser).where(StaffUser.username == "new")).must_change_password is False


def test_password_change_logs_out_other_sessions(app, auth, make_staff):
    make_staff(Role.STAFF, "two")
    other = app.test_client()
    other.post("/login", data={"username": "two", "password": PASSWORD})
    assert other.get("/").status_code == 200
    mine = app.test_client()
    mine.post("/login", data={"username": "two", "password": PASSWORD})
    mine.post("/password", data={"current": PASSWORD, "new": "brand new secret",
                                 "confirm": "brand new secret"})
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_security_headers_and_csp(client, auth):
    auth.login()
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in r.get_data(as_text=True)  # no inline scripts anywhere


def test_production_cookie_settings(settings, database, now):
    from admin import create_app

    app = create_app(settings, test_config={"SECRET_KEY": "x", "CLOCK": lambda: now})
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
    finally:
        app.extensions["safezone"].database.dispose()


def test_secret_key_generated_once_into_data_dir(settings, database, now):
    from admin import create_app

    first = create_app(settings, test_config={"CLOCK": lambda: now})
    second = create_app(settings, test_config={"CLOCK": lambda: now})
    try:
        assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
        key_file = settings.data_dir / "admin_secret_key"
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    finally:
        first.extensions["safezone"].database.dispose()
        second.extensions["safezone"].database.dispose()


def test_language_toggle_kept_in_session(client, auth, community):
    auth.login()
    assert "概览" in client.get("/").get_data(as_text=True)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Overview" in page and 'lang="en"' in page
    assert "Overview" in client.get("/").get_data(as_text=True)
    assert "概览" in client.get("/?lang=zh-CN").get_data(as_text=True)


def test_login_page_in_english(client, make_staff):
    make_staff()
    assert "Log in" in client.get("/login?lang=en").get_data(as_text=True)


def test_unknown_page_is_404_when_logged_in(client, auth):
    auth.login()
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)


def test_hsts_only_over_https(client, make_staff):
    make_staff()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
