"""Admin fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, ``auth`` and
factories for staff accounts and residents. Each test gets its own SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from admin_support import PASSWORD, make_app
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from safezone.app_context import Database
from safezone.config import Settings
from safezone.models import AgeGroup, Building, Household, Plot, Resident, Role, Site, StaffUser
from safezone.services.staff import create_staff_user


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with minimal cost: the tests log in hundreds of times; production keeps RFC 9106."""
    from argon2 import PasswordHasher

    from safezone.services import staff

    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def app(settings: Settings, database: Database, now: datetime) -> Iterator[Flask]:
    """The admin app over a freshly migrated SQLite database."""
    application = make_app(settings, now)
    yield application
    application.extensions["safezone"].database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def db_session(database: Database) -> Iterator[Session]:
    """A separate session for arranging and checking data (commit to make it visible)."""
    with database.sessions() as s:
        yield s


@pytest.fixture
def make_staff(db_session: Session, now: datetime) -> Callable[..., StaffUser]:
    """Factory: a committed staff account ``<role>`` (or ``username``) with :data:`PASSWORD`."""

    def make(role: Role = Role.ADMIN, username: str | None = None, **kw: object) -> StaffUser:
        user = create_staff_user(
            db_session, username=username or role.value, display_name=f"测试{role.value}",
            role=role, password=PASSWORD, now=now, **kw,
        )
        db_session.commit()
        return user

    return make


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client: FlaskClient, make_staff: Callable[..., StaffUser]) -> None:
        self._client = client
        self._make_staff = make_staff

    def login(self, role: Role = Role.ADMIN, username: str | None = None, password: str = PASSWORD):
        """Create the account if needed and log in; returns the response."""
        name = username or role.value
        self._make_staff(role, name)  # returns the existing account when there is one
        return self._client.post("/login", data={"username": name, "password": password})

    def logout(self):
        """Log out."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient, make_staff: Callable[..., StaffUser], db_session: Session) -> AuthActions:
    """Log in/out helper."""

    def safe_make(role: Role, username: str) -> StaffUser:
        from safezone.services.staff import user_by_username

        existing = user_by_username(db_session, username)
        return existing or make_staff(role, username)

    return AuthActions(client, safe_make)


@pytest.fixture
def community(db_session: Session, now: datetime) -> dict[str, object]:
    """A tiny community: 1 site (target 1,462), 2 plots, 3 buildings, 3 households, 4 residents."""
    site = Site(name="锦秀城三期", household_target=1462)
    db_session.add(site)
    db_session.flush()
    plots = [Plot(site_id=site.id, number=n) for n in (1, 2)]
    db_session.add_all(plots)
    db_session.flush()
    buildings = [
        Building(plot_id=plots[0].id, number=5),
        Building(plot_id=plots[0].id, number=6),
        Building(plot_id=plots[1].id, number=1),
    ]
    db_session.add_all(buildings)
    db_session.flush()
    households = [
        Household(building_id=buildings[0].id, unit=1, room="101", created_at=now),
        Household(building_id=buildings[1].id, unit=2, room="1203", created_at=now),
        Household(building_id=buildings[2].id, unit=1, room="302", created_at=now),
    ]
    db_session.add_all(households)
    db_session.flush()
    residents = [
        Resident(household_id=households[0].id, full_name="张伟", nickname="张先生",
                 age_group=AgeGroup.ADULT, birth_year=1980, phone="13800000001", consent=True,
                 created_at=now),
        Resident(household_id=households[0].id, full_name="李秀英", nickname="李阿姨",
                 age_group=AgeGroup.ELDER, birth_year=1950, consent=True, created_at=now),
        Resident(household_id=households[1].id, full_name="王小明", nickname="小明",
                 age_group=AgeGroup.CHILD, birth_year=2016, consent=True, created_at=now),
        Resident(household_id=households[2].id, full_name="赵强", nickname="赵先生",
                 age_group=AgeGroup.ADULT, created_at=now),
    ]
    db_session.add_all(residents)
    db_session.commit()
    return {"site": site, "plots": plots, "buildings": buildings, "households": households,
            "residents": residents}
