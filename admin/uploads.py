"""Uploads waiting between a preview and its confirmation (one per kind and login session).

The file's bytes are kept in the data folder under a random name (0600 in a 0700 folder: these
are residents' names and phones); the session holds only that name and the upload time, so the
confirmation re-reads exactly what was previewed and re-checks it. A waiting upload expires after
:data:`PENDING_LIFETIME` and abandoned files are swept at every upload and when the admin starts.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import session

from admin.state import now, state
from safezone.private_files import private_dir, write_private

#: How long a previewed upload waits for its confirmation.
PENDING_LIFETIME = timedelta(hours=1)


def _folder() -> Path:
    """The folder of pending uploads (0700)."""
    return private_dir(Path(state().settings.data_dir) / "imports")


def sweep_pending_imports(folder: Path, *, older_than: timedelta = PENDING_LIFETIME) -> int:
    """Delete uploads left unconfirmed longer than ``older_than`` (by file age); return how many.

    Runs at every upload and when the admin starts, so an abandoned preview never keeps a
    resident list on disk for long.
    """
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process swept it first
            continue
    return removed


def pending(kind: str) -> tuple[Path, str] | None:
    """The waiting upload of ``kind`` (path, original file name), or None (none or expired)."""
    item = session.get(f"pending_{kind}")
    if not item or not re.fullmatch(r"[0-9a-f]{32}", item.get("token", "")):
        return None
    path = _folder() / item["token"]
    try:
        uploaded: datetime | None = datetime.fromisoformat(item.get("at", ""))
    except (TypeError, ValueError):
        uploaded = None
    if uploaded is None or now() - uploaded > PENDING_LIFETIME:
        path.unlink(missing_ok=True)  # expired: the list does not stay on disk
        return None
    return (path, item["name"]) if path.is_file() else None


def stash(kind: str, data: bytes, name: str) -> None:
    """Keep ``data`` for the confirmation, replacing an older upload of the same kind."""
    drop(kind)
    token = secrets.token_hex(16)
    folder = _folder()
    sweep_pending_imports(folder)
    write_private(folder / token, data)
    session[f"pending_{kind}"] = {"token": token, "name": name, "at": now().isoformat()}


def drop(kind: str) -> None:
    """Forget (and delete) the waiting upload of ``kind``."""
    item = session.get(f"pending_{kind}")
    if item and re.fullmatch(r"[0-9a-f]{32}", item.get("token", "")):
        (_folder() / item["token"]).unlink(missing_ok=True)
    session.pop(f"pending_{kind}", None)
