"""The kiosks page: administrators register kiosks, see each one-time enrolment code once (only
its hash is stored), re-issue codes and revoke kiosks; everyone else is refused."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from admin_support import PASSWORD, csrf_token_of, make_app
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import AuditEntry, Kiosk, PlayMode, PlaySession, Role
from safezone.sync import tokens

_CODE = re.compile(r'<p class="enrol-code"[^>]*>(.*?)</p>', re.DOTALL)
_GROUP = re.compile(r'<span class="code-group">([A-Z0-9]{4})</span>')


class Clock:
    """A settable clock for the app under test."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current


def _code_on(html: str) -> str:
    """The enrolment code shown on a code page, without dashes."""
    block = _CODE.search(html)
    assert block, "no enrolment code on the page"
    groups = _GROUP.findall(block.group(1))
    assert len(groups) == 3
    return "".join(groups)


def _register(client: FlaskClient, name: str = "1号地块5栋架空层") -> tuple[str, str]:
    """Register a kiosk through the page; returns the page's HTML and the code on it."""
    response = client.post("/kiosks/", data={"name": name})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, _code_on(html)


def _kiosk(db_session: Session, name: str = "1号地块5栋架空层") -> Kiosk:
    db_session.rollback()  # end this session's read snapshot...
    db_session.expire_all()  # ...and forget loaded rows: see what the app committed
    return db_session.scalars(select(Kiosk).where(Kiosk.name == name)).one()


def _actions(db_session: Session) -> list[tuple[str, str]]:
    db_session.rollback()
    db_session.expire_all()
    return [(a.action, a.actor_label) for a in
            db_session.scalars(select(AuditEntry).where(AuditEntry.action.like("kiosk.%"))
                               .order_by(AuditEntry.id))]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.VOLUNTEER, Role.STAFF])
def test_only_administrators_manage_kiosks(client, auth, db_session, now, role):
    ticket = tokens.create_kiosk(db_session, "已有终端", now=now)
    db_session.commit()
    auth.login(role)
    kiosk_id = ticket.kiosk.id
    assert client.get("/kiosks/").status_code == 403
    assert client.post("/kiosks/", data={"name": "偷偷登记"}).status_code == 403
    assert client.post(f"/kiosks/{kiosk_id}/code").status_code == 403
    assert client.get(f"/kiosks/{kiosk_id}/revoke").status_code == 403
    assert client.post(f"/kiosks/{kiosk_id}/revoke", data={"confirm": "y"}).status_code == 403
    assert "/kiosks/" not in client.get("/").get_data(as_text=True)  # no menu entry either
    kiosk = _kiosk(db_session, "已有终端")
    assert kiosk.revoked_at is None
    assert kiosk.enrolment_code_hash == tokens.hash_secret(ticket.code)
    assert db_session.scalars(select(Kiosk.name)).all() == ["已有终端"]


def test_administrator_sees_the_page_in_the_menu(client, auth, community):
    auth.login(Role.ADMIN)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/kiosks/"' in home and "终端管理" in home
    page = client.get("/kiosks/")
    assert page.status_code == 200
    assert "还没有登记终端" in page.get_data(as_text=True)


def test_unknown_kiosk_is_not_found(client, auth):
    auth.login(Role.ADMIN)
    missing = uuid.UUID(int=7)
    assert client.post(f"/kiosks/{missing}/code").status_code == 404
    assert client.get(f"/kiosks/{missing}/revoke").status_code == 404


def test_registering_shows_the_code_once_and_stores_only_its_hash(client, auth, db_session, now):
    auth.login(Role.ADMIN)
    html, code = _register(client)
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert len(code) == tokens.CODE_LENGTH and set(code) <= set(tokens.CODE_ALPHABET)
    command = re.sub(r"</?span[^>]*>", "", re.search(r'<pre class="command"><code>(.*?)</code>', html).group(1))
    assert command == f"safezone sync --server https://localhost --enrol-code {grouped}"
    assert "只显示这一次" in html
    assert "有效至 2026-11-30 17:30（48 小时）" in html  # now + 48 h, Shanghai time

    kiosk = _kiosk(db_session)
    assert kiosk.enrolment_code_hash == tokens.hash_secret(code)
    assert kiosk.enrolment_code_issued_at == now
    assert kiosk.token_hash is None
    # Nowhere else: not in the audit log, the session cookie or the list page.
    audit_text = repr([(a.details, a.target_id) for a in db_session.scalars(select(AuditEntry))])
    assert code not in audit_text and grouped not in audit_text
    with client.session_transaction() as cookie:
        assert code not in repr(dict(cookie)) and grouped not in repr(dict(cookie))
    listing = client.get("/kiosks/").get_data(as_text=True)
    assert "1号地块5栋架空层" in listing and "等待注册" in listing
    assert grouped not in listing
    assert _actions(db_session) == [("kiosk.create", "admin")]


