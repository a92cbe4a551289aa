"""Staff accounts: argon2id password hashes, one-time passwords, creation and login checks.

Passwords are only ever handled as argon2id hashes (argon2-cffi, RFC 9106 parameters). Login
checks take about the same time whether or not the user exists, so the login form does not tell
an attacker which usernames are real.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from safezone.models import Role, Site, StaffUser
from safezone.services import audit

#: Shortest password accepted for a staff account (one-time passwords are longer).
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted; bounds the work one login attempt can cause.
MAX_PASSWORD_LENGTH = 256

#: Letters and digits that cannot be mistaken for one another when read aloud or from paper
#: (no 0/o, 1/l/i).
OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: 3 groups of 5 from 31 symbols: 15 × log2(31) ≈ 74 bits, well above the required 60.
OTP_GROUPS = 3
OTP_GROUP_LENGTH = 5

#: zxcvbn score a chosen password needs: 3 means about 10^8 guesses or more, out of reach online
#: (10 tries a minute) and slow offline against argon2id; 0–2 are common passwords, names,
#: dates, keyboard walks and the username or site name with a few digits.
MIN_PASSWORD_SCORE = 3
#: zxcvbn's matching grows fast with length; a password's first characters are what it judges
#: (a longer password only gets stronger).
_ZXCVBN_MAX_CHARS = 100
#: Words no staff password should be built on, besides the account's and the site's names.
_PRODUCT_WORDS = ("safezone", "admin", "anquan", "shequ", "wuye")

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults


class StaffError(ValueError):
    """A staff account operation was refused; the message says why, in Chinese and English."""


class PasswordRefused(StaffError):
    """The chosen password was refused (too short or long, guessable, or reused)."""


class _Chooser(Protocol):
    def choice(self, seq: str) -> str: ...


def hash_password(password: str) -> str:
    """Return the argon2id hash string (with its salt and parameters) of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash uses other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified when the username does not exist, so unknown users cost as much as known ones.
    return _hasher.hash("safezone-no-such-user")


def generate_one_time_password(rng: _Chooser | None = None) -> str:
    """A readable one-time password like ``k7mqp-2xhrt-9wdna`` (≈ 74 bits of entropy).

    ``rng`` defaults to the operating system's secure generator (:mod:`secrets`); tests may pass
    a seeded ``random.Random``.
    """
    chooser: _Chooser = rng if rng is not None else secrets.SystemRandom()
    groups = (
        "".join(chooser.choice(OTP_ALPHABET) for _ in range(OTP_GROUP_LENGTH))
        for _ in range(OTP_GROUPS)
    )
    return "-".join(groups)


def normalise_username(raw: str) -> str:
    """Lower-case, trimmed login name; the form every lookup uses."""
    return raw.strip().lower()


def _context_words(session: Session, *names: str | None) -> list[str]:
    """The words a password must not be built on: the given names (username, display name),
    every site's names, the product's; each whole and split into its parts."""
    raw = [name for name in names if name]
    for site_name, site_name_en in session.execute(select(Site.name, Site.name_en)).all():
        raw.extend(n for n in (site_name, site_name_en) if n)
    words = set(_PRODUCT_WORDS)
    for text in raw:
        lowered = text.strip().lower()
        words.add(lowered)
        words.add(re.sub(r"[\W_]+", "", lowered))
        words.update(part for part in re.split(r"[\W_]+", lowered) if len(part) >= 3)
    return sorted(w for w in words if w)


