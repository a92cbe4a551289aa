"""Screenshots of every admin page at desktop (1366×900) and phone (390×844) width, in zh-CN.

Run: ``.venv/bin/python tests/admin/take_screenshots.py docs/admin`` — builds a demo compound
(4,297 residents, three weeks of plays, roadshows, store items, kiosks) in a temporary folder,
serves the admin with waitress and drives Debian's chromium. Chinese is drawn with the bundled
font (assets/fonts), so no system CJK font is needed. Not a test: it writes files for people
to look at.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, for the admin package

from admin_support import PASSWORD, make_app
from browser_support import DESKTOP, PHONE, chromium, serve
from sqlalchemy import select, update

from safezone.app_context import open_database
from safezone.cards.service import issue_card
from safezone.config import Settings
from safezone.content import DEFAULT_CONTENT_ROOT, load_content
from safezone.demo import create_demo_community
from safezone.demo_history import generate_history
from safezone.fonts import font_path
from safezone.models import CheckInMethod, PlaySession, Resident, Role
from safezone.services import roadshows, store
from safezone.services.staff import create_staff_user
from safezone.sync import tokens

NOW = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 10:30 in Wuhan


def build(data_dir: Path) -> dict:
    """Demo data for the screenshots; returns ids the page list needs."""
    settings = Settings(data_dir=data_dir)
    db = open_database(settings, migrate=True)
    rng = random.Random(7)
    with db.sessions() as s:
        create_demo_community(s, rng=rng, now=NOW - timedelta(days=40))
        generate_history(s, days=21, rng=rng, now=NOW - timedelta(hours=1),
                         content_bundle=load_content(DEFAULT_CONTENT_ROOT).bundle, plays_per_day=45)
        admin = create_staff_user(s, username="admin", display_name="王主任", role=Role.ADMIN,
                                  password=PASSWORD, now=NOW)
        create_staff_user(s, username="li", display_name="李社工", role=Role.STAFF, password=PASSWORD, now=NOW)
        zhao = create_staff_user(s, username="zhao", display_name="赵志愿者", role=Role.VOLUNTEER,
                                 password=PASSWORD, now=NOW)
        people = s.scalars(select(Resident).order_by(Resident.id).limit(40)).all()
        past = roadshows.create_event(
            s, title="消防安全进楼栋", place="1号地块5栋架空层", topics=["fire", "home"], now=NOW - timedelta(days=20),
            starts_at=NOW - timedelta(days=10), ends_at=NOW - timedelta(days=10) + timedelta(hours=2),
            capacity=30, description="灭火器、灭火毯使用演示；楼道堆物隐患讲解。", staff_id=admin.id)
        today = roadshows.create_event(
            s, title="电动车安全充电路演", place="2号地块中心广场", topics=["fire", "traffic"], now=NOW - timedelta(days=5),
            starts_at=NOW - timedelta(minutes=30), ends_at=NOW + timedelta(hours=2), capacity=12,
            description="电动车不进楼、不入户，集中充电桩使用说明。", staff_id=admin.id)
        roadshows.create_event(
            s, title="防范电信诈骗讲座", place="社区活动室", topics=["cyber"], now=NOW,
            starts_at=NOW + timedelta(days=6), ends_at=NOW + timedelta(days=6, hours=2))
        roadshows.assign_volunteer(s, today, zhao, now=NOW - timedelta(days=1))
        for person in people[:14]:
            roadshows.register(s, today, person, now=NOW - timedelta(days=1))
        for person in people[20:32]:
            roadshows.check_in(s, past, person, method=CheckInMethod.SCANNER, now=past.starts_at)
        for person in people[:5]:
            roadshows.check_in(s, today, person, method=CheckInMethod.CAMERA, now=NOW - timedelta(minutes=10))
        for name, en, price, stock in (("灭火毯", "Fire blanket", 60, 20), ("手电筒", "Torch", 30, 4),
                                       ("烟雾报警器", "Smoke alarm", 120, 10), ("大米 5 斤", "Rice 2.5 kg", 80, 0)):
            store.create_item(s, name=name, name_en=en, price_points=price, stock=stock, now=NOW)
        issue_card(s, people[0], now=NOW - timedelta(days=30))
        _record(s, past)
        kiosk_ids = _kiosks(s)
        s.commit()
        ids = {"resident": people[0].id, "household": people[0].household_id, "event": today.id, "past": past.id,
               "kiosk": kiosk_ids[0]}
    db.dispose()
    return {"settings": settings, **ids}


def _record(s, event) -> None:
    """The past roadshow's record: a summary and two photos drawn for the purpose."""
    import io

    from PIL import Image, ImageDraw

    from safezone.services import roadshow_records

    roadshow_records.save_summary(
        s, event, "社区民警和消防站指导员讲解了楼道堆物、电动车入户充电的危害，现场演示灭火器和灭火毯的使用，"
        "12 位居民亲手操作。\n居民提出 5 栋楼道照明不足，已转物业处理。", now=NOW - timedelta(days=9))
    for caption, colour in (("灭火器操作演示", "#C0392B"), ("居民体验灭火毯", "#2F5D8A")):
        picture = Image.new("RGB", (1200, 800), colour)
        ImageDraw.Draw(picture).rectangle((380, 200, 820, 600), fill="#F2F2F2")
        out = io.BytesIO()
        picture.save(out, "JPEG")
        roadshow_records.add_photo(s, event, out.getvalue(), caption=caption, now=NOW - timedelta(days=9))


