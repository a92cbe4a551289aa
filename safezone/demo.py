"""The demo community: 锦秀城三期 with 3 plots, 18 buildings and 1,462 invented households.

Everything is generated from the ``rng`` passed in, so one seed always gives the same people.
Names are composed from common surnames and given-name characters; no real person is listed,
and no phone numbers are invented (made-up numbers could belong to someone).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from safezone.models import AgeGroup, Building, Household, Plot, Resident, Site
from safezone.services import audit
from safezone.services.community import ensure_buildings, ensure_site, nickname_for

SITE_NAME = "锦秀城三期"
SITE_NAME_EN = "Jinxiucheng Phase 3"
HOUSEHOLD_TARGET = 1462


@dataclass(frozen=True)
class BuildingType:
    """How many floors, units (单元) and flats per unit and floor a building has."""

    floors: int
    units: int
    flats_per_floor: int

    @property
    def flats(self) -> int:
        """Number of flats in the building."""
        return self.floors * self.units * self.flats_per_floor


#: Plot number → the type of its 6 buildings. Resettlement compounds mix mid-rise and high-rise
#: blocks; 1,548 flats hold the 1,462 households, leaving about 6 % empty.
PLOT_TYPES: dict[int, BuildingType] = {
    1: BuildingType(floors=18, units=2, flats_per_floor=2),  # 72 flats, plot 1 has the pilotis
    2: BuildingType(floors=11, units=3, flats_per_floor=2),  # 66 flats
    3: BuildingType(floors=30, units=2, flats_per_floor=2),  # 120 flats
}
BUILDINGS_PER_PLOT = 6

#: Household sizes 1–5 and how often they occur (mean ≈ 2.9 people).
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_SIZE_WEIGHTS = (12, 30, 27, 20, 11)
#: Age mix of the members after the first (the first is an adult or an elder).
MEMBER_AGE_WEIGHTS = {AgeGroup.ELDER: 22, AgeGroup.ADULT: 50, AgeGroup.CHILD: 28}
FIRST_MEMBER_ELDER_SHARE = 0.31
CONSENT_SHARE = 0.92

# Frequent surnames, roughly in order of frequency in Sichuan; repeated entries weight them.
SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈陈杨杨杨黄黄赵赵吴吴周周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯"
    "于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔"
    "白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
# Given-name characters by generation: names follow fashions, so an elder called 梓涵 would look
# odd to the staff reviewing the demo.
GIVEN_CHARS = {
    AgeGroup.ELDER: "秀英兰芳桂珍玉淑华凤琼素建国明德福志文军平民荣昌贵富成发清云金银",
    AgeGroup.ADULT: "伟丽静敏磊洋勇艳杰娟涛斌超霞刚平辉强燕鹏波红婷琳雪峰军宇飞晶丹亮",
    AgeGroup.CHILD: "子梓涵轩浩宇欣怡雨辰诺一沐可萱睿泽晨悦彤铭嘉航佳琪思语瑶皓博安",
}
#: Age ranges (years) of the generated residents.
AGE_SPANS = {AgeGroup.CHILD: (3, 17), AgeGroup.ADULT: (18, 59), AgeGroup.ELDER: (60, 88)}
#: Households were registered between these many days before ``now`` (the move-in period).
REGISTERED_DAYS_AGO = (400, 560)

ProgressCallback = Callable[[int, int], None]


class DemoError(RuntimeError):
    """The demo community cannot be created here; the message says why."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`create_demo_community` did (or found)."""

    site_name: str
    created: bool
    plots: int
    buildings: int
    households: int
    residents: int
    elders: int = 0
    adults: int = 0
    children: int = 0

    @property
    def message(self) -> str:
        """One line for people: what was created, or that the community already existed."""
        counts = (
            f"{self.plots} 个地块、{self.buildings} 栋楼、{self.households} 户、{self.residents} 位居民 / "
            f"{self.plots} plots, {self.buildings} buildings, {self.households} households, "
            f"{self.residents} residents"
        )
        if self.created:
            return f"已创建演示小区 {self.site_name}：{counts}"
        return f"演示小区 {self.site_name} 已存在，未做修改 / already exists, nothing changed: {counts}"


def _existing_summary(session: Session, site: Site) -> DemoSummary:
    plots = session.scalar(select(func.count(Plot.id)).where(Plot.site_id == site.id)) or 0
    buildings = (
        session.scalar(select(func.count(Building.id)).join(Plot).where(Plot.site_id == site.id))
        or 0
    )
    households = (
        session.scalar(
            select(func.count(Household.id))
            .join(Building)
            .join(Plot)
            .where(Plot.site_id == site.id)
        )
        or 0
    )
    residents = (
        session.scalar(
            select(func.count(Resident.id))
            .join(Household)
            .join(Building)
            .join(Plot)
            .where(Plot.site_id == site.id)
        )
        or 0
    )
    return DemoSummary(site.name, False, plots, buildings, households, residents)


