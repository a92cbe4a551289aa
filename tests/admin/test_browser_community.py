"""From an empty database, in a real browser: first administrator, the set-up wizard (2 plots,
4 buildings), the household register and the residents imported, a roadshow, check-in by card
and by name, a door visit, and all three touchpoints on the reach page. Screenshots of each page
at desktop and phone width go to docs/admin/ (``SAFEZONE_SCREENSHOTS=1``)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from admin_support import PASSWORD, make_app
from browser_support import DESKTOP, PHONE, chromium, require_browser, serious_violations, serve

from safezone.cards.service import issue_card
from safezone.models import Resident
from safezone.services.roadshows import create_event

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "admin"
REGISTER = "地块,楼栋,单元,门牌\n" + "".join(
    f"{p},{b},1,{room}\n" for p, b in ((1, 1), (1, 2), (2, 1), (2, 2)) for room in ("101", "102", "201", "1001"))
RESIDENTS = ("姓名,地块,楼栋,单元,门牌,年龄段,电话,同意\n"
             "王建国,1,1,1,101,老人,13911110001,是\n李梅,1,1,1,102,成人,13911110002,是\n"
             "赵小宝,1,2,1,101,儿童,,是\n孙桂兰,2,1,1,1001,老人,13911114321,是\n"
             "周强,2,2,1,201,成人,13911110005,是\n")


def _shot(page, name: str) -> None:
    if os.environ.get("SAFEZONE_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def empty_live(settings, database, now):
    """A served app over an empty, migrated database (what `safezone init` leaves)."""
    require_browser()
    app = make_app(settings, now, WTF_CSRF_ENABLED=True)
    with serve(app) as url, chromium() as browser:
        yield {"url": url, "browser": browser}
    app.extensions["safezone"].database.dispose()


def test_a_real_community_from_an_empty_database(empty_live, tmp_path, database, now):
    url, browser = empty_live["url"], empty_live["browser"]
    # bypass_csp only so axe-core can be injected at the end; the app's own pages need none.
    page = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    page.goto(url + "/")
    page.wait_for_url("**/setup")
    page.fill("#username", "zhuren")
    page.fill("#display_name", "社区主任")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/community/")
    _shot(page, "community-wizard-desktop")
    page.fill("#name", "龙凤社区 新苑")
    page.fill("#household_target", "16")
    page.fill("#layout", "1:1-2\n2:1-2")
    page.fill("#units", "2")
    page.click("button:has-text('创建小区')")
    page.wait_for_url("**/community/register")

    register = tmp_path / "台账.csv"
    register.write_bytes(REGISTER.encode("gbk"))
    page.set_input_files("#file", str(register))
    page.click("text=检查并预览")
    page.click("text=确认导入 16 户")
    page.wait_for_url("**/residents/import")
    residents = tmp_path / "居民.csv"
    residents.write_bytes(RESIDENTS.encode("gbk"))
    page.set_input_files("#file", str(residents))
    page.click("text=检查并预览")
    page.click("text=确认：新增 5 位，更新 0 位")
    page.wait_for_selector(".flash-success")
    page.goto(url + "/community/")
    assert "4 栋，台账 16 户，应覆盖 16 户" in page.content()
    _shot(page, "community-setup-desktop")

    # A roadshow now, and a card for 王建国 (the codes exist only when issued).
    with database.sessions() as s:
        event = create_event(s, title="消防安全进社区", place="1号地块1栋楼下", topics=["fire"], now=now,
                             starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2))
        wang = s.query(Resident).filter_by(full_name="王建国").one()
        code = issue_card(s, wang, now=now).code
        s.commit()
        event_id = event.id

    page.goto(f"{url}/roadshows/{event_id}/checkin")
    page.fill("#code", code)
    page.press("#code", "Enter")
    page.wait_for_selector(".result-ok")
    page.fill("#code", code[:-1] + ("2" if code[-1] != "2" else "3"))
    page.press("#code", "Enter")
    page.wait_for_selector(".result-bad")
    assert page.input_value("#code").startswith(code[:-1])  # the typed code stays for mending
    assert "游客体验" not in page.locator(".result-message").inner_text()
    page.fill("#find", "4321")
    page.click("#by-name button:has-text('搜索')")
    page.wait_for_selector("text=2号地块1栋1单元1001")
    _shot(page, "checkin-by-name-desktop")
    page.click("button:has-text('核对住址后签到')")
    page.wait_for_selector(".result-ok")
    assert "孙" in page.locator(".result-name").inner_text()

    # A door visit recorded on a phone from the door-knocking sheet.
    phone = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    phone.goto(url + "/login")
    phone.fill("#username", "zhuren")
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(url + "/dashboards/unreached")
    phone.select_option("#building", label="1号地块2栋（4 户未覆盖）")
    phone.wait_for_selector("text=赵小宝")
    rooms = phone.locator(".door-room").all_inner_texts()
    assert [r.split()[-1] for r in rooms] == ["101", "102", "201", "1001"]
    _shot(phone, "door-sheet-phone")
    phone.locator(".door").first.locator("text=记录走访").click()
    phone.check("input[value=talked]")
    phone.select_option("#topic", "fire")
    phone.fill("#note", "楼道堆放纸箱，已提醒清理")
    _shot(phone, "visit-form-phone")
    phone.click("button:has-text('保存走访记录')")
    phone.wait_for_selector(".flash-success")
    assert phone.locator(".door-room").count() == 3

    page.goto(url + "/dashboards/reach")
    assert page.locator("#reach-total").inner_text().startswith("3")
    for kind in ("checkin", "visit"):
        assert page.locator(f"#reach-{kind}").inner_text() == ("2" if kind == "checkin" else "1")
    assert "什么算“已覆盖”" in page.content()
    _shot(page, "reach-desktop")
    phone.goto(url + "/dashboards/reach")
    _shot(phone, "reach-phone")
    page.goto(url + "/dashboards/reach?via=visit")
    assert page.locator("#reach-total").inner_text().startswith("1")
    for p in (page, phone):
        assert serious_violations(p) == []
    for path, name in (("/community/", "community-setup-phone"), ("/dashboards/unreached", None)):
        phone.goto(url + path)
        if name:
            _shot(phone, name)
        wide = phone.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert wide == [], (path, wide)
