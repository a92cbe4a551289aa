"""End-to-end in a real browser: log in, import, schedule a roadshow, check in by typing a code,
the dashboard; axe-core finds no serious or critical accessibility violation on any page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from admin_support import PASSWORD, make_app
from browser_support import DESKTOP, PHONE, chromium, require_browser, serious_violations, serve

from safezone.cards.service import issue_card
from safezone.models import Role
from safezone.services.roadshows import assign_volunteer, create_event
from safezone.services.staff import user_by_username
from safezone.sync.tokens import create_kiosk

pytestmark = pytest.mark.browser


@pytest.fixture
def live(settings, database, now, community, make_staff, db_session):
    """A served app with the small community, an admin, a roadshow, two card codes and a kiosk."""
    require_browser()
    make_staff(Role.ADMIN, "admin")
    make_staff(Role.VOLUNTEER, "vol")
    event = create_event(db_session, title="消防安全路演", place="1号地块5栋架空层", topics=["fire"],
                         now=now, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2))
    codes = [issue_card(db_session, r, now=now).code for r in community["residents"][:2]]
    kiosk = create_kiosk(db_session, "1号地块5栋架空层", now=now).kiosk
    assign_volunteer(db_session, event, user_by_username(db_session, "vol"), now=now)
    db_session.commit()
    app = make_app(settings, now, WTF_CSRF_ENABLED=True)
    with serve(app) as url, chromium() as browser:
        yield {"url": url, "browser": browser, "event": event, "codes": codes, "community": community,
               "kiosk": kiosk}
    app.extensions["safezone"].database.dispose()


def _login(page, url: str, username: str = "admin") -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_login_and_logout(live):
    page = live["browser"].new_page(viewport=DESKTOP)
    page.goto(live["url"] + "/")
    assert "/login" in page.url
    page.fill("#username", "admin")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    assert page.locator(".flash-error").inner_text() == "用户名或密码不正确"
    _login(page, live["url"])
    assert page.locator("h1").first.inner_text() == "概览"
    page.click("text=退出登录")
    page.wait_for_url("**/login")


def test_import_residents(live, tmp_path):
    page = live["browser"].new_page(viewport=DESKTOP)
    _login(page, live["url"])
    csv = tmp_path / "名单.csv"
    csv.write_bytes("姓名,地块,楼栋,单元,门牌,年龄段\n孙丽,1,5,3,601,成人\n".encode("gbk"))
    page.goto(live["url"] + "/residents/import")
    page.set_input_files("#file", str(csv))
    page.click("text=检查并预览")
    page.wait_for_selector("text=确认：新增 1 位，更新 0 位")
    page.click("text=确认：新增 1 位，更新 0 位")
    page.wait_for_selector(".flash-success")
    assert "已导入 1 位居民" in page.locator(".flash-success").inner_text()
    page.fill("#q", "孙丽")
    page.click("button:has-text('筛选')")
    assert page.locator("td a:has-text('孙丽')").count() == 1


def test_schedule_roadshow(live):
    page = live["browser"].new_page(viewport=DESKTOP)
    _login(page, live["url"])
    page.goto(live["url"] + "/roadshows/new")
    page.fill("#title", "电动车充电安全")
    page.check("input[value=traffic]")
    page.fill("#place", "2号地块广场")
    page.fill("#starts_at", "2026-12-06T14:00")
    page.fill("#ends_at", "2026-12-06T16:00")
    page.fill("#capacity", "30")
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('电动车充电安全')")
    assert "2026-12-06 14:00" in page.content()
    page.goto(live["url"] + "/roadshows/?view=calendar&month=2026-12")
    assert page.locator(".cal-event:has-text('电动车充电安全')").count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_check_in_by_typing_code(live, viewport):
    page = live["browser"].new_page(viewport=viewport)
    _login(page, live["url"], "vol")
    page.goto(f"{live['url']}/roadshows/{live['event'].id}/checkin")
    code = live["codes"][0]
    page.fill("#code", code)
    page.press("#code", "Enter")
    page.wait_for_selector(".result-ok")
    assert page.locator(".result-name").inner_text() == "张先生"
    assert page.locator(".result-building").inner_text() == "1号地块5栋"
    assert page.locator("#checked-count").inner_text() == "1"
    assert page.input_value("#code") == ""
    page.fill("#code", code)
    page.press("#code", "Enter")
    page.wait_for_selector(".result-bad")
    assert "无需重复签到" in page.locator(".result-message").inner_text()
    page.fill("#code", "NOTACARD99")
    page.press("#code", "Enter")
    from playwright.sync_api import expect

    expect(page.locator(".result-message")).not_to_contain_text("重复")
    assert page.locator(".result-bad").count() == 1
    assert page.locator("#recent li").count() == 3


def test_dashboard_loads_charts(live):
    page = live["browser"].new_page(viewport=DESKTOP)
    _login(page, live["url"])
    page.goto(live["url"] + "/dashboards/")
    page.wait_for_selector("#dashboard[data-loaded=true]")
    assert page.locator(".reach-cell").count() == 3
    assert page.locator("#kpi-share").inner_text().endswith("%")


def _all_pages(live) -> list[str]:
    r = live["community"]["residents"][0]
    e = live["event"]
    return ["/", "/residents/", f"/residents/{r.id}", f"/residents/{r.id}/anonymise", "/residents/import",
            "/residents/cards/print", f"/residents/households/{r.household_id}", "/roadshows/",
            "/roadshows/?view=calendar", "/roadshows/new", f"/roadshows/{e.id}", f"/roadshows/{e.id}/checkin",
            "/dashboards/", "/dashboards/unreached", "/store/", f"/store/?resident={r.id}", "/content/",
            "/exports/", "/audit/", "/staff", "/password", "/kiosks/",
            f"/kiosks/{live['kiosk'].id}/revoke"]


def _register_kiosk(page, url: str, name: str) -> str:
    """Register a kiosk through the form; returns the code shown (grouped)."""
    page.goto(f"{url}/kiosks/")
    page.fill("#name", name)
    page.click("button:has-text('登记并生成注册码')")
    page.wait_for_selector(".enrol-code")
    return page.locator(".enrol-code").inner_text().replace("\n", "")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_register_a_kiosk_and_revoke_it(live, viewport):
    page = live["browser"].new_page(viewport=viewport)
    _login(page, live["url"])
    code = _register_kiosk(page, live["url"], "2号地块活动室")
    assert len(code.replace("-", "")) == 12
    assert page.locator("pre.command").inner_text().endswith(f"--enrol-code {code}")
    # On a phone the three groups may wrap, but the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("text=已记下，返回终端列表")
    row = page.locator("tr:has-text('2号地块活动室')")
    assert "等待注册" in row.inner_text() and code not in page.content()
    row.locator("a:has-text('停用')").click()
    page.click("button:has-text('确认停用')")  # the browser insists on the tick first
    assert "/revoke" in page.url
    page.check("#confirm")
    page.click("button:has-text('确认停用')")
    page.wait_for_selector(".flash-success")
    assert "终端“2号地块活动室”已停用" in page.locator(".flash-success").inner_text()


def test_reset_a_staff_password(live):
    page = live["browser"].new_page(viewport=DESKTOP)
    _login(page, live["url"])
    page.goto(live["url"] + "/staff")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr:has-text('vol')").locator("button:has-text('重置密码')").click()
    page.wait_for_selector("code.otp")
    assert "账号 vol 的密码已重置" in page.locator(".flash-success").inner_text()


def test_no_serious_accessibility_violations(live):
    context = live["browser"].new_context(viewport=DESKTOP, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    problems = {}
    page.goto(live["url"] + "/login")
    problems["/login"] = serious_violations(page)
    _login(page, live["url"])
    for path in _all_pages(live):
        page.goto(live["url"] + path)
        if path == "/dashboards/":
            page.wait_for_selector("#dashboard[data-loaded=true]")
        problems[path] = serious_violations(page)
    # Pages that only answer a POST: a kiosk's one-time code, a reset staff password.
    _register_kiosk(page, live["url"], "2号地块活动室")
    problems["kiosk code"] = serious_violations(page)
    page.goto(live["url"] + "/staff")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr:has-text('vol')").locator("button:has-text('重置密码')").click()
    page.wait_for_selector("code.otp")
    problems["staff password reset"] = serious_violations(page)
    assert {p: v for p, v in problems.items() if v} == {}
    context.close()


def test_no_console_errors_or_csp_violations(live):
    page = live["browser"].new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, live["url"])
    for path in _all_pages(live):
        page.goto(live["url"] + path)
        if path == "/dashboards/":
            page.wait_for_selector("#dashboard[data-loaded=true]")
    assert errors == []
