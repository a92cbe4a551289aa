"""The attract screen's hero laid out so its words are never cut: the rotating safety tip and, in
event mode, the roadshow's banner (its label, title, time and place).

Measured with the real font, nothing rendered (:meth:`screen.text.TextRenderer.height_of`), once
per tip, title, language and text size — the scene remembers the result, a still screen is not
measured again. Words get room before they get smaller:

- **Without an event** the tip wraps in the room below the tagline and its heading, then it and
  the tagline step down (2 px a step), the tip to 36 px at the least, the tagline to the heading
  size. In large text the tip, the tagline and the heading
  step down together, to the sizes they have in normal text at the least — so large text is
  never smaller than normal text, and whatever fits in normal text fits in large text.
- **In event mode** the banner is as tall as its words: the title wraps onto two lines, and the
  tip takes what is left. When they do not fit, the banner's words and the tip step down
  together to 36 px; when even that is too tall, the "Safety tip" heading gives its row (the
  topic's picture still marks the tip). Only a roadshow title too long for two lines then loses
  its tail (:attr:`HeroLayout.cut`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pygame

from screen.fitting import fit_text_sizes, largest_fit
from screen.scene import MARGIN
from screen.text import TextRenderer
from screen.theme import LARGE_TYPE, MIN_TEXT, NORMAL_TYPE

Rect = pygame.Rect
#: The hero card and its inner box (the card's padding).
HERO = Rect(MARGIN, 160, 1060, 540)
INNER = HERO.inflate(-96, -80)
#: The tip's topic picture, left of the tip; the tip's words start right of it.
ICON = 110
TIP_X = INNER.x + 140
TIP_WIDTH = INNER.right - TIP_X
#: The roadshow's coloured band starts just under the card's accent edge.
BAND_TOP = HERO.y + 14
#: The event's topic pictures at the band's top right: size, pitch, right margin.
TOPIC_ICON, TOPIC_PITCH, TOPIC_RIGHT = 64, 80, 48
#: Gaps in the band: above the label, label → title, title → when, when → band's end; band → tip.
_BAND_PAD, _LABEL_GAP, _TITLE_GAP, _BAND_END, _TIP_GAP = 20, 4, 6, 16, 20
#: Heading → tip's words; tagline → tip (no event).
_HEADING_GAP, _TAGLINE_GAP = 10, 36
#: The tagline (no event) may shrink to the heading size within this height.
_TAGLINE_HEIGHT = 200


@dataclass(frozen=True)
class HeroLayout:
    """Where and how large the hero's words go (design pixels)."""

    #: The tip's size and the top of its words; the tip heading's size and top (None: no heading).
    tip_size: int
    tip_y: int
    heading_size: int
    heading_y: int | None
    #: Top of the tip section (the topic picture sits here).
    section_y: int
    #: False when even the smallest sizes do not hold the tip (the scene then cuts and counts it).
    fits: bool = True
    #: Event mode: the band's bottom, and the label, title and when lines' sizes and tops.
    band_bottom: int = 0
    label_size: int = 0
    label_width: int = 0
    title: str = ""
    title_size: int = 0
    title_y: int = 0
    when_size: int = 0
    when_y: int = 0
    #: True when the roadshow's title had to lose its tail (an ellipsis ends it).
    cut: bool = False
    #: Without an event: the tagline's size.
    tagline_size: int = 0


def layout_plain(text: TextRenderer, tagline: str, tip: str, large: bool) -> HeroLayout:
    """The hero without an event: the tagline, then the tip under its heading."""

    def layout(sizes: tuple[int, ...]) -> HeroLayout:
        tip_size, tagline_size, heading = sizes
        section_y = INNER.y + 4 + text.height_of(tagline, tagline_size, INNER.width, True) + _TAGLINE_GAP
        tip_y = section_y + text.font(heading, True).get_height() + _HEADING_GAP
        fits = tip_y + text.height_of(tip, tip_size, TIP_WIDTH) <= INNER.bottom
        return HeroLayout(tip_size, tip_y, heading, section_y, section_y, fits, tagline_size=tagline_size)

    # Normal text: the tip and the tagline step down together (the tagline to the heading size,
    # the tip to 36 px). Large text: the tip, the tagline and the heading step down together to
    # the sizes they have in normal text, where the normal layout fits.
    (tip_size, tagline_size), ok = largest_fit((NORMAL_TYPE.heading, NORMAL_TYPE.title), (MIN_TEXT, NORMAL_TYPE.heading),
                                               lambda s: layout((*s, NORMAL_TYPE.body)).fits)
    sizes = (tip_size, tagline_size, NORMAL_TYPE.body)
    if large:
        sizes, ok = largest_fit((LARGE_TYPE.heading, LARGE_TYPE.title, LARGE_TYPE.body), sizes,
                                lambda s: layout(s).fits)
    return replace(layout(sizes), fits=ok)


