"""The community: site and buildings, building labels, kiosk nicknames, anonymising residents."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import AgeGroup, Building, Card, CardStatus, Household, Plot, Resident, Site
from safezone.services import audit

#: Nickname given to a resident who asked to be forgotten.
ANONYMISED_NICKNAME = "已注销居民"
#: Why cards are revoked when their holder is anonymised.
ANONYMISED_CARD_REASON = "anonymised"


class CommunityError(ValueError):
    """A community operation was refused; the message says why, in Chinese and English."""


class BuildingLabelError(CommunityError):
    """A building label could not be read (e.g. ``5栋`` without its plot)."""


# ---------------------------------------------------------------------------------------------
# Site and buildings


def ensure_site(
    session: Session, name: str, household_target: int, *, name_en: str | None = None
) -> Site:
    """Return the site called ``name``, creating it when missing (flushed).

    An existing site gets ``household_target`` (and ``name_en`` when given) updated, so running
    set-up again after the community grew just corrects the numbers.
    """
    name = name.strip()
    if not name:
        raise CommunityError("小区名称不能为空 / the site name cannot be empty")
    if household_target < 0:
        raise CommunityError("户数不能为负 / the household target cannot be negative")
    site = session.scalars(select(Site).where(Site.name == name)).one_or_none()
    if site is None:
        site = Site(name=name, name_en=name_en, household_target=household_target)
        session.add(site)
    else:
        site.household_target = household_target
        if name_en is not None:
            site.name_en = name_en
    session.flush()
    return site


def ensure_buildings(
    session: Session, site: Site, layout: Mapping[int, Iterable[int]], *, units: int = 0
) -> list[Building]:
    """Make sure every plot and building of ``layout`` exists (flushed).

    ``layout`` maps a plot number to its building numbers, e.g. ``{1: range(1, 7)}``. Returns the
    buildings of the layout, ordered by plot then building number. Existing ones are kept;
    new ones get ``units`` units (0 = not set).
    """
    if not 0 <= units <= 99:
        raise CommunityError("单元数应在 0–99 之间 / the number of units must be 0-99")
    plots = {
        p.number: p for p in session.scalars(select(Plot).where(Plot.site_id == site.id)).all()
    }
    wanted: list[tuple[int, int]] = []
    for plot_number, building_numbers in layout.items():
        if plot_number < 1:
            raise CommunityError(f"地块号必须大于 0 / plot numbers start at 1, got {plot_number}")
        if plot_number not in plots:
            plots[plot_number] = Plot(site_id=site.id, number=plot_number)
            session.add(plots[plot_number])
        for number in building_numbers:
            if number < 1:
                raise CommunityError(
                    f"楼栋号必须大于 0 / building numbers start at 1, got {number}"
                )
            wanted.append((plot_number, number))
    session.flush()

    existing = {
        (b.plot.number, b.number): b
        for b in session.scalars(select(Building).join(Plot).where(Plot.site_id == site.id)).all()
    }
    for plot_number, number in wanted:
        if (plot_number, number) not in existing:
            building = Building(plot_id=plots[plot_number].id, number=number, units=units)
            building.plot = plots[plot_number]
            session.add(building)
            existing[(plot_number, number)] = building
    session.flush()
    return [existing[key] for key in sorted(set(wanted))]


_NUMBERS_RE = re.compile(r"^\d{1,3}(?:\s*[-–—~～]\s*\d{1,3})?$")
#: Most buildings one plot may get in one go (a typo like 1-500 must not create 500 buildings).
MAX_BUILDINGS_PER_PLOT = 99


def parse_building_numbers(text: str) -> list[int]:
    """Read building numbers such as ``1-6``, ``1-6, 8`` or ``1、3、5`` (full-width forms too).

    Raises :class:`CommunityError` naming the part that could not be read.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    numbers: set[int] = set()
    for part in re.split(r"[,，、;；\s]+", cleaned):
        if not part:
            continue
        if not _NUMBERS_RE.match(part):
            raise CommunityError(
                f"无法识别楼栋号“{part}”，请写成 1-6 或 1,3,5 / "
                f"cannot read the building numbers {part!r}; write them like 1-6 or 1,3,5"
            )
        bounds = [int(n) for n in re.split(r"\s*[-–—~～]\s*", part)]
        low, high = bounds[0], bounds[-1]
        if low < 1 or high < low:
            raise CommunityError(
                f"楼栋号“{part}”无效（从 1 开始，从小到大） / "
                f"building numbers {part!r} are not valid (start at 1, low to high)"
            )
        numbers.update(range(low, high + 1))
    if not numbers:
        raise CommunityError("请填写楼栋号 / enter the building numbers")
    if len(numbers) > MAX_BUILDINGS_PER_PLOT:
        raise CommunityError(
            f"一次最多 {MAX_BUILDINGS_PER_PLOT} 栋 / at most {MAX_BUILDINGS_PER_PLOT} buildings at once"
        )
    return sorted(numbers)