def test_a_second_kiosk_with_the_same_name_is_refused(client, auth, db_session):
    auth.login(Role.ADMIN)
    _register(client)
    again = client.post("/kiosks/", data={"name": " 1号地块5栋架空层 "})
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "已有名为“1号地块5栋架空层”的终端" in html
    assert 'class="enrol-code"' not in html
    assert len(db_session.scalars(select(Kiosk)).all()) == 1
    empty = client.post("/kiosks/", data={"name": ""})
    assert "必填" in empty.get_data(as_text=True)
    assert len(db_session.scalars(select(Kiosk)).all()) == 1


def test_the_kiosk_enrols_with_the_code_from_the_page(client, auth, db_session, now):
    auth.login(Role.ADMIN)
    _, code = _register(client)
    enrolled = client.post("/api/v1/enrol", json={"code": code.lower()})
    assert enrolled.status_code == 200, enrolled.json
    token = enrolled.json["token"]
    kiosk = _kiosk(db_session)
    assert kiosk.token_hash == tokens.hash_secret(token)
    assert kiosk.enrolment_code_hash is None and kiosk.enrolment_code_issued_at is None
    listing = client.get("/kiosks/").get_data(as_text=True)
    assert "已启用" in listing and "刚刚" in listing
    # A used code does not work twice.
    assert client.post("/api/v1/enrol", json={"code": code}).status_code == 403


def test_a_new_code_replaces_the_old_one(client, auth, db_session):
    auth.login(Role.ADMIN)
    _, first = _register(client)
    kiosk = _kiosk(db_session)
    response = client.post(f"/kiosks/{kiosk.id}/code")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    second = _code_on(html)
    assert second != first
    assert "旧注册码已失效" in html
    assert _kiosk(db_session).enrolment_code_hash == tokens.hash_secret(second)
    old = client.post("/api/v1/enrol", json={"code": first})
    assert old.status_code == 403 and old.json["error"] == "invalid_enrolment_code"
    assert client.post("/api/v1/enrol", json={"code": second}).status_code == 200
    assert _actions(db_session) == [("kiosk.create", "admin"), ("kiosk.enrolment_code", "admin"),
                                    ("kiosk.enrol", f"kiosk:{kiosk.id}")]


