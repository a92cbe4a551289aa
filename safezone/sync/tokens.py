"""Kiosk enrolment and per-kiosk API tokens (server side).

Staff create a kiosk and get a one-time enrolment code (shown once; only its hash is stored).
The code expires :data:`ENROLMENT_CODE_LIFETIME` after it was issued, so a code left on a note
does not work forever. The kiosk exchanges the code for an API token (only its hash is stored).
Revoking a kiosk makes the sync API refuse its token with a clear message; the kiosk keeps its
own data.
Services only flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from safezone.db.base import new_uuid
from safezone.models import Kiosk
from safezone.services import audit
from safezone.services.localtime import require_aware

#: Unambiguous upper-case alphabet (no 0/O, 1/I): 32 symbols, 5 bits each.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: 12 symbols = 60 bits: not guessable, still typeable on a touchscreen keyboard.
CODE_LENGTH = 12
#: Prefix that makes a leaked token easy to recognise in logs and secret scanners.
TOKEN_PREFIX = "szk_"
NAME_MAX = 100
#: How long an enrolment code works after it was issued: long enough to carry it to a kiosk in
#: another building over a weekend, short enough that a forgotten note is harmless.
ENROLMENT_CODE_LIFETIME = timedelta(hours=48)


class KioskError(ValueError):
    """A kiosk administration request was refused; the message says why (zh-CN / en)."""


class KioskAuthError(Exception):
    """A sync request is not allowed: ``status`` (401/403), a stable ``error`` code and a
    message for people."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


@dataclass(frozen=True)
class EnrolmentTicket:
    """A kiosk and its one-time enrolment code (the code is never stored)."""

    kiosk: Kiosk
    code: str

    @property
    def grouped_code(self) -> str:
        """The code in groups of four, as shown to staff: ``ABCD-EFGH-JKLM``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def expires_at(self) -> datetime:
        """When the code stops working."""
        expires = code_expires_at(self.kiosk)
        assert expires is not None  # a ticket is only made together with its issue time
        return expires


@dataclass(frozen=True)
class Enrolment:
    """An enrolled kiosk and its API token (returned to the kiosk once, never stored)."""

    kiosk: Kiosk
    token: str


def hash_secret(value: str) -> str:
    """SHA-256 hex of a code or token. Both carry >= 60 random bits, so a fast hash is enough."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def code_expires_at(kiosk: Kiosk) -> datetime | None:
    """When the kiosk's pending enrolment code expires; None when no code is pending."""
    if kiosk.enrolment_code_hash is None or kiosk.enrolment_code_issued_at is None:
        return None
    return kiosk.enrolment_code_issued_at + ENROLMENT_CODE_LIFETIME


def code_is_usable(kiosk: Kiosk, *, now: datetime) -> bool:
    """Whether the kiosk has a pending enrolment code that has not expired at ``now``."""
    expires = code_expires_at(kiosk)
    return expires is not None and require_aware(now) < expires


def normalise_code(raw: str) -> str:
    """Upper-case the code and drop spaces and dashes (people type it in groups)."""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")


