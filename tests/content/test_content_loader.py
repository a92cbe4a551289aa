"""load_content: every problem reported at its line, valid neighbours still loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from safezone.content import Problem, load_content

REPO_ROOT = Path(__file__).resolve().parents[2]

GOOD_Q = """
  - id: {id}
    type: single
    audience: all
    difficulty: 1
    prompt: 发现着火打什么电话？
    options:
      - {{text: "119", correct: true}}
      - {{text: "110", correct: false}}
    explanation: 119 是火警电话。
    source: 《中华人民共和国消防法》
"""


def bank(*questions: str, topic: str = "fire") -> str:
    """A question bank file holding the given question snippets (each starting '  - id:')."""
    return f"kind: questions\ntopic: {topic}\nquestions:\n" + "".join(questions)


def good(qid: str) -> str:
    return GOOD_Q.format(id=qid).lstrip("\n")


def only(result, needle: str) -> Problem:
    """The one problem whose message contains ``needle``."""
    found = [p for p in result.problems if needle in p.message]
    assert len(found) == 1, [str(p) for p in result.problems]
    return found[0]


# ----------------------------------------------------------------------------- sample content


def test_sample_content_loads_without_problems() -> None:
    result = load_content(REPO_ROOT / "content", REPO_ROOT / "assets")
    assert [str(p) for p in result.problems] == []
    bundle = result.bundle
    assert all(len(bundle.questions_by_topic[t]) >= 4 for t in ("fire", "home", "traffic", "cyber"))
    assert {q.type for q in bundle.questions.values()} == {"single", "multiple", "truefalse"}
    assert {q.audience for q in bundle.questions.values()} == {"adult", "kids", "all"}
    assert all(q.prompt.en and q.explanation.en for q in bundle.questions.values())
    assert len(bundle.tips) >= 12 and len(bundle.badges) >= 6
    assert bundle.hazard_scenes and bundle.sort_sets and bundle.sequences and bundle.crossing_levels
    assert str(bundle.locations["fire-call-119"]).endswith("questions/fire.yml:6")


# ----------------------------------------------------------------------------- file-level problems


def test_yaml_syntax_error_is_reported_at_its_line_and_other_files_load(write, load, line_of):
    write("a.yml", bank(good("q-a")))
    bad = write("b.yml", "kind: tips\ntips:\n  - id: t1\n    topic: fire\n    text: [oops\n")
    result = load()
    problem = only(result, "YAML syntax error")
    assert problem.path == Path("content/b.yml")
    assert problem.line == 6  # where the parser noticed: end of file ...
    assert f"started at line {line_of(bad, '[oops')}" in problem.message  # ... and where it began
    assert list(result.bundle.questions) == ["q-a"]


def test_yaml_syntax_error_inside_a_line(write, load, line_of):
    bad = write("b.yml", "kind: tips\ntips:\n  - id: t1\n    topic: fire: nested\n")
    problem = only(load(), "YAML syntax error")
    assert problem.line == line_of(bad, "fire: nested")
    assert "mapping values are not allowed" in problem.message


def test_non_utf8_file_names_the_line_and_the_likely_encoding(content_dir: Path, write, load):
    write("a.yml", bank(good("q-a")))
    text = "kind: tips\ntips:\n  - id: tip-gbk\n    topic: fire\n    text: 楼道里不要堆放杂物，电动车不要进楼充电\n"
    (content_dir / "gbk.yml").write_bytes(text.encode("gbk"))
    result = load()
    problem = only(result, "not valid UTF-8")
    assert (problem.path, problem.line) == (Path("content/gbk.yml"), 5)
    assert "save it as UTF-8" in problem.message
    assert "gb" in problem.message.lower()  # the guessed encoding: gb2312/gbk/gb18030
    assert list(result.bundle.questions) == ["q-a"]


def test_utf8_with_bom_is_accepted(content_dir: Path, load):
    text = "kind: tips\ntips:\n  - id: tip-bom\n    topic: fire\n    text: 关好防火门\n"
    (content_dir / "bom.yml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = load()
    assert result.problems == [] and list(result.bundle.tips) == ["tip-bom"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(write, load, text):
    write("empty.yml", "placeholder")
    Path("content/empty.yml").write_text(text, encoding="utf-8")
    problem = only(load(), "empty file")
    assert (problem.path, problem.line) == (Path("content/empty.yml"), 1)
    assert "kind" in problem.message


def test_unknown_kind_is_reported_at_the_kind_line(write, load, line_of):
    path = write("x.yml", "# a quiz\nkind: quiz\ntopic: fire\n")
    write("a.yml", bank(good("q-a")))
    result = load()
    problem = only(result, "unknown kind")
    assert problem.line == line_of(path, "kind: quiz")
    assert "'quiz'" in problem.message and "questions" in problem.message
    assert list(result.bundle.questions) == ["q-a"]


def test_missing_kind(write, load):
    write("x.yml", "topic: fire\nquestions: []\n")
    problem = only(load(), "missing 'kind'")
    assert problem.line == 1


def test_top_level_must_be_a_mapping(write, load):
    write("x.yml", "- kind: tips\n")
    problem = only(load(), "must be a mapping")
    assert "list" in problem.message


def test_problem_str_and_sorting(write, load):
    write("b.yml", "kind: nope\n")
    write("a.yml", "kind: nope\n")
    problems = load().problems
    assert [str(p) for p in problems] == [
        f"content/a.yml:1: {problems[0].message}",
        f"content/b.yml:1: {problems[1].message}",
    ]
    assert str(Problem(Path("x/y.yml"), 7, "boom")) == "x/y.yml:7: boom"


def test_paths_outside_the_working_directory_are_absolute(
    write, content_dir, monkeypatch, tmp_path
):
    write("a.yml", "kind: nope\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (problem,) = load_content(content_dir, tmp_path / "assets").problems
    assert problem.path == (content_dir / "a.yml").resolve()


def test_hidden_folders_and_other_files_are_skipped(write, content_dir, load):
    write(".drafts/wip.yml", "kind: nope\n")
    (content_dir / "README.md").write_text("# notes: not YAML", encoding="utf-8")
    write("a.yaml", bank(good("q-a")))
    result = load()
    assert result.problems == [] and list(result.bundle.questions) == ["q-a"]


def test_a_folder_without_content_is_a_problem(load):
    problem = only(load(), "no content files")
    assert problem.path == Path("content")


def test_a_missing_root_is_a_programmer_error(tmp_path):
    with pytest.raises(NotADirectoryError, match="content root"):
        load_content(tmp_path / "nope")


def test_repeated_yaml_key_is_reported_and_only_that_item_dropped(write, load, line_of):
    path = write(
        "a.yml",
        bank(
            good("q-a"),
            good("q-b").replace("    source:", "    difficulty: 2  # again\n    source:"),
        ),
    )
    result = load()
    problem = only(result, "duplicate key 'difficulty'")
    assert problem.line == line_of(path, "# again")
    assert "first at line" in problem.message
    assert list(result.bundle.questions) == ["q-a"]


# ----------------------------------------------------------------------------- schema problems


def test_wrong_type_is_reported_at_the_field_and_neighbours_load(write, load, line_of):
    bad = good("q-bad").replace("difficulty: 1", 'difficulty: "2"')
    path = write("a.yml", bank(good("q-a"), bad, good("q-c")))
    result = load()
    problem = only(result, "difficulty")
    assert problem.line == line_of(path, 'difficulty: "2"')
    assert "questions[1].difficulty" in problem.message and "'2'" in problem.message
    assert list(result.bundle.questions) == ["q-a", "q-c"]


def test_true_is_not_a_difficulty(write, load, line_of):
    path = write("a.yml", bank(good("q-a").replace("difficulty: 1", "difficulty: true")))
    problem = only(load(), "difficulty")
    assert problem.line == line_of(path, "difficulty: true")


def test_missing_zh_is_reported_at_the_text(write, load, line_of):
    bad = good("q-bad").replace(
        "prompt: 发现着火打什么电话？", "prompt:  # no zh\n      en: Which number?"
    )
    path = write("a.yml", bank(good("q-a"), bad))
    result = load()
    problem = only(result, "'zh'")
    assert problem.line == line_of(path, "# no zh")
    assert problem.message == "questions[1].prompt: missing required field 'zh'"
    assert list(result.bundle.questions) == ["q-a"]


def test_blank_zh_is_rejected(write, load, line_of):
    path = write("a.yml", bank(good("q-a").replace("prompt: 发现着火打什么电话？", 'prompt: "  "')))
    problem = only(load(), "must not be empty")
    assert problem.line == line_of(path, "prompt:")


def test_single_with_two_correct_options(write, load, line_of):
    bad = good("q-bad").replace('"110", correct: false', '"110", correct: true')
    path = write("a.yml", bank(bad.replace("options:", "options:  # two correct"), good("q-b")))
    result = load()
    problem = only(result, "exactly one correct")
    assert problem.line == line_of(path, "# two correct")
    assert "found 2" in problem.message
    assert list(result.bundle.questions) == ["q-b"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("type: single", "type: multiple"), "at least 2 correct options, found 1"),
        (("type: single", "type: truefalse"), "no options"),
        (('      - {text: "110", correct: false}\n', ""), "2 to 6 options, found 1"),
        (('"110", correct: false', '"119", correct: false'), "option text '119' appears more"),
        (("    source:", "    answer: true\n    source:"), "'answer' is only for truefalse"),
    ],
)
def test_question_shape_rules(write, load, change, expected):
    write("a.yml", bank(good("q-a").replace(*change), good("q-b")))
    result = load()
    problem = only(result, expected)
    assert problem.message.startswith("questions[0]")
    assert list(result.bundle.questions) == ["q-b"]


def test_multiple_choice_needs_a_wrong_option(write, load):
    q = (
        good("q-a")
        .replace("type: single", "type: multiple")
        .replace("correct: false", "correct: true")
    )
    write("a.yml", bank(q))
    only(load(), "at least one wrong option")


def test_truefalse_question(write, load):
    tf = """\
  - id: q-tf
    type: truefalse
    audience: kids
    difficulty: 1
    prompt: 可以在楼道给电动车充电。
    answer: false
    explanation: 楼道是逃生通道。
    source: 《高层民用建筑消防安全管理规定》
  - id: q-tf-no-answer
    type: truefalse
    audience: kids
    difficulty: 1
    prompt: 可以在楼道给电动车充电。
    explanation: 楼道是逃生通道。
    source: 《高层民用建筑消防安全管理规定》
