"""Robot-driven flows through the real app (dummy SDL driver, simulated time, fake backend)."""

from __future__ import annotations

import pytest
from kiosk_fakes import CHILD_CODE, ELDER_CODE, GOOD_CODE, REVOKED_CODE, FakeBackend

from kiosk.app import KioskOptions


def _answer_all(kiosk, count: int) -> None:
    for _ in range(count):
        kiosk.run("expect: quiz\ntap: option_1\ntap: next")


def test_guest_plays_a_quiz_end_to_end(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run("expect: attract\ntap: guest\nexpect: topics\ntap: fire\nexpect: quiz")
    _answer_all(kiosk, 5)
    kiosk.run("expect: results")
    assert len(fake_backend.sessions) == 1
    session = fake_backend.sessions[0]
    assert session["mode"] == "guest" and session["resident_id"] is None and session["topic"] == "fire"
    assert len(fake_backend.answers) == 5
    assert all(a["resident_id"] is None for a in fake_backend.answers)
    assert len({a["question_id"] for a in fake_backend.answers}) == 5
    assert fake_backend.finished[0]["max_score"] == 5
    # Feedback was given with a sound for every answer.
    sounds = [e["name"] for e in kiosk.events("sound") if e["name"] in ("correct", "wrong")]
    assert len(sounds) == 5
    kiosk.run("tap: done\nexpect: attract")
    assert kiosk.app.visit is None


def test_answers_are_recorded_when_given_not_at_the_end(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run("tap: guest\ntap: home\ntap: option_2")
    assert len(fake_backend.answers) == 1
    assert fake_backend.finished == []
    kiosk.run("tap: quit\nexpect: attract")
    assert len(fake_backend.answers) == 1


def test_resident_scan_greets_with_nickname_and_points(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"scan: {GOOD_CODE.lower()}\nexpect: greeting")
    assert fake_backend.identified == [GOOD_CODE]
    visit = kiosk.app.visit
    assert visit is not None and visit.player is not None and visit.player.nickname == "小明"
    kiosk.run("tap: start\nexpect: topics\ntap: traffic\nexpect: quiz")
    assert fake_backend.sessions[0]["resident_id"] == 1
    # Adults with a card get the relaxed timer.
    assert kiosk.app.top.timer is not None
    _answer_all(kiosk, 5)
    kiosk.run("expect: results")
    assert kiosk.app.visit.player.balance > 120


def test_the_code_never_reaches_the_log(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"scan: {GOOD_CODE}")
    assert GOOD_CODE not in repr(kiosk.app.log.events)
    assert kiosk.events("scan") == [{"t": pytest.approx(kiosk.events("scan")[0]["t"]), "event": "scan", "length": 16}]


def test_elder_gets_no_timer_and_easier_questions(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"scan: {ELDER_CODE}\nexpect: greeting\ntap: start\ntap: fire\nexpect: quiz")
    assert kiosk.app.top.timer is None
    kiosk.run("wait: 45\nexpect: quiz")
    assert fake_backend.answers == []


def test_adult_timer_runs_out_and_counts_as_wrong(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk(KioskOptions(adult_timer_seconds=10))
    kiosk.run(f"scan: {GOOD_CODE}\ntap: start\ntap: cyber\nwait: 10.5\nexpect: quiz")
    assert len(fake_backend.answers) == 1
    assert fake_backend.answers[0]["correct"] is False and fake_backend.answers[0]["chosen"] == []
    assert kiosk.events("timeout")


def test_child_card_and_kids_zone_play_short_picture_rounds(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run("tap: kids\nexpect: topics\ntap: fire\nexpect: quiz")
    assert kiosk.app.top.timer is None
    assert kiosk.app.top.rules.max_score == 3
    ids = [item.question.id for item in kiosk.app.top.rules.items]
    assert all("kids" in qid or "-tf-" in qid for qid in ids)
    _answer_all(kiosk, 3)
    kiosk.run("expect: results\ntap: done")
    assert fake_backend.sessions[0]["mode"] == "kids" and fake_backend.sessions[0]["resident_id"] is None
    kiosk.run(f"scan: {CHILD_CODE}\nexpect: greeting")
    assert kiosk.app.visit.kids
    kiosk.run("tap: start\ntap: home\nexpect: quiz")
    assert fake_backend.sessions[1] | {"id": None} == {
        "id": None, "mode": "kids", "topic": "home", "resident_id": 2, "language": "zh-CN"}


def test_idle_warning_then_back_to_attract(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"scan: {GOOD_CODE}\nexpect: greeting\nwait: 59\nexpect: greeting\nwait: 2\nexpect: idle")
    kiosk.run("wait: 18\nexpect: idle\nwait: 2\nexpect: attract")
    assert kiosk.app.visit is None
    assert kiosk.events("session_end")[-1]["reason"] == "idle"


def test_any_touch_extends_the_idle_countdown(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.run("tap: guest\nwait: 61\nexpect: idle\nwait: 10\ntouch_at: 100,1000\nexpect: topics")
    kiosk.run("wait: 59\nexpect: topics\nwait: 2\nexpect: idle\ntap: continue\nexpect: topics")
    assert len(kiosk.events("idle_extended")) == 2


def test_attract_never_times_out(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.run("wait: 300\nexpect: attract")


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        (f"scan: {REVOKED_CODE}", "revoked"),
        ("scan: SZNOTKNOWN999999", "unknown"),
        ("scan: !!garbage", "length"),
    ],
)
def test_bad_scans_explain_and_offer_a_way_forward(make_kiosk, script: str, problem: str) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"{script}\nexpect: identify")
    assert kiosk.app.top.problem == problem
    assert kiosk.app.visit is None
    assert kiosk.app.top.find_widget("guest") is not None and kiosk.app.top.find_widget("retry") is not None
    kiosk.run("tap: guest\nexpect: topics")


def test_backend_down_at_scan_is_a_friendly_message(make_kiosk) -> None:
    kiosk = make_kiosk(backend=FakeBackend(fail=True))
    kiosk.run(f"scan: {GOOD_CODE}\nexpect: identify")
    assert kiosk.app.top.problem == "unavailable"
    kiosk.run("tap: guest\ntap: fire\nexpect: topics")
    assert kiosk.app.top.notice == "scan.unavailable"


def test_human_typing_is_not_a_scan(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"type: {GOOD_CODE}\nkey: return\nexpect: attract")
    assert fake_backend.identified == []


def test_scan_is_ignored_during_a_quiz(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run(f"tap: guest\ntap: fire\nscan: {GOOD_CODE}\nexpect: quiz")
    assert fake_backend.identified == []
    assert kiosk.events("scan_ignored")


def test_language_and_text_size_toggle_on_every_screen(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.run("tap: English\nexpect: attract")
    assert kiosk.app.ui.lang == "en"
    kiosk.run("tap: Play as guest\nexpect: topics\ntap: Fire safety\nexpect: quiz\ntap: textsize")
    assert kiosk.app.ui.large
    assert kiosk.app.top.find_widget("textsize").label_text == "Normal text"
    kiosk.run("tap: 中文\ntap: 不玩了\nexpect: attract")
    # A new visitor starts in the default language and size.
    assert kiosk.app.ui.lang == "zh-CN" and not kiosk.app.ui.large


def test_keyboard_can_drive_the_quiz(make_kiosk, fake_backend: FakeBackend) -> None:
    kiosk = make_kiosk()
    kiosk.run("tap: guest\nkey: 2\nexpect: quiz\nkey: 1\nkey: return")
    assert len(fake_backend.answers) == 1
    assert kiosk.app.top.rules.index == 1
    kiosk.run("key: escape\nexpect: attract")


def test_multiple_choice_needs_confirm(make_kiosk, fake_backend: FakeBackend, tmp_path) -> None:
    from safezone.content.loader import load_content

    (tmp_path / "q.yml").write_text(
        "kind: questions\ntopic: fire\nquestions:\n"
        + "".join(
            f"  - id: multi-{n}\n    type: multiple\n    audience: adult\n    difficulty: 1\n"
            f"    prompt: 多选题{n}\n    options:\n"
            "      - {text: 甲, correct: true}\n      - {text: 乙, correct: true}\n      - {text: 丙, correct: false}\n"
            "    explanation: 解释\n    source: 测试\n"
            for n in range(5)
        ),
        encoding="utf-8",
    )
    bundle = load_content(tmp_path).bundle
    kiosk = make_kiosk(bundle=bundle)
    kiosk.run("tap: guest\ntap: fire\nexpect: quiz")
    assert not kiosk.app.top.find_widget("confirm").enabled
    kiosk.run("tap: option_1\ntap: option_2")
    assert fake_backend.answers == []
    kiosk.run("tap: confirm")
    assert len(fake_backend.answers) == 1
    assert len(fake_backend.answers[0]["chosen"]) == 2


def test_empty_topic_says_so(make_kiosk, tmp_path) -> None:
    from safezone.content.bundle import ContentBundle

    kiosk = make_kiosk(bundle=ContentBundle())
    kiosk.run("tap: guest\ntap: cyber\nexpect: topics")
    assert kiosk.app.top.notice == "topics.empty"


def test_scaled_window_maps_taps(make_kiosk) -> None:
    kiosk = make_kiosk(KioskOptions(window_size=(1280, 800)))
    assert kiosk.app.viewport.scale == pytest.approx(1280 / 1920)
    kiosk.run("tap: guest\nexpect: topics\ntouch_at: 500,400\nexpect: quiz")
