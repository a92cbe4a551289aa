"""Check a resident list against the site, then write it all or nothing.

:func:`plan_import` validates every row and collects every problem (staff fix the spreadsheet
once, not once per error); :func:`apply_import` refuses a plan with errors and otherwise writes
the households and residents in the caller's transaction.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from safezone.importing.columns import COLUMNS_BY_KEY
from safezone.importing.table import Table, TableRow
from safezone.models import AgeGroup, Building, Household, Plot, Resident, Site
from safezone.services import audit
from safezone.services.community import BuildingLabelError, nickname_for, parse_building_label

AGE_GROUP_WORDS: dict[str, AgeGroup] = {
    "儿童": AgeGroup.CHILD,
    "少儿": AgeGroup.CHILD,
    "child": AgeGroup.CHILD,
    "children": AgeGroup.CHILD,
    "kid": AgeGroup.CHILD,
    "成人": AgeGroup.ADULT,
    "成年": AgeGroup.ADULT,
    "adult": AgeGroup.ADULT,
    "老人": AgeGroup.ELDER,
    "老年": AgeGroup.ELDER,
    "老年人": AgeGroup.ELDER,
    "elder": AgeGroup.ELDER,
    "senior": AgeGroup.ELDER,
}
CONSENT_WORDS: dict[str, bool] = {
    "是": True,
    "同意": True,
    "yes": True,
    "y": True,
    "1": True,
    "true": True,
    "√": True,
    "否": False,
    "不同意": False,
    "no": False,
    "n": False,
    "0": False,
    "false": False,
    "": False,
}
#: Ages that fit each group, to catch a swapped column (a child born in 1950).
AGE_RANGES: dict[AgeGroup, tuple[int, int]] = {
    AgeGroup.CHILD: (0, 17),
    AgeGroup.ADULT: (16, 120),
    AgeGroup.ELDER: (50, 120),
}
EARLIEST_BIRTH_YEAR = 1900

_NUMBER_RE = re.compile(r"^(?:第)?\s*(\d{1,3})\s*(?:号地块|地块|号楼|号|栋|幢|单元)?$")
_ROOM_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,15}$")
_PHONE_RE = re.compile(r"^\+?[0-9]{5,20}$")


class ImportRefused(ValueError):
    """:func:`apply_import` was given a plan that still has errors."""


@dataclass(frozen=True)
class RowError:
    """A problem in one row: row number in the file, column key and a zh/en message."""

    row: int
    field: str
    message: str

    def format(self, source: str) -> str:
        """``FILE:row N: field: message``, the form the CLI prints."""
        return f"{source}:row {self.row}: {self.field}: {self.message}"


@dataclass(frozen=True)
class PlannedResident:
    """A valid row, ready to be written."""

    row: int
    full_name: str
    nickname: str
    building_id: int
    building_label: str
    unit: int
    room: str
    age_group: AgeGroup
    birth_year: int | None
    phone: str | None
    consent: bool
    #: Existing household, or None when the import creates it.
    household_id: int | None
    #: The registered resident this row updates (same flat, same full name), or None: a new one.
    resident_id: int | None = None
    #: Fields the row changes on that resident (empty: unchanged).
    changes: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``1号地块5栋2单元1203``."""
        return f"{self.building_label}{self.unit}单元{self.room}"