def layout_event(text: TextRenderer, label: str, title: str, when: str, topics: int, tip: str,
                 large: bool) -> HeroLayout:
    """The hero in event mode: the roadshow's band (label, title, when), then the tip."""
    # The label shares the band's first row with the topics' pictures (right-aligned).
    label_width = min(INNER.width, HERO.right - TOPIC_RIGHT - topics * TOPIC_PITCH - 24 - INNER.x)
    starts_normal = (NORMAL_TYPE.title, NORMAL_TYPE.heading, NORMAL_TYPE.body, NORMAL_TYPE.small, NORMAL_TYPE.body)
    starts_large = (LARGE_TYPE.title, LARGE_TYPE.heading, LARGE_TYPE.body, LARGE_TYPE.small, LARGE_TYPE.body)
    for with_heading in (True, False):
        sizes, ok = fit_text_sizes(large, starts_normal, starts_large,
                                   lambda s, h=with_heading: _event(text, label, label_width, title, when, tip, s, h).fits)
        if ok:
            return _event(text, label, label_width, title, when, tip, sizes, with_heading)
    # The last resort, for a roadshow title staff typed longer than two lines of the banner can
    # hold at 36 px beside a tip: the title's tail gives way to an ellipsis (between words in
    # English) so the tip — content residents came for — stays whole. The real tips and a title
    # of 40 Chinese characters / 80 English letters never get here (tests/kiosk/test_attract_fit.py).
    floor = (MIN_TEXT,) * 5
    keep = _longest_prefix(title, lambda words: _event(text, label, label_width, words, when, tip, floor, False).fits)
    cut = f"{title[:keep].rstrip()}…"
    layout = _event(text, label, label_width, cut, when, tip, floor, False)
    return replace(layout, cut=True)


def _event(text: TextRenderer, label: str, label_width: int, title: str, when: str, tip: str,
           sizes: tuple[int, ...], with_heading: bool) -> HeroLayout:
    title_size, tip_size, label_size, when_size, heading_size = sizes
    label_height = text.height_of(label, label_size, label_width, True)
    title_y = BAND_TOP + _BAND_PAD + max(label_height, TOPIC_ICON) + _LABEL_GAP
    title_lines = len(text.wrap(title, title_size, INNER.width, True))
    title_height = text.height_of(title, title_size, INNER.width, True)
    when_y = title_y + title_height + _TITLE_GAP
    band_bottom = when_y + text.height_of(when, when_size, INNER.width) + _BAND_END
    section_y = band_bottom + _TIP_GAP
    tip_y = section_y
    if with_heading:
        tip_y += text.font(heading_size, True).get_height() + _HEADING_GAP
    fits = (title_lines <= 2 and tip_y + text.height_of(tip, tip_size, TIP_WIDTH) <= INNER.bottom
            and section_y + 6 + ICON <= INNER.bottom)
    return HeroLayout(tip_size, tip_y, heading_size, section_y if with_heading else None, section_y, fits,
                      band_bottom, label_size, label_width, title, title_size, title_y, when_size, when_y)


def _longest_prefix(title: str, fits: Callable[[str], bool]) -> int:
    """How many characters of ``title`` fit (with an ellipsis), cut between words in English."""
    low, high = 0, len(title)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(f"{title[:middle].rstrip()}…"):
            low = middle
        else:
            high = middle - 1
    if 0 < low < len(title) and _latin(title[low - 1]) and _latin(title[low]):
        space = title.rfind(" ", 0, low)
        if space > 0:
            low = space
    return low


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()