"""
    write("a.yml", bank(tf))
    result = load()
    only(result, "needs 'answer: true' or 'answer: false'")
    assert result.bundle.questions["q-tf"].answer is False


def test_unknown_field_suggests_the_right_name(write, load, line_of):
    bad = good("q-bad").replace("explanation:", "explnation:")
    path = write("a.yml", bank(good("q-a"), bad))
    result = load()
    problem = only(result, "unknown field")
    assert problem.line == line_of(path, "explnation:")
    assert problem.message == (
        "questions[1]: unknown field 'explnation' (did you mean 'explanation'?)"
    )
    assert any("missing required field 'explanation'" in p.message for p in result.problems)
    assert list(result.bundle.questions) == ["q-a"]


def test_topic_may_not_be_repeated_on_a_question(write, load, line_of):
    path = write("a.yml", bank(good("q-a").replace("    type:", "    topic: fire\n    type:")))
    problem = only(load(), "do not set 'topic'")
    assert problem.line == line_of(path, "- id: q-a")


def test_bad_bank_header_loads_nothing_but_reports_item_problems(write, load, line_of):
    bad = good("q-b").replace("audience: all", "audience: elders")
    path = write("a.yml", bank(good("q-a"), bad, topic="fires"))
    result = load()
    assert only(result, "topic").line == line_of(path, "topic: fires")
    assert only(result, "audience").line == line_of(path, "audience: elders")
    assert result.bundle.questions == {}


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("questions: []\n", "the list is empty"),
        ("questions: 3\n", "expected a list"),
        ("", "missing required field 'questions'"),
    ],
)
def test_bank_without_a_list_of_questions(write, load, tail, expected):
    write("a.yml", "kind: questions\ntopic: fire\n" + tail)
    only(load(), expected)


# ----------------------------------------------------------------------------- ids and assets


def test_duplicate_id_across_two_files(write, load, line_of):
    write("a.yml", bank(good("q-same"), good("q-a")))
    second = write("b.yml", bank(good("q-b"), good("q-same"), topic="home"))
    result = load()
    problem = only(result, "duplicate id")
    assert problem.path == Path("content/b.yml")
    assert problem.line == line_of(second, "id: q-same")
    assert problem.message == "duplicate id 'q-same': already used at content/a.yml:4"
    assert sorted(result.bundle.questions) == ["q-a", "q-b", "q-same"]
    assert result.bundle.questions["q-same"].topic == "fire"  # the first definition wins


def test_ids_are_unique_across_kinds(write, load):
    write("a.yml", bank(good("shared-id")))
    write("t.yml", "kind: tips\ntips:\n  - {id: shared-id, topic: fire, text: 关好防火门}\n")
    only(load(), "duplicate id 'shared-id'")


def test_a_broken_item_still_claims_its_id(write, load):
    write("a.yml", bank(good("q-a").replace("difficulty: 1", "difficulty: 9"), good("q-a")))
    result = load()
    only(result, "duplicate id 'q-a'")
    only(result, "less than or equal to 3")


def test_missing_image_drops_the_item_and_names_the_file(write, load, line_of, content_dir):
    images = content_dir.parent / "assets" / "images"
    images.mkdir()
    (images / "there.png").write_bytes(b"\x89PNG")
    with_image = good("q-img").replace("    source:", "    image: images/missing.png\n    source:")
    with_real = good("q-real").replace("    source:", "    image: images/there.png\n    source:")
    path = write("a.yml", bank(good("q-a"), with_image, with_real))
    result = load()
    problem = only(result, "not found")
    assert problem.line == line_of(path, "images/missing.png")
    assert problem.message == (
        "questions[1].image: image file not found: images/missing.png (looked in assets)"
    )
    assert list(result.bundle.questions) == ["q-a", "q-real"]


def test_missing_option_image_and_audio_are_both_reported(write, load, line_of):
    q = (
        good("q-a")
        .replace('{text: "119", correct: true}', '{text: "119", correct: true, image: img/119.png}')
        .replace("    source:", "    audio: sounds/q-a.ogg\n    source:")
    )
    path = write("a.yml", bank(q))
    result = load()
    assert only(result, "image file").line == line_of(path, "img/119.png")
    assert only(result, "audio file").line == line_of(path, "sounds/q-a.ogg")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../secret.png", "relative to the assets folder"),
        ("/etc/x.png", "relative"),
        ("images/a.gif", "must end in one of"),
    ],
)
def test_asset_paths_stay_inside_assets(write, load, value, expected):
    write("a.yml", bank(good("q-a").replace("    source:", f"    image: {value}\n    source:")))
    only(load(), expected)


# ----------------------------------------------------------------------------- other kinds

SCENE = """
kind: hazard_scene
id: scene-a
topic: fire
audience: all
title: 楼道
hazards:
  - id: boxes
    name: 纸箱
    explanation: 易燃
    area: {shape: rect, x: 100, y: 100, w: 200, h: 200}
  - id: hydrant
    name: 消火栓
    explanation: 不能挡
    area: {shape: circle, x: 900, y: 500, r: 100}
