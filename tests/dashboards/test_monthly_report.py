"""The month's report workbook: six Chinese sheets whose figures match the hand-made town."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from dashboard_town import Town, play  # type: ignore[import-not-found]
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from safezone.models import CheckInMethod
from safezone.reports import monthly
from safezone.reports.monthly import ReportMonth
from safezone.services import points, roadshows, store


def _rows(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _find(rows: list[list[object]], first: object) -> list[object]:
    return next(r for r in rows if r and r[0] == first)


def _build(db: Session, town: Town, now: datetime, **kw) -> object:
    data = monthly.monthly_workbook(
        db, ReportMonth.parse("2026-11"), now=now,
        question_text=lambda qid: {"q-f2": "=楼道里能停电动车吗？"}.get(qid, qid), **kw).data
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def busy_town(db: Session, town: Town, now: datetime) -> Town:
    """The town plus a held roadshow (r3 registered and came, r5 walked in, r6 registered and
    stayed away), a cancelled one, a store redemption and a December play (outside the month)."""
    start = now - timedelta(days=2)
    event = roadshows.create_event(db, title="消防安全路演", place="5栋架空层", starts_at=start,
                                   ends_at=start + timedelta(hours=2), topics=["fire", "home"],
                                   capacity=30, now=start - timedelta(days=5))
    roadshows.register(db, event, town.r[3], now=start - timedelta(days=1))
    roadshows.register(db, event, town.r[6], now=start - timedelta(days=1))
    roadshows.check_in(db, event, town.r[3], method=CheckInMethod.SCANNER, now=start)
    roadshows.check_in(db, event, town.r[5], method=CheckInMethod.MANUAL, now=start)
    other = roadshows.create_event(db, title="交通安全", place="广场", starts_at=start,
                                   ends_at=start + timedelta(hours=1), topics=["traffic"],
                                   now=start - timedelta(days=5))
    roadshows.cancel_event(db, other, now=start - timedelta(days=1))
    item = store.create_item(db, name="灭火毯", price_points=5, stock=3, now=start)
    store.redeem_item(db, item, town.r[3], operator_id=None, now=now)
    play(db, town.r[6], "fire", [("q-f1", "fire", True)], datetime.fromisoformat("2026-12-02T02:00+00:00"))
    db.flush()
    return town


def test_the_workbook_has_six_chinese_sheets_with_titles_and_widths(db, busy_town, now) -> None:
    wb = _build(db, busy_town, now)
    assert wb.sheetnames == list(monthly.SHEETS)
    for ws in wb.worksheets:
        assert "2026年11月" in str(ws["A1"].value)  # every sheet says which month it is
        assert ws["A1"].font.bold and ws["A1"].font.size >= 14
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
    overview = _rows(wb["概览"])
    assert "2026年11月1日至2026年11月30日" in overview[1][0]
    assert monthly.REACH_DEFINITION in overview[2][0]


def test_reach_counts_kiosk_plays_and_roadshow_check_ins_per_building(db, busy_town, now) -> None:
    rows = _rows(_build(db, busy_town, now)["各楼栋覆盖"])
    # 1号地块5栋: h0, h1 played; h2 (r3) checked in → 3 of 3 reached.
    assert _find(rows, "1号地块5栋")[1:9] == [3, 2, 1, 0, 3, 3, 1.0, 0]
    # 1号地块6栋: h3 played, h4 (r5) walked in; 2号地块1栋: r6 only plays in December.
    assert _find(rows, "1号地块6栋")[1:9] == [2, 1, 1, 0, 2, 2, 1.0, 0]
    assert _find(rows, "2号地块1栋")[1:9] == [1, 0, 0, 0, 0, 0, 0.0, 1]
    assert _find(rows, "合计")[1:9] == [6, 3, 2, 0, 5, 5, pytest.approx(5 / 6), 1]
    overview = _rows(_build(db, busy_town, now)["概览"])
    assert _find(overview, "目标户数")[1] == 10
    assert _find(overview, "累计覆盖户数")[1] == 5
    assert _find(overview, "累计覆盖率（对目标户数）")[1] == 0.5


def test_door_visits_come_through_the_one_hook(db, busy_town, now) -> None:
    h5 = busy_town.h[5].id
    wb = _build(db, busy_town, now, door_visits=lambda s, since, until: [h5])
    row = _find(_rows(wb["各楼栋覆盖"]), "2号地块1栋")
    assert row[1:9] == [1, 0, 0, 1, 1, 1, 1.0, 0]
    assert monthly.door_visit_households(db, None, now) == set()


def test_roadshows_with_attendance_local_dates_and_chinese_topics(db, busy_town, now) -> None:
    ws = _build(db, busy_town, now)["路演与出席"]
    rows = _rows(ws)
    held = next(r for r in rows if r[2] == "消防安全路演")
    assert held[0] == datetime(2026, 11, 26)  # 09:30 UTC on the 26th is 17:30 local
    assert held[1] == "17:30–19:30"
    assert held[3] == "消防安全、居家安全"
    assert held[5:13] == [30, 2, 0, 2, 2, 1, 0.5, "已举办"]
    assert next(r for r in rows if r[2] == "交通安全")[12] == "已取消"
    date_cell = next(c for c in ws["A"] if c.value == datetime(2026, 11, 26))
    assert "年" in date_cell.number_format
    assert _find(rows, "合计")[1] == "1 场"


def test_knowledge_by_topic_and_age_group_in_chinese(db, busy_town, now) -> None:
    rows = _rows(_build(db, busy_town, now)["知识掌握"])
    header = next(r for r in rows if r[0] == "主题")
    assert "老年人正确率" in header and "儿童答题数" in header and "elder" not in str(header)
    fire = _find(rows, "消防安全")
    # Fire answers in November: r0 (adult) 1/2, r2 (child) 1/1, r4 (adult) 0/1 → adult 1/3.
    col = header.index("成年人答题数")
    assert fire[col:col + 2] == [3, pytest.approx(1 / 3)]
    assert fire[header.index("儿童答题数")] == 1
    assert fire[header.index("老年人正确率")] == "—"  # nobody old answered fire questions
    assert _find(rows, "全部主题")[header.index("全部答题数")] == 8  # December play not counted


def test_weakest_questions_carry_their_text_neutralised(db, busy_town, now, monkeypatch) -> None:
    monkeypatch.setattr(monthly, "WEAK_MIN_ANSWERS", 1)
    rows = _rows(_build(db, busy_town, now)["薄弱题目"])
    header = next(r for r in rows if r and r[0] == "序号")
    assert header[2] == "题目"
    body = rows[rows.index(header) + 1:]
    # q-f2, q-h1, q-h2 were always wrong; q-f2 has the most wrong answers (2).
    assert body[0][1:7] == ["消防安全", "'=楼道里能停电动车吗？", 2, 2, 0.0, "q-f2"]
    assert {r[6] for r in body[:3]} == {"q-f2", "q-h1", "q-h2"}


def test_points_and_store(db, busy_town, now) -> None:
    rows = _rows(_build(db, busy_town, now)["积分与兑换"])
    checkin = _find(rows, "路演签到")
    assert checkin[1:5] == [20, 0, 2, 2]  # two check-ins at 10 points
    assert _find(rows, "积分兑换")[1:4] == [0, 5, 1]
    assert _find(rows, "灭火毯")[1:6] == [5, 1, 5, 2, "上架"]
    assert points.balance(db, busy_town.r[3].id) == 5


def test_an_empty_month_says_so_instead_of_failing(db, town, now) -> None:
    data = monthly.monthly_workbook(db, ReportMonth.parse("2025-01"), now=now,
                                    question_text=str).data
    wb = load_workbook(io.BytesIO(data))
    assert ["本月没有路演活动"] == [c for c in _rows(wb["路演与出席"])[-1] if c]
    assert "本月答题数据不足" in _rows(wb["薄弱题目"])[-1]


@pytest.mark.parametrize("text", ["2026-13", "nov", "", "2026/11"])
def test_a_bad_month_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        ReportMonth.parse(text)


# ---------------------------------------------------------------------------------------------
# the one-page PDF summary and the sign-in sheet


def _pdf_pages(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_summary_pdf_is_one_page_with_figures_charts_and_question_text(
    db, busy_town, now, monkeypatch
) -> None:
    from safezone.reports.summary_pdf import summary_pdf

    monkeypatch.setattr(monthly, "WEAK_MIN_ANSWERS", 1)
    figures = monthly.monthly_figures(db, ReportMonth.parse("2026-11"), now=now, site_name="测试小区")
    monkey_text = {"q-f2": "楼道里能停电动车吗？"}
    pages = _pdf_pages(summary_pdf(figures, lambda q: monkey_text.get(q, q)))
    assert len(pages) == 1
    text = pages[0]
    assert "测试小区 安全宣传教育月度小结" in text and "2026年11月" in text
    assert "50.0%" in text and "5 / 10 户" in text  # cumulative reach against the target
    assert "1 场" in text and "签到 2 人次" in text
    for label in ("1号地块5栋", "2号地块1栋", "终端答题", "路演签到", "入户走访", "消防", "网络"):
        assert label in text  # chart labels are real text, drawn as vectors
    assert "楼道里能停电动车吗？" in text
    assert "fire" not in text and "elder" not in text


def test_signin_sheet_lists_people_in_room_order_with_a_signature_column(db, busy_town, now) -> None:
    from safezone.reports.signin_pdf import WALK_IN_LINES, natural_key, signin_sheet_pdf

    event = roadshows.create_event(db, title="防诈骗讲座", place="活动室", topics=["cyber"],
                                   starts_at=now + timedelta(days=1),
                                   ends_at=now + timedelta(days=1, hours=1), now=now)
    for person in (busy_town.r[4], busy_town.r[0], busy_town.r[3]):
        roadshows.register(db, event, person, now=now)
    roadshows.cancel_registration(db, event, busy_town.r[4], now=now)
    rows = roadshows.attendance(db, event)
    pdf = signin_sheet_pdf(event, rows, site_name="测试小区", now=now)
    pages = _pdf_pages(pdf)
    assert "防诈骗讲座 签到表" in pages[0] and "签名" in pages[0]
    assert "居民0" in pages[0] and "居民3" in pages[0] and "居民4" not in pages[0]  # cancelled
    assert pages[0].index("1号地块5栋1单元101") < pages[0].index("1号地块5栋2单元201")
    assert f"第 1 页 / 共 {len(pages)} 页" in pages[0]
    assert pages[0].count("现场参加") == WALK_IN_LINES
    assert natural_key("1栋2单元101") < natural_key("1栋2单元1001") < natural_key("1栋10单元101")
