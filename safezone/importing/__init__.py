"""Importing resident lists from CSV/XLSX: read → plan (validate every row) → apply (all or nothing).

Typical use::

    table = read_table(path)                 # ImportFileError if the file is unreadable
    plan = plan_import(session, table, now=now)
    if plan.ok:
        apply_import(session, plan, now=now, actor_label="admin")
        session.commit()
"""

from safezone.importing.columns import (
    COLUMNS,
    REGISTER_COLUMNS,
    Column,
    column_for_header,
    known_headers_text,
)
from safezone.importing.plan import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    PlannedResident,
    ResidentRefused,
    RowError,
    add_resident,
    apply_import,
    plan_import,
)
from safezone.importing.register import (
    PlannedHousehold,
    RegisterPlan,
    apply_register,
    plan_register,
)
from safezone.importing.table import (
    ImportFileError,
    Table,
    TableRow,
    read_table,
    read_table_bytes,
)

__all__ = [
    "COLUMNS",
    "REGISTER_COLUMNS",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "PlannedHousehold",
    "PlannedResident",
    "RegisterPlan",
    "ResidentRefused",
    "RowError",
    "Table",
    "TableRow",
    "add_resident",
    "apply_import",
    "apply_register",
    "column_for_header",
    "known_headers_text",
    "plan_import",
    "plan_register",
    "read_table",
    "read_table_bytes",
]
