"""The four new games played end to end through the real kiosk by the robot: adult and kids'
mode, drags to nowhere, double taps, very fast input, scaled windows and broken content."""

from __future__ import annotations

from pathlib import Path

import pytest
from kiosk_fakes import write_games_content

from games.hazard_hunt.view import SCALE, SCENE
from kiosk.app import KioskOptions
from kiosk.robot import StepFailed
from safezone.content.loader import load_content


def _screen(x: float, y: float) -> str:
    return f"{SCENE.x + x * SCALE},{SCENE.y + y * SCALE}"


def _choose(kiosk, mode: str, topic: str, game: str) -> None:
    kiosk.run(f"tap: {mode}\ntap: {topic}\nexpect: games\ntap: {game}\nexpect: {game}")


def test_topic_offers_only_games_with_content(make_kiosk, games_bundle) -> None:
    adult = make_kiosk(bundle=games_bundle)
    adult.run("tap: guest\ntap: fire\nexpect: games")
    assert adult.app.top.games == ["quiz", "hazard_hunt", "sort", "sequence"]
    adult.run("tap: back\nexpect: topics\ntap: home")  # home has questions only: straight into the quiz
    assert adult.scene == "quiz"
    kids = make_kiosk(bundle=games_bundle)
    # Hunt, sort and sequence are not made for non-readers (safezone.content.kids): quiz only.
    kids.run("tap: kids\ntap: fire\nexpect: quiz")
    kids = make_kiosk(bundle=games_bundle)
    kids.run("tap: kids\ntap: traffic\nexpect: games")
    assert kids.app.top.games == ["quiz", "crossing"]


