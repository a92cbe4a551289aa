"""An administrator resets another staff member's password: a one-time password shown once, only
its argon2 hash stored, a forced change at the next login, every old session ended, audited."""

from __future__ import annotations

import random
import re

import pytest
from admin_support import PASSWORD, csrf_token_of, make_app
from sqlalchemy import select

from safezone.models import AuditEntry, Role, StaffUser
from safezone.services import staff as staff_service

_OTP = re.compile(r'<code class="otp">([a-z0-9-]+)</code>')


def _user(db_session, username: str) -> StaffUser:
    db_session.rollback()  # end this session's read snapshot...
    db_session.expire_all()  # ...and forget loaded rows: see what the app committed
    return db_session.scalars(select(StaffUser).where(StaffUser.username == username)).one()


def _resets(db_session) -> list[AuditEntry]:
    db_session.rollback()
    db_session.expire_all()
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.password_reset")))


def test_admin_resets_a_password_shown_once(app, client, auth, make_staff, db_session):
    li = make_staff(Role.STAFF, "li")
    li_client = app.test_client()
    li_client.post("/login", data={"username": "li", "password": PASSWORD})
    assert li_client.get("/").status_code == 200
    auth.login(Role.ADMIN)

    page = client.post(f"/staff/{li.id}/reset-password")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "账号 li 的密码已重置" in html
    otp = _OTP.search(html).group(1)
    assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}", otp)

    stored = _user(db_session, "li")
    assert stored.password_hash.startswith("$argon2id$") and otp not in stored.password_hash
    assert staff_service.verify_password(stored.password_hash, otp)
    assert not staff_service.verify_password(stored.password_hash, PASSWORD)
    assert stored.must_change_password is True
    # Shown once: not on the staff page afterwards, not in the session cookie or the audit log.
    assert otp not in client.get("/staff").get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert otp not in repr(dict(cookie))
    [entry] = _resets(db_session)
    assert (entry.actor_label, entry.target_type, entry.target_id) == ("admin", "staff_user", str(li.id))
    assert otp not in repr(entry.details)

    # li's open session ended; the old password no longer works; the new one forces a change.
    assert li_client.get("/").status_code == 302
    assert li_client.post("/login", data={"username": "li", "password": PASSWORD}).status_code == 200
    login = li_client.post("/login", data={"username": "li", "password": otp})
    assert login.status_code == 302 and login.headers["Location"].endswith("/password")
    assert li_client.get("/residents/").headers["Location"].endswith("/password")
    changed = li_client.post("/password", data={"current": otp, "new": "li-own-password",
                                                "confirm": "li-own-password"})
    assert changed.status_code == 302
    assert _user(db_session, "li").must_change_password is False


def test_the_staff_page_offers_reset_for_others_only(client, auth, make_staff, db_session):
    li = make_staff(Role.STAFF, "li")
    auth.login(Role.ADMIN)
    html = client.get("/staff").get_data(as_text=True)
    assert f'action="/staff/{li.id}/reset-password"' in html
    assert "重置 li 的密码？" in html  # the confirm dialog's question
    own = _user(db_session, "admin").id
    assert f'action="/staff/{own}/reset-password"' not in html


def test_own_password_cannot_be_reset_this_way(client, auth, db_session):
    auth.login(Role.ADMIN)
    me = _user(db_session, "admin")
    before = me.password_hash
    response = client.post(f"/staff/{me.id}/reset-password", follow_redirects=True)
    assert response.status_code == 200
    assert "不能用重置功能修改自己的密码" in response.get_data(as_text=True)
    after = _user(db_session, "admin")
    assert after.password_hash == before and after.must_change_password is False
    assert _resets(db_session) == []


def test_unknown_account_is_not_found(client, auth):
    auth.login(Role.ADMIN)
    assert client.post("/staff/999999/reset-password").status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.VOLUNTEER, Role.VIEWER])
def test_only_administrators_reset_passwords(client, auth, make_staff, db_session, role):
    boss = make_staff(Role.ADMIN, "boss")
    auth.login(role)
    assert client.post(f"/staff/{boss.id}/reset-password").status_code == 403
    assert staff_service.verify_password(_user(db_session, "boss").password_hash, PASSWORD)
    assert _resets(db_session) == []


def test_reset_needs_the_csrf_token(settings, database, now, make_staff, db_session):
    make_staff(Role.ADMIN, "boss")
    li = make_staff(Role.STAFF, "li")
    app = make_app(settings, now, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        token = csrf_token_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        assert client.post(f"/staff/{li.id}/reset-password").status_code == 400
        assert staff_service.verify_password(_user(db_session, "li").password_hash, PASSWORD)
        page_token = csrf_token_of(client.get("/staff").get_data(as_text=True))
        done = client.post(f"/staff/{li.id}/reset-password", data={"csrf_token": page_token})
        assert done.status_code == 200 and _OTP.search(done.get_data(as_text=True))
    finally:
        app.extensions["safezone"].database.dispose()


def test_service_refuses_the_actor_and_uses_the_given_generator(db_session, make_staff, now):
    li = make_staff(Role.STAFF, "li")
    with pytest.raises(staff_service.StaffError, match="自己的密码"):
        staff_service.reset_password(db_session, li, now=now, actor_label="li", actor_id=li.id)
    expected = staff_service.generate_one_time_password(random.Random(5))
    password = staff_service.reset_password(db_session, li, now=now, actor_label="cli",
                                            actor_id=None, rng=random.Random(5))
    assert password == expected
    assert li.must_change_password and staff_service.verify_password(li.password_hash, password)
