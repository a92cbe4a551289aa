"""Volunteers are assigned to roadshows and check people in only there, and only while check-in
is open (the core rule every path calls). On the original main any volunteer could check in at
any roadshow at any time, and the web form took check-ins at ended and future roadshows."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "admin"))

from admin_support import PASSWORD, make_app

from safezone.cards.service import issue_card
from safezone.models import AgeGroup, Building, Household, Plot, Resident, Role, Site
from safezone.services import roadshows
from safezone.services.staff import create_staff_user


@pytest.fixture
def setup(settings, database, now):
    with database.sessions() as s:
        plot = Plot(site=Site(name="锦秀城三期", household_target=1462), number=1)
        household = Household(building=Building(plot=plot, number=5), unit=1, room="101",
                              created_at=now)
        people = [Resident(household=household, full_name=f"居民{i}", nickname=f"邻居{i}",
                           age_group=AgeGroup.ADULT, consent=True, created_at=now)
                  for i in range(3)]
        s.add_all([plot, household, *people])
        s.flush()
        codes = [issue_card(s, p, now=now).code for p in people]
        mine = create_staff_user(s, username="vol", display_name="志愿者甲", role=Role.VOLUNTEER,
                                 password=PASSWORD, now=now)
        create_staff_user(s, username="staff", display_name="社工", role=Role.STAFF,
                          password=PASSWORD, now=now)
        def event(title, starts):
            return roadshows.create_event(s, title=title, place="广场", topics=["fire"], now=now,
                                          starts_at=now + starts,
                                          ends_at=now + starts + timedelta(hours=2))
        assigned = event("指派的活动", timedelta(minutes=-10))
        other = event("别人的活动", timedelta(minutes=-10))
        later = event("下周的活动", timedelta(days=7))
        roadshows.assign_volunteer(s, assigned, mine, now=now)
        roadshows.assign_volunteer(s, later, mine, now=now)
        s.commit()
        ids = {"assigned": assigned.id, "other": other.id, "later": later.id}
    app = make_app(settings, now)
    yield app, ids, codes
    app.extensions["safezone"].database.dispose()


def _client(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": PASSWORD}).status_code == 302
    return client


def test_volunteer_checks_in_only_at_assigned_roadshows_in_the_window(setup) -> None:
    app, ids, codes = setup
    vol = _client(app, "vol")
    assert vol.get(f"/roadshows/{ids['other']}/checkin").status_code == 403
    refused = vol.post(f"/roadshows/{ids['other']}/checkin", json={"code": codes[0]})
    assert refused.status_code == 403 and refused.json["reason"] == "not_assigned"
    assert vol.get(f"/roadshows/{ids['assigned']}/checkin").status_code == 200
    assert vol.post(f"/roadshows/{ids['assigned']}/checkin",
                    json={"code": codes[0]}).status_code == 200
    # Assigned, but next week: check-in is not open yet.
    early = vol.post(f"/roadshows/{ids['later']}/checkin", json={"code": codes[1]})
    assert early.status_code == 409 and "签到" in early.json["message"]


def test_staff_check_in_anywhere_but_not_outside_the_window(setup) -> None:
    app, ids, codes = setup
    staff = _client(app, "staff")
    assert staff.post(f"/roadshows/{ids['other']}/checkin",
                      json={"code": codes[2]}).status_code == 200
    assert staff.post(f"/roadshows/{ids['later']}/checkin",
                      json={"code": codes[1]}).status_code == 409


def test_staff_assign_and_remove_volunteers_on_the_roadshow_page(setup, database) -> None:
    app, ids, _codes = setup
    staff = _client(app, "staff")
    page = staff.get(f"/roadshows/{ids['other']}").get_data(as_text=True)
    assert "签到志愿者" in page and "志愿者甲 (vol)" in page
    with database.sessions() as s:
        from safezone.services.staff import user_by_username
        vol_id = user_by_username(s, "vol").id
    staff.post(f"/roadshows/{ids['other']}/volunteers", data={"staff_id": str(vol_id)})
    vol = _client(app, "vol")
    assert vol.get(f"/roadshows/{ids['other']}/checkin").status_code == 200
    staff.post(f"/roadshows/{ids['other']}/volunteers/{vol_id}/remove")
    assert vol.get(f"/roadshows/{ids['other']}/checkin").status_code == 403
