"""Staff passwords are judged by zxcvbn with the account's and the site's names as context:
`password`, keyboard walks and names with digits are refused (on main `password` was accepted),
and a forced change cannot keep the one-time password. Refusals are bilingual, on the form."""

from __future__ import annotations

import pytest
from admin_support import PASSWORD

from safezone.models import Role, Site, StaffUser
from safezone.services import staff
from safezone.services.staff import PasswordRefused


@pytest.fixture
def site(db_session):
    row = Site(name="锦秀城三期", name_en="Jinxiucheng Phase III", household_target=1462)
    db_session.add(row)
    db_session.commit()
    return row


@pytest.mark.parametrize("password", [
    "password", "password1", "12345678", "qwertyuiop", "P@ssw0rd!", "iloveyou99",
    "wanglei2024", "Wanglei@123",                     # the username with digits
    "jinxiucheng2026", "Jinxiucheng!2026", "锦秀城三期2026",  # the site's names
    "safezone2026",
])
def test_guessable_passwords_are_refused(db_session, site, now, password):
    with pytest.raises(PasswordRefused) as info:
        staff.create_staff_user(db_session, username="wanglei", display_name="王磊",
                                role=Role.STAFF, password=password, now=now)
    zh, _, en = str(info.value).partition(" / ")
    assert "容易被猜到" in zh and "too easy to guess" in en


@pytest.mark.parametrize("password", [PASSWORD, "Lantern-Okra-Treadmill", "汽车 窗户 蜡烛 长城 2941"])
def test_strong_passwords_are_accepted(db_session, site, now, password):
    user = staff.create_staff_user(db_session, username="wanglei", display_name="王磊",
                                   role=Role.STAFF, password=password, now=now)
    assert staff.verify_password(user.password_hash, password)


def test_the_one_time_password_cannot_be_kept(db_session, site, now, make_staff):
    boss = make_staff(Role.ADMIN, "boss")
    user = make_staff(Role.STAFF, "li")
    one_time = staff.reset_password(db_session, user, now=now, actor_label="boss", actor_id=boss.id)
    with pytest.raises(PasswordRefused, match="一次性密码.*one-time password"):
        staff.set_password(db_session, user, one_time, now=now)
    staff.set_password(db_session, user, "Lantern-Okra-Treadmill", now=now)
    assert not user.must_change_password


def _change(client, new: str, lang: str = "zh"):
    return client.post(f"/password?lang={lang}", data={"current": PASSWORD, "new": new, "confirm": new})


@pytest.mark.parametrize(("lang", "text"), [("zh", "容易被猜到"), ("en", "too easy to guess")])
def test_the_form_refuses_password_in_either_language(client, auth, db_session, lang, text):
    auth.login(Role.STAFF, "li")
    response = _change(client, "password", lang)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)
    db_session.expire_all()
    user = db_session.query(StaffUser).filter_by(username="li").one()
    assert staff.verify_password(user.password_hash, PASSWORD)  # nothing changed


def test_setup_refuses_a_weak_first_password(client, db_session):
    response = client.post("/setup", data={"username": "zhang", "display_name": "张主任",
                                           "password": "zhang123456", "confirm": "zhang123456"})
    assert response.status_code == 200 and "容易被猜到" in response.get_data(as_text=True)
    assert db_session.query(StaffUser).count() == 0
