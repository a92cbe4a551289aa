"""roster change log: roster_change (filled by triggers) and roster_log, for incremental roster
pulls

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00.000000

Every change a kiosk's roster can see — a resident's nickname, age group, consent, household or
anonymisation; a household moving building; a card issued, revoked or changed; a points entry
(balance); a site, plot or building — adds a ``roster_change`` row in the same transaction, by
a trigger, so no writer (service, import, bulk insert, plain SQL) can forget it.

SQLite: row triggers; writers are serialised, so ``seq`` is in commit order. PostgreSQL:
statement triggers with transition tables (one row per resident per statement, however many
points entries a sync batch inserts), stamped with the writing transaction's id, which the
cursors compare against (see ``safezone.sync.export``). The trigger bodies are spelled out here,
not imported, so this migration keeps meaning what it meant when it ran.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

#: Columns of each table that a kiosk's roster shows (``id`` included: an id change is a change).
_RESIDENT: tuple[str, ...] = ("id", "household_id", "nickname", "age_group", "consent", "anonymised_at")
_CARD: tuple[str, ...] = ("id", "resident_id", "code_hash", "status", "revoked_at")
_POINTS = ("id", "resident_id", "amount")
_HOUSEHOLD = ("id", "building_id")
_STRUCTURE = {"site": ("id", "name", "name_en", "household_target"),
              "plot": ("id", "site_id", "number"),
              "building": ("id", "plot_id", "number")}

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_PG_TXID = "pg_current_xact_id()::text::bigint"


def _differs(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _sqlite_log(kind: str, entity: str, when: str | None = None) -> str:
    condition = f" WHERE {when}" if when else ""
    return (f"INSERT INTO roster_change (kind, entity_id, changed_at) "
            f"SELECT '{kind}', {entity}, {_SQLITE_NOW}{condition};")


def _sqlite_triggers() -> dict[str, str]:
    """Trigger name -> CREATE TRIGGER statement (row triggers)."""
    triggers: dict[str, str] = {}

    def add(name: str, event: str, table: str, body: str, when: str | None = None) -> None:
        condition = f" WHEN {when}" if when else ""
        triggers[name] = (f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} "
                          f"BEGIN {body} END")

    for table, kind, columns in (("resident", "resident", _RESIDENT), ("card", "card", _CARD)):
        add(f"roster_change_{table}_insert", "INSERT", table, _sqlite_log(kind, "NEW.id"))
        add(f"roster_change_{table}_update", "UPDATE", table,
            _sqlite_log(kind, "NEW.id") + " "
            + _sqlite_log(kind, "OLD.id", "OLD.id IS NOT NEW.id"), _differs(columns))
        add(f"roster_change_{table}_delete", "DELETE", table, _sqlite_log(kind, "OLD.id"))
    add("roster_change_points_entry_insert", "INSERT", "points_entry",
        _sqlite_log("resident", "NEW.resident_id"))
    add("roster_change_points_entry_update", "UPDATE", "points_entry",
        _sqlite_log("resident", "NEW.resident_id") + " "
        + _sqlite_log("resident", "OLD.resident_id", "OLD.resident_id IS NOT NEW.resident_id"),
        _differs(_POINTS))
    add("roster_change_points_entry_delete", "DELETE", "points_entry",
        _sqlite_log("resident", "OLD.resident_id"))
    # A household moving building moves its residents on every kiosk.
    add("roster_change_household_update", "UPDATE", "household",
        "INSERT INTO roster_change (kind, entity_id, changed_at) "
        f"SELECT 'resident', id, {_SQLITE_NOW} FROM resident "
        "WHERE household_id IN (OLD.id, NEW.id);", _differs(_HOUSEHOLD))
    for table, columns in _STRUCTURE.items():
        add(f"roster_change_{table}_insert", "INSERT", table, _sqlite_log("structure", "0"))
        add(f"roster_change_{table}_update", "UPDATE", table, _sqlite_log("structure", "0"),
            _differs(columns))
        add(f"roster_change_{table}_delete", "DELETE", table, _sqlite_log("structure", "0"))
    return triggers


def _pg_changed(columns: tuple[str, ...], select_new: str, select_old: str) -> str:
    """Rows of an UPDATE whose roster columns changed (matched by id), from both sides."""
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    return (f"SELECT {select_new} FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id "
            f"WHERE o.id IS NULL OR ({old}) IS DISTINCT FROM ({new}) "
            f"UNION SELECT {select_old} FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id "
            f"WHERE n.id IS NULL OR ({old}) IS DISTINCT FROM ({new})")


def _pg_log(kind: str, ids_query: str) -> str:
    return (f"INSERT INTO roster_change (txid, kind, entity_id, changed_at) "
            f"SELECT {_PG_TXID}, '{kind}', entity_id, now() "
            f"FROM ({ids_query}) AS changed(entity_id);")


def _pg_triggers() -> dict[str, tuple[str, str, str]]:
    """Trigger name -> (event, table, function body) for statement triggers; the function has
    the trigger's name. INSERT sees ``new_rows``, DELETE ``old_rows``, UPDATE both."""
    triggers: dict[str, tuple[str, str, str]] = {}
    for table, kind, columns in (("resident", "resident", _RESIDENT), ("card", "card", _CARD)):
        triggers[f"roster_change_{table}_insert"] = (
            "INSERT", table, _pg_log(kind, "SELECT id FROM new_rows"))
        triggers[f"roster_change_{table}_update"] = (
            "UPDATE", table, _pg_log(kind, _pg_changed(columns, "n.id", "o.id")))
        triggers[f"roster_change_{table}_delete"] = (
            "DELETE", table, _pg_log(kind, "SELECT id FROM old_rows"))
    triggers["roster_change_points_entry_insert"] = (
        "INSERT", "points_entry", _pg_log("resident", "SELECT DISTINCT resident_id FROM new_rows"))
    triggers["roster_change_points_entry_update"] = (
        "UPDATE", "points_entry",
        _pg_log("resident", _pg_changed(_POINTS, "n.resident_id", "o.resident_id")))
    triggers["roster_change_points_entry_delete"] = (
        "DELETE", "points_entry", _pg_log("resident", "SELECT DISTINCT resident_id FROM old_rows"))
    triggers["roster_change_household_update"] = (
        "UPDATE", "household", _pg_log("resident",
            "SELECT r.id FROM resident r WHERE r.household_id IN ("
            + _pg_changed(_HOUSEHOLD, "n.id", "o.id") + ")"))
    for table, columns in _STRUCTURE.items():
        structure = _pg_log("structure", "SELECT 0")
        triggers[f"roster_change_{table}_insert"] = (
            "INSERT", table,
            f"IF EXISTS (SELECT 1 FROM new_rows) THEN {structure} END IF;")
        triggers[f"roster_change_{table}_update"] = (
            "UPDATE", table,
            f"IF EXISTS ({_pg_changed(columns, 'n.id', 'o.id')}) THEN {structure} END IF;")
        triggers[f"roster_change_{table}_delete"] = (
            "DELETE", table,
            f"IF EXISTS (SELECT 1 FROM old_rows) THEN {structure} END IF;")
    return triggers


def _pg_referencing(event: str) -> str:
    return {"INSERT": "REFERENCING NEW TABLE AS new_rows",
            "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "REFERENCING OLD TABLE AS old_rows"}[event]


def upgrade() -> None:
    op.create_table('roster_change',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('txid', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_roster_change')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('roster_change', schema=None) as batch_op:
        batch_op.create_index('ix_roster_change_txid', ['txid'], unique=False)
        batch_op.create_index('ix_roster_change_changed_at', ['changed_at'], unique=False)
    log = op.create_table('roster_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_id', sa.String(length=32), nullable=False),
    sa.Column('pruned_below', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_log'))
    )
    op.bulk_insert(log, [{"id": 1, "log_id": uuid.uuid4().hex, "pruned_below": 0}])

    if op.get_bind().dialect.name == "postgresql":
        for name, (event, table, body) in _pg_triggers().items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                       f"{_pg_referencing(event)} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    else:
        for ddl in _sqlite_triggers().values():
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (_, table, _) in _pg_triggers().items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('roster_log')
    with op.batch_alter_table('roster_change', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_change_changed_at')
        batch_op.drop_index('ix_roster_change_txid')
    op.drop_table('roster_change')
