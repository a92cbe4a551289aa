"""The top bar's title ends before the text-size and language toggles, and before the sync pill
while it shows: a long roadshow title (event mode) wraps to two lines, then gets smaller — never
under 36 px — and only as a last resort loses its tail to an ellipsis."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pygame
import pytest
from kiosk_fakes import KIOSK_START, StubStatus

from kiosk.backend import EventInfo
from kiosk.sync_status import SyncIndicator
from screen.scene import _TITLE_GAP, CHROME_LEFT, MARGIN, TOP_BAR
from screen.theme import MIN_TEXT
from screen.top_bar import SEPARATOR, fit_title

#: Titles as long as staff may well type them: 40 characters in Chinese, 80 in English.
ZH_TITLE = "龙凤社区消防安全主题路演：电动自行车规范充电、楼道杂物清理与灭火器使用现场教学课"
EN_TITLE = "Fire safety roadshow: charging e-bikes safely, clearing stairwells, using a hose"
EVENT = EventInfo(uuid.UUID("01890000-0000-7000-8000-0000000000e1"), ZH_TITLE, EN_TITLE, "5栋架空层",
                  KIOSK_START, KIOSK_START + timedelta(hours=2), ("fire",))


def _top_bar_right(app, offline: bool) -> int:
    """Where the title must end: before the toggles, and before the pill while it shows."""
    pill = app.sync_indicator.rect(app.ui) if offline else None
    return (pill.left if pill is not None else CHROME_LEFT) - _TITLE_GAP


def _right_of(app, x: int) -> bytes:
    app.draw(force=True)
    return pygame.image.tobytes(app.canvas.subsurface(pygame.Rect(x, 0, 1920 - x, TOP_BAR - 4)), "RGB")


def test_the_titles_are_as_long_as_the_review_asked() -> None:
    assert len(ZH_TITLE) == 40 and len(EN_TITLE) == 80


@pytest.mark.parametrize("offline", [False, True])
@pytest.mark.parametrize(("lang", "large"), [("zh-CN", False), ("zh-CN", True), ("en", False), ("en", True)])
def test_a_long_roadshow_title_ends_before_the_toggles_and_the_pill(make_kiosk, lang, large, offline) -> None:
    kiosk = make_kiosk()
    app = kiosk.app
    app.event = EVENT
    if offline:
        app.sync_indicator = SyncIndicator(lambda: StubStatus("offline"))
    kiosk.run("tap: guest\nexpect: topics")
    if app.ui.lang != lang:
        kiosk.run("tap: lang")
    if app.ui.large != large:
        kiosk.run("tap: textsize")
    fit = app.top.top_bar_title()
    part = EN_TITLE if lang == "en" else ZH_TITLE
    right = _top_bar_right(app, offline)
    assert fit.size >= MIN_TEXT and fit.width <= right - MARGIN
    lines = app.ui.text.wrap(fit.text, fit.size, fit.width, True)
    assert len(lines) <= 2 and app.ui.text.height_of(fit.text, fit.size, fit.width, True) <= TOP_BAR - 12
    assert fit.text.startswith(app.site_name)  # the community's name is never cut
    if fit.cut:
        # Only the roadshow's tail gives way, and only once 36 px on two lines is not enough.
        assert offline and fit.size == MIN_TEXT and fit.text.endswith("…")
        kept = fit.text.split(SEPARATOR, 1)[1][:-1]
        assert part.startswith(kept) and len(kept) >= len(part) // 3
    else:
        assert part in fit.text.replace("\n", " ") or part in fit.text
    # As drawn: nothing right of where the title must end differs from the same screen with a
    # short title (the toggles and the pill are all that is there).
    long_title = _right_of(app, right)
    app.event = replace(EVENT, title="路演", title_en="Roadshow")
    assert _right_of(app, right) == long_title
    assert app.ui.text.truncated == 0  # the attract screen's banner included


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_long_titles_stay_whole_while_online(make_kiosk, lang) -> None:
    kiosk = make_kiosk()
    app = kiosk.app
    app.event = EVENT
    kiosk.run("tap: guest")
    for large in (False, True):
        if app.ui.lang != lang:
            kiosk.run("tap: lang")
        if app.ui.large != large:
            kiosk.run("tap: textsize")
        fit = app.top.top_bar_title()
        assert not fit.cut and len(app.ui.text.wrap(fit.text, fit.size, fit.width, True)) == 2


def test_the_everyday_title_keeps_one_line_at_body_size(make_kiosk) -> None:
    kiosk = make_kiosk()
    app = kiosk.app
    fit = app.top.top_bar_title()
    assert fit.text == app.site_title() and fit.size == app.ui.types.body
    kiosk.run("tap: textsize\ntap: lang")
    fit = app.top.top_bar_title()
    assert fit.text == app.site_title() and fit.size == app.ui.types.body


def test_a_title_with_little_room_stacks_then_shrinks_then_cuts_its_tail(make_kiosk) -> None:
    text = make_kiosk().app.ui.text
    site, part = "锦秀城三期", "Safety Experience Zone"
    assert fit_title(text, site, part, 1100, 116, large=False).text == f"{site}{SEPARATOR}{part}"
    stacked = fit_title(text, site, part, 450, 116, large=False)
    assert stacked.text == f"{site}\n{part}" and MIN_TEXT <= stacked.size < 40
    cut = fit_title(text, site, part * 4, 450, 116, large=False)
    assert cut.cut and cut.size == MIN_TEXT and cut.text.startswith(f"{site}{SEPARATOR}Safety")
    # Large text never ends smaller than normal text in the same room.
    assert fit_title(text, site, part, 450, 116, large=True).size >= stacked.size
