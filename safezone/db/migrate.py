"""Schema migrations with Alembic, driven from code (no alembic.ini to find)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions: opening a database that is already current (the
# kiosk's start-up) should not pay for loading the migration machinery.

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_REVISION_RE = re.compile(r"^revision(?:\s*:\s*[\w\[\]| ]+)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_RE = re.compile(
    r"^down_revision(?:\s*:\s*[\w\[\]|, ]+)?\s*=\s*(None|['\"]([^'\"]+)['\"])", re.MULTILINE)


class SchemaOutdated(Exception):
    """The database schema is older (or newer) than this code; the message says what to run."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migration_revisions(versions_dir: Path = VERSIONS_DIR) -> tuple[set[str], set[str]]:
    """(every known revision, the heads), read from the migration files' ``revision`` lines.

    A few milliseconds instead of Alembic's ~100 ms import: what lets an already-current
    database (every kiosk start) be checked without loading the migration machinery.
    """
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


def stamped_revision(engine: Engine) -> str | None:
    """The revision stamped in the database with plain SQL (no Alembic), or None when it has
    no ``alembic_version`` table (an empty database)."""
    try:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
    return None if value is None else str(value)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest), in one transaction."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def check_schema(engine: Engine, *, versions_dir: Path = VERSIONS_DIR) -> None:
    """Raise :class:`SchemaOutdated` unless the database is at this code's head revision.

    Reads the migration files and the stamped revision directly; Alembic is loaded only when
    the files have several heads (a layout the quick reader cannot judge).
    """
    current = stamped_revision(engine)
    known, heads = migration_revisions(versions_dir)
    if len(heads) == 1:
        head = next(iter(heads))
    else:
        from alembic.script import ScriptDirectory

        head = head_revision()
        known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current == head:
        return
    if current is None:
        raise SchemaOutdated("the database is empty; run 'safezone init' to create it")
    if current not in known:
        raise SchemaOutdated(
            f"the database is at revision {current}, newer than this program knows ({head}); "
            "update safezone before using this database"
        )
    raise SchemaOutdated(
        f"the database schema is older ({current}) than this program ({head}); "
        "run 'safezone init' to upgrade it (your data is kept)"
    )
