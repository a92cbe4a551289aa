"""Kiosk building blocks: scanner timing, input mapping, strings, contrast, text, robot scripts."""

from __future__ import annotations

import re
import string

import pygame
import pytest

from kiosk import i18n
from kiosk.robot import ScriptError, parse_script
from safezone.fonts import font_path, missing_characters
from screen import theme
from screen.input import Command, InputMapper, Press, Release, Scan, Viewport
from screen.scanner import ScannerReader
from screen.text import TextRenderer, tokenize
from screen.widgets import Button


def _keys(mapper: InputMapper, text: str, start: float, gap: float) -> list:
    actions = []
    t = start
    for char in text:
        actions += mapper.translate(pygame.event.Event(pygame.KEYDOWN, key=ord(char.lower()) if char.isalnum() else 0,
                                                       unicode=char, mod=0, scancode=0), t)
        t += gap
    actions += mapper.translate(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, unicode="\r", mod=0, scancode=0), t)
    return actions


def test_fast_burst_then_enter_is_a_scan_and_case_is_kept_for_the_service() -> None:
    mapper = InputMapper(Viewport(theme.DESIGN_SIZE), ScannerReader())
    assert _keys(mapper, "sz7k3qxpm9rt2hcv", 1.0, 0.01) == [Scan("sz7k3qxpm9rt2hcv")]


def test_keys_without_text_input_unicode_are_read_from_key_codes() -> None:
    mapper = InputMapper(Viewport(theme.DESIGN_SIZE), ScannerReader())
    actions = []
    for index, char in enumerate("abc123"):
        actions += mapper.translate(pygame.event.Event(pygame.KEYDOWN, key=ord(char), unicode="", mod=0, scancode=0), index * 0.01)
    actions += mapper.translate(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_KP_ENTER, unicode="", mod=0, scancode=0), 0.06)
    assert actions == [Scan("abc123")]


def test_slow_typing_is_a_person_and_digits_choose() -> None:
    mapper = InputMapper(Viewport(theme.DESIGN_SIZE), ScannerReader())
    actions = _keys(mapper, "12", 1.0, 0.5)
    assert Scan not in {type(a) for a in actions}
    assert actions == [Command("choose_1"), Command("choose_2"), Command("activate")]


def test_a_single_key_is_released_after_the_scanner_gap() -> None:
    reader = ScannerReader(max_gap=0.08)
    mapper = InputMapper(Viewport(theme.DESIGN_SIZE), reader)
    assert mapper.translate(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, unicode="3", mod=0, scancode=0), 5.0) == []
    assert mapper.poll(5.05) == []
    assert mapper.poll(5.2) == [Command("choose_3")]
    assert reader.pending == 0


def test_short_burst_or_late_enter_is_not_a_scan() -> None:
    reader = ScannerReader(max_gap=0.08, min_length=4)
    for t, char in enumerate("ab"):
        reader.feed(char, t * 0.01)
    assert reader.enter(0.02).code is None
    for t, char in enumerate("abcdef"):
        reader.feed(char, 1 + t * 0.01)
    assert reader.enter(1.5).code is None


def test_runaway_keyboard_never_makes_a_giant_code() -> None:
    reader = ScannerReader(max_length=20)
    for index in range(50):
        reader.feed("x", index * 0.001)
    assert reader.pending < 20


def test_touch_synthesised_mouse_is_ignored_and_second_finger_too() -> None:
    mapper = InputMapper(Viewport((960, 540)), ScannerReader())
    assert mapper.translate(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(10, 10), button=1, touch=True), 0) == []
    down = mapper.translate(pygame.event.Event(pygame.FINGERDOWN, finger_id=1, touch_id=1, x=0.5, y=0.5, dx=0, dy=0), 0)
    assert down == [Press((960.0, 540.0))]
    assert mapper.translate(pygame.event.Event(pygame.FINGERDOWN, finger_id=2, touch_id=1, x=0.1, y=0.1, dx=0, dy=0), 0) == []
    assert mapper.translate(pygame.event.Event(pygame.FINGERUP, finger_id=2, touch_id=1, x=0.1, y=0.1, dx=0, dy=0), 0) == []
    assert mapper.translate(pygame.event.Event(pygame.FINGERUP, finger_id=1, touch_id=1, x=0.5, y=0.5, dx=0, dy=0), 0) == [Release((960.0, 540.0))]


def test_viewport_letterboxes_and_round_trips() -> None:
    view = Viewport((1920, 1200))
    assert view.scale == 1 and view.offset == (0, 60)
    assert view.to_design((10, 30)) is None
    assert view.to_design(view.to_window((100, 200))) == (100, 200)


def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, entry in i18n.STRINGS.items():
        assert set(entry) == set(i18n.LANGUAGES), key
        assert all(text.strip() for text in entry.values()), key
        names = [{f for _, f, _, _ in fields.parse(text) if f} for text in entry.values()]
        # Dates are written differently (month number vs name); format_date fills both.
        assert names[0] == names[1] or key.startswith("date."), key


