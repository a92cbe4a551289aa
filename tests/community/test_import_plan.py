"""Planning and applying a resident import: every row error reported, all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.importing import ImportRefused, apply_import, plan_import, read_table
from safezone.models import AgeGroup, AuditEntry, Household, Resident, Site

HEADER = "姓名,昵称,地块,楼栋,单元,门牌,年龄段,出生年份,电话,同意"


def _table(tmp_path: Path, *lines: str, name: str = "list.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return read_table(path)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


GOOD = [
    "王秀英,,1,5,2,1203,老人,1952,138-0000-0001,是",
    "李子涵,小豆丁,1,5,2,1203,儿童,2016,,是",
    "欧阳娜娜,,2,3,1,301,成人,1990,,否",
    "张伟,,,1号地块5栋,2单元,1204室,adult,,,yes",
]


def test_good_file_is_planned_and_applied(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    plan = plan_import(db_session, _table(tmp_path, *GOOD), now=now)
    assert plan.ok and plan.errors == []
    assert plan.total_rows == 4 and len(plan.rows_ok) == 4
    assert len(plan.new_household_keys) == 3  # 1-5 2-1203 shared by two people
    first = plan.rows_ok[0]
    assert first.address == "1号地块5栋2单元1203"
    assert first.phone == "13800000001" and first.consent is True
    assert first.nickname in {"老王", "王老"}
    assert plan.rows_ok[1].nickname == "小豆丁"
    assert plan.rows_ok[3].room == "1204" and plan.rows_ok[3].unit == 2
    assert _count(db_session, Resident) == 0  # planning writes nothing

    result = apply_import(db_session, plan, now=now, actor_label="cli")
    assert (result.residents, result.households_created) == (4, 3)
    assert _count(db_session, Resident) == 4 and _count(db_session, Household) == 3
    wang = db_session.scalars(select(Resident).where(Resident.full_name == "王秀英")).one()
    assert wang.age_group is AgeGroup.ELDER and wang.birth_year == 1952
    assert wang.consent_at == now and wang.household.label == "1号地块5栋2单元1203"
    ouyang = db_session.scalars(select(Resident).where(Resident.full_name == "欧阳娜娜")).one()
    assert ouyang.consent is False and ouyang.consent_at is None
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "resident.import")
    ).one()
    assert entry.details == {
        "source": "list.csv",
        "encoding": "utf-8",
        "residents": 4,
        "households_created": 3,
        "updated": 0,
        "unchanged": 0,
    }


BROKEN = [
    ",,1,5,2,1203,老人,,,是",  # 2: no name
    "甲,,9,5,2,1203,老人,,,是",  # 3: no plot 9
    "乙,,1,9,2,1203,老人,,,是",  # 4: no building 9 on plot 1
    "丙,,1,5,二,1203,成人,,,是",  # 5: unit not a number
    "丁,,1,5,2,12 03,成人,,,是",  # 6: bad room
    "戊,,1,5,2,1203,青年,,,是",  # 7: bad age group
    "己,,1,5,2,1203,成人,19x0,,是",  # 8: bad year
    "庚,,1,5,2,1203,儿童,1950,,是",  # 9: year does not fit the age group
    "辛,,1,5,2,1203,成人,2030,,是",  # 10: born in the future
    "壬,,1,5,2,1203,成人,,12ab,是",  # 11: bad phone
    "癸,,1,5,2,1203,成人,,,maybe",  # 12: bad consent
    "王大明,王大明的号,1,5,2,1203,成人,,,是",  # 13: nickname shows the full name
    "赵六,,1,5,2,1203,成人,,,是,多余",  # 14: shifted row
    "钱七,,,5栋,2,1203,成人,,,是",  # 15: building without plot
    ",,,,,,,,,是",  # 16: everything missing
]


def test_every_broken_row_is_reported_and_nothing_written(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    plan = plan_import(db_session, _table(tmp_path, *GOOD[:1], *BROKEN), now=now)
    found = {(e.row, e.field) for e in plan.errors}
    expected = {
        (3, "name"),
        (4, "plot"),
        (5, "building"),
        (6, "unit"),
        (7, "room"),
        (8, "age_group"),
        (9, "birth_year"),
        (10, "birth_year"),
        (11, "birth_year"),
        (12, "phone"),
        (13, "consent"),
        (14, "nickname"),
        (15, "row"),
        (16, "plot"),
        (17, "name"),
        (17, "plot"),
        (17, "building"),
        (17, "unit"),
        (17, "room"),
        (17, "age_group"),
    }
    assert found == expected
    assert [r.row for r in plan.rows_ok] == [2]
    assert [e.row for e in plan.errors] == sorted(e.row for e in plan.errors)
    for error in plan.errors:
        zh, _, en = error.message.partition(" / ")
        assert zh and en, error  # every message in Chinese and English
    messages = {(e.row, e.field): e.message for e in plan.errors}
    assert "no plot 9 (plots: 1、2、3)" in messages[(4, "plot")]
    assert "plot 1 has no building 9" in messages[(5, "building")]
    assert "does not fit age group child" in messages[(10, "birth_year")]
    assert plan.errors[0].format("list.csv").startswith("list.csv:row 3: name: 缺少姓名")

    with pytest.raises(ImportRefused, match="nothing was written"):
        apply_import(db_session, plan, now=now, actor_label="cli")
    assert _count(db_session, Resident) == 0 and _count(db_session, Household) == 0
    assert _count(db_session, AuditEntry) == 0


def test_duplicates_in_file_and_against_database(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    first = plan_import(db_session, _table(tmp_path, GOOD[0], name="one.csv"), now=now)
    apply_import(db_session, first, now=now, actor_label="cli")

    plan = plan_import(
        db_session,
        _table(
            tmp_path,
            "王秀英,,1,5,2,1203,老人,,,是",  # 2: already in the database: unchanged
            "王秀英,,1,5,2,1204,老人,,,是",  # 3: same name, other household: fine
            "李四,,1,5,2,1203,成人,,,是",  # 4: new person in the existing household
            "李四,,1-5,1-5,2,1203,成人,,,是",  # 5: labels in both columns: bad plot and building
            "李四,,1,5,2,1203室,成人,,,是",  # 6: same person as row 4
        ),
        now=now,
    )
    errors = {(e.row, e.field): e.message for e in plan.errors}
    assert set(errors) == {(5, "plot"), (5, "building"), (6, "name")}
    assert "same person as row 4" in errors[(6, "name")]
    ok = {r.row: r for r in plan.rows_ok}
    assert set(ok) == {2, 3, 4}
    assert ok[2].resident_id is not None and ok[2].changes == () and plan.unchanged == 1
    assert ok[4].household_id is not None and ok[3].household_id is None
    with pytest.raises(ImportRefused):
        apply_import(db_session, plan, now=now, actor_label="cli")
    assert _count(db_session, Resident) == 1


def test_anonymised_resident_does_not_block_reimport(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    from safezone.services.community import anonymise_resident

    apply_import(
        db_session,
        plan_import(db_session, _table(tmp_path, GOOD[0]), now=now),
        now=now,
        actor_label="cli",
    )
    resident = db_session.scalars(select(Resident)).one()
    anonymise_resident(db_session, resident, now=now, actor_label="cli")
    plan = plan_import(db_session, _table(tmp_path, GOOD[0]), now=now)
    assert plan.ok


def test_no_site_is_refused(db_session: Session, tmp_path: Path, now: datetime) -> None:
    with pytest.raises(ImportRefused, match="no site"):
        plan_import(db_session, _table(tmp_path, GOOD[0]), now=now)


def test_several_sites_need_a_choice(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    from safezone.services.community import ensure_site

    other = ensure_site(db_session, "锦秀城二期", 800)
    with pytest.raises(ImportRefused, match="several sites"):
        plan_import(db_session, _table(tmp_path, GOOD[0]), now=now)
    plan = plan_import(db_session, _table(tmp_path, GOOD[0]), site=other, now=now)
    assert [(e.row, e.field) for e in plan.errors] == [(2, "plot")]


def test_empty_plan_is_refused(db_session: Session, site: Site, now: datetime) -> None:
    from safezone.importing import ImportPlan

    with pytest.raises(ImportRefused, match="no residents"):
        apply_import(
            db_session, ImportPlan("x.csv", "utf-8", site.id, 0), now=now, actor_label="cli"
        )


def test_reimport_updates_by_flat_and_name_with_adds_changes_unchanged(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    apply_import(db_session, plan_import(db_session, _table(tmp_path, *GOOD), now=now),
                 now=now, actor_label="cli")
    before = _count(db_session, Resident)
    plan = plan_import(db_session, _table(
        tmp_path,
        "王秀英,,1,5,2,1203,老人,1952,13900000009,是",  # phone changed
        "李子涵,,1,5,2,1203,儿童,,,是",                 # empty cells keep what is registered
        "欧阳娜娜,,2,3,1,301,成人,1990,,是",            # consent given now
        "赵六,,2,3,1,301,老人,1950,,是",                # new member of an existing flat
        name="again.csv"), now=now)
    assert plan.ok
    assert [r.full_name for r in plan.adds] == ["赵六"]
    assert {r.full_name: r.changes for r in plan.updates} == {
        "王秀英": ("phone",), "欧阳娜娜": ("consent",)}
    assert plan.unchanged == 1
    result = apply_import(db_session, plan, now=now, actor_label="cli")
    assert (result.residents, result.updated, result.households_created) == (1, 2, 0)
    assert _count(db_session, Resident) == before + 1
    kid = db_session.scalars(select(Resident).where(Resident.full_name == "李子涵")).one()
    assert kid.nickname == "小豆丁" and kid.birth_year == 2016  # kept
    wang = db_session.scalars(select(Resident).where(Resident.full_name == "王秀英")).one()
    assert wang.phone == "13900000009"
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["updated"] == 2 and entry.details["unchanged"] == 1


def test_reimport_with_a_bad_row_changes_nobody(
    db_session: Session, site: Site, tmp_path: Path, now: datetime
) -> None:
    apply_import(db_session, plan_import(db_session, _table(tmp_path, *GOOD), now=now),
                 now=now, actor_label="cli")
    db_session.commit()
    plan = plan_import(db_session, _table(
        tmp_path, "王秀英,,1,5,2,1203,老人,1952,13900000009,是", "坏行,,1,5,2,1203,外星人,,,是",
        name="bad.csv"), now=now)
    assert [(e.row, e.field) for e in plan.errors] == [(3, "age_group")]
    with pytest.raises(ImportRefused):
        apply_import(db_session, plan, now=now, actor_label="cli")
    wang = db_session.scalars(select(Resident).where(Resident.full_name == "王秀英")).one()
    assert wang.phone == "13800000001"
