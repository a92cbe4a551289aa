"""Uploads waiting between a preview and its confirmation (one per kind and login session).

The file's bytes are kept in the data folder under a random name; the session cookie holds only
that name, so the confirmation re-reads exactly what was previewed and re-checks it.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import session

from admin.state import state


def _folder() -> Path:
    folder = Path(state().settings.data_dir) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pending(kind: str) -> tuple[Path, str] | None:
    """The waiting upload of ``kind`` (path, original file name), or None."""
    item = session.get(f"pending_{kind}")
    if not item or not re.fullmatch(r"[0-9a-f]{32}", item.get("token", "")):
        return None
    path = _folder() / item["token"]
    return (path, item["name"]) if path.is_file() else None


def stash(kind: str, data: bytes, name: str) -> None:
    """Keep ``data`` for the confirmation, replacing an older upload of the same kind."""
    drop(kind)
    token = secrets.token_hex(16)
    (_folder() / token).write_bytes(data)
    session[f"pending_{kind}"] = {"token": token, "name": name}


def drop(kind: str) -> None:
    """Forget (and delete) the waiting upload of ``kind``."""
    item = pending(kind)
    if item is not None:
        item[0].unlink(missing_ok=True)
    session.pop(f"pending_{kind}", None)