def test_revoking_asks_for_the_tick_then_the_token_is_refused(client, auth, db_session):
    auth.login(Role.ADMIN)
    _, code = _register(client)
    token = client.post("/api/v1/enrol", json={"code": code}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/kiosk", headers=headers).status_code == 200
    kiosk_id = _kiosk(db_session).id

    page = client.get(f"/kiosks/{kiosk_id}/revoke")
    assert page.status_code == 200
    assert "我确认停用“1号地块5栋架空层”" in page.get_data(as_text=True)
    unticked = client.post(f"/kiosks/{kiosk_id}/revoke", data={})
    assert unticked.status_code == 200
    assert "请先勾选确认框，未做任何更改" in unticked.get_data(as_text=True)
    assert _kiosk(db_session).revoked_at is None
    assert client.get("/api/v1/kiosk", headers=headers).status_code == 200

    done = client.post(f"/kiosks/{kiosk_id}/revoke", data={"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/kiosks/")
    assert _kiosk(db_session).revoked_at is not None
    refused = client.get("/api/v1/roster", headers=headers)
    assert refused.status_code == 403 and refused.json["error"] == "kiosk_revoked"
    listing = client.get("/kiosks/").get_data(as_text=True)
    assert "终端“1号地块5栋架空层”已停用" in listing and "已停用" in listing
    # Revoking twice changes nothing and writes no second entry.
    again = client.post(f"/kiosks/{kiosk_id}/revoke", data={"confirm": "y"})
    assert again.status_code == 302
    assert [a for a, _ in _actions(db_session)] == ["kiosk.create", "kiosk.enrol", "kiosk.revoke"]
    assert _actions(db_session)[-1] == ("kiosk.revoke", "admin")


def test_a_revoked_kiosk_comes_back_only_with_a_new_code(client, auth, db_session):
    auth.login(Role.ADMIN)
    _, code = _register(client)
    old_token = client.post("/api/v1/enrol", json={"code": code}).json["token"]
    kiosk_id = _kiosk(db_session).id
    client.post(f"/kiosks/{kiosk_id}/revoke", data={"confirm": "y"})
    new = _code_on(client.post(f"/kiosks/{kiosk_id}/code").get_data(as_text=True))
    assert "已停用" in client.get("/kiosks/").get_data(as_text=True)  # until it enrols
    token = client.post("/api/v1/enrol", json={"code": new}).json["token"]
    assert client.get("/api/v1/kiosk", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/kiosk",
                      headers={"Authorization": f"Bearer {old_token}"}).status_code == 401


def test_codes_expire_after_48_hours(settings, database, now, make_staff, db_session):
    clock = Clock(now)
    make_staff(Role.ADMIN, "boss")
    app = make_app(settings, now, CLOCK=clock)
    try:
        client = app.test_client()
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        _, code = _register(client)
        clock.current = now + tokens.ENROLMENT_CODE_LIFETIME + timedelta(seconds=1)
        # Two days later the 12-hour session has expired on the server: log in again.
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        listing = client.get("/kiosks/").get_data(as_text=True)
        assert "注册码已过期" in listing
        expired = client.post("/api/v1/enrol", json={"code": code})
        assert expired.status_code == 403
        assert expired.json["error"] == "expired_enrolment_code"
        assert "已过期" in expired.json["message"] and "expired" in expired.json["message"]
        assert _kiosk(db_session).token_hash is None
        # A new code starts a new 48 hours.
        fresh = _code_on(client.post(f"/kiosks/{_kiosk(db_session).id}/code").get_data(as_text=True))
        assert client.post("/api/v1/enrol", json={"code": fresh}).status_code == 200
    finally:
        app.extensions["safezone"].database.dispose()


def test_list_shows_plays_sent_and_when_each_kiosk_was_last_seen(client, auth, db_session, now):
    busy = tokens.create_kiosk(db_session, "1号地块5栋架空层", now=now - timedelta(days=30)).kiosk
    quiet = tokens.create_kiosk(db_session, "2号地块活动室", now=now - timedelta(days=3)).kiosk
    busy.token_hash, busy.last_seen_at = "x" * 64, now - timedelta(hours=3)
    quiet.token_hash, quiet.last_seen_at = "y" * 64, now - timedelta(days=3)
    for i in range(5):
        db_session.add(PlaySession(kiosk_id=busy.id, mode=PlayMode.GUEST, game_type="quiz",
                                   topic="fire", started_at=now - timedelta(hours=i)))
    db_session.add(PlaySession(kiosk_id=None, mode=PlayMode.GUEST, game_type="quiz", topic="fire",
                               started_at=now))
    db_session.commit()
    auth.login(Role.ADMIN)
    html = client.get("/kiosks/").get_data(as_text=True)
    rows = {name: row for row in re.findall(r"<tr.*?</tr>", html, re.DOTALL)
            for name in ("1号地块5栋架空层", "2号地块活动室") if name in row}
    assert re.search(r'<td class="num">5</td>', rows["1号地块5栋架空层"])
    assert re.search(r'<td class="num">0</td>', rows["2号地块活动室"])
    assert "2026-11-28 14:30" in rows["1号地块5栋架空层"] and "3 小时前" in rows["1号地块5栋架空层"]
    assert "3 天前" in rows["2号地块活动室"]
    english = client.get("/kiosks/?lang=en").get_data(as_text=True)
    assert "3 h ago" in english and "Plays sent" in english and "Active" in english


def test_forms_need_the_csrf_token(settings, database, now, make_staff, db_session):
    make_staff(Role.ADMIN, "boss")
    kiosk = tokens.create_kiosk(db_session, "已有终端", now=now).kiosk
    db_session.commit()
    app = make_app(settings, now, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        token = csrf_token_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        assert client.post("/kiosks/", data={"name": "新终端"}).status_code == 400
        assert client.post(f"/kiosks/{kiosk.id}/code").status_code == 400
        assert client.post(f"/kiosks/{kiosk.id}/revoke", data={"confirm": "y"}).status_code == 400
        assert db_session.scalars(select(Kiosk.name)).all() == ["已有终端"]
        assert _kiosk(db_session, "已有终端").revoked_at is None

        page_token = csrf_token_of(client.get("/kiosks/").get_data(as_text=True))
        made = client.post("/kiosks/", data={"name": "新终端", "csrf_token": page_token})
        assert made.status_code == 200 and 'class="enrol-code"' in made.get_data(as_text=True)
        revoke_page = client.get(f"/kiosks/{kiosk.id}/revoke").get_data(as_text=True)
        done = client.post(f"/kiosks/{kiosk.id}/revoke",
                           data={"confirm": "y", "csrf_token": csrf_token_of(revoke_page)})
        assert done.status_code == 302
        assert _kiosk(db_session, "已有终端").revoked_at is not None
    finally:
        app.extensions["safezone"].database.dispose()


def test_code_page_in_english(client, auth):
    auth.login(Role.ADMIN)
    client.get("/kiosks/?lang=en")
    html, _ = _register(client, "Gate kiosk")
    assert "One-time enrolment code for &#39;Gate kiosk&#39;" in html
    assert "Valid until 2026-11-30 17:30 (48 hours), and only once." in html
    assert "shown only now" in html
    main = html[html.index("<main"):html.index("</main>")]  # the sidebar holds data (site name)
    assert not re.search(r"[\u4e00-\u9fff]", main), "Chinese UI text left on the English page"
