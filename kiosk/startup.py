"""Fast start-up: the database opened without Alembic, and the content loaded from a cache.

The kiosk must reach its attract screen in well under two seconds on a small PC. Profiling a
cold start showed two avoidable costs: importing Alembic just to compare one revision string
(``safezone init`` and ``make run`` migrate before the kiosk ever starts), and parsing and
validating every YAML content file again although nothing changed since the last start.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from safezone.app_context import Database, open_database
from safezone.config import Settings
from safezone.content.loader import LoadResult, load_content
from safezone.db.engine import DatabaseError
from safezone.db.migrate import SchemaOutdated, migration_revisions

__all__ = [
    "KioskDatabase", "SchemaProblem", "load_content_cached", "migration_revisions", "open_kiosk_database",
]

_SAFEZONE = Path(__file__).resolve().parent.parent / "safezone"
#: Changes to these invalidate the content cache (the schema decides what a valid item is).
_CONTENT_CODE = _SAFEZONE / "content"
_CACHE_FORMAT = "content-cache-1"

#: The kiosk's database is the core's: one engine and one session factory, nothing copied.
KioskDatabase = Database


class SchemaProblem(Exception):
    """The database cannot be used by this kiosk as it is; the message says what to run."""


def open_kiosk_database(settings: Settings) -> Database:
    """Open the configured database for the kiosk, refusing a schema that is not current.

    Never migrates (``safezone init`` / ``make run`` do): the core's :func:`open_database`
    checks the revision without loading Alembic, and any refusal becomes a
    :class:`SchemaProblem` whose message says what to run.
    """
    try:
        return open_database(settings)
    except SchemaOutdated as exc:
        raise SchemaProblem(str(exc)) from None
    except (DatabaseError, OSError) as exc:
        raise SchemaProblem(f"cannot open the database: {exc}") from None


def _fingerprint(*roots: Path) -> str:
    """A hash of every file's path, size and modification time under ``roots``."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{sys.version}".encode())
    for root in roots:
        digest.update(f"\0root:{root}".encode())
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".pyc", ".tmp")):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"\0{os.path.relpath(path, root)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def load_content_cached(content_dir: Path, assets_dir: Path, cache_dir: Path) -> LoadResult:
    """:func:`safezone.content.loader.load_content`, reusing the last result while nothing changed.

    The cache key covers every content and asset file (path, size, mtime) and the content
    schema's code, so an edited question, a new picture or a new schema is never missed. A
    missing, unreadable or stale cache just means a normal load; the cache is never required.
    """
    content_dir, assets_dir = Path(content_dir), Path(assets_dir)
    if not content_dir.is_dir():
        raise NotADirectoryError(f"content root is not a folder: {content_dir}")
    key = _fingerprint(content_dir, assets_dir, _CONTENT_CODE)
    cache_file = Path(cache_dir) / "content.pickle"
    try:
        with cache_file.open("rb") as handle:
            stored_key, result = pickle.load(handle)
        if stored_key == key and isinstance(result, LoadResult):
            return result
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    result = load_content(content_dir, assets_dir)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache_file.parent, suffix=".tmp", delete=False) as handle:
            pickle.dump((key, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, cache_file)
    except (OSError, pickle.PicklingError):
        pass  # a read-only data folder only costs speed
    return result
