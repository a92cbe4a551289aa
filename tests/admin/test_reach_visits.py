"""Reach page (every touchpoint, filterable, definition), door-knocking sheet, recording a visit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from safezone.models import AuditEntry, CheckInMethod, DoorVisit, Role
from safezone.services.roadshows import check_in, create_event


def _fresh(db_session):
    db_session.rollback()
    db_session.expire_all()
    return db_session


def test_visit_from_the_sheet_counts_on_the_reach_page(client, auth, community, db_session, now):
    event = create_event(db_session, title="消防路演", place="广场", topics=["fire"], now=now,
                         starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2))
    check_in(db_session, event, community["residents"][2], method=CheckInMethod.MANUAL, now=now)
    db_session.commit()
    auth.login(Role.STAFF)
    page = client.get("/dashboards/reach").get_data(as_text=True)
    assert "什么算“已覆盖”" in page and "走访时无人在家" in page
    assert 'id="reach-checkin">1<' in page and 'id="reach-visit">0<' in page
    h = community["households"][0]
    sheet = client.get(f"/dashboards/unreached?building={h.building_id}").get_data(as_text=True)
    assert "张伟" in sheet and "13800000001" in sheet and "101" in sheet and "记录走访" in sheet
    form = client.get(f"/visits/new?household={h.id}").get_data(as_text=True)
    assert "当面宣传" in form
    bad = client.post(f"/visits/new?household={h.id}", data={"outcome": "talked", "visitor": "",
                                                            "visited_at": "2026-01-01T10:00", "note": "门口有电动车"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请填写走访人" in html and "门口有电动车" in html
    when = (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # local time of "now"
    ok = client.post(f"/visits/new?household={h.id}", data={"outcome": "talked", "visitor": "王姐",
                                                           "visited_at": when, "topic": "fire"})
    assert ok.status_code == 302 and f"#door-{h.id}" in ok.headers["Location"]
    assert _fresh(db_session).scalars(select(DoorVisit)).one().visitor == "王姐"
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.record"))
    page = client.get("/dashboards/reach").get_data(as_text=True)
    assert 'id="reach-visit">1<' in page and 'id="reach-total">2<' in page
    filtered = client.get("/dashboards/reach?via=visit").get_data(as_text=True)
    assert 'id="reach-total">1<' in filtered and 'id="reach-checkin"' not in filtered
    assert client.get("/dashboards/api/reach?via=checkin").get_json()["households_reached"] == 1
    sheet = client.get(f"/dashboards/unreached?building={h.building_id}").get_data(as_text=True)
    assert "张伟" not in sheet


def test_volunteer_sees_no_names_and_viewer_cannot_record(client, auth, community):
    h = community["households"][0]
    auth.login(Role.VOLUNTEER)
    sheet = client.get(f"/dashboards/unreached?building={h.building_id}").get_data(as_text=True)
    assert "张先生" in sheet and "张伟" not in sheet and "13800000001" not in sheet
    assert client.get(f"/visits/new?household={h.id}").status_code == 200
    auth.logout()
    auth.login(Role.VIEWER)
    assert client.get(f"/visits/new?household={h.id}").status_code == 403
    assert "记录走访" not in client.get(f"/dashboards/unreached?building={h.building_id}").get_data(as_text=True)