def set_building_units(session: Session, building: Building, units: int) -> None:
    """Set how many units (单元) a building has; 0 means "not set" (flushed).

    Refused when households already live in a unit above the new number.
    """
    if not 0 <= units <= 99:
        raise CommunityError("单元数应在 0–99 之间 / the number of units must be 0-99")
    if units:
        highest = session.scalar(
            select(func.max(Household.unit)).where(Household.building_id == building.id)
        )
        if highest is not None and highest > units:
            raise CommunityError(
                f"{building.label}已有 {highest} 单元的住户，单元数不能少于 {highest} / "
                f"{building.label} has households in unit {highest}; it needs at least {highest} units"
            )
    building.units = units
    session.flush()


def delete_building(session: Session, building: Building) -> None:
    """Remove a building set up by mistake (flushed); refused once it has households.

    A plot left without buildings is removed with it.
    """
    households = session.scalar(
        select(func.count()).select_from(Household).where(Household.building_id == building.id)
    )
    if households:
        raise CommunityError(
            f"{building.label}已有 {households} 户，不能删除 / "
            f"{building.label} has {households} households and cannot be removed"
        )
    plot = building.plot
    session.delete(building)
    session.flush()
    if not session.scalar(select(func.count()).select_from(Building).where(Building.plot_id == plot.id)):
        session.delete(plot)
        session.flush()


@dataclass(frozen=True)
class BuildingRow:
    """One building of the set-up page: its numbers, units and registered households."""

    id: int
    plot_number: int
    number: int
    units: int
    households: int

    @property
    def label(self) -> str:
        """``1号地块5栋``."""
        return f"{self.plot_number}号地块{self.number}栋"


def layout(session: Session, site: Site) -> list[BuildingRow]:
    """Every building of ``site`` with its household count, in plot/building order."""
    counts = (
        select(Household.building_id, func.count().label("n"))
        .group_by(Household.building_id).subquery()
    )
    rows = session.execute(
        select(Building.id, Plot.number, Building.number, Building.units,
               func.coalesce(counts.c.n, 0))
        .join(Plot, Plot.id == Building.plot_id)
        .outerjoin(counts, counts.c.building_id == Building.id)
        .where(Plot.site_id == site.id)
        .order_by(Plot.number, Building.number)
    ).all()
    return [BuildingRow(*row) for row in rows]


def the_site(session: Session) -> Site | None:
    """The community this database holds (the first one), or None before set-up."""
    return session.scalars(select(Site).order_by(Site.id).limit(1)).first()


# Label forms people type: "1-5", "1—5", "1号地块5栋", "1地块5栋", "1号5栋", "1-5栋", "1号地块5号楼".
_LABEL_RE = re.compile(
    r"^(?P<plot>\d{1,3})\s*(?:号\s*地块|地块|号|-|—|/|\.)\s*"
    r"(?P<building>\d{1,3})\s*(?:栋|号楼|幢|号|楼)?$"
)


