"""Files holding personal data or secrets are readable by their owner only (0600, folders 0700).

The resident lists staff upload, the SQLite databases (the admin's, and each kiosk's replica
with its sync token), exports and card sheets (each card's code) must not be readable by other
accounts on the machine, whatever the umask of whoever started the process. The systemd units in
docs/deploy also set ``UMask=0077``; this is the second line.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    restrict(path, DIR_MODE)
    return path


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; an existing file is made 0600.

    Writers that open the file themselves (SQLite, openpyxl, reportlab) keep an existing file's
    mode when they truncate it, so calling this first makes what they write private.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        restrict(path, FILE_MODE)
    else:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (an existing file is truncated and made 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    finally:
        if fd != -1:
            os.close(fd)


def restrict(path: Path, mode: int = FILE_MODE) -> None:
    """chmod ``path`` to ``mode`` when we own it (someone else's file is left to its owner)."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        # Windows (all-in-one kiosk PCs): no POSIX modes; the data folder's ACL is the OS's job.
        return
    with contextlib.suppress(PermissionError, FileNotFoundError):
        if path.stat().st_uid == geteuid():
            os.chmod(path, mode)