def _check_password(password: str, *, context: list[str] | None = None,
                    current_hash: str | None = None, one_time: bool = False) -> None:
    """Refuse a password that is too short or long, guessable (zxcvbn below
    :data:`MIN_PASSWORD_SCORE`, judged with ``context`` words such as the username and site
    name), or the same as the account's current one (``current_hash``; when ``one_time``, the
    one-time password the account was given)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符 / "
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRefused(
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符 / "
            f"the password may have at most {MAX_PASSWORD_LENGTH} characters"
        )
    if not password.strip():
        raise PasswordRefused("密码不能全是空格 / the password cannot be only spaces")
    if current_hash is not None and verify_password(current_hash, password):
        if one_time:
            raise PasswordRefused("新密码不能沿用一次性密码，请自己另设一个 / "
                             "the new password cannot be the one-time password: choose your own")
        raise PasswordRefused("新密码不能与当前密码相同 / the new password must differ from the current one")
    if zxcvbn(password[:_ZXCVBN_MAX_CHARS], user_inputs=context or [])["score"] < MIN_PASSWORD_SCORE:
        raise PasswordRefused(
            "密码太容易被猜到（常见密码、键盘顺序、日期，或用户名、姓名、小区名加几个数字）；"
            "请用几个不相关的词或更长的句子 / the password is too easy to guess (a common "
            "password, a keyboard pattern, a date, or the username, name or site name with a few "
            "digits); use several unrelated words or a longer phrase"
        )


def user_by_username(session: Session, username: str) -> StaffUser | None:
    """The account with this login name (case-insensitive), or None."""
    return session.scalars(
        select(StaffUser).where(StaffUser.username == normalise_username(username))
    ).one_or_none()


def create_staff_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    now: datetime,
    must_change_password: bool = False,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> StaffUser:
    """Create a staff account (flushed, not committed) and audit it.

    Raises :class:`StaffError` for a malformed or taken username, an empty display name or a
    password that is too short.
    """
    name = normalise_username(username)
    if not _USERNAME_RE.match(name):
        raise StaffError(
            f"用户名“{username}”无效：需 2–64 个字符，只能用字母、数字和 . _ - / "
            f"invalid username {username!r}: use 2–64 letters, digits, '.', '_' or '-'"
        )
    display = display_name.strip()
    if not display or len(display) > 64:
        raise StaffError("显示名称需 1–64 个字符 / the display name needs 1–64 characters")
    _check_password(password, context=_context_words(session, name, display))
    if user_by_username(session, name) is not None:
        raise StaffError(f"用户名“{name}”已被使用 / the username {name!r} is already taken")
    user = StaffUser(
        username=name,
        display_name=display,
        password_hash=hash_password(password),
        role=role,
        active=True,
        must_change_password=must_change_password,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="staff.create",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="staff_user",
        target_id=user.id,
        details={"username": name, "role": role.value},
    )
    return user


def set_password(
    session: Session,
    user: StaffUser,
    password: str,
    *,
    now: datetime,
    must_change_password: bool = False,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> None:
    """Replace the user's password (flushed, audited).

    ``must_change_password`` is True when staff hand out a one-time password, False when the
    user chose the password themselves.
    """
    _check_password(password, context=_context_words(session, user.username, user.display_name),
                    current_hash=user.password_hash, one_time=user.must_change_password)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change_password
    session.flush()
    audit.record(
        session,
        action="staff.password_set",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="staff_user",
        target_id=user.id,
        details={"one_time": must_change_password},
    )


def reset_password(
    session: Session,
    user: StaffUser,
    *,
    now: datetime,
    actor_label: str,
    actor_id: int | None,
    rng: _Chooser | None = None,
) -> str:
    """An administrator resets ``user``'s password: return a new one-time password.

    Only its argon2id hash is stored; the user must choose their own password at the next
    login, and every session of the account ends (the login session carries a fingerprint of
    the hash). Flushed and audited, never committed. Raises :class:`StaffError` when
    ``actor_id`` is the user's own id: one's own password is changed with the current one.
    """
    if actor_id is not None and actor_id == user.id:
        raise StaffError(
            "不能用重置功能修改自己的密码，请在“修改密码”页面操作 / "
            "you cannot reset your own password this way; use the change-password page"
        )
    password = generate_one_time_password(rng)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.flush()
    audit.record(
        session,
        action="staff.password_reset",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="staff_user",
        target_id=user.id,
        details={"username": user.username},
    )
    return password


def authenticate(
    session: Session, username: str, password: str, *, now: datetime
) -> StaffUser | None:
    """Return the active account matching ``username`` and ``password``, else None.

    On success ``last_login_at`` is set and an outdated hash is replaced (flushed, not
    committed). Unknown users and disabled accounts take the same hashing work as a wrong
    password. Auditing the attempt (with the client address) is the caller's job.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        # Still spend the usual time, so length probing tells nothing either.
        verify_password(_dummy_hash(), "")
        return None
    user = user_by_username(session, username)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.flush()
    return user
