"""Roadshows: create/edit with validation, list and calendar, waiting list, check-in, export."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from safezone.cards.service import issue_card, revoke_card
from safezone.models import (
    AuditEntry,
    CheckIn,
    CheckInMethod,
    PointsEntry,
    Registration,
    RoadshowEvent,
    Role,
)
from safezone.services.roadshows import create_event

FORM = {
    "title": "消防安全路演", "title_en": "Fire safety roadshow", "place": "1号地块5栋架空层",
    "starts_at": "2026-12-05T09:30", "ends_at": "2026-12-05T11:30", "capacity": "2",
    "checkin_points": "15", "description": "灭火器使用演示", "topics": ["fire", "home"],
}


@pytest.fixture
def event(db_session, now):
    """A roadshow starting in an hour (check-in is open) with two places."""
    item = create_event(db_session, title="电动车安全", place="2号地块广场", topics=["fire", "traffic"],
                        starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3),
                        capacity=2, checkin_points=10, now=now)
    db_session.commit()
    return item


@pytest.fixture
def codes(db_session, community, now):
    """Issued card codes for the community's residents (and one revoked code)."""
    residents = community["residents"]
    issued = [issue_card(db_session, r, now=now).code for r in residents[:3]]
    old = issue_card(db_session, residents[3], now=now)
    revoke_card(db_session, old.card, reason="遗失", now=now)
    db_session.commit()
    return {"valid": issued, "revoked": old.code}


def test_create_roadshow_and_validation(client, auth, db_session):
    auth.login(Role.STAFF)
    assert client.get("/roadshows/new").status_code == 200
    bad = client.post("/roadshows/new", data={**FORM, "ends_at": "2026-12-05T08:00"})
    assert "结束时间必须晚于开始时间" in bad.get_data(as_text=True)
    no_date = client.post("/roadshows/new", data={**FORM, "starts_at": "soon"})
    assert "请填写日期和时间" in no_date.get_data(as_text=True)
    no_topic = client.post("/roadshows/new", data={k: v for k, v in FORM.items() if k != "topics"})
    assert "请至少选择一个主题" in no_topic.get_data(as_text=True)
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(RoadshowEvent)) == 0
    ok = client.post("/roadshows/new", data=FORM)
    assert ok.status_code == 302
    db_session.rollback()
    db_session.expire_all()
    created = db_session.scalar(select(RoadshowEvent))
    assert created.topics == ["fire", "home"] and created.capacity == 2
    # 09:30 in Wuhan is 01:30 UTC.
    assert created.starts_at.hour == 1 and created.starts_at.minute == 30
    page = client.get(f"/roadshows/{created.id}").get_data(as_text=True)
    assert "消防安全路演" in page and "2026-12-05 09:30" in page


def test_edit_roadshow(client, auth, event, db_session):
    auth.login(Role.STAFF)
    page = client.get(f"/roadshows/{event.id}/edit").get_data(as_text=True)
    assert "电动车安全" in page
    r = client.post(f"/roadshows/{event.id}/edit", data={**FORM, "title": "电动车充电安全"})
    assert r.status_code == 302
    db_session.rollback()
    db_session.expire_all()
    assert db_session.get(RoadshowEvent, event.id).title == "电动车充电安全"


def test_list_and_calendar(client, auth, event):
    auth.login(Role.VIEWER)
    assert "电动车安全" in client.get("/roadshows/").get_data(as_text=True)
    cal = client.get("/roadshows/?view=calendar&month=2026-11").get_data(as_text=True)
    assert "2026 年 11 月" in cal and "电动车安全" in cal
    other = client.get("/roadshows/?view=calendar&month=2027-02").get_data(as_text=True)
    assert "电动车安全" not in other
    assert client.get("/roadshows/?view=calendar&month=bad").status_code == 200


def test_registration_with_waiting_list(client, auth, event, community, db_session):
    auth.login(Role.STAFF)
    residents = community["residents"]
    for person in residents[:3]:
        client.post(f"/roadshows/{event.id}/register", data={"resident_id": person.id})
    page = client.get(f"/roadshows/{event.id}").get_data(as_text=True)
    assert "候补名单" in page
    db_session.rollback()
    db_session.expire_all()
    statuses = dict(db_session.execute(select(Registration.resident_id, Registration.status)).all())
    assert [statuses[p.id].value for p in residents[:3]] == ["registered", "registered", "waitlisted"]
    again = client.post(f"/roadshows/{event.id}/register", data={"resident_id": residents[0].id},
                        follow_redirects=True)
    assert "该居民已报名" in again.get_data(as_text=True)
    # Cancelling a place promotes the first on the waiting list.
    r = client.post(f"/roadshows/{event.id}/unregister/{residents[0].id}", follow_redirects=True)
    assert "已转为正式报名" in r.get_data(as_text=True)
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(Registration.status).where(
        Registration.resident_id == residents[2].id)).value == "registered"


def test_register_by_card_code(client, auth, event, codes, db_session):
    auth.login(Role.STAFF)
    client.post(f"/roadshows/{event.id}/register", data={"code": codes["valid"][0]})
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Registration)) == 1
    bad = client.post(f"/roadshows/{event.id}/register", data={"code": codes["revoked"]}, follow_redirects=True)
    assert "这张卡已经停用" in bad.get_data(as_text=True)


def _assign(db_session, event, username: str, now) -> None:
    """Assign the volunteer account ``username`` to ``event`` (volunteers check in only there)."""
    from safezone.services.roadshows import assign_volunteer
    from safezone.services.staff import user_by_username

    assign_volunteer(db_session, db_session.merge(event), user_by_username(db_session, username),
                     now=now)
    db_session.commit()


