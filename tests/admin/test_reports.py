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


def test_monthly_summary_pdf_is_audited(client, auth, community, db_session):
    auth.login(Role.VIEWER)
    r = client.get("/exports/summary.pdf?month=2026-11")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert client.get("/exports/summary.pdf?month=xx").status_code == 400
    db_session.rollback()
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.monthly_summary"))


def test_signin_sheet_is_for_staff_and_audited(client, auth, community, db_session, now):
    from datetime import timedelta

    from safezone.services.roadshows import create_event, register

    event = create_event(db_session, title="消防路演", place="广场", topics=["fire"],
                         starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1),
                         now=now)
    register(db_session, event, community["residents"][0], now=now)
    db_session.commit()
    auth.login(Role.VIEWER)
    assert client.get(f"/roadshows/{event.id}/signin.pdf").status_code == 403
    auth.logout()
    auth.login(Role.STAFF)
    assert "打印签到表" in client.get(f"/roadshows/{event.id}").get_data(as_text=True)
    r = client.get(f"/roadshows/{event.id}/signin.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert client.get("/roadshows/00000000-0000-0000-0000-000000000000/signin.pdf").status_code == 404
    db_session.rollback()
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.signin_sheet"))
    assert entry.details["rows"] == 1 and entry.details["event_id"] == str(event.id)


def _photo(size=(2400, 1800)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-XYZ"
    Image.new("RGB", size, "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_roadshow_record_end_to_end(client, auth, community, db_session, now):
    from datetime import timedelta

    from safezone.models import RoadshowPhoto
    from safezone.services.roadshows import create_event

    event = create_event(db_session, title="消防路演", place="广场", topics=["fire"],
                         starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1),
                         now=now - timedelta(days=3))
    db_session.commit()
    auth.login(Role.STAFF)
    assert "活动记录" in client.get(f"/roadshows/{event.id}").get_data(as_text=True)
    page = client.get(f"/roadshows/{event.id}/record")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    r = client.post(f"/roadshows/{event.id}/record", data={"summary": "讲解了灭火器使用。"})
    assert r.status_code == 302
    too_long = "字" * 4001
    r = client.post(f"/roadshows/{event.id}/record", data={"summary": too_long})
    assert r.status_code == 422 and too_long in r.get_data(as_text=True)  # kept what was typed
    r = client.post(f"/roadshows/{event.id}/record/photos", follow_redirects=True,
                    data={"photo": (io.BytesIO(_photo()), "IMG_0001.JPG"), "caption": "演示"},
                    content_type="multipart/form-data")
    assert "照片已上传" in r.get_data(as_text=True)
    r = client.post(f"/roadshows/{event.id}/record/photos", follow_redirects=True,
                    data={"photo": (io.BytesIO(b"GIF89a..."), "x.gif")},
                    content_type="multipart/form-data")
    assert "无法读取" in r.get_data(as_text=True)
    db_session.rollback()
    photo = db_session.scalar(select(RoadshowPhoto))
    assert (photo.width, photo.height, photo.caption) == (1600, 1200, "演示")
    db_session.rollback()  # end the read before the app writes
    jpg = client.get(f"/roadshows/{event.id}/record/photos/{photo.id}.jpg")
    assert jpg.mimetype == "image/jpeg" and b"SERIAL-XYZ" not in jpg.data
    pdf = client.get(f"/roadshows/{event.id}/record.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.post(f"/roadshows/{event.id}/record/photos/{photo.id}/delete").status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(RoadshowPhoto)) is None
    actions = set(db_session.scalars(select(AuditEntry.action)))
    assert {"roadshow.record", "roadshow.photo_add", "roadshow.photo_delete",
            "export.roadshow_record"} <= actions
    db_session.rollback()
    auth.logout()
    auth.login(Role.VIEWER)
    assert client.get(f"/roadshows/{event.id}/record").status_code == 403
    assert client.get(f"/roadshows/{event.id}/record.pdf").status_code == 403


def test_new_roadshow_offers_campaigns_and_building_ideas_and_prefills(client, auth, community):
    auth.login(Role.STAFF)
    page = client.get("/roadshows/new").get_data(as_text=True)
    assert "下次路演建议" in page and "119 消防宣传日" in page  # running in November
    assert "1号地块5栋" in page and "答题数据不足" in page  # nobody played in the tiny community
    filled = client.get("/roadshows/new?campaign=fire-119").get_data(as_text=True)
    assert 'value="119 消防宣传月：安全用火用电"' in filled
    assert 'value="fire" checked' in filled and 'value="2026-11-30T09:30"' in filled
    plain = client.get("/roadshows/new?campaign=nope&building=abc")
    assert plain.status_code == 200 and 'id="title" name="title" value=""' in plain.get_data(as_text=True)
    building = client.get(f"/roadshows/new?building={community['buildings'][0].id}")
    assert "先组织一次综合安全体验活动" in building.get_data(as_text=True)


def test_dashboard_shows_next_theme_without_create_links_for_viewers(client, auth, community):
    auth.login(Role.VIEWER)
    page = client.get("/dashboards/").get_data(as_text=True)
    assert "下次路演建议" in page and "/roadshows/new?" not in page