def _given_name(rng: random.Random, group: AgeGroup) -> str:
    chars = GIVEN_CHARS[group]
    length = 1 if rng.random() < 0.3 else 2
    return "".join(rng.choice(chars) for _ in range(length))


def _member_groups(rng: random.Random, size: int) -> list[AgeGroup]:
    first = AgeGroup.ELDER if rng.random() < FIRST_MEMBER_ELDER_SHARE else AgeGroup.ADULT
    groups = [first]
    population = list(MEMBER_AGE_WEIGHTS)
    weights = list(MEMBER_AGE_WEIGHTS.values())
    groups.extend(rng.choices(population, weights)[0] for _ in range(size - 1))
    return groups


def create_demo_community(
    session: Session,
    *,
    rng: random.Random,
    now: datetime,
    progress: ProgressCallback | None = None,
) -> DemoSummary:
    """Create 锦秀城三期 with its buildings, households and residents (flushed, not committed).

    If the site already exists nothing changes and the summary says so (``created`` False).
    Refuses (:class:`DemoError`) when the database already holds another site or residents:
    invented people must never be mixed into a real register. ``progress(done, total)`` is
    called as households are generated.
    """
    site = session.scalars(select(Site).where(Site.name == SITE_NAME)).one_or_none()
    if site is not None:
        return _existing_summary(session, site)
    if session.scalar(select(func.count(Site.id))) or session.scalar(
        select(func.count(Resident.id))
    ):
        raise DemoError(
            "数据库里已有真实的小区或居民，不能再加入演示数据 / the database already holds a site "
            "or residents; demo data is only created in an empty database"
        )

    site = ensure_site(session, SITE_NAME, HOUSEHOLD_TARGET, name_en=SITE_NAME_EN)
    layout = {plot: range(1, BUILDINGS_PER_PLOT + 1) for plot in PLOT_TYPES}
    buildings = ensure_buildings(session, site, layout)

    flats: list[tuple[int, int, str]] = []
    for building in buildings:
        kind = PLOT_TYPES[building.plot.number]
        for unit in range(1, kind.units + 1):
            for floor in range(1, kind.floors + 1):
                for flat in range(1, kind.flats_per_floor + 1):
                    flats.append((building.id, unit, f"{floor}{flat:02d}"))
    # Sorted by building, unit and floor so household ids follow the way people count flats.
    occupied = sorted(
        rng.sample(flats, HOUSEHOLD_TARGET), key=lambda flat: (flat[0], flat[1], int(flat[2]))
    )

    household_rows = []
    for building_id, unit, room in occupied:
        registered = now - timedelta(
            days=rng.randint(*REGISTERED_DAYS_AGO), minutes=rng.randint(0, 600)
        )
        household_rows.append(
            {"building_id": building_id, "unit": unit, "room": room, "created_at": registered}
        )
    household_ids = session.scalars(
        insert(Household).returning(Household.id, sort_by_parameter_order=True), household_rows
    ).all()

    resident_rows: list[dict] = []
    counts = dict.fromkeys(AgeGroup, 0)
    total = len(household_rows)
    for done, (household_id, household) in enumerate(
        zip(household_ids, household_rows, strict=True), start=1
    ):
        family_name = rng.choice(SURNAMES)
        size = rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_SIZE_WEIGHTS)[0]
        for group in _member_groups(rng, size):
            # Children carry the family surname; spouses and in-laws often do not.
            shares_surname = group is AgeGroup.CHILD or rng.random() < 0.55
            surname = family_name if shares_surname else rng.choice(SURNAMES)
            full_name = surname + _given_name(rng, group)
            low, high = AGE_SPANS[group]
            consent = rng.random() < CONSENT_SHARE
            resident_rows.append(
                {
                    "household_id": household_id,
                    "full_name": full_name,
                    "nickname": nickname_for(full_name, rng, age_group=group),
                    "age_group": group,
                    "birth_year": now.year - rng.randint(low, high),
                    "phone": None,
                    "consent": consent,
                    "consent_at": household["created_at"] if consent else None,
                    "created_at": household["created_at"],
                }
            )
            counts[group] += 1
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)
    # render_nulls: otherwise the ORM splits the batch wherever a NULL column starts or stops,
    # turning one multi-row INSERT into hundreds of statements.
    session.execute(insert(Resident).execution_options(render_nulls=True), resident_rows)
    session.flush()

    summary = DemoSummary(
        site_name=site.name,
        created=True,
        plots=len(PLOT_TYPES),
        buildings=len(buildings),
        households=len(household_ids),
        residents=len(resident_rows),
        elders=counts[AgeGroup.ELDER],
        adults=counts[AgeGroup.ADULT],
        children=counts[AgeGroup.CHILD],
    )
    audit.record(
        session,
        action="demo.create_community",
        actor_label="system",
        now=now,
        target_type="site",
        target_id=site.id,
        details={
            "households": summary.households,
            "residents": summary.residents,
            "buildings": summary.buildings,
        },
    )
    return summary
