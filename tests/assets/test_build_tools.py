"""The parts of tools/build_art.py and tools/build_sounds.py that need no npm, resvg, espeak or sox.

Content scanning, spoken-text rules, picture composition (with a stand-in for Twemoji) and the
write-only-when-changed rule that makes re-runs idempotent.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def fast_drawing(build_art: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw without supersampling: same shapes, a sixteenth of the pixels, so tests stay quick."""
    monkeypatch.setattr(build_art, "SUPERSAMPLE", 1)


#: What the build always draws besides content: topics, ⭕ / ❌, the guide and its props.
ALWAYS = {"1f525", "1f9ef", "1f3e0", "1f511", "1f6a6", "1f6b8", "1f4f1", "1f512", "274c", "2b55",
          "1f43c", "1f44b", "1f50a", "1f447", "1f4a1", "1f389", "1f917", "1f31f"}


class FakeTwemoji:
    """Renders every known emoji as a solid square, so composition is testable without resvg."""

    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.rendered: list[tuple[str, int]] = []

    def source_name(self, name: str) -> str | None:
        return name if name in self.known else None

    def render(self, name: str, size: int) -> Image.Image:
        if name not in self.known:
            raise KeyError(name)
        self.rendered.append((name, size))
        return Image.new("RGBA", (size, size), (10, 200, 10, 255))


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file under ``folder``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


KIDS_BANK = """\
    kind: questions
    topic: fire
    questions:
      - id: fire-kids-a
        type: single
        audience: kids
        difficulty: 1
        prompt: {zh: 着火了打 119 吗？, en: "Do you call 119?"}
        options:
          - {text: 好, image: images/emoji/1f469.png, correct: true}
          - {text: 不, image: images/emoji/1f525.png, correct: false}
        # image: images/emoji/1f9ef.png   a comment is not a reference
        explanation: 因为
        source: 来源
        kids_why: {zh: 119 叫消防员。, en: 119 calls firefighters.}
      - id: fire-kids-b
        type: truefalse
        audience: kids
        difficulty: 1
        prompt: 火柴不是玩具。
        image: images/emoji/1f525.png
        answer: true
        explanation: 因为
        source: 来源
      - id: fire-adult-c
        type: truefalse
        audience: adult
        difficulty: 1
        prompt: {zh: 大人题, en: Adult}
        answer: true
"""


# ---------------------------------------------------------------------------------------------
# build_art


def test_scan_finds_parsed_references_and_badges(build_art: ModuleType, tmp_path: Path) -> None:
    write(tmp_path, "questions/fire-kids.yml", KIDS_BANK)
    write(
        tmp_path,
        "badges/badges.yml",
        """\
        kind: badges
        badges:
          - {id: badge-x, name: X, description: X, rule: {type: plays, count: 1}}
        """,
    )
    found = build_art.scan_content(tmp_path)
    assert found.references == {
        "images/emoji/1f469.png": ["questions/fire-kids.yml"],
        "images/emoji/1f525.png": ["questions/fire-kids.yml", "questions/fire-kids.yml"],
        # ⭕ / ❌, the answers of kids' truefalse questions, named by the core itself.
        "images/emoji/274c.png": ["safezone/content/kids.py"],
        "images/emoji/2b55.png": ["safezone/content/kids.py"],
    }
    assert [badge["id"] for badge in found.badges] == ["badge-x"]
    assert found.problems == []


def test_scan_reports_a_broken_file_and_keeps_the_rest(
    build_art: ModuleType, tmp_path: Path
) -> None:
    write(tmp_path, "questions/fire-kids.yml", KIDS_BANK)
    write(tmp_path, "questions/home-kids.yml", "kind: questions\nquestions: [\n")
    found = build_art.scan_content(tmp_path)
    assert len(found.problems) == 1
    assert found.problems[0].startswith("content/questions/home-kids.yml: cannot read:")
    assert "images/emoji/1f469.png" in found.references


def test_badge_emoji_and_ribbon_fall_back_by_rule(build_art: ModuleType) -> None:
    assert build_art.badge_emoji({"id": "badge-fire-guard"}) == "1f9ef"
    unknown_fire = {
        "id": "badge-new",
        "rule": {"type": "correct_answers", "topic": "fire", "count": 5},
    }
    assert build_art.badge_emoji(unknown_fire) == build_art.TOPIC_BADGE_EMOJI["fire"]
    assert build_art.badge_ribbon(unknown_fire) == build_art.TOPIC_COLOURS["fire"]
    streak = {"id": "badge-new", "rule": {"type": "streak_days", "count": 30}}
    assert build_art.badge_emoji(streak) == build_art.RULE_BADGE_EMOJI["streak_days"]