source: 《中华人民共和国消防法》
"""


def test_valid_hazard_scene_and_hit_test(write, load):
    write("s.yml", SCENE)
    result = load()
    assert result.problems == []
    rect, circle = (h.area for h in result.bundle.hazard_scenes["scene-a"].hazards)
    assert rect.contains(150, 150) and not rect.contains(301, 150)
    assert circle.contains(950, 550) and not circle.contains(1001, 500)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("x: 100, y: 100, w: 200", "x: 1800, y: 100, w: 200", "rect reaches (2000, 300)"),
        ("y: 100, w: 200, h: 200", "y: 100, w: 200, h: 990", "rect reaches (300, 1090)"),
        ("x: 900, y: 500, r: 100", "x: 900, y: 1000, r: 100", "circle at (900, 1000) radius 100"),
        ("w: 200, h: 200", "w: 40, h: 200", "smaller than the 80x80"),
        ("shape: circle", "shape: hexagon", "shape 'hexagon' is not one of"),
    ],
)
def test_hit_area_problems(write, load, line_of, old, new, expected):
    path = write("s.yml", SCENE.replace(old, new))
    result = load()
    problem = only(result, expected)
    assert problem.line == line_of(path, new)
    assert result.bundle.hazard_scenes == {}


def test_hazard_ids_unique_within_scene(write, load):
    write("s.yml", SCENE.replace("id: hydrant", "id: boxes"))
    only(load(), "hazard id 'boxes' appears more than once")


def test_missing_background_image_is_reported(write, load, line_of):
    path = write("s.yml", SCENE.replace("title: 楼道", "title: 楼道\nbackground: scenes/bg.png"))
    problem = only(load(), "not found")
    assert problem.line == line_of(path, "background:")


SORT = """
kind: sort_set
id: sort-a
topic: fire
audience: all
title: 安全还是危险
bins: {safe: 安全, danger: 危险}
items:
  - {id: a, text: 集中充电, answer: safe, explanation: 有人管理}
  - {id: b, text: 楼道充电, answer: danger, explanation: 堵逃生路}
  - {id: c, text: 关防火门, answer: safe, explanation: 挡烟}
  - {id: d, text: 堆纸箱, answer: danger, explanation: 易燃}
