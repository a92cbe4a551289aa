"""Viewing is not exporting (as pretix separates them): a viewer reads the admin but cannot
download a roadshow's attendance XLSX (full names, flats) or the residents list, sees no phone
numbers and cannot find residents by one. On main a viewer downloaded the attendance list and
saw phone numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin.security import Permission, has_permission
from safezone.models import Role
from safezone.services.roadshows import create_event

PHONE = "13800000001"  # the community fixture's 张伟


@pytest.fixture
def event(db_session, now):
    item = create_event(db_session, title="电动车安全", place="2号地块广场", topics=["fire"],
                        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2),
                        capacity=20, checkin_points=10, now=now)
    db_session.commit()
    return item


def test_export_is_its_own_permission():
    for permission in (Permission.VIEW_PERSONAL_DATA, Permission.EXPORT_PERSONAL_DATA):
        assert has_permission(Role.ADMIN, permission) and has_permission(Role.STAFF, permission)
        assert not has_permission(Role.VIEWER, permission)
        assert not has_permission(Role.VOLUNTEER, permission)


def test_a_viewer_cannot_download_the_attendance_list(client, auth, event, community):
    auth.login(Role.VIEWER)
    page = client.get(f"/roadshows/{event.id}").get_data(as_text=True)
    assert "attendance.xlsx" not in page  # no button leading to a refusal
    assert client.get(f"/roadshows/{event.id}/attendance.xlsx").status_code == 403
    assert client.get("/exports/residents.xlsx").status_code == 403


def test_staff_still_download_it(client, auth, event, community):
    auth.login(Role.STAFF)
    assert f"/roadshows/{event.id}/attendance.xlsx" in client.get(f"/roadshows/{event.id}").get_data(as_text=True)
    response = client.get(f"/roadshows/{event.id}/attendance.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    assert response.headers["Cache-Control"] == "no-store"  # on main: no-cache


def test_a_viewer_sees_no_phone_numbers(client, auth, community):
    resident = community["residents"][0]
    auth.login(Role.VIEWER)
    page = client.get(f"/residents/{resident.id}").get_data(as_text=True)
    assert resident.full_name in page and PHONE not in page
    # Nor can a viewer find out whose number it is by searching for it.
    found = client.get(f"/residents/?q={PHONE}").get_data(as_text=True)
    assert resident.full_name not in found


def test_staff_see_and_search_phone_numbers(client, auth, community):
    resident = community["residents"][0]
    auth.login(Role.STAFF)
    assert PHONE in client.get(f"/residents/{resident.id}").get_data(as_text=True)
    assert resident.full_name in client.get(f"/residents/?q={PHONE}").get_data(as_text=True)
