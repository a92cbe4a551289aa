"""下次路演建议: weakest topic and age group per building over 90 days, and the theme."""

from __future__ import annotations

from datetime import date, timedelta

from dashboard_town import Town, play  # type: ignore[import-not-found]

from safezone import campaigns
from safezone.services import next_theme


def test_the_weakest_cell_with_enough_answers_decides(db, town: Town, now, monkeypatch) -> None:
    monkeypatch.setattr(next_theme, "MIN_ANSWERS", 2)
    # 1号地块5栋: r0 adult fire 1/2, r1 elder home 0/2, r2 child fire 1/1 (too few answers).
    # 1号地块6栋: r4 adult traffic 1/1 + fire 0/1: no cell has 2 answers.
    # 2号地块1栋: nobody played.
    late_december = date(2026, 12, 20)  # no campaign on home within 60 days
    by_label = {s.label: s for s in next_theme.suggestions(db, late_december)}
    first = by_label["1号地块5栋"]
    assert (first.topic, first.age_group, first.answers, first.accuracy) == ("home", "elder", 2, 0.0)
    assert first.weakness_zh == "老年人 · 居家安全"
    assert first.title == campaigns.theme_for("home", "elder").title == "防跌倒与燃气安全"
    assert first.campaign_id is None
    assert by_label["1号地块6栋"].topic is None and by_label["2号地块1栋"].topic is None
    assert "答题数据不足" == by_label["2号地块1栋"].weakness_zh


def test_a_campaign_coming_up_on_the_weak_topic_is_suggested(db, town: Town, now, monkeypatch) -> None:
    monkeypatch.setattr(next_theme, "MIN_ANSWERS", 2)
    for n in range(3):  # r4 (adult, 1号地块6栋) gets fire wrong three more times: 0 of 4
        play(db, town.r[4], "fire", [("q-f9", "fire", False)], now - timedelta(days=2, minutes=n))
    db.flush()
    pick = next(s for s in next_theme.suggestions(db, date(2026, 10, 20)) if s.label == "1号地块6栋")
    assert (pick.topic, pick.age_group, pick.answers, pick.accuracy) == ("fire", "adult", 4, 0.0)
    assert pick.campaign_id == "fire-119" and pick.title == "119 消防宣传月：安全用火用电"
    # In late December the 119 month is far away: the plain theme for adults and fire.
    pick = next(s for s in next_theme.suggestions(db, date(2026, 12, 20)) if s.label == "1号地块6栋")
    assert pick.campaign_id is None and pick.title == "电动车安全充电与家庭防火"


def test_only_the_last_90_days_count(db, town: Town, now, monkeypatch) -> None:
    monkeypatch.setattr(next_theme, "MIN_ANSWERS", 2)
    later = (now + timedelta(days=120)).date()
    assert all(s.topic is None for s in next_theme.suggestions(db, later))