def test_hazard_hunt_adult_to_results(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    _choose(kiosk, "guest", "fire", "hazard_hunt")
    kiosk.run(f"tap_at: {_screen(900, 900)}")  # a miss: no record, a cross and words
    assert fake_backend.answers == [] and kiosk.app.top.toast is not None
    kiosk.run(f"tap_at: {_screen(250, 450)}")
    assert [a["question_id"] for a in fake_backend.answers] == ["t-hunt/boxes"]  # written when shown
    assert kiosk.app.top.feedback is not None
    kiosk.run(f"tap: ok\ntap_at: {_screen(250, 450)}")  # found again: nothing either way
    assert len(fake_backend.answers) == 1 and kiosk.app.top.feedback is None
    kiosk.run(f"touch_at: {_screen(1500, 600)}\ntap: finish\nexpect: results")
    # The early miss cost nothing: a penalty never makes a debt (the score was 0 then).
    assert fake_backend.finished[-1]["score"] == 20 and fake_backend.finished[-1]["max_score"] == 20
    assert [a["correct"] for a in fake_backend.answers] == [True, True]
    sounds = [e["name"] for e in kiosk.events("sound")]
    assert "wrong" in sounds and sounds.count("correct") == 2


def test_hazard_hunt_hint_give_up_and_drumming(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    _choose(kiosk, "guest", "fire", "hazard_hunt")  # kids are not offered the hunt (safezone.content.kids)
    scene = kiosk.app.top
    with pytest.raises(StepFailed):
        kiosk.robot.tap("hint")  # not offered yet
    for _ in range(10):  # a child drumming on the same empty spot: one miss
        kiosk.robot.tap_at(SCENE.x + 900 * SCALE, SCENE.y + 900 * SCALE)
    assert scene.rules.misses <= 2
    kiosk.run("wait: 21\ntap: hint")
    assert scene.hint is not None
    kiosk.run("tap: give_up")
    assert [a["correct"] for a in fake_backend.answers] == [False, False]
    kiosk.run("tap: finish\nexpect: results")
    kiosk.robot.tap_at(1600, 990)  # a late double tap on "see my score" lands on the results screen
    assert len(fake_backend.finished) == 1


def test_sort_drags_nowhere_then_to_the_bins(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    _choose(kiosk, "guest", "fire", "sort")
    scene = kiosk.app.top
    kiosk.run("wait: 0.5\ndrag: card -> 960,80")  # released over nothing: back home, nothing written
    assert fake_backend.answers == [] and scene.rules.returns == 1
    kiosk.run("wait: 0.5")
    assert scene.card.rect.topleft == scene.card.home.topleft
    right = 0
    while kiosk.scene == "sort":
        item = scene.card.payload
        kiosk.run(f"drag: card -> bin_{item.answer}")
        right += 1
        assert fake_backend.answers[-1]["correct"] is True
        kiosk.run("tap: next")
    assert kiosk.scene == "results" and right == 4
    assert fake_backend.finished[-1] == {**fake_backend.finished[-1], "score": 40, "max_score": 40}


def test_sort_kids_touch_drag_fast_input_and_double_drop(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    _choose(kiosk, "guest", "fire", "sort")  # kids are not offered sorting (safezone.content.kids)
    scene = kiosk.app.top
    kiosk.run("wait: 0.5")
    item = scene.card.payload
    wrong = "safe" if item.answer == "danger" else "danger"
    start = kiosk.robot.point_of("card")
    end = kiosk.robot.point_of(f"bin_{wrong}")
    kiosk.robot.drag(start, end, touch=True, steps=3, frame=0)  # the whole drag inside one frame
    assert fake_backend.answers[-1]["correct"] is False and fake_backend.answers[-1]["chosen"] == [wrong]
    kiosk.robot.drag(end, kiosk.robot.point_of(f"bin_{item.answer}"), frame=0)  # the answered card stays put
    assert len(fake_backend.answers) == 1
    kiosk.run("tap: next\nkey: 1")  # keys answer too
    assert len(fake_backend.answers) == 2


def test_sequence_reorder_check_and_results(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(options=KioskOptions(window_size=(960, 540)), bundle=games_bundle)  # scaled window
    _choose(kiosk, "guest", "fire", "sequence")
    scene = kiosk.app.top
    dealt = list(scene.rules.order)
    kiosk.run("drag: card_1 -> 1500,80\nwait: 0.3")  # nowhere: the order stays
    assert scene.rules.order == dealt and fake_backend.answers == []
    for target in range(len(dealt)):
        source = scene.rules.order.index(target)
        if source != target:
            kiosk.run(f"drag: card_{source + 1} -> slot_{target + 1}")
    assert scene.rules.order == sorted(dealt)
    kiosk.run("tap: check")
    assert fake_backend.answers[-1]["correct"] is True
    kiosk.run("tap: check" if scene.find_widget("check") else "wait: 0.1")
    assert len(fake_backend.answers) == 1  # a second "check" cannot submit again
    kiosk.run("tap: finish\nexpect: results")
    assert fake_backend.finished[-1]["score"] == fake_backend.finished[-1]["max_score"] == 30


def test_crossing_kids_three_rounds_with_a_mistake(make_kiosk, games_bundle, fake_backend) -> None:
    kiosk = make_kiosk(bundle=games_bundle)
    _choose(kiosk, "kids", "traffic", "crossing")
    scene = kiosk.app.top
    assert scene.rules.light == "red"
    kiosk.run("tap: walk\ntap: walk")  # on red, then again while the feedback plays: one mistake
    assert [a["correct"] for a in fake_backend.answers] == [False]
    for _ in range(400):
        if scene.rules.finished:
            break
        if scene.rules.state == "waiting" and scene.rules.danger is None:
            kiosk.run("tap: walk")
        else:
            kiosk.run("wait: 0.25")
    assert scene.rules.finished
    kiosk.run("tap: finish\nexpect: results")
    assert fake_backend.finished[-1]["score"] == 25 and fake_backend.finished[-1]["max_score"] == 30
    prompts = [e["key"] for e in kiosk.events("prompt")]
    assert prompts[0] == "intro" and "unsafe" in prompts and "success" in prompts


def test_broken_game_content_is_skipped_with_a_notice(make_kiosk, tmp_path: Path) -> None:
    root = write_games_content(tmp_path / "content", broken=True)
    result = load_content(root)  # what `safezone content validate` reports as path:line: message
    assert [p.path.name for p in result.problems] == ["broken.yml"]
    kiosk = make_kiosk(bundle=result.bundle)
    kiosk.app.content_problems = result.problems
    kiosk.run("tap: guest\ntap: home\nexpect: games")
    scene = kiosk.app.top
    assert scene.games == ["quiz", "sort"] and scene.skipped == ["hazard_hunt"]
    kiosk.run("screenshot: skipped\ntap: sort\nexpect: sort")


def test_missing_art_draws_a_labelled_placeholder(make_kiosk, games_bundle, fake_backend) -> None:
    scene_model = games_bundle.hazard_scenes["t-hunt"].model_copy(update={
        "background": "images/none/background.png",
        "layers": [games_bundle.hazard_scenes["t-hunt"].layers or None][0] or [],
    })
    from games.hazard_hunt.rules import HazardHuntRules
    from games.hazard_hunt.view import HazardHuntScene
    from safezone.content.schema import Layer

    scene_model = scene_model.model_copy(update={"layers": [Layer(image="images/none/box.png", x=10, y=10)]})
    kiosk = make_kiosk(bundle=games_bundle)
    kiosk.run("tap: guest")
    play = fake_backend.start_play(mode="guest", game_type="hazard_hunt", topic="fire", now=kiosk.clock.now(),
                                   resident_id=None, language="zh-CN")
    kiosk.app.replace(HazardHuntScene(kiosk.app, rules=HazardHuntRules(scene_model), play=play))
    kiosk.run("wait: 0.1\nexpect: hazard_hunt")
    missing = kiosk.events("art_missing")
    assert missing and set(missing[0]["files"]) == {"images/none/background.png", "images/none/box.png"}