def test_pictures_have_their_sizes_and_transparent_corners(build_art: ModuleType) -> None:
    twemoji = FakeTwemoji({"1f525", "1f9ef", "1f3e0", "1f511", "1f6a6", "1f6b8", "1f4f1", "1f512"})
    for topic in build_art.TOPIC_PICTOGRAMS:
        tile = build_art.topic_pictogram(topic, twemoji)
        assert tile.size == (512, 512) and tile.mode == "RGBA"
        assert tile.getpixel((0, 0))[3] == 0
    medal = build_art.badge_medal({"id": "badge-fire-guard"}, twemoji)
    assert medal.size == (512, 512) and medal.getpixel((0, 0))[3] == 0
    assert ("1f9ef", round(512 * 0.34)) in twemoji.rendered


def test_build_writes_once_prunes_stale_and_reports_unknown(
    build_art: ModuleType, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    images = tmp_path / "assets" / "images"
    write(content, "questions/fire-kids.yml", KIDS_BANK)
    write(
        content,
        "scenes/s.yml",
        "kind: hazard_scene\nid: scene-s\nbackground: images/scenes/missing.png\n",
    )
    stale = images / "emoji" / "1f600.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    twemoji = FakeTwemoji({"1f469", *ALWAYS})

    first = build_art.build(twemoji, content, images)
    assert sorted(p.name for p in (images / "emoji").iterdir()) == [
        "1f469.png", "1f525.png", "274c.png", "2b55.png"]
    assert first.removed == ["emoji/1f600.png"]
    assert first.problems == [
        "images/scenes/missing.png: not made by this script and missing (used in scenes/s.yml)"
    ]
    assert len(first.written) == 4 + 4 + len(build_art.GUIDE_POSES) + 1  # emoji, topics, guide, licence
    second = build_art.build(twemoji, content, images)
    assert second.written == [] and second.removed == []
    assert second.unchanged == len(first.written)


def test_unknown_emoji_is_a_problem(build_art: ModuleType, tmp_path: Path) -> None:
    write(tmp_path / "content", "questions/q.yml", KIDS_BANK.replace("1f469", "1f4ff"))
    twemoji = FakeTwemoji(ALWAYS)
    report = build_art.build(twemoji, tmp_path / "content", tmp_path / "images")
    assert report.problems == ["images/emoji/1f4ff.png: no such Twemoji (used in questions/q.yml)"]
    assert not (tmp_path / "images" / "emoji" / "1f4ff.png").exists()


def test_write_if_changed_and_png_bytes_are_stable(build_art: ModuleType, tmp_path: Path) -> None:
    image = Image.new("RGBA", (8, 8), (1, 2, 3, 4))
    data = build_art.png_bytes(image)
    assert data == build_art.png_bytes(image.copy())
    target = tmp_path / "a" / "b.png"
    assert build_art.write_if_changed(target, data) is True
    assert build_art.write_if_changed(target, data) is False
    assert not list(target.parent.glob("*.tmp"))


def test_wrong_tarball_is_refused(build_art: ModuleType, tmp_path: Path) -> None:
    fake = tmp_path / "svg-15.0.0.tgz"
    fake.write_bytes(b"not the release")
    with pytest.raises(SystemExit, match="SHA-512 differs"):
        build_art.check_tarball(fake)


# ---------------------------------------------------------------------------------------------
# build_sounds


@pytest.mark.parametrize(
    ("text", "lang", "spoken"),
    [
        ("打 119 很好玩", "zh", "打 幺幺九 很好玩"),
        ("号码是 96110", "zh", "号码是 九六幺幺零"),
        ("Calling 119 is fun", "en", "Calling one one nine is fun"),
        ("第 2 关，3 个人", "zh", "第 2 关，3 个人"),  # short numbers are read as numbers
    ],
)
def test_spoken_text_reads_phone_numbers_digit_by_digit(
    build_sounds: ModuleType, text: str, lang: str, spoken: str
) -> None:
    assert build_sounds.spoken_text(text, lang) == spoken


def test_kids_speech_covers_kids_questions_and_crossing(
    build_sounds: ModuleType, tmp_path: Path
) -> None:
    write(tmp_path, "questions/fire-kids.yml", KIDS_BANK)
    write(
        tmp_path,
        "crossing/level-1.yml",
        """\
        kind: crossing_level
        id: crossing-level-1
        prompts:
          intro: {text: {zh: 看信号灯, en: Look at the light}, audio: sounds/crossing/intro.ogg}
          wait: {text: 等一等}
        """,
    )
    speech, problems = build_sounds.kids_speech(tmp_path)
    assert problems == []
    by_path = {item.path: item.text for item in speech}
    assert by_path == {
        "sounds/prompts/fire-kids-a.zh.ogg": "着火了打 幺幺九 吗？",
        "sounds/prompts/fire-kids-a.en.ogg": "Do you call one one nine?",
        "sounds/options/fire-kids-a.1.zh.ogg": "好",
        "sounds/options/fire-kids-a.2.zh.ogg": "不",
        "sounds/options/fire-kids-a.1.en.ogg": "好",  # no English: the answer is said in Chinese
        "sounds/options/fire-kids-a.2.en.ogg": "不",
        "sounds/why/fire-kids-a.zh.ogg": "幺幺九 叫消防员。",
        "sounds/why/fire-kids-a.en.ogg": "one one nine calls firefighters.",
        "sounds/prompts/fire-kids-b.zh.ogg": "火柴不是玩具。对不对？",
        "sounds/options/true.zh.ogg": "对",
        "sounds/options/false.zh.ogg": "错",
        "sounds/crossing/crossing-level-1.intro.zh.ogg": "看信号灯",
        "sounds/crossing/crossing-level-1.intro.en.ogg": "Look at the light",
        "sounds/crossing/intro.ogg": "看信号灯",
        "sounds/crossing/crossing-level-1.wait.zh.ogg": "等一等",
    }


def test_kids_speech_reports_a_broken_file(build_sounds: ModuleType, tmp_path: Path) -> None:
    write(tmp_path, "questions/fire-kids.yml", KIDS_BANK)
    write(tmp_path, "questions/bad.yml", "kind: [\n")
    speech, problems = build_sounds.kids_speech(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["content/questions/bad.yml"]
    assert len(speech) == 11


def test_feedback_tones_are_gentle(build_sounds: ModuleType) -> None:
    assert set(build_sounds.FEEDBACK) == {"right", "wrong", "badge", "tap"}
    right_notes, _ = build_sounds.FEEDBACK["right"]
    wrong_notes, wrong_gain = build_sounds.FEEDBACK["wrong"]
    assert right_notes[-1].frequency > right_notes[0].frequency  # right rises
    assert all(note.frequency < 500 for note in wrong_notes)  # wrong is low
    assert wrong_gain <= -6  # and quiet
    for notes, gain in build_sounds.FEEDBACK.values():
        assert gain < 0 and all(note.length <= 1.0 for note in notes)


def test_chinese_speech_says_latin_words_in_chinese(build_sounds: ModuleType) -> None:
    # The neural voice reads no Latin letters: "App" would silently go missing.
    assert build_sounds.spoken_text("有的App会偷信息", "zh") == "有的应用会偷信息"
    assert build_sounds.spoken_text("好玩的 App，不用问", "zh") == "好玩的应用，不用问"
    assert build_sounds.spoken_text("Happy", "zh") == "Happy"  # only the whole word
    assert build_sounds.spoken_text("an App", "en") == "an App"


def test_a_file_is_remade_when_its_text_or_recipe_changes_not_its_voice(
    build_sounds: ModuleType,
) -> None:
    class Neural:
        name = "neural-x"

    item = build_sounds.Speech("sounds/why/q.zh.ogg", "zh", "火会伤人。", "content/q.yml")
    entry = {"kind": "speech", "lang": "zh", "text": item.text,
             "recipe": build_sounds._speech_recipe(item, Neural())}
    assert "neural-x" in entry["recipe"] and "cmn-latn-pinyin" in entry["recipe"]
    # The voice that actually spoke (neural, or espeak-ng for a line it could not read) is a
    # result: recording it must not make the next build re-make the file.
    assert build_sounds._same_job({**entry, "voice": "espeak-ng (fallback)"}, entry)
    assert not build_sounds._same_job({**entry, "text": "旧的"}, entry)
    assert not build_sounds._same_job(None, entry)
    english = build_sounds.Speech("sounds/why/q.en.ogg", "en", "Fire hurts.", "content/q.yml")
    assert build_sounds._speech_recipe(english, Neural()).startswith("v2 espeak-ng -v en")