source: 《中华人民共和国消防法》
"""


def test_sort_set_rules(write, load, line_of):
    write("ok.yml", SORT)
    path = write(
        "few.yml",
        SORT.replace("sort-a", "sort-b").replace(
            "  - {id: d, text: 堆纸箱, answer: danger, explanation: 易燃}\n", ""
        ),
    )
    write("one-bin.yml", SORT.replace("sort-a", "sort-c").replace("danger, exp", "safe, exp"))
    write("bins.yml", SORT.replace("sort-a", "sort-d").replace("danger: 危险", "maybe: 也许"))
    result = load()
    assert list(result.bundle.sort_sets) == ["sort-a"]
    assert only(result, "at least 4 items").line == line_of(path, "items:")
    only(result, "one 'safe' and one 'danger'")
    only(result, "unknown field 'maybe'")


SEQUENCE = """
kind: sequence
id: seq-a
topic: home
audience: adult
title: 闻到燃气味
steps:
  - 关闭燃气阀门
  - {text: {zh: 打开门窗通风, en: Open the windows}}
  - 到室外打电话
explanation: 先切断气源。
source: 燃气企业安全用气须知
"""


def test_sequence_rules(write, load):
    write("ok.yml", SEQUENCE)
    write("short.yml", SEQUENCE.replace("seq-a", "seq-b").replace("  - 到室外打电话\n", ""))
    write(
        "long.yml",
        SEQUENCE.replace("seq-a", "seq-c").replace(
            "  - 到室外打电话\n", "".join(f"  - 第{i}步\n" for i in range(7))
        ),
    )
    result = load()
    steps = result.bundle.sequences["seq-a"].steps
    assert [s.text.zh for s in steps] == ["关闭燃气阀门", "打开门窗通风", "到室外打电话"]
    only(result, "at least 3 items")
    only(result, "at most 8 items")


CROSSING = """
kind: crossing_level
id: cross-a
audience: kids
title: 过马路
lanes: 2
lights: {green: 10, flashing: 3, red: 8}
cars_per_lane_per_minute: 6
prompts:
  intro: {text: 看信号灯}
  wait: {text: 红灯停}
  go: {text: 绿灯行}
  success: {text: 真棒}
  unsafe: {text: 危险}
