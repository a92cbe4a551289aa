"""Import the household register (台账): one row per flat, checked all or nothing.

The register is how a community tells the system which flats exist before anyone is registered:
reach is measured against these households. Rows name a flat by plot, building, unit and room;
the buildings must have been set up first (set-up page or ``safezone community setup``), so a
typo in a building number is reported instead of silently creating a building. Flats already
registered are counted as unchanged, so the same register can be imported again after it grew.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from safezone.importing.plan import ImportRefused, RowError, _msg, _pick_site, _RowChecker
from safezone.importing.table import Table
from safezone.models import Building, Household, Plot, Site
from safezone.services import audit


@dataclass(frozen=True)
class PlannedHousehold:
    """A valid register row: the flat it names."""

    row: int
    building_id: int
    building_label: str
    unit: int
    room: str
    #: True when the flat is already registered (nothing to write).
    exists: bool

    @property
    def address(self) -> str:
        """``1号地块5栋2单元1203``."""
        return f"{self.building_label}{self.unit}单元{self.room}"


@dataclass
class RegisterPlan:
    """What a register import would write, and every problem found."""

    source: str
    encoding: str
    site_id: int
    total_rows: int
    rows_ok: list[PlannedHousehold] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def new(self) -> list[PlannedHousehold]:
        """Flats the import creates."""
        return [r for r in self.rows_ok if not r.exists]

    @property
    def unchanged(self) -> int:
        """Flats already registered."""
        return sum(1 for r in self.rows_ok if r.exists)

    @property
    def unknown_buildings(self) -> bool:
        """True when some rows name a plot or building that is not set up (next step: set-up)."""
        return any(e.field in ("plot", "building") for e in self.errors)

    @property
    def ok(self) -> bool:
        """True when the plan can be applied."""
        return not self.errors


class _RegisterRowChecker(_RowChecker):
    """The resident row checks for the address columns, plus the building's number of units."""

    def check_flat(self) -> tuple[Building, int, str] | None:
        if self.row.extra_cells:
            self._error(
                "row",
                f"标题之外还有内容：{'、'.join(self.row.extra_cells)}（是否错列？）",
                f"cells beyond the last column: {', '.join(self.row.extra_cells)} (shifted row?)",
            )
        building = self._building()
        unit = self._number("unit", "单元", "unit")
        room = self._room()
        if building is not None and unit is not None and building.units and unit > building.units:
            self._error(
                "unit",
                f"{building.label}只有 {building.units} 个单元",
                f"{building.label} has only {building.units} units",
            )
        if self.errors or building is None or unit is None or room is None:
            return None
        return building, unit, room


def plan_register(session: Session, table: Table, *, site: Site | None = None) -> RegisterPlan:
    """Check every row of a register ``table`` against ``site`` (the only site when None).

    Nothing is written. Every problem is collected, including flats listed twice in the file.
    """
    site = _pick_site(session, site)
    buildings: dict[tuple[int, int], Building] = {
        (b.plot.number, b.number): b
        for b in session.scalars(select(Building).join(Plot).where(Plot.site_id == site.id)).all()
    }
    plots = {plot for plot, _ in buildings}
    existing: set[tuple[int, int, str]] = {
        (building_id, unit, room)
        for building_id, unit, room in session.execute(
            select(Household.building_id, Household.unit, Household.room)
            .join(Building).join(Plot).where(Plot.site_id == site.id)
        )
    }
    plan = RegisterPlan(
        source=table.source, encoding=table.encoding, site_id=site.id, total_rows=len(table.rows)
    )
    seen: dict[tuple[int, int, str], int] = {}
    for row in table.rows:
        checker = _RegisterRowChecker(row, plots, buildings, None)
        flat = checker.check_flat()
        plan.errors.extend(checker.errors)
        if flat is None:
            continue
        building, unit, room = flat
        key = (building.id, unit, room)
        if key in seen:
            plan.errors.append(
                RowError(
                    row.number,
                    "room",
                    _msg(f"与第 {seen[key]} 行是同一户", f"same flat as row {seen[key]}"),
                )
            )
            continue
        seen[key] = row.number
        plan.rows_ok.append(
            PlannedHousehold(row.number, building.id, building.label, unit, room, key in existing)
        )
    plan.errors.sort(key=lambda e: e.row)
    return plan


def apply_register(
    session: Session, plan: RegisterPlan, *, now: datetime, actor_label: str,
    actor_id: int | None = None,
) -> int:
    """Write the new flats of a plan without errors, plus one audit entry; returns how many.

    Only flushes; the caller commits, so the import is all-or-nothing. Raises
    :class:`ImportRefused` when the plan has errors.
    """
    if plan.errors:
        raise ImportRefused(
            _msg(
                f"导入有 {len(plan.errors)} 处错误，未写入任何数据",
                f"the import has {len(plan.errors)} errors; nothing was written",
            )
        )
    new = plan.new
    if new:
        session.execute(
            insert(Household),
            [{"building_id": r.building_id, "unit": r.unit, "room": r.room, "created_at": now}
             for r in new],
        )
    session.flush()
    audit.record(
        session,
        action="household.import",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="site",
        target_id=plan.site_id,
        details={"source": plan.source.rsplit("/", 1)[-1], "encoding": plan.encoding,
                 "households_created": len(new), "unchanged": plan.unchanged},
    )
    return len(new)