def _new_code(rng: Random | secrets.SystemRandom) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_kiosk(
    session: Session,
    name: str,
    *,
    now: datetime,
    rng: Random | secrets.SystemRandom | None = None,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> EnrolmentTicket:
    """Register a kiosk called ``name`` and return it with its one-time enrolment code.

    Raises :class:`KioskError` for an empty or too long name, or the name of a kiosk that is
    not revoked (two kiosks with one name could not be told apart; a replaced kiosk gets a new
    enrolment code instead).
    """
    require_aware(now)
    name = (name or "").strip()
    if not name:
        raise KioskError("终端名称不能为空 / the kiosk needs a name")
    if len(name) > NAME_MAX:
        raise KioskError(f"终端名称过长 / the kiosk name is longer than {NAME_MAX} characters")
    taken = session.scalar(
        select(Kiosk.id).where(Kiosk.name == name, Kiosk.revoked_at.is_(None)).limit(1))
    if taken is not None:
        raise KioskError(
            f"已有名为“{name}”的终端；更换设备请为它生成新的注册码 / "
            f"a kiosk called {name!r} already exists; give it a new enrolment code instead")
    kiosk = Kiosk(id=new_uuid(), name=name, created_at=now)
    session.add(kiosk)
    ticket = _issue_code(session, kiosk, rng or secrets.SystemRandom(), now=now)
    audit.record(session, action="kiosk.create", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="kiosk", target_id=str(kiosk.id), details={"name": name})
    return ticket


def _issue_code(session: Session, kiosk: Kiosk, rng: Random | secrets.SystemRandom, *,
                now: datetime) -> EnrolmentTicket:
    code = _new_code(rng)
    kiosk.enrolment_code_hash = hash_secret(code)
    kiosk.enrolment_code_issued_at = now
    session.flush()
    return EnrolmentTicket(kiosk=kiosk, code=code)


def new_enrolment_code(
    session: Session,
    kiosk: Kiosk,
    *,
    now: datetime,
    rng: Random | secrets.SystemRandom | None = None,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> EnrolmentTicket:
    """A fresh enrolment code for an existing kiosk (replaced hardware, lost token). The old
    code stops working; the current token keeps working until the kiosk enrols again. A revoked
    kiosk stays revoked until it enrols with the new code."""
    require_aware(now)
    ticket = _issue_code(session, kiosk, rng or secrets.SystemRandom(), now=now)
    audit.record(session, action="kiosk.enrolment_code", actor_label=actor_label,
                 actor_id=actor_id, now=now, target_type="kiosk", target_id=str(kiosk.id))
    return ticket


def enrol(
    session: Session,
    raw_code: str,
    *,
    now: datetime,
    token_factory: Callable[[], str] = lambda: secrets.token_urlsafe(32),
) -> Enrolment:
    """Exchange a one-time enrolment code for a new API token.

    The code is consumed by one conditional UPDATE, so two kiosks racing with the same code
    cannot both win. Raises :class:`KioskAuthError` (403) for an unknown, used or expired code
    (a code expires :data:`ENROLMENT_CODE_LIFETIME` after it was issued).
    """
    require_aware(now)
    code_hash = hash_secret(normalise_code(raw_code))
    token = TOKEN_PREFIX + token_factory()
    kiosk_id = session.execute(
        update(Kiosk)
        .where(Kiosk.enrolment_code_hash == code_hash,
               Kiosk.enrolment_code_issued_at > now - ENROLMENT_CODE_LIFETIME)
        .values(enrolment_code_hash=None, enrolment_code_issued_at=None,
                token_hash=hash_secret(token), revoked_at=None, last_seen_at=now)
        .returning(Kiosk.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if kiosk_id is None:
        if session.scalar(select(Kiosk.id).where(Kiosk.enrolment_code_hash == code_hash)):
            hours = int(ENROLMENT_CODE_LIFETIME.total_seconds() // 3600)
            raise KioskAuthError(
                403, "expired_enrolment_code",
                f"注册码已过期（有效期 {hours} 小时），请向管理员索取新的注册码 / "
                f"the enrolment code has expired (codes work for {hours} hours); "
                "ask staff for a new one",
            )
        raise KioskAuthError(
            403, "invalid_enrolment_code",
            "注册码无效或已使用，请向管理员索取新的注册码 / "
            "the enrolment code is unknown or was already used; ask staff for a new one",
        )
    kiosk = session.get(Kiosk, kiosk_id, populate_existing=True)
    assert kiosk is not None
    audit.record(session, action="kiosk.enrol", actor_label=f"kiosk:{kiosk_id}", now=now,
                 target_type="kiosk", target_id=str(kiosk_id))
    return Enrolment(kiosk=kiosk, token=token)


def authenticate(session: Session, authorization: str | None, *, now: datetime) -> Kiosk:
    """The kiosk owning the bearer token in an ``Authorization`` header value.

    Raises :class:`KioskAuthError`: 401 without a token or with an unknown one, 403 when the
    kiosk was revoked. Updates ``last_seen_at`` (server clock) on success.
    """
    require_aware(now)
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise KioskAuthError(
            401, "missing_token",
            "缺少终端令牌 / this request needs the kiosk's token (Authorization: Bearer ...)",
        )
    kiosk = session.scalar(select(Kiosk).where(Kiosk.token_hash == hash_secret(token)))
    if kiosk is None:
        raise KioskAuthError(
            401, "invalid_token",
            "终端令牌无效，请重新注册此终端 / the kiosk token is not valid; enrol the kiosk again",
        )
    if kiosk.revoked_at is not None:
        raise KioskAuthError(
            403, "kiosk_revoked",
            "此终端已被停用，数据仍保存在终端上；请联系管理员 / "
            "this kiosk was revoked by staff; its data stays on the kiosk; contact staff",
        )
    kiosk.last_seen_at = now
    return kiosk


def revoke_kiosk(
    session: Session,
    kiosk_id: uuid.UUID,
    *,
    now: datetime,
    actor_label: str = "system",
    actor_id: int | None = None,
) -> Kiosk:
    """Revoke a kiosk: its token is refused from now on (pending enrolment codes too)."""
    require_aware(now)
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise KioskError(f"找不到终端 / no kiosk with id {kiosk_id}")
    if kiosk.revoked_at is None:
        kiosk.revoked_at = now
    kiosk.enrolment_code_hash = None
    kiosk.enrolment_code_issued_at = None
    session.flush()
    audit.record(session, action="kiosk.revoke", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="kiosk", target_id=str(kiosk_id))
    return kiosk