source: 《中华人民共和国道路交通安全法》
"""


def test_crossing_level_rules(write, load, line_of):
    write("ok.yml", CROSSING)
    adult = write("adult.yml", CROSSING.replace("cross-a", "cross-b").replace("kids", "adult"))
    write("lanes.yml", CROSSING.replace("cross-a", "cross-c").replace("lanes: 2", "lanes: 9"))
    write(
        "audio.yml",
        CROSSING.replace("cross-a", "cross-d").replace(
            "{text: 红灯停}", "{text: 红灯停, audio: sounds/wait.ogg}"
        ),
    )
    result = load()
    assert list(result.bundle.crossing_levels) == ["cross-a"]
    assert result.bundle.crossing_levels["cross-a"].topic == "traffic"
    assert only(result, "'kids'").line == line_of(adult, "audience: adult")
    only(result, "lanes: Input should be less than or equal to 4 (got 9)")
    only(result, "prompts.wait.audio: audio file not found: sounds/wait.ogg")


def test_tips_load_item_by_item(write, load, line_of):
    path = write(
        "t.yml",
        """
        kind: tips
        tips:
          - {id: tip-a, topic: fire, text: 关好防火门}
          - {id: tip-b, topic: weather, text: 下雨带伞}
          - {id: tip-c, topic: cyber, text: {zh: 验证码不给别人, en: Never share codes}, source: 国家反诈中心}
    """,
    )
    result = load()
    assert list(result.bundle.tips) == ["tip-a", "tip-c"]
    problem = only(result, "topic")
    assert problem.line == line_of(path, "weather")
    assert "(got 'weather')" in problem.message


def test_badge_rules_are_typed(write, load, line_of):
    path = write(
        "b.yml",
        """
        kind: badges
        badges:
          - id: badge-ok
            name: 消防小卫士
            description: 答对 20 道消防题
            rule: {type: correct_answers, topic: fire, count: 20}
          - id: badge-string-rule
            name: 坏规则
            description: 字符串规则
            rule: "correct_answers(fire) >= 20"
          - id: badge-streak-topic
            name: 坚持
            description: 连续
            rule: {type: streak_days, topic: fire, count: 7}
          - id: badge-zero
            name: 零
            description: 零
            rule: {type: plays, count: 0}
    """,
    )
    result = load()
    assert list(result.bundle.badges) == ["badge-ok"]
    rule = result.bundle.badges["badge-ok"].rule
    assert (rule.type, rule.topic, rule.count) == ("correct_answers", "fire", 20)
    assert only(result, "expected a mapping").line == line_of(path, "correct_answers(fire)")
    only(result, "remove 'topic'")
    only(result, "greater than 0")
