"""The sequence's results as drawn: "should be step N" has a place of its own on a misplaced
card — it never lies over the step's words — and no word of any real sequence is cut, in
zh-CN and English, normal and large text."""

from __future__ import annotations

import random

import pygame
import pytest

from games.sequence.rules import SequenceRules
from games.sequence.view import SequenceScene
from safezone.content.bundle import ContentBundle
from safezone.content.loader import DEFAULT_CONTENT_ROOT, load_content
from screen import theme

SETTINGS = [("zh-CN", False), ("zh-CN", True), ("en", False), ("en", True)]


@pytest.fixture(scope="module")
def bank() -> ContentBundle:
    """The real content, as the kiosk loads it."""
    result = load_content(DEFAULT_CONTENT_ROOT)
    assert result.problems == []
    return result.bundle


def _setting(kiosk, lang: str, large: bool) -> None:
    if kiosk.app.ui.lang != lang:
        kiosk.run("tap: lang")
    if kiosk.app.ui.large != large:
        kiosk.run("tap: textsize")


def _checked_reversed(kiosk, sequence) -> SequenceScene:
    """The sequence on screen, its cards put in reverse order (all but one misplaced), checked."""
    app = kiosk.app
    rules = SequenceRules(sequence, random.Random(3))
    play = app.backend.start_play(mode="guest", game_type="sequence", topic=sequence.topic, now=kiosk.clock.now(),
                                  resident_id=None, language=app.ui.lang, content_id=None)
    scene = SequenceScene(app, rules=rules, play=play)
    app.replace(scene)
    kiosk.run("wait: 0.3")
    for index, position in enumerate(reversed(range(len(rules.order)))):
        rules.move(rules.order.index(position), index)
    scene._place(animate=False)
    scene.rebuild()
    kiosk.run("tap: check\nwait: 0.3")
    assert scene.result is not None and len(scene.result.misplaced) == len(rules.order) - 1
    return scene


def _ink_beside_tag(canvas: pygame.Surface, card: pygame.Rect) -> int:
    """Pixels of the step's ink (theme.INK) in the rows of the card's tag (its red box), left or
    right of it within 12 px: the words run under a tag laid over them."""
    region = canvas.subsurface(card).copy()
    red = pygame.mask.from_threshold(region, theme.BAD_RED, (12, 12, 12, 255))
    boxes = red.get_bounding_rects()
    assert boxes, "a misplaced card shows its tag"
    tag = boxes[0].unionall(boxes[1:])
    ink = pygame.mask.from_threshold(region, theme.INK, (10, 10, 10, 255))
    near = pygame.Mask(region.get_size())
    near.draw(pygame.Mask(tag.inflate(24, 0).size, fill=True), tag.inflate(24, 0).topleft)
    return ink.overlap_area(near, (0, 0))


@pytest.mark.parametrize(("lang", "large"), SETTINGS)
def test_the_tag_never_lies_over_the_words_and_nothing_is_cut(make_kiosk, bank, lang: str, large: bool) -> None:
    kiosk = make_kiosk(bundle=bank)
    app = kiosk.app
    kiosk.run("tap: guest")
    _setting(kiosk, lang, large)
    for sequence in bank.sequences.values():
        scene = _checked_reversed(kiosk, sequence)
        app.draw(force=True)
        for index in scene.result.misplaced:
            card = scene.drag.cards[index]
            assert card.rect.topleft == scene._card_rect(index).topleft
            assert _ink_beside_tag(app.canvas, card.rect) == 0, (sequence.id, card.label)
        assert app.ui.text.truncated == 0, sequence.id
    assert app.log.of("error") == []


def test_cards_in_place_lose_their_grip_and_keep_their_words(make_kiosk, bank) -> None:
    kiosk = make_kiosk(bundle=bank)
    kiosk.run("tap: guest\ntap: lang\ntap: textsize")
    sequence = bank.sequences["seq-call-119"]
    scene = _checked_reversed(kiosk, sequence)
    in_place = next(i for i in range(len(scene.rules.order)) if i not in scene.result.misplaced)
    card = scene.drag.cards[in_place]
    step = sequence.steps[scene.result.order[in_place]]
    layout, _ = scene.card_layout(step, card.home.size, grip=False)
    assert not layout.grip and layout.tag is None and layout.fits
    # Nothing was cut, and the grip's three bars (theme.SHADOW) are gone from every card.
    assert kiosk.app.ui.text.truncated == 0
    for checked in scene.drag.cards:
        face = checked.surface
        grip = pygame.Rect(face.get_width() - 56, face.get_height() // 2 - 22, 30, 44)
        shadow = pygame.mask.from_threshold(face.subsurface(grip).copy(), theme.SHADOW, (4, 4, 4, 255))
        assert shadow.count() == 0, checked.label
