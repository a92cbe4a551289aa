"""Every card of every real sequence (content/) lays out whole, before and after the check.

A step cut short cannot be put in order, and a "should be step N" lying over the step's words
hides half of both, so this lays out each card the way the sequence screen shows it — before
the check (with its grip), after it in its place, and after it misplaced with every tag it can
carry — in zh-CN and English, normal and large text, with the real font (measuring only:
:mod:`games.sequence.layout` renders nothing), and checks that everything fits, that the tag
has its own column inside the card, text is at least 36 px and large text never smaller.
"""

from __future__ import annotations

import pygame
import pytest

from games import texts
from games.sequence.layout import CardLayout, card_rect, layout_card, slot_rects
from kiosk.i18n import pick
from safezone.content.bundle import ContentBundle
from safezone.content.loader import DEFAULT_CONTENT_ROOT, load_content
from safezone.fonts import font_path
from screen.text import TextRenderer
from screen.theme import MIN_TEXT


@pytest.fixture(scope="module")
def bank() -> ContentBundle:
    """The real content, as the kiosk loads it."""
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.problems == []
    assert result.bundle.sequences
    return result.bundle


@pytest.fixture(scope="module")
def renderer() -> TextRenderer:
    """The bundled font (no window: the layout only measures)."""
    pygame.font.init()
    return TextRenderer(font_path(), font_path(bold=True))


def _tags(lang: str, n: int) -> tuple[str, ...]:
    return texts.tr("seq.should_be", lang, n=n), texts.tr("seq.should_be_stacked", lang, n=n)


def _check(layout: CardLayout, size: tuple[int, int], words: str, where: str) -> None:
    card = pygame.Rect((0, 0), size)
    assert layout.fits, where
    assert layout.text_size >= MIN_TEXT, where
    # Every word drawn, once (a step split beside a corner tag loses only the space at the split).
    assert "".join("".join(part.split()) for part, _ in layout.blocks) == "".join(words.split()), where
    for _, box in layout.blocks:
        assert card.contains(box), where
        if layout.tag_box is not None:
            assert not box.colliderect(layout.tag_box), where
    if layout.tag_box is not None:
        assert layout.tag_size >= MIN_TEXT, where
        assert card.contains(layout.tag_box), where


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_real_card_fits_with_its_tag_in_a_column_of_its_own(bank, renderer, lang: str) -> None:
    checked = 0
    for sequence in bank.sequences.values():
        size = card_rect(slot_rects(len(sequence.steps))[0]).size
        numbers = range(1, len(sequence.steps) + 1)
        for step in sequence.steps:
            words = pick(step.text.zh, step.text.en, lang)
            forms = [((), True), ((), False)] + [(_tags(lang, n), False) for n in numbers]
            for tags, grip in forms:
                normal = layout_card(renderer, size, words, large=False, tags=tags, grip=grip)
                large = layout_card(renderer, size, words, large=True, tags=tags, grip=grip)
                where = f"{sequence.id} {words!r} {tags[:1]} grip={grip}"
                _check(normal, size, words, where)
                _check(large, size, words, where + " large")
                assert large.text_size >= normal.text_size, where
                if tags:
                    assert large.tag_size >= normal.tag_size, where
                checked += 1
    assert checked > 100


def test_the_tag_takes_one_line_when_the_step_leaves_room_else_two(renderer) -> None:
    size = card_rect(slot_rects(5)[0]).size
    short = layout_card(renderer, size, "拨打 119", large=False, tags=_tags("zh-CN", 1), grip=False)
    assert short.tag == "应是第 1 步" and short.text_size == 44
    long_words = "Give your name and phone number; hang up only after the operator does"
    long = layout_card(renderer, size, long_words, large=False, tags=_tags("en", 4), grip=False)
    assert long.tag == "Should be\nstep 4" and long.fits


def test_a_long_step_keeps_its_first_line_beside_a_corner_tag(renderer) -> None:
    size = card_rect(slot_rects(4)[0]).size
    words = "Keep the elder warm with a coat or blanket and stay until the ambulance comes"
    layout = layout_card(renderer, size, words, large=False, tags=_tags("en", 4), grip=False)
    assert layout.fits and layout.tag == "Should be step 4" and len(layout.blocks) == 2
    (_, first), (_, rest) = layout.blocks
    assert first.right < layout.tag_box.x and rest.top >= layout.tag_box.bottom
    assert rest.width > first.width


def test_a_card_that_cannot_fit_keeps_the_tag_clear_and_says_so(renderer) -> None:
    size = card_rect(slot_rects(8)[0]).size  # the schema's most steps: the lowest cards
    words = "A step far too long for any card: " * 6
    layout = layout_card(renderer, size, words, large=False, tags=_tags("en", 8), grip=False)
    assert not layout.fits and layout.tag == "Should be step 8"
    assert not layout.blocks[0][1].colliderect(layout.tag_box)
