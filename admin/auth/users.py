"""The logged-in staff member as Flask-Login sees it.

The session stores ``<id>:<fingerprint of the password hash>``, so changing a password (or an
administrator resetting it) logs out every other session of that account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_login import LoginManager, UserMixin

from admin.db import db
from admin.params import record_id
from safezone.models import Role, StaffUser


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass
class CurrentStaff(UserMixin):
    """A detached snapshot of the staff row, safe to keep for the whole request."""

    id: int
    username: str
    display_name: str
    role: Role
    must_change_password: bool
    fingerprint: str

    @classmethod
    def of(cls, user: StaffUser) -> CurrentStaff:
        """Snapshot ``user``."""
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            must_change_password=user.must_change_password,
            fingerprint=_fingerprint(user.password_hash),
        )

    def get_id(self) -> str:
        """Flask-Login session id: the account and its password fingerprint."""
        return f"{self.id}:{self.fingerprint}"

    def can(self, *roles: Role) -> bool:
        """Whether the member has one of ``roles`` (templates hide what they cannot use)."""
        return self.role in roles

    def may(self, permission: str) -> bool:
        """Whether the member holds ``permission`` (see :class:`admin.security.Permission`)."""
        from admin.security import has_permission

        return has_permission(self.role, permission)

    @property
    def label(self) -> str:
        """How the audit log names the member."""
        return self.username


def load_user(session_id: str) -> CurrentStaff | None:
    """Flask-Login loader: the active account whose password has not changed since login."""
    raw_id, _, fingerprint = session_id.partition(":")
    user_id = record_id(raw_id)
    if user_id is None:
        return None
    user = db().get(StaffUser, user_id)
    if user is None or not user.active or _fingerprint(user.password_hash) != fingerprint:
        return None
    return CurrentStaff.of(user)


def make_login_manager() -> LoginManager:
    """A login manager with strong session protection."""
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.login_view = "auth.login"
    manager.login_message = None  # the guard redirects; no flash in an untranslated language
    manager.user_loader(load_user)
    return manager
