"""The security regression tests reuse the admin tests' fixtures (app, client, auth, staff and
community factories) and helpers (``admin_support``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ADMIN_TESTS = Path(__file__).resolve().parents[1] / "admin"
if str(ADMIN_TESTS) not in sys.path:
    sys.path.insert(0, str(ADMIN_TESTS))

_spec = importlib.util.spec_from_file_location("security_admin_fixtures", ADMIN_TESTS / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

cheap_password_hashing = _fixtures.cheap_password_hashing
app = _fixtures.app
client = _fixtures.client
db_session = _fixtures.db_session
make_staff = _fixtures.make_staff
auth = _fixtures.auth
community = _fixtures.community
