"""Staff accounts of the admin app."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safezone.db.base import Base, UTCDateTime, utcnow


class Role(str, enum.Enum):
    """What a staff account may do: admin > staff > volunteer (check-in only); viewer reads."""

    ADMIN = "admin"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    VIEWER = "viewer"


class StaffUser(Base):
    """A community worker or volunteer who logs in to the admin."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, unique, lower case.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Name shown in the admin and the audit log.
    display_name: Mapped[str] = mapped_column(String(64))
    #: Password hash (argon2/scrypt string with its parameters); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Role; checked on every admin route.
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
    )
    #: Disabled accounts cannot log in; kept for the audit trail.
    active: Mapped[bool] = mapped_column(default=True)
    #: Set for one-time passwords: the next login must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: Hash of the staff card code that unlocks kiosk event mode, if any.
    staff_card_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Hash of the kiosk PIN entered after the staff card.
    kiosk_pin_hash: Mapped[str | None] = mapped_column(String(255))
    #: When the account was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last successful login.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdminSession(Base):
    """A logged-in browser's admin session, kept on the server so logging out revokes it and
    every admin process behind the proxy sees the same sessions.

    The browser's cookie holds a random token; only its SHA-256 is the key here, so a copy of
    this table logs nobody in.
    """

    __tablename__ = "admin_session"

    #: SHA-256 (hex) of the cookie's token.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The staff account logged in with it, if any (revoked with the account's other sessions).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"),
                                                 index=True)
    #: The session's values (Flask's tagged JSON).
    data: Mapped[str] = mapped_column(Text)
    #: After this the session is gone, whatever the cookie says.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Last time it was written.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