def parse_building_label(text: str) -> tuple[int, int]:
    """Read ``(plot, building)`` from a label such as ``1-5``, ``1号地块5栋`` or ``1地块5栋``.

    Full-width digits and spaces are accepted. Raises :class:`BuildingLabelError` otherwise.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _LABEL_RE.match(cleaned)
    if match is None:
        raise BuildingLabelError(
            f"无法识别楼栋“{text}”，请写成“1号地块5栋”或“1-5” / "
            f"cannot read the building {text!r}; write it like '1号地块5栋' or '1-5'"
        )
    return int(match["plot"]), int(match["building"])


def find_building(
    session: Session, plot_number: int, building_number: int, *, site: Site | None = None
) -> Building | None:
    """The building with these numbers (in ``site`` when given), or None."""
    query = (
        select(Building)
        .join(Plot)
        .where(Plot.number == plot_number, Building.number == building_number)
    )
    if site is not None:
        query = query.where(Plot.site_id == site.id)
    return session.scalars(query.limit(1)).first()


def building_by_label(session: Session, text: str, *, site: Site | None = None) -> Building | None:
    """The building a label like ``1-5`` / ``1号地块5栋`` names, or None if the site has none.

    Raises :class:`BuildingLabelError` when the label cannot be read at all.
    """
    plot_number, building_number = parse_building_label(text)
    return find_building(session, plot_number, building_number, site=site)


# ---------------------------------------------------------------------------------------------
# Nicknames

# Two-character surnames must be recognised, or 欧阳娜娜 would become "欧阿姨"-like nonsense.
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "申屠",
        "轩辕",
        "百里",
        "呼延",
        "南宫",
        "西门",
        "独孤",
        "万俟",
        "闻人",
        "澹台",
        "钟离",
        "宗政",
        "濮阳",
        "太史",
        "仲孙",
    )
)

# Gender-neutral forms: the register has no gender, and guessing 阿姨/叔叔 wrong would offend.
_ELDER_FORMS = ("老{s}", "{s}老")
_ADULT_FORMS = ("{s}老师", "小{s}", "{s}师傅")
#: Cute syllables for children: 王小豆, 李小星...
CHILD_WORDS = tuple("豆星米果糖虎鱼熊兔苗乐贝朵宝龙鹿")
_FALLBACK_WORDS = ("邻居", "居民", "朋友", "伙伴")


@dataclass(frozen=True)
class SplitName:
    """A Chinese name split into surname and given name."""

    surname: str
    given: str


def split_name(full_name: str) -> SplitName:
    """Split ``张三`` → (张, 三), ``欧阳娜娜`` → (欧阳, 娜娜); latin names use their first word."""
    name = unicodedata.normalize("NFKC", full_name).strip()
    if not name:
        return SplitName("", "")
    if _is_cjk(name[0]):
        compact = "".join(name.split()).replace("·", "").replace("•", "")
        if len(compact) >= 3 and compact[:2] in COMPOUND_SURNAMES:
            return SplitName(compact[:2], compact[2:])
        return SplitName(compact[:1], compact[1:])
    words = name.split()
    return SplitName(words[0], " ".join(words[1:]))


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def nickname_for(
    full_name: str | None, rng: random.Random, *, age_group: AgeGroup = AgeGroup.ADULT
) -> str:
    """A friendly kiosk nickname from the surname only: 老王 / 王老师 / 王小豆.

    The given name never appears in it (kiosks show nicknames next to the building, and a full
    name there would tell passers-by who lives where). Latin names use their initial: ``小Z``.
    """
    parts = split_name(full_name or "")
    surname = parts.surname
    if surname and not _is_cjk(surname[0]):
        surname = surname[0].upper()
    if not surname:
        return "小" + rng.choice(_FALLBACK_WORDS)
    if age_group is AgeGroup.CHILD:
        candidates = [f"{surname}小{word}" for word in CHILD_WORDS]
    elif age_group is AgeGroup.ELDER:
        candidates = [form.format(s=surname) for form in _ELDER_FORMS]
    else:
        candidates = [form.format(s=surname) for form in _ADULT_FORMS]
    given = parts.given.replace(" ", "")
    safe = [c for c in candidates if not given or given not in c]
    if not safe:
        # E.g. 刘小 as a child or 张老 as an elder: every usual form would show the given name,
        # so fall back to a doubled cute word (刘豆豆) that does not contain it.
        safe = [f"{surname}{word}{word}" for word in CHILD_WORDS if word not in given]
    return rng.choice(safe)


# ---------------------------------------------------------------------------------------------
# Anonymising


def anonymise_resident(
    session: Session,
    resident: Resident,
    *,
    now: datetime,
    actor_label: str,
    actor_id: int | None = None,
) -> int:
    """Forget who a resident was while keeping their plays, answers and points (flushed).

    Clears the full name, phone and birth year, withdraws consent, sets the nickname to
    :data:`ANONYMISED_NICKNAME`, revokes every active card and writes an audit entry. Returns the
    number of cards revoked. Anonymising twice is refused.
    """
    if resident.anonymised_at is not None:
        raise CommunityError("该居民已注销 / this resident was already anonymised")
    cards = session.scalars(
        select(Card).where(Card.resident_id == resident.id, Card.status == CardStatus.ACTIVE)
    ).all()
    for card in cards:
        card.status = CardStatus.REVOKED
        card.revoked_at = now
        card.revoked_reason = ANONYMISED_CARD_REASON
    resident.full_name = None
    resident.phone = None
    resident.birth_year = None
    resident.nickname = ANONYMISED_NICKNAME
    resident.consent = False
    resident.consent_at = now
    resident.anonymised_at = now
    session.flush()
    audit.record(
        session,
        action="resident.anonymise",
        actor_label=actor_label,
        actor_id=actor_id,
        now=now,
        target_type="resident",
        target_id=resident.id,
        details={"cards_revoked": len(cards)},
    )
    return len(cards)
