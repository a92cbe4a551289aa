"""Every real safety tip shows whole on the attract screen, and a long roadshow title wraps
rather than being cut (kiosk/scenes/attract_layout.py).

Lays out each tip of content/tips the way the attract screen would show it — zh-CN and English,
normal and large text, without an event and in event mode with a short and a long title (40
Chinese characters / 80 English letters) — with the real font, measuring only, and checks that
everything fits at 36 px or more, large text never smaller than normal text. A few drawn attract
screens then check the renderer cut nothing (``TextRenderer.truncated``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pygame
import pytest
from kiosk_fakes import KIOSK_START

from kiosk import i18n
from kiosk.backend import EventInfo
from kiosk.scenes.attract_layout import INNER, TIP_WIDTH, HeroLayout, layout_event, layout_plain
from kiosk.scenes.event_mode import event_when, tr
from safezone.content.bundle import ContentBundle
from safezone.content.loader import DEFAULT_ASSETS_ROOT, DEFAULT_CONTENT_ROOT, load_content
from safezone.fonts import font_path
from screen.sound import Sounds
from screen.text import TextRenderer
from screen.theme import MIN_TEXT
from screen.ui import Ui

LONG_ZH = "龙凤社区消防安全主题路演：电动自行车规范充电、楼道杂物清理与灭火器使用现场教学课"
LONG_EN = "Fire safety roadshow: charging e-bikes safely, clearing stairwells, using a hose"
SHORT = ("消防安全路演：灭火器怎么用", "Fire roadshow: using an extinguisher")
LONG = (LONG_ZH, LONG_EN)
SETTINGS = [("zh-CN", False), ("zh-CN", True), ("en", False), ("en", True)]


def _event(title: tuple[str, str]) -> EventInfo:
    return EventInfo(uuid.UUID("01890000-0000-7000-8000-0000000000e1"), title[0], title[1], "1号地块5栋架空层",
                     KIOSK_START, KIOSK_START + timedelta(hours=2), ("fire", "home"))


@pytest.fixture(scope="module")
def tips() -> ContentBundle:
    """The real tips, as the kiosk loads them."""
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.problems == []
    assert len(result.bundle.tips) >= 80
    return result.bundle


@pytest.fixture(scope="module")
def ui() -> Ui:
    """Drawing state with the bundled font (no window: the layout only measures)."""
    pygame.font.init()
    return Ui(text=TextRenderer(font_path(), font_path(bold=True)), sounds=Sounds(enabled=False),
              assets_dir=DEFAULT_ASSETS_ROOT, words=i18n)


def _layout(ui: Ui, tip: str, title: tuple[str, str] | None) -> HeroLayout:
    if title is None:
        return layout_plain(ui.text, ui.tr("attract.tagline"), tip, ui.large)
    event = _event(title)
    return layout_event(ui.text, tr("event.banner", ui.lang), ui.pick(*title), event_when(event, ui.lang), 2,
                        tip, ui.large)


def _problems(ui: Ui, tip: str, layout: HeroLayout, event: bool) -> list[str]:
    found = []
    text = ui.text
    if not layout.fits:
        found.append("does not fit")
    if layout.tip_y + text.height_of(tip, layout.tip_size, TIP_WIDTH) > INNER.bottom:
        found.append("runs past the hero")
    sizes = [layout.tip_size] + ([layout.title_size, layout.label_size, layout.when_size] if event else [])
    if min(sizes) < MIN_TEXT:
        found.append(f"text under {MIN_TEXT} px: {sizes}")
    if event:
        if layout.cut:
            found.append("the title was cut")
        if len(text.wrap(layout.title, layout.title_size, INNER.width, True)) > 2:
            found.append("the title takes more than two lines")
    return found


@pytest.mark.parametrize("mode", ["plain", "short title", "long title"])
def test_every_real_tip_shows_whole(tips, ui, mode) -> None:
    title = {"plain": None, "short title": SHORT, "long title": LONG}[mode]
    problems = []
    for tip in tips.tips.values():
        normal_sizes: dict[str, int] = {}
        for lang, large in SETTINGS:
            ui.lang, ui.large = lang, large
            words = ui.pick(tip.text.zh, tip.text.en)
            layout = _layout(ui, words, title)
            problems += [f"{tip.id} {lang} {'large' if large else 'normal'}: {p}"
                         for p in _problems(ui, words, layout, title is not None)]
            if not large:
                normal_sizes[lang] = layout.tip_size
            elif layout.tip_size < normal_sizes[lang]:
                problems.append(f"{tip.id} {lang}: large text smaller than normal text")
    assert problems == []


@pytest.mark.parametrize(("lang", "large"), SETTINGS)
def test_a_long_title_takes_two_lines_before_it_gets_smaller(ui, lang, large) -> None:
    ui.lang, ui.large = lang, large
    layout = _layout(ui, "", LONG)
    assert not layout.cut and layout.title == ui.pick(*LONG)
    assert len(ui.text.wrap(layout.title, layout.title_size, INNER.width, True)) == 2


def test_a_title_too_long_for_two_lines_loses_its_tail_between_words(ui) -> None:
    ui.lang, ui.large = "en", True
    layout = _layout(ui, "A tip.", (LONG_ZH * 3, f"{LONG_EN} {LONG_EN} {LONG_EN}"))
    assert layout.cut and layout.fits and layout.title.endswith("…")
    assert f"{LONG_EN} {LONG_EN}".startswith(layout.title[:-1].rstrip(" ,:"))
    assert len(ui.text.wrap(layout.title, layout.title_size, INNER.width, True)) <= 2


@pytest.mark.parametrize("event", [False, True])
@pytest.mark.parametrize(("lang", "large"), [("zh-CN", False), ("en", True)])
def test_the_drawn_attract_screen_cuts_nothing(make_kiosk, tips, lang, large, event) -> None:
    kiosk = make_kiosk(bundle=tips)
    app = kiosk.app
    if event:
        app.event = _event(LONG)
    if app.ui.lang != lang:
        kiosk.run("tap: lang")
    if app.ui.large != large:
        kiosk.run("tap: textsize")
    scene = app.top
    assert scene.name == "attract"
    for index in range(len(scene.tips)):
        scene.tip_index = index
        app.draw(force=True)
    assert app.ui.text.truncated == 0  # nothing on the attract screen was cut, since start-up


@pytest.mark.parametrize("title", [SHORT, LONG])
@pytest.mark.parametrize(("lang", "large"), [("zh-CN", False), ("zh-CN", True), ("en", False), ("en", True)])
def test_the_side_panel_always_has_room_for_the_next_roadshow(make_kiosk, fake_backend, lang, large,
                                                              title) -> None:
    """In large text the full-size clock left the panel a heading with nothing under it, which
    reads as "no roadshows"; the clock gets smaller instead."""
    from kiosk.backend import RoadshowInfo

    fake_backend.roadshows = [RoadshowInfo(title=title[0], title_en=title[1], place="5栋架空层",
                                           starts_at=KIOSK_START + timedelta(days=3 + n))
                              for n in range(3)]
    kiosk = make_kiosk()
    app = kiosk.app
    if app.ui.lang != lang:
        kiosk.run("tap: lang")
    if app.ui.large != large:
        kiosk.run("tap: textsize")
    app.top._load_roadshows()
    app.draw(force=True)
    assert app.top.roadshows_shown >= 1
    assert app.ui.text.truncated == 0
    # The date stays inside the panel ("11月28日 星期六" ran off the screen in large text).
    from kiosk.scenes.attract import _SIDE

    assert _SIDE.contains(app.top.date_rect)