def test_check_in_json_success_double_unknown_revoked(client, auth, event, codes, db_session, now):
    auth.login(Role.VOLUNTEER)
    _assign(db_session, event, "volunteer", now)
    page = client.get(f"/roadshows/{event.id}/checkin").get_data(as_text=True)
    assert 'id="code"' in page and "autofocus" in page
    url = f"/roadshows/{event.id}/checkin"
    ok = client.post(url, json={"code": codes["valid"][0], "method": "scanner"})
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["ok"] and body["nickname"] == "张先生" and body["building"] == "1号地块5栋"
    assert body["checked_in"] == 1
    double = client.post(url, json={"code": codes["valid"][0].lower(), "method": "camera"})
    assert double.status_code == 409
    assert "无需重复签到" in double.get_json()["message"]
    unknown = client.post(url, json={"code": "ABCDEFGHJKLMN"})
    assert unknown.status_code == 422 and unknown.get_json()["ok"] is False
    revoked = client.post(url, json={"code": codes["revoked"]})
    assert revoked.get_json()["reason"] == "revoked"
    assert "停用" in revoked.get_json()["message"]
    empty = client.post(url, json={"code": ""})
    assert empty.get_json()["reason"] == "empty"
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert db_session.scalar(select(func.sum(PointsEntry.amount))) == 10
    assert db_session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "roadshow.checkin")) == 1


def test_check_in_english_messages(client, auth, event, codes, db_session, now):
    auth.login(Role.VOLUNTEER)
    _assign(db_session, event, "volunteer", now)
    client.get("/roadshows/?lang=en")
    r = client.post(f"/roadshows/{event.id}/checkin", json={"code": codes["revoked"]})
    assert "was revoked" in r.get_json()["message"] and "guest" not in r.get_json()["message"]


def test_check_in_without_javascript(client, auth, event, codes):
    auth.login(Role.STAFF)
    r = client.post(f"/roadshows/{event.id}/checkin", data={"code": codes["valid"][1], "method": "scanner"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "李阿姨" in html and "签到成功" in html


def test_check_in_cancelled_event_refused(client, auth, event, codes):
    auth.login(Role.STAFF)
    client.post(f"/roadshows/{event.id}/cancel", data={"reason": "下雨"})
    r = client.post(f"/roadshows/{event.id}/checkin", json={"code": codes["valid"][0]})
    assert r.status_code == 409 and "已取消" in r.get_json()["message"]


def test_viewer_cannot_check_in(client, auth, event, codes):
    auth.login(Role.VIEWER)
    r = client.post(f"/roadshows/{event.id}/checkin", json={"code": codes["valid"][0]})
    assert r.status_code == 403 and r.get_json()["error"] == "forbidden"


def test_unauthenticated_check_in_gets_json_401(client, event):
    r = client.post(f"/roadshows/{event.id}/checkin", json={"code": "X"})
    assert r.status_code == 401 and r.get_json()["error"] == "unauthenticated"


def test_attendance_export_is_audited(client, auth, event, codes, db_session):
    auth.login(Role.STAFF)
    client.post(f"/roadshows/{event.id}/checkin", json={"code": codes["valid"][0]})
    r = client.get(f"/roadshows/{event.id}/attendance.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    assert "张先生" in text
    db_session.rollback()
    db_session.expire_all()
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.attendance"))


def test_concurrent_check_ins_all_succeed(app, make_staff, event, community, db_session, now):
    """Several volunteers scanning at once: SQLite writers queue (no 'database is locked')."""
    import threading

    from admin_support import PASSWORD

    from safezone.cards.service import issue_cards
    from safezone.models import AgeGroup, Resident

    household = community["households"][0]
    people = [Resident(household_id=household.id, full_name=f"居民{i}", nickname=f"邻居{i}",
                       age_group=AgeGroup.ADULT, created_at=now) for i in range(24)]
    db_session.add_all(people)
    db_session.flush()
    codes = [item.code for item in issue_cards(db_session, people, now=now)]
    db_session.commit()
    make_staff(Role.VOLUNTEER, "vol")
    _assign(db_session, event, "vol", now)
    statuses: list[int] = []
    lock = threading.Lock()

    def scan(mine: list[str]) -> None:
        client = app.test_client()
        client.post("/login", data={"username": "vol", "password": PASSWORD})
        for code in mine:
            status = client.post(f"/roadshows/{event.id}/checkin", json={"code": code}).status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=scan, args=(codes[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 24
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(CheckIn)) == 24


def test_check_in_by_name_or_phone_with_household_confirmation(client, auth, event, community, db_session, now):
    auth.login(Role.VOLUNTEER)
    _assign(db_session, event, "volunteer", now)
    page = client.get(f"/roadshows/{event.id}/checkin?find=0001").get_data(as_text=True)
    assert "张伟" in page and "1号地块5栋1单元101" in page and "核对住址后签到" in page
    assert "赵强" not in page
    by_name = client.get(f"/roadshows/{event.id}/checkin?find=李秀").get_data(as_text=True)
    assert "李秀英" in by_name
    rid = community["residents"][0].id
    done = client.post(f"/roadshows/{event.id}/checkin", data={"resident_id": str(rid)})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "result-ok" in html and "张先生" in html
    db_session.rollback()
    check = db_session.scalars(select(CheckIn).where(CheckIn.resident_id == rid)).one()
    assert check.method == CheckInMethod.MANUAL


def test_wrong_code_is_kept_and_worded_for_staff(client, auth, event, db_session, now):
    auth.login(Role.VOLUNTEER)
    _assign(db_session, event, "volunteer", now)
    r = client.post(f"/roadshows/{event.id}/checkin", data={"code": "SZ23456789ABCDX"})
    html = r.get_data(as_text=True)
    assert 'value="SZ23456789ABCDX"' in html and "游客体验" not in html and "按姓名/手机尾号查找" in html