def test_chinese_strings_are_chinese_and_the_font_draws_everything() -> None:
    everything = "".join(text for entry in i18n.STRINGS.values() for text in entry.values())
    assert missing_characters(everything) == set()
    untranslated = [k for k, e in i18n.STRINGS.items() if re.search(r"[\u4e00-\u9fff]", e["en"]) and k != "lang.toggle"]
    assert untranslated == []


def test_format_date_in_both_languages() -> None:
    from datetime import datetime

    day = datetime(2026, 11, 28, 14, 5)
    assert i18n.format_date(day, "zh-CN", with_time=True) == "11月28日 星期六 14:05"
    assert i18n.format_date(day, "en") == "Sat 28 Nov"


def test_text_colours_reach_7_to_1() -> None:
    low = [(a, b, round(theme.contrast_ratio(a, b), 2)) for a, b in theme.TEXT_PAIRS if theme.contrast_ratio(a, b) < 7]
    assert low == []
    assert theme.NORMAL_TYPE.small >= 36 and theme.LARGE_TYPE.small > theme.NORMAL_TYPE.small


def test_tokenize_keeps_chinese_punctuation_off_line_starts() -> None:
    assert tokenize("着火了，快跑！") == ["着", "火", "了，", "快", "跑！"]
    assert tokenize("Call 119 now.") == ["Call ", "119 ", "now."]
    assert tokenize("（注意）安全") == ["（注", "意）", "安", "全"]


def test_wrapped_text_fits_its_box_and_is_cached() -> None:
    pygame.font.init()
    renderer = TextRenderer(font_path(), font_path(bold=True))
    text = "发现家里或楼道着火，应该拨打哪个电话报警？ 119 is the fire number and the call is free."
    for line in renderer.wrap(text, 40, 500):
        assert renderer.font(40).size(line)[0] <= 500
    block = renderer.fit(text * 5, 40, theme.INK, 500, 150, 36)
    assert block.get_width() <= 500 and block.get_height() <= 150
    before = renderer.renders
    renderer.fit(text * 5, 40, theme.INK, 500, 150, 36)
    assert renderer.renders == before


def test_text_is_measured_without_rendering_and_a_cut_is_counted() -> None:
    pygame.font.init()
    renderer = TextRenderer(font_path(), font_path(bold=True))
    text = "着火了先报警，拨打 119，说清地址。 Call 119 first and give the address."
    for size in (36, 44, 54):
        for bold in (False, True):
            assert renderer.height_of(text, size, 420, bold) == renderer.block(text, size, theme.INK, 420, bold).get_height()
    before = renderer.renders
    size = renderer.fit_size(text, 54, 420, renderer.height_of(text, 40, 420), 36)
    assert size is not None and 40 <= size < 54 and renderer.renders == before  # measured, nothing rendered
    assert renderer.fit_size(text * 20, 54, 420, 100, 36) is None
    renderer.fit(text, 54, theme.INK, 420, 400, 36)
    assert renderer.truncated == 0
    cut = renderer.fit(text * 20, 54, theme.INK, 420, 100, 36)
    assert cut.get_height() <= 100 and renderer.truncated == 1


def test_english_strings_use_english_punctuation_and_chinese_strings_chinese() -> None:
    # The CJK font draws “ ” as full-width glyphs: in English they leave gaps ("tap  “Confirm”").
    from games import texts
    from kiosk.scenes import event_mode

    tables = {"kiosk.i18n": i18n.STRINGS, "games.texts": texts.STRINGS, "event_mode": event_mode.TEXTS}
    wrong = []
    for name, table in tables.items():
        for key, entry in table.items():
            if re.search(r"[\u3000-\u303f\uff00-\uffef“”‘’]", entry["en"]):
                wrong.append((name, key, entry["en"]))
            if re.search(r"[,.;:!?()\"]", entry["zh-CN"]):
                wrong.append((name, key, entry["zh-CN"]))
    assert wrong == []


def test_buttons_below_touch_size_are_refused() -> None:
    with pytest.raises(ValueError, match="touch target"):
        Button("tiny", pygame.Rect(0, 0, 60, 200), "x", lambda: None)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("dance: now", "unknown step 'dance'"),
        ("tap:", "needs an argument"),
        ("wait: soon", "wait needs seconds"),
        ("wait: -1", "0..86400"),
        ("tap_at: 10;20", "expected 'x,y'"),
        ("key: hyperspace", "unknown key name"),
        ("screenshot: ../x", "plain file name"),
        ("just words", "expected 'step: argument'"),
    ],
)
def test_bad_robot_scripts_name_the_line(script: str, message: str) -> None:
    pygame.init()
    with pytest.raises(ScriptError, match=re.escape(message)) as info:
        parse_script(f"# comment\n\n{script}")
    assert str(info.value).startswith("line 3:")


def test_robot_script_comments_and_labels() -> None:
    pygame.init()
    steps = parse_script("tap: 游客体验   # guest\nscan: SZ7K-3QXP\nwait: 1.5\n")
    assert [(s.verb, s.arg) for s in steps] == [("tap", "游客体验"), ("scan", "SZ7K-3QXP"), ("wait", "1.5")]
