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
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from safezone.config import Settings
from safezone.content.loader import LoadResult, load_content
from safezone.db.engine import DatabaseError, make_engine, make_session_factory

_SAFEZONE = Path(__file__).resolve().parent.parent / "safezone"
VERSIONS_DIR = _SAFEZONE / "migrations" / "versions"
#: Changes to these invalidate the content cache (the schema decides what a valid item is).
_CONTENT_CODE = _SAFEZONE / "content"
_CACHE_FORMAT = "content-cache-1"
_REVISION_RE = re.compile(r"^revision(?:\s*:\s*[\w\[\]| ]+)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_RE = re.compile(r"^down_revision(?:\s*:\s*[\w\[\]|, ]+)?\s*=\s*(None|['\"]([^'\"]+)['\"])", re.MULTILINE)


class SchemaProblem(Exception):
    """The database cannot be used by this kiosk as it is; the message says what to run."""


@dataclass
class KioskDatabase:
    """An open database for the kiosk: engine and session factory (like ``app_context.Database``)."""

    engine: Engine
    sessions: sessionmaker[Session]

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def migration_revisions(versions_dir: Path = VERSIONS_DIR) -> tuple[set[str], set[str]]:
    """(every known revision, the heads) read from the migration files' ``revision`` lines."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(versions_dir.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION_RE.search(source)
        down = _DOWN_RE.search(source)
        if revision is None or down is None:
            continue
        revisions.add(revision.group(1))
        if down.group(2):
            parents.add(down.group(2))
    return revisions, revisions - parents


def _head_revision(versions_dir: Path) -> tuple[set[str], str]:
    revisions, heads = migration_revisions(versions_dir)
    if len(heads) == 1:
        return revisions, next(iter(heads))
    # Branches or an unusual file layout: ask Alembic itself (slow, but always right).
    from safezone.db.migrate import head_revision

    return revisions, head_revision()


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None when it has no ``alembic_version`` table."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def open_kiosk_database(settings: Settings, *, versions_dir: Path = VERSIONS_DIR) -> KioskDatabase:
    """Open the configured database for the kiosk, refusing a schema that is not current.

    Never migrates: raises :class:`SchemaProblem` with the command to run instead.
    """
    try:
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url)
    except (DatabaseError, OSError) as exc:
        raise SchemaProblem(f"cannot open the database: {exc}") from None
    current = current_revision(engine)
    known, head = _head_revision(versions_dir)
    if current != head:
        engine.dispose()
        if current is None:
            raise SchemaProblem(
                "数据库尚未创建 / the database has not been created yet: run 'safezone init' "
                "(or 'make run') once before starting the kiosk")
        if current not in known:
            raise SchemaProblem(
                f"the database is at revision {current}, newer than this kiosk knows ({head}); "
                "update safezone on this machine")
        raise SchemaProblem(
            f"数据库需要升级 / the database schema is older ({current}) than this kiosk ({head}): "
            "run 'safezone init' to upgrade it (your data is kept), then start the kiosk again")
    return KioskDatabase(engine=engine, sessions=make_session_factory(engine))


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
