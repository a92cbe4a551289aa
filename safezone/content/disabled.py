"""Questions staff switched off in the admin: a small JSON file in the data folder.

Kept as a file beside the database rather than a table because it is content configuration,
not community data: it travels with the content, and the kiosk reads it without a query.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

FILE_NAME = "disabled_questions.json"


class DisabledListError(Exception):
    """The list exists but cannot be read; the message names the file."""


def disabled_path(data_dir: Path) -> Path:
    """Where the list of disabled question ids lives for ``data_dir``."""
    return Path(data_dir) / FILE_NAME


def read_disabled(data_dir: Path) -> frozenset[str]:
    """Ids of questions the kiosk must not ask (empty when no list exists)."""
    path = disabled_path(data_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise DisabledListError(f"{path}: unreadable list of disabled questions ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("disabled", []), list):
        raise DisabledListError(f"{path}: expected {{\"disabled\": [question ids]}}")
    return frozenset(str(item) for item in data.get("disabled", []))


def set_disabled(data_dir: Path, question_id: str, disabled: bool) -> frozenset[str]:
    """Enable or disable one question; the file is replaced atomically (never half-written)."""
    ids = set(read_disabled(data_dir))
    (ids.add if disabled else ids.discard)(question_id)
    path = disabled_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".disabled_questions.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"disabled": sorted(ids)}, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return frozenset(ids)