@dataclass
class ImportPlan:
    """What an import would write, and every problem found."""

    source: str
    encoding: str
    site_id: int
    total_rows: int
    rows_ok: list[PlannedResident] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def new_household_keys(self) -> set[tuple[int, int, str]]:
        """(building id, unit, room) of the households the import would create."""
        return {(r.building_id, r.unit, r.room) for r in self.rows_ok if r.household_id is None}

    @property
    def ok(self) -> bool:
        """True when the plan can be applied."""
        return not self.errors

    @property
    def unknown_buildings(self) -> bool:
        """True when some rows name a plot or building that is not set up (next step: set-up)."""
        return any(e.field in ("plot", "building") for e in self.errors)

    @property
    def adds(self) -> list[PlannedResident]:
        """Rows that register a new resident."""
        return [r for r in self.rows_ok if r.resident_id is None]

    @property
    def updates(self) -> list[PlannedResident]:
        """Rows that change a registered resident."""
        return [r for r in self.rows_ok if r.resident_id is not None and r.changes]

    @property
    def unchanged(self) -> int:
        """Rows that match a registered resident exactly."""
        return sum(1 for r in self.rows_ok if r.resident_id is not None and not r.changes)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`apply_import` wrote."""

    residents: int
    households_created: int
    #: Registered residents changed by the import (re-import of the master file).
    updated: int = 0


def _msg(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _pick_site(session: Session, site: Site | None) -> Site:
    if site is not None:
        return site
    sites = session.scalars(select(Site).order_by(Site.id)).all()
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise ImportRefused(
            _msg(
                "还没有设置小区和楼栋，请先创建小区",
                "no site is set up yet; create the site and buildings first",
            )
        )
    raise ImportRefused(
        _msg(
            "有多个小区，请指定导入到哪个小区",
            "there are several sites; choose the one to import into",
        )
    )


def plan_import(
    session: Session,
    table: Table,
    *,
    site: Site | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> ImportPlan:
    """Validate every row of ``table`` against ``site`` (the only site when None).

    Nothing is written. With ``now`` birth years are checked against the calendar and the age
    group; ``rng`` makes generated nicknames reproducible.
    """
    site = _pick_site(session, site)
    rng = rng if rng is not None else random.Random(0)
    buildings: dict[tuple[int, int], Building] = {
        (b.plot.number, b.number): b
        for b in session.scalars(select(Building).join(Plot).where(Plot.site_id == site.id)).all()
    }
    plots = {plot for plot, _ in buildings}
    households: dict[tuple[int, int, str], int] = {
        (building_id, unit, room): household_id
        for household_id, building_id, unit, room in session.execute(
            select(Household.id, Household.building_id, Household.unit, Household.room)
            .join(Building)
            .join(Plot)
            .where(Plot.site_id == site.id)
        )
    }
    # The stable key of a resident is flat + full name (README: re-importing the master file).
    registered: dict[tuple[int, str], _Registered] = {
        (row.household_id, row.full_name): _Registered(*row)  # type: ignore[arg-type]  # full_name IS NOT NULL below
        for row in session.execute(
            select(Resident.household_id, Resident.full_name, Resident.id, Resident.nickname,
                   Resident.age_group, Resident.birth_year, Resident.phone, Resident.consent)
            .join(Household)
            .join(Building)
            .join(Plot)
            .where(Plot.site_id == site.id, Resident.full_name.is_not(None),
                   Resident.anonymised_at.is_(None))
        )
    }
    columns = set(table.keys)

    plan = ImportPlan(
        source=table.source, encoding=table.encoding, site_id=site.id, total_rows=len(table.rows)
    )
    seen_in_file: dict[tuple[str, int, int, str], int] = {}
    for row in table.rows:
        checker = _RowChecker(row, plots, buildings, now)
        planned = checker.check(rng)
        plan.errors.extend(checker.errors)
        if planned is None:
            continue
        key = (planned.full_name, planned.building_id, planned.unit, planned.room)
        if key in seen_in_file:
            plan.errors.append(
                RowError(
                    row.number,
                    "name",
                    _msg(
                        f"与第 {seen_in_file[key]} 行重复（同一户同名）",
                        f"same person as row {seen_in_file[key]} (same name, same household)",
                    ),
                )
            )
            continue
        seen_in_file[key] = row.number
        household_id = households.get((planned.building_id, planned.unit, planned.room))
        known = registered.get((household_id, planned.full_name)) if household_id else None
        planned = _with_household(planned, household_id)
        if known is not None:
            planned = _as_update(planned, known, row, columns)
        plan.rows_ok.append(planned)
    plan.errors.sort(key=lambda e: e.row)
    return plan


@dataclass(frozen=True)
class _Registered:
    household_id: int
    full_name: str
    id: int
    nickname: str
    age_group: AgeGroup
    birth_year: int | None
    phone: str | None
    consent: bool


def _as_update(
    planned: PlannedResident, known: _Registered, row: TableRow, columns: set[str]
) -> PlannedResident:
    """The row as an update of ``known``: a field changes only where the file says something.

    Empty optional cells (nickname, birth year, phone) keep what is registered, so a partial
    master file never wipes data; consent changes only when the file has a consent column.
    """
    wanted: dict[str, object] = {"age_group": planned.age_group}
    if _fold(row.values.get("nickname", "")):
        wanted["nickname"] = planned.nickname
    if planned.birth_year is not None:
        wanted["birth_year"] = planned.birth_year
    if planned.phone is not None:
        wanted["phone"] = planned.phone
    if "consent" in columns:
        wanted["consent"] = planned.consent
    changes = tuple(sorted(k for k, v in wanted.items() if getattr(known, k) != v))
    values = dict(planned.__dict__)
    # Unchanged fields are carried over so apply_import can write the row as a whole.
    for name in ("nickname", "birth_year", "phone", "consent"):
        if name not in wanted:
            values[name] = getattr(known, name)
    values.update(resident_id=known.id, changes=changes)
    return PlannedResident(**values)


def _with_household(planned: PlannedResident, household_id: int | None) -> PlannedResident:
    values = dict(planned.__dict__)
    values["household_id"] = household_id
    return PlannedResident(**values)


class _RowChecker:
    """Validates one row, collecting every error rather than stopping at the first."""

    def __init__(
        self,
        row: TableRow,
        plots: set[int],
        buildings: dict[tuple[int, int], Building],
        now: datetime | None,
    ) -> None:
        self.row = row
        self.plots = plots
        self.buildings = buildings
        self.now = now
        self.errors: list[RowError] = []

    def _error(self, key: str, zh: str, en: str) -> None:
        self.errors.append(RowError(self.row.number, key, _msg(zh, en)))

    def _value(self, key: str) -> str:
        return _fold(self.row.values.get(key, ""))

    def _required(self, key: str) -> str | None:
        value = self._value(key)
        if not value:
            column = COLUMNS_BY_KEY[key]
            self._error(key, f"缺少{column.zh}", f"{column.en} is missing")
            return None
        return value

    def _number(self, key: str, zh_what: str, en_what: str) -> int | None:
        value = self._required(key)
        if value is None:
            return None
        match = _NUMBER_RE.match(value)
        if match is None or int(match[1]) < 1:
            self._error(
                key,
                f"{zh_what}“{value}”不是有效的编号",
                f"{en_what} {value!r} is not a valid number",
            )
            return None
        return int(match[1])

    def check(self, rng: random.Random) -> PlannedResident | None:
        if self.row.extra_cells:
            self._error(
                "row",
                f"标题之外还有内容：{'、'.join(self.row.extra_cells)}（是否错列？）",
                f"cells beyond the last column: {', '.join(self.row.extra_cells)} (shifted row?)",
            )
        name = self._required("name")
        if name is not None and len(name) > 64:
            self._error(
                "name", "姓名太长（最多 64 个字符）", "name too long (at most 64 characters)"
            )
            name = None
        age_group = self._age_group()
        building = self._building()
        unit = self._number("unit", "单元", "unit")
        room = self._room()
        birth_year = self._birth_year(age_group)
        phone = self._phone()
        consent = self._consent()
        nickname = self._nickname(name)
        if (
            self.errors
            or name is None
            or age_group is None
            or building is None
            or unit is None
            or room is None
            or consent is None
        ):
            return None
        return PlannedResident(
            row=self.row.number,
            full_name=name,
            nickname=nickname or nickname_for(name, rng, age_group=age_group),
            building_id=building.id,
            building_label=building.label,
            unit=unit,
            room=room,
            age_group=age_group,
            birth_year=birth_year,
            phone=phone,
            consent=consent,
            household_id=None,
        )

    def _age_group(self) -> AgeGroup | None:
        value = self._required("age_group")
        if value is None:
            return None
        group = AGE_GROUP_WORDS.get(value.casefold())
        if group is None:
            self._error(
                "age_group",
                f"年龄段“{value}”无效，应为 儿童/成人/老人",
                f"age group {value!r} is not one of child/adult/elder",
            )
        return group

    def _building(self) -> Building | None:
        plot_text = self._value("plot")
        building_text = self._value("building")
        if not plot_text and building_text:
            # "1-5" or "1号地块5栋" in the building column alone is fine.
            try:
                plot, number = parse_building_label(building_text)
            except BuildingLabelError:
                self._required("plot")
                return None
        else:
            plot_value = self._number("plot", "地块", "plot")
            number_value = self._number("building", "楼栋", "building")
            if plot_value is None or number_value is None:
                return None
            plot, number = plot_value, number_value
        if plot not in self.plots:
            known = "、".join(str(p) for p in sorted(self.plots)) or "-"
            self._error(
                "plot",
                f"小区没有 {plot} 号地块（现有：{known}）",
                f"the site has no plot {plot} (plots: {known})",
            )
            return None
        building = self.buildings.get((plot, number))
        if building is None:
            known = "、".join(str(b) for p, b in sorted(self.buildings) if p == plot)
            self._error(
                "building",
                f"{plot}号地块没有 {number} 栋（现有：{known}）",
                f"plot {plot} has no building {number} (buildings: {known})",
            )
        return building

    def _room(self) -> str | None:
        value = self._required("room")
        if value is None:
            return None
        room = value.removesuffix("室").removesuffix("号").strip()
        if not _ROOM_RE.match(room):
            self._error(
                "room",
                f"门牌“{value}”无效，应类似 1203",
                f"room {value!r} is not valid; write it like 1203",
            )
            return None
        return room

    def _birth_year(self, age_group: AgeGroup | None) -> int | None:
        value = self._value("birth_year").removesuffix("年")
        if not value:
            return None
        if not value.isdigit() or len(value) != 4:
            self._error(
                "birth_year",
                f"出生年份“{value}”应为四位数字，如 1958",
                f"birth year {value!r} should be four digits, like 1958",
            )
            return None
        year = int(value)
        latest = self.now.year if self.now is not None else 9999
        if not EARLIEST_BIRTH_YEAR <= year <= latest:
            self._error(
                "birth_year",
                f"出生年份 {year} 不合理",
                f"birth year {year} is not plausible",
            )
            return None
        if self.now is not None and age_group is not None:
            age = self.now.year - year
            low, high = AGE_RANGES[age_group]
            if not low <= age <= high:
                self._error(
                    "birth_year",
                    f"出生年份 {year}（约 {age} 岁）与年龄段不符",
                    f"birth year {year} (about {age} years old) does not fit age group "
                    f"{age_group.value}",
                )
                return None
        return year

    def _phone(self) -> str | None:
        value = self._value("phone")
        if not value:
            return None
        phone = re.sub(r"[\s\-()（）]", "", value)
        if not _PHONE_RE.match(phone):
            self._error(
                "phone",
                f"电话“{value}”无效",
                f"phone {value!r} is not a phone number",
            )
            return None
        return phone

    def _consent(self) -> bool | None:
        value = self._value("consent")
        consent = CONSENT_WORDS.get(value.casefold())
        if consent is None:
            self._error(
                "consent",
                f"同意栏“{value}”应为 是/否",
                f"consent {value!r} should be yes/no (是/否, 1/0)",
            )
        return consent

    def _nickname(self, name: str | None) -> str | None:
        value = self._value("nickname")
        if not value:
            return None
        if len(value) > 32:
            self._error("nickname", "昵称太长（最多 32 个字符）", "nickname too long (at most 32)")
            return None
        if name is not None and len(name) >= 2 and name in value:
            # The kiosk shows nicknames in public; a full name there says who lives where.
            self._error(
                "nickname",
                "昵称不能包含完整姓名（终端会公开显示昵称）",
                "the nickname must not contain the full name (kiosks show it in public)",
            )
            return None
        return value


def apply_import(
    session: Session,
    plan: ImportPlan,
    *,
    now: datetime,
    actor_label: str,
    actor_id: int | None = None,
) -> ImportResult:
    """Write a plan without errors: new households, then residents, then one audit entry.

    Only flushes; the caller commits, so the import is all-or-nothing. Raises
    :class:`ImportRefused` when the plan has errors or nothing to write.
    """
    if plan.errors:
        raise ImportRefused(
            _msg(
                f"导入有 {len(plan.errors)} 处错误，未写入任何数据",
                f"the import has {len(plan.errors)} errors; nothing was written",
            )
        )
    if not plan.rows_ok:
        raise ImportRefused(_msg("没有可导入的居民", "there are no residents to import"))
    adds, updates = plan.adds, plan.updates

    new_keys = sorted(plan.new_household_keys)
    household_ids: dict[tuple[int, int, str], int] = {}
    if new_keys:
        ids = session.scalars(
            insert(Household).returning(Household.id, sort_by_parameter_order=True),
            [{"building_id": b, "unit": u, "room": r, "created_at": now} for b, u, r in new_keys],
        ).all()
        household_ids = dict(zip(new_keys, ids, strict=True))
    for r in updates:
        person = session.get(Resident, r.resident_id)
        assert person is not None
        for name in r.changes:
            setattr(person, name, getattr(r, name))
        if "consent" in r.changes:
            person.consent_at = now
    if adds:
        session.execute(
            # render_nulls keeps rows with and without phone/birth year in one batch.
            insert(Resident).execution_options(render_nulls=True),
            [
                {
                    "household_id": (
                        r.household_id
                        if r.household_id is not None
                        else household_ids[(r.building_id, r.unit, r.room)]
                    ),
                    "full_name": r.full_name,
                    "nickname": r.nickname,
                    "age_group": r.age_group,
                    "birth_year": r.birth_year,
                    "phone": r.phone,
                    "consent": r.consent,
                    "consent_at": now if r.consent else None,
                    "created_at": now,
                }
                for r in adds
            ],
        )
    session.flush()
    result = ImportResult(residents=len(adds), households_created=len(new_keys),
                          updated=len(updates))
    audit.record(
        session,
        action="resident.import",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="site",
        target_id=plan.site_id,
        details={
            "source": plan.source.rsplit("/", 1)[-1],
            "encoding": plan.encoding,
            "residents": result.residents,
            "households_created": result.households_created,
            "updated": result.updated,
            "unchanged": plan.unchanged,
        },
    )
    return result


class ResidentRefused(ValueError):
    """:func:`add_resident` found problems; ``errors`` name the field of each."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def add_resident(
    session: Session,
    values: dict[str, str],
    *,
    now: datetime,
    actor_label: str,
    actor_id: int | None = None,
    site: Site | None = None,
    rng: random.Random | None = None,
) -> Resident:
    """Register one resident from form ``values`` (the import's column keys), flushed and audited.

    The same checks as a row of an import (one rule for both); the flat is created when it is
    new. A person already registered in that flat under the same full name is refused (edit
    them instead). Raises :class:`ResidentRefused` with every problem.
    """
    table = Table(source="form", encoding="form", headers=list(values), keys=list(values),
                  rows=[TableRow(number=1, values=values)])
    plan = plan_import(session, table, site=site, now=now, rng=rng or random.Random())
    if plan.errors:
        raise ResidentRefused(plan.errors)
    planned = plan.rows_ok[0]
    if planned.resident_id is not None:
        raise ResidentRefused([RowError(1, "name", _msg(
            f"{planned.address} 已登记过“{planned.full_name}”，请直接编辑",
            f"{planned.full_name} is already registered at {planned.address}; edit them instead"))])
    household_id = planned.household_id
    if household_id is None:
        household = Household(building_id=planned.building_id, unit=planned.unit,
                              room=planned.room, created_at=now)
        session.add(household)
        session.flush()
        household_id = household.id
    person = Resident(
        household_id=household_id, full_name=planned.full_name, nickname=planned.nickname,
        age_group=planned.age_group, birth_year=planned.birth_year, phone=planned.phone,
        consent=planned.consent, consent_at=now if planned.consent else None, created_at=now,
    )
    session.add(person)
    session.flush()
    # Field names only: the audit log must not become a second copy of personal data.
    audit.record(session, action="resident.create", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="resident", target_id=person.id,
                 details={"household_id": household_id,
                          "new_household": planned.household_id is None})
    return person
