"""The month's report and the 台账 documents through the admin: roles, arguments, audit."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from safezone.models import AuditEntry, Role
from safezone.reports.monthly import SHEETS


def test_monthly_report_is_the_main_export_and_is_audited(client, auth, community, db_session):
    auth.login(Role.VIEWER)  # counts only: every reader may take it
    page = client.get("/exports/").get_data(as_text=True)
    assert page.index("月度报告") < page.index("原始数据导出")
    assert 'value="2026-11"' in page  # this month preselected
    r = client.get("/exports/monthly.xlsx?month=2026-11")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "2026-11.xlsx" in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == list(SHEETS)
    assert wb["概览"]["A1"].value == "锦秀城三期 安全宣传教育月度报告（2026年11月）"
    db_session.rollback()
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.monthly_report"))
    assert entry.details == {"rows": 3, "month": "2026-11", "roadshows": 0}
    assert entry.actor_label == "viewer"


def test_monthly_report_defaults_to_this_month_and_refuses_bad_months(client, auth, community):
    auth.login(Role.STAFF)
    assert "2026-11" in client.get("/exports/monthly.xlsx").headers["Content-Disposition"]
    assert client.get("/exports/monthly.xlsx?month=2026-13").status_code == 400
    assert client.get("/exports/monthly.xlsx?month=<script>").status_code == 400


def test_monthly_report_needs_a_login_and_a_reading_role(client, auth, community):
    assert client.get("/exports/monthly.xlsx").status_code in (302, 401)
    auth.login(Role.VOLUNTEER)
    assert client.get("/exports/monthly.xlsx").status_code == 403
