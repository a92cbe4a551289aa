"""Staff accounts of the admin app."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String
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
