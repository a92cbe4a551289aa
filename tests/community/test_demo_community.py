"""The demo community: exact counts, a plausible mix, deterministic for a seed, never twice."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.demo import DemoError, create_demo_community
from safezone.models import AgeGroup, Building, Household, Plot, Resident, Site
from safezone.services.community import ensure_site, split_name


def _people(session: Session) -> list[tuple]:
    rows = session.execute(
        select(
            Plot.number,
            Building.number,
            Household.unit,
            Household.room,
            Resident.full_name,
            Resident.nickname,
            Resident.age_group,
            Resident.birth_year,
            Resident.consent,
        )
        .join(Household, Resident.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .join(Plot, Building.plot_id == Plot.id)
        .order_by(Resident.id)
    ).all()
    return [tuple(row) for row in rows]


def test_counts_and_mix(db_session: Session, now: datetime) -> None:
    progress: list[tuple[int, int]] = []
    started = time.perf_counter()
    summary = create_demo_community(
        db_session, rng=random.Random(1), now=now, progress=lambda d, t: progress.append((d, t))
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"demo community took {elapsed:.1f} s"
    assert summary.created
    assert (summary.plots, summary.buildings, summary.households) == (3, 18, 1462)
    site = db_session.scalars(select(Site)).one()
    assert (site.name, site.name_en, site.household_target) == (
        "锦秀城三期",
        "Jinxiucheng Phase 3",
        1462,
    )
    assert db_session.scalar(select(func.count(Plot.id))) == 3
    assert db_session.scalar(select(func.count(Building.id))) == 18
    assert db_session.scalar(select(func.count(Household.id))) == 1462
    residents = db_session.scalar(select(func.count(Resident.id)))
    assert residents == summary.residents
    assert 1462 * 2.5 < residents < 1462 * 3.3  # about 4,000 people
    assert progress[-1] == (1462, 1462)

    people = _people(db_session)
    groups = Counter(p[6] for p in people)
    assert 0.20 < groups[AgeGroup.ELDER] / residents < 0.30
    assert 0.14 < groups[AgeGroup.CHILD] / residents < 0.22
    assert 0.80 < sum(p[8] for p in people) / residents < 0.98
    per_building = Counter((p[0], p[1]) for p in people)
    assert len(per_building) == 18
    sizes = Counter(db_session.execute(select(Resident.household_id)).scalars().all()).values()
    assert min(sizes) >= 1 and max(sizes) <= 5
    for plot, building, unit, room, name, nickname, group, year, _ in people:
        floor, flat = int(room[:-2]), int(room[-2:])
        assert 1 <= floor <= 30 and 1 <= flat <= 2 and 1 <= unit <= 3
        assert 2 <= len(name) <= 3
        given = split_name(name).given
        assert given not in nickname and name not in nickname
        age = now.year - year
        low, high = {AgeGroup.CHILD: (3, 17), AgeGroup.ADULT: (18, 59), AgeGroup.ELDER: (60, 88)}[
            group
        ]
        assert low <= age <= high
    # Households are unique flats (the unique constraint would fail otherwise, but say it).
    flats = db_session.execute(select(Household.building_id, Household.unit, Household.room)).all()
    assert len(set(flats)) == 1462


def test_same_seed_same_community(any_database, now: datetime) -> None:
    results = []
    for _ in range(2):
        with any_database.sessions() as session:
            create_demo_community(session, rng=random.Random(42), now=now)
            results.append(_people(session))
            session.rollback()
    assert results[0] == results[1]
    with any_database.sessions() as session:
        create_demo_community(session, rng=random.Random(43), now=now)
        assert _people(session) != results[0]
        session.rollback()


def test_second_run_changes_nothing(db_session: Session, now: datetime) -> None:
    first = create_demo_community(db_session, rng=random.Random(1), now=now)
    again = create_demo_community(db_session, rng=random.Random(2), now=now)
    assert not again.created
    assert (again.households, again.residents, again.buildings) == (
        1462,
        first.residents,
        18,
    )
    assert "already exists" in again.message and "已存在" in again.message
    assert db_session.scalar(select(func.count(Household.id))) == 1462


def test_refuses_a_database_with_a_real_site(db_session: Session, now: datetime) -> None:
    ensure_site(db_session, "红桥小区", 300)
    with pytest.raises(DemoError, match="already holds a site"):
        create_demo_community(db_session, rng=random.Random(1), now=now)
    assert db_session.scalar(select(func.count(Household.id))) == 0