def _kiosks(s) -> list:
    """Four kiosks of a district: two syncing (the demo plays split between them), one waiting
    for enrolment, one revoked."""
    made = [tokens.create_kiosk(s, name, now=NOW - timedelta(days=days)).kiosk
            for name, days in (("1号地块5栋架空层", 40), ("2号地块中心广场", 25), ("社区服务中心大厅", 0),
                               ("3号地块旧终端", 60))]
    for kiosk, seen in zip(made[:2], (timedelta(minutes=4), timedelta(days=2, hours=3)), strict=True):
        kiosk.token_hash, kiosk.enrolment_code_hash = tokens.hash_secret(f"demo-{kiosk.name}"), None
        kiosk.enrolment_code_issued_at, kiosk.last_seen_at = None, NOW - seen
    made[2].enrolment_code_issued_at = NOW - timedelta(hours=1)
    made[3].last_seen_at = NOW - timedelta(days=9)
    tokens.revoke_kiosk(s, made[3].id, now=NOW - timedelta(days=8))
    sessions = s.scalars(select(PlaySession.id).order_by(PlaySession.id)).all()
    for kiosk, share in ((made[0], sessions[: len(sessions) * 2 // 3]), (made[1], sessions[len(sessions) * 2 // 3 :])):
        s.execute(update(PlaySession).where(PlaySession.id.in_(share)).values(kiosk_id=kiosk.id))
    return [k.id for k in made]


def pages(ids: dict) -> list[tuple[str, str]]:
    """(file name, path) of every page."""
    r, h, e, p = ids["resident"], ids["household"], ids["event"], ids["past"]
    return [
        ("01-overview", "/"), ("02-residents", "/residents/"), ("03-resident", f"/residents/{r}"),
        ("04-household", f"/residents/households/{h}"), ("05-anonymise", f"/residents/{r}/anonymise"),
        ("06-import", "/residents/import"), ("07-print-cards", "/residents/cards/print"),
        ("08-roadshows", "/roadshows/"), ("09-calendar", "/roadshows/?view=calendar"),
        ("10-roadshow-new", "/roadshows/new"), ("11-roadshow", f"/roadshows/{e}"),
        ("12-checkin", f"/roadshows/{e}/checkin"), ("13-dashboards", "/dashboards/"),
        ("14-unreached", "/dashboards/unreached"), ("15-store", f"/store/?resident={r}"),
        ("16-content", "/content/"), ("17-exports", "/exports/"), ("18-audit", "/audit/"),
        ("19-staff", "/staff"), ("20-password", "/password"), ("21-roadshow-past", f"/roadshows/{p}"),
        ("22-kiosks", "/kiosks/"), ("24-kiosk-revoke", f"/kiosks/{ids['kiosk']}/revoke"),
        ("26-roadshow-record", f"/roadshows/{p}/record"),
    ]


def _use_bundled_font(tmp: Path) -> None:
    """Let chromium (started after this) find the bundled CJK font: a fontconfig file for this
    process that adds assets/fonts to the system's fonts; nothing is installed."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{font_path().parent}</dir>\n  <cachedir>{tmp / 'fontconfig-cache'}</cachedir>\n"
        "</fontconfig>\n", encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)


def main(out: Path) -> None:
    """Build data, serve, and save the screenshots into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        _use_bundled_font(Path(tmp))
        ids = build(Path(tmp) / "var")
        app = make_app(ids["settings"], NOW)
        with serve(app) as url, chromium() as browser:
            for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                page.goto(url + "/login")
                page.screenshot(path=str(out / f"00-login-{label}.png"), full_page=True)
                page.fill("#username", "admin")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for name, path in pages(ids):
                    page.goto(url + path)
                    if path.startswith("/dashboards/") and path.endswith("/"):
                        page.wait_for_selector("#dashboard[data-loaded=true]")
                    page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=label == "desktop")
                # The check-in screen right after a scan, as a volunteer sees it.
                page.goto(f"{url}/roadshows/{ids['event']}/checkin")
                page.fill("#code", "NOTACARD99")
                page.press("#code", "Enter")
                page.wait_for_selector(".result-bad")
                page.screenshot(path=str(out / f"12b-checkin-refused-{label}.png"))
                # A kiosk registered just now: its one-time code, shown once.
                page.goto(f"{url}/kiosks/")
                page.fill("#name", {"desktop": "3号地块东门岗亭", "phone": "2号地块老年活动室"}[label])
                page.click("button[type=submit].primary")
                page.wait_for_selector(".enrol-code")
                page.screenshot(path=str(out / f"23-kiosk-code-{label}.png"), full_page=label == "desktop")
                # Another member's password reset: the one-time password, shown once.
                page.goto(f"{url}/staff")
                page.once("dialog", lambda dialog: dialog.accept())
                page.locator("tr:has-text('李社工')").locator("form[action$='/reset-password'] button").click()
                page.wait_for_selector("code.otp")
                page.screenshot(path=str(out / f"25-staff-reset-{label}.png"), full_page=label == "desktop")
                page.close()
        app.extensions["safezone"].database.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/admin"))
