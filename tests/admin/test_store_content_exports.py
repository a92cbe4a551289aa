"""Points store, question bank, exports (formula injection, audit) and the audit log page."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from sqlalchemy import func, select

from safezone.cards.service import issue_card
from safezone.models import AuditEntry, PointsReason, Redemption, Role, StoreItem
from safezone.services.points import add_entry, balance
from safezone.services.store import create_item


@pytest.fixture
def shop(db_session, community, now):
    """Two items; the first resident has 50 points."""
    blanket = create_item(db_session, name="灭火毯", price_points=40, stock=1, now=now)
    torch = create_item(db_session, name="手电筒", price_points=80, stock=3, now=now)
    add_entry(db_session, community["residents"][0].id, 50, PointsReason.ADJUST, now=now, note="测试")
    db_session.commit()
    return {"blanket": blanket, "torch": torch, "resident": community["residents"][0]}


def test_store_redeem_checks_balance_and_stock(client, auth, shop, db_session):
    auth.login(Role.STAFF)
    rid = shop["resident"].id
    page = client.get(f"/store/?resident={rid}").get_data(as_text=True)
    assert "灭火毯" in page and ">50<" in page
    poor = client.post("/store/redeem", data={"item_id": shop["torch"].id, "resident_id": rid},
                       follow_redirects=True)
    assert "积分不足" in poor.get_data(as_text=True)
    ok = client.post("/store/redeem", data={"item_id": shop["blanket"].id, "resident_id": rid},
                     follow_redirects=True)
    assert "已兑换" in ok.get_data(as_text=True)
    db_session.rollback()
    db_session.expire_all()
    assert balance(db_session, rid) == 10
    assert db_session.get(StoreItem, shop["blanket"].id).stock == 0
    assert db_session.scalar(select(func.count()).select_from(Redemption)) == 1
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "store.redeem"))


def test_store_lookup_by_card(client, auth, shop, db_session, now):
    code = issue_card(db_session, shop["resident"], now=now).code
    db_session.commit()
    auth.login(Role.STAFF)
    r = client.post("/store/lookup", data={"code": code})
    assert r.headers["Location"].endswith(f"/store/?resident={shop['resident'].id}")
    bad = client.post("/store/lookup", data={"code": "NOPE"}, follow_redirects=True)
    assert "卡" in bad.get_data(as_text=True)


def test_store_items_create_and_update(client, auth, shop, db_session):
    auth.login(Role.STAFF)
    client.post("/store/items", data={"name": "烟雾报警器", "price_points": "120", "stock": "5"})
    dup = client.post("/store/items", data={"name": "灭火毯", "price_points": "1", "stock": "1"},
                      follow_redirects=True)
    assert "已有名为" in dup.get_data(as_text=True)
    bad = client.post("/store/items", data={"name": "x", "price_points": "abc", "stock": "1"},
                      follow_redirects=True)
    assert "请输入整数" in bad.get_data(as_text=True)
    client.post(f"/store/items/{shop['torch'].id}", data={"name": "手电筒", "price_points": "60",
                                                          "stock": "9", "active": "0"})
    db_session.rollback()
    db_session.expire_all()
    torch = db_session.get(StoreItem, shop["torch"].id)
    assert (torch.price_points, torch.stock, torch.active) == (60, 9, False)
    assert db_session.scalar(select(StoreItem).where(StoreItem.name == "烟雾报警器")).stock == 5


def test_content_browse_and_toggle(app, client, auth, settings, db_session):
    auth.login(Role.STAFF)
    page = client.get("/content/?topic=fire").get_data(as_text=True)
    assert "消防" in page
    from safezone.content import DEFAULT_CONTENT_ROOT, load_content

    question = next(iter(load_content(DEFAULT_CONTENT_ROOT).bundle.questions.values()))
    detail = client.get(f"/content/{question.id}").get_data(as_text=True)
    assert question.prompt.zh in detail
    client.post(f"/content/{question.id}/toggle", data={"disable": "1"})
    stored = json.loads((settings.data_dir / "disabled_questions.json").read_text(encoding="utf-8"))
    assert stored == {"disabled": [question.id]}
    assert "已停用" in client.get(f"/content/{question.id}").get_data(as_text=True)
    client.post(f"/content/{question.id}/toggle", data={"disable": "0"})
    stored = json.loads((settings.data_dir / "disabled_questions.json").read_text(encoding="utf-8"))
    assert stored == {"disabled": []}
    db_session.rollback()
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "question")).all()
    assert actions == ["content.question_disable", "content.question_enable"]
    assert client.get("/content/no-such-question").status_code == 404
    assert client.post("/content/no-such-question/toggle", data={"disable": "1"}).status_code == 404


def _cells(data: bytes) -> list[object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [c.value for row in sheet.iter_rows() for c in row]


def test_residents_export_neutralises_formulas_and_is_audited(client, auth, community, db_session):
    person = community["residents"][0]
    person.full_name = '=HYPERLINK("http://evil.example","点我")'
    person.nickname = "+cmd|' /C calc'!A0"
    db_session.commit()
    auth.login(Role.STAFF)
    r = client.get("/exports/residents.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    values = _cells(r.data)
    assert "'=HYPERLINK(\"http://evil.example\",\"点我\")" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)
    db_session.rollback()
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.residents"))
    assert entry.details["rows"] == 4 and entry.actor_label == "staff"


def test_viewer_cannot_export_personal_data(client, auth, community):
    auth.login(Role.VIEWER)
    assert client.get("/exports/residents.xlsx").status_code == 403
    assert client.get("/exports/plays.xlsx").status_code == 200


def test_plays_and_dashboard_exports(client, auth, community, db_session):
    auth.login(Role.STAFF)
    assert "看板数据表" in client.get("/exports/").get_data(as_text=True)
    assert client.get("/exports/plays.xlsx?since=2026-11-01&until=2026-11-28").status_code == 200
    assert client.get("/exports/plays.xlsx?since=bad").status_code == 400
    assert client.get("/exports/plays.xlsx?since=2026-11-28&until=2026-11-01").status_code == 400
    r = client.get("/exports/dashboard/reach_buildings.xlsx")
    assert "1号地块5栋" in _cells(r.data)
    assert client.get("/exports/dashboard/nope.xlsx").status_code == 404
    db_session.rollback()
    actions = set(db_session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("export.%"))).all())
    assert {"export.plays", "export.dashboard.reach_buildings"} <= actions


def test_audit_log_page_and_filters(client, auth, community):
    auth.login(Role.ADMIN)
    client.get("/exports/dashboard/topics.xlsx")
    page = client.get("/audit/").get_data(as_text=True)
    assert "auth.login" in page and "export.dashboard.topics" in page
    only_exports = client.get("/audit/?action=export").get_data(as_text=True)
    assert "export.dashboard.topics" in only_exports and "auth.login<" not in only_exports
    nobody = client.get("/audit/?actor=ghost").get_data(as_text=True)
    assert "没有记录" in nobody
    assert client.get("/audit/?since=2026-11-28&until=2026-11-28").status_code == 200


def test_audit_log_is_admin_only(client, auth):
    auth.login(Role.STAFF)
    assert client.get("/audit/").status_code == 403
