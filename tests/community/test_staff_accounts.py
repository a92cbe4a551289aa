"""Staff accounts: argon2id hashing, one-time passwords, creation rules and login checks."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models import AuditEntry, Role, StaffUser
from safezone.services import staff
from safezone.services.staff import (
    OTP_ALPHABET,
    StaffError,
    authenticate,
    create_staff_user,
    generate_one_time_password,
    hash_password,
    set_password,
    verify_password,
)

#: The hasher production uses, captured before the fixture below swaps in a cheap one.
PRODUCTION_HASHER = staff._hasher


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheaper argon2id parameters so the tests stay fast; the algorithm is the same."""
    monkeypatch.setattr(
        staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    staff._dummy_hash.cache_clear()
    yield
    staff._dummy_hash.cache_clear()


def test_production_parameters_are_strong() -> None:
    # RFC 9106's second recommended option: 64 MiB, 3 passes.
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.memory_cost >= 64 * 1024
    assert PRODUCTION_HASHER.time_cost >= 3


def _make(session: Session, now: datetime, **overrides: object) -> StaffUser:
    values: dict[str, object] = {
        "username": "Zhang.Wei",
        "display_name": "张伟",
        "role": Role.STAFF,
        "password": "correct horse 9",
        "now": now,
    }
    values.update(overrides)
    return create_staff_user(session, **values)  # type: ignore[arg-type]


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("s3cret-pass")
    assert hashed.startswith("$argon2id$")
    assert "s3cret-pass" not in hashed
    assert verify_password(hashed, "s3cret-pass")
    assert not verify_password(hashed, "s3cret-pasS")
    assert not verify_password("not a hash", "s3cret-pass")
    assert hash_password("s3cret-pass") != hashed  # salted


def test_one_time_password_is_readable_and_strong() -> None:
    password = generate_one_time_password()
    groups = password.split("-")
    assert [len(g) for g in groups] == [5, 5, 5]
    assert all(c in OTP_ALPHABET for c in "".join(groups))
    assert not set("0o1li") & set(OTP_ALPHABET)
    bits = staff.OTP_GROUPS * staff.OTP_GROUP_LENGTH * math.log2(len(OTP_ALPHABET))
    assert bits >= 60
    assert len({generate_one_time_password() for _ in range(50)}) == 50
    seeded = generate_one_time_password(random.Random(7))
    assert seeded == generate_one_time_password(random.Random(7))


def test_create_normalises_username_and_audits(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now, username="  Zhang.Wei ")
    assert user.username == "zhang.wei"
    assert user.active and not user.must_change_password
    assert verify_password(user.password_hash, "correct horse 9")
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.create")).one()
    assert entry.target_id == str(user.id)
    assert "correct horse 9" not in str(entry.details)


def test_duplicate_username_is_refused_case_insensitively(
    db_session: Session, now: datetime
) -> None:
    _make(db_session, now)
    with pytest.raises(StaffError, match="already taken"):
        _make(db_session, now, username="ZHANG.WEI")
    assert len(db_session.scalars(select(StaffUser)).all()) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "a"}, "invalid username"),
        ({"username": "张 伟"}, "invalid username"),
        ({"username": ""}, "invalid username"),
        ({"display_name": "  "}, "display name"),
        ({"password": "short"}, "at least 8"),
        ({"password": " " * 12}, "only spaces"),
        ({"password": "x" * 300}, "at most 256"),
    ],
)
def test_bad_account_data_is_refused(
    session: Session, now: datetime, overrides: dict, message: str
) -> None:
    # Pure validation: SQLite is enough; the engine-specific paths are tested on both.
    with pytest.raises(StaffError, match=message):
        _make(session, now, **overrides)
    assert session.scalars(select(StaffUser)).first() is None


def test_authenticate_success_sets_last_login(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now)
    later = now + timedelta(hours=2)
    assert authenticate(db_session, "ZHANG.wei ", "correct horse 9", now=later) is user
    db_session.expire_all()
    assert db_session.get(StaffUser, user.id).last_login_at == later


def test_authenticate_wrong_password(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now)
    assert authenticate(db_session, "zhang.wei", "correct horse 8", now=now) is None
    assert user.last_login_at is None


def test_authenticate_unknown_user_still_hashes(
    db_session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = staff.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(staff, "verify_password", counting)
    assert authenticate(db_session, "nobody", "whatever123", now=now) is None
    # The dummy hash was verified: an unknown name costs as much as a wrong password.
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_authenticate_disabled_user(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now)
    user.active = False
    db_session.flush()
    assert authenticate(db_session, "zhang.wei", "correct horse 9", now=now) is None
    assert user.last_login_at is None


def test_authenticate_rehashes_outdated_parameters(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse 9")
    user.password_hash = weak
    db_session.flush()
    assert authenticate(db_session, "zhang.wei", "correct horse 9", now=now) is user
    assert user.password_hash != weak
    assert not staff.needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, "correct horse 9")


def test_set_password_replaces_hash_and_flags_one_time(db_session: Session, now: datetime) -> None:
    user = _make(db_session, now)
    set_password(db_session, user, "brand-new-pass", now=now, must_change_password=True)
    assert user.must_change_password
    assert authenticate(db_session, "zhang.wei", "correct horse 9", now=now) is None
    assert authenticate(db_session, "zhang.wei", "brand-new-pass", now=now) is user
    with pytest.raises(StaffError):
        set_password(db_session, user, "tiny", now=now)
    assert verify_password(user.password_hash, "brand-new-pass")
