"""小区设置: the first-run wizard, buildings and units, the household register import (admin only)."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from safezone.models import AuditEntry, Building, Household, Role, Site


def _fresh(db_session):
    db_session.rollback()
    db_session.expire_all()
    return db_session


def _upload(client, url, text, name="台账.csv", encoding="utf-8"):
    return client.post(url, data={"file": (io.BytesIO(text.encode(encoding)), name)},
                       content_type="multipart/form-data")


def test_empty_database_leads_the_admin_to_the_wizard(client, auth, db_session):
    auth.login(Role.ADMIN)
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/community/")
    page = client.get("/community/").get_data(as_text=True)
    assert "欢迎使用：设置您的小区" in page
    bad = client.post("/community/", data={"name": "龙凤小区", "household_target": "8", "layout": "1:1-x"})
    assert bad.status_code == 422 and "无法识别楼栋号" in bad.get_data(as_text=True)
    assert "龙凤小区" in bad.get_data(as_text=True)  # what was typed is kept
    assert _fresh(db_session).scalar(select(func.count()).select_from(Site)) == 0
    ok = client.post("/community/", data={"name": "龙凤小区", "household_target": "8",
                                          "layout": "1:1-2\n2号地块：1,3", "units": "2"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/community/register")
    labels = [b.label for b in _fresh(db_session).scalars(select(Building)).all()]
    assert sorted(labels) == ["1号地块1栋", "1号地块2栋", "2号地块1栋", "2号地块3栋"]
    assert client.post("/community/", data={"name": "x", "layout": "1:1"}).status_code == 409
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "community.setup"))


def test_other_roles_see_a_notice_and_cannot_open_setup(client, auth):
    auth.login(Role.STAFF)
    assert "小区还没有设置" in client.get("/").get_data(as_text=True)
    assert client.get("/community/").status_code == 403
    assert client.post("/community/", data={"name": "x", "layout": "1:1"}).status_code == 403


def test_register_import_preview_errors_then_confirm(client, auth, community, db_session):
    auth.login(Role.ADMIN)
    bad = _upload(client, "/community/register",
                  "地块,楼栋,单元,门牌\n1,5,1,101\n1,7,1,101\n1,5,1,102\n", encoding="gbk")
    html = bad.get_data(as_text=True)
    assert "1号地块没有 7 栋" in html and "请先在小区设置里添加这些楼栋" in html
    assert client.post("/community/register/confirm").status_code == 302
    assert _fresh(db_session).scalar(select(func.count()).select_from(Household)) == 3
    good = _upload(client, "/community/register",
                   "地块,楼栋,单元,门牌\n1,5,1,101\n1,5,1,102\n2,1,3,901\n")
    html = good.get_data(as_text=True)
    assert "确认导入 2 户" in html and "1号地块5栋1单元102" in html
    done = client.post("/community/register/confirm")
    assert done.status_code == 302 and done.headers["Location"].endswith("/residents/import")
    assert _fresh(db_session).scalar(select(func.count()).select_from(Household)) == 5


def test_buildings_units_site_and_delete(client, auth, community, db_session):
    auth.login(Role.ADMIN)
    assert client.post("/community/buildings", data={"plot": "3", "buildings": "1-2", "units": "4"}).status_code == 302
    page = client.get("/community/").get_data(as_text=True)
    assert "3号地块2栋" in page
    b5 = community["buildings"][0].id
    assert client.post(f"/community/buildings/{b5}/units", data={"units": "3"}).status_code == 302
    assert _fresh(db_session).get(Building, b5).units == 3
    refused = client.post(f"/community/buildings/{b5}/delete")
    assert refused.status_code == 409 and "不能删除" in refused.get_data(as_text=True)
    new = db_session.scalars(select(Building).where(Building.units == 4)).first()
    assert client.post(f"/community/buildings/{new.id}/delete").status_code == 302
    assert client.post("/community/site", data={"name": "锦秀城三期", "household_target": "1500"}).status_code == 302
    assert _fresh(db_session).scalars(select(Site)).one().household_target == 1500


def test_resident_import_into_unknown_building_points_to_setup(client, auth, community):
    auth.login(Role.STAFF)
    html = _upload(client, "/residents/import", "姓名,地块,楼栋,单元,门牌,年龄段\n张三,1,7,1,101,成人\n",
                   name="r.csv").get_data(as_text=True)
    assert "1号地块没有 7 栋" in html and "请管理员在“小区设置”里添加" in html


def test_new_staff_accounts_default_to_viewer(client, auth):
    auth.login(Role.ADMIN)
    page = client.get("/staff").get_data(as_text=True)
    assert '<option value="viewer" selected>' in page
    assert page.index('value="viewer"') < page.index('value="admin"')
