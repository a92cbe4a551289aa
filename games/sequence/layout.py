"""Where a sequence card puts its words: the step and, after the check, "should be step N" in a
column of its own, measured before anything is drawn so the tag never covers the step.

A card fills one slot of the list (the list's height shared by the steps). Before the check it
has a grip on the right (three bars: "you can move me"); after the check no card moves, so the
grip gives its room back and a misplaced card shows its tag there — a red-bordered box whose
words say where the card belongs, next to the ✗ in the number gutter (words and a shape, never
colour alone). The step's words wrap in what is left, left of the tag.

Words get room before they get smaller: the tag takes one line when the step still fits beside
it, else two lines ("Should be / step 4": a narrower column, broken where it reads well); only
then do the step and the tag step down together (2 px a step, :mod:`screen.fitting`): 36 px at
the least in normal text, and large text never below the sizes the same card gets in normal
text. Everything is measured with the real font (:meth:`screen.text.TextRenderer.height_of`),
nothing rendered: the scene lays a card out once per language, text size and check, and a test
lays out every card of ``content/`` with a tag in both languages and both text sizes. ``fits``
is False only when even the smallest sizes do not fit; the card is then still drawn (the step
cut with an ellipsis and counted in ``TextRenderer.truncated``, never under the tag).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from games.view_common import GRIP_ROOM
from screen.fitting import fit_text_sizes
from screen.text import TextRenderer
from screen.theme import LARGE_TYPE, NORMAL_TYPE

Rect = pygame.Rect

#: The list of slots (left of the verdict panel) and each slot's number gutter.
LIST = Rect(60, 270, 1120, 780)
GUTTER = 96
_SLOT_GAP = 16
#: The tallest a slot gets (a short sequence keeps cards of a familiar size).
_SLOT_MAX = 160
#: The card's inside margins: left of the words, and above and below them.
PAD_X = 28
PAD_Y = 12
#: Between a step's picture and its words.
PICTURE_GAP = 24
#: Inside the tag's box around its words; the box's border; between the words and the box.
TAG_PAD_X = 14
TAG_PAD_Y = 6
TAG_BORDER = 3
_TAG_GAP = 24
#: The least the tag's box keeps from the card's top and bottom edges.
_TAG_MARGIN_Y = 6
#: Narrower than this, a column of words is no use (a word a line).
_MIN_TEXT_WIDTH = 120


def slot_rects(count: int) -> list[Rect]:
    """The list's ``count`` slots, top to bottom: the number gutter, then the card."""
    height = min(_SLOT_MAX, (LIST.height - _SLOT_GAP * (count - 1)) // count)
    return [Rect(LIST.x, LIST.y + i * (height + _SLOT_GAP), LIST.width, height) for i in range(count)]


def card_rect(slot: Rect) -> Rect:
    """Where a slot's card rests: the slot right of its number gutter."""
    return Rect(slot.x + GUTTER, slot.y, slot.width - GUTTER, slot.height)


@dataclass(frozen=True)
class CardLayout:
    """One card's words: the step's size and where its words go, and the tag's (None before the
    check or for a card in its place). Rectangles are in the card's own coordinates."""

    text_size: int
    #: The step's words and the box each part is drawn in: one block, or the first line beside
    #: a tag in the card's top right corner and the rest under both.
    blocks: tuple[tuple[str, Rect], ...]
    #: The tag's words as laid out (one of the forms offered: one line or two).
    tag: str | None
    tag_size: int | None
    #: The tag's bordered box; its words are drawn ``TAG_PAD_X``/``TAG_PAD_Y`` inside it.
    tag_box: Rect | None
    grip: bool
    fits: bool

    @property
    def tag_width(self) -> int:
        """Width of the tag's widest line."""
        return self.tag_box.width - 2 * TAG_PAD_X if self.tag_box is not None else 0


def layout_card(text: TextRenderer, size: tuple[int, int], words: str, *, large: bool, kids: bool = False,
                picture_width: int = 0, tags: Sequence[str] = (), grip: bool = True) -> CardLayout:
    """The largest sizes at which ``words`` (and a tag, if ``tags`` offers one) fit a card of ``size``.

    ``tags`` are the tag's forms, one line first, then broken onto lines where it reads well
    (``"应是\\n第 4 步"``). At each size the tag is tried in a column of its own on one line,
    then on two, then (one line) in the top right corner with only the step's first line
    beside it — before anything gets smaller. ``picture_width`` is the step's picture left of
    the words (0 without one); ``grip`` keeps the grip's room on the right (cards that can
    still be moved).
    """
    width, height = size
    left = PAD_X + (picture_width + PICTURE_GAP if picture_width else 0)
    right = width - GRIP_ROOM if grip else width - PAD_X
    room = height - 2 * PAD_Y

    def centred(text_size: int, block_width: int) -> tuple[tuple[str, Rect], ...] | None:
        needed = text.height_of(words, text_size, block_width, True)
        if needed > room or block_width < _MIN_TEXT_WIDTH:
            return None
        return ((words, Rect(left, (height - needed) // 2, block_width, needed)),)

    def tag_box(tag: str, tag_size: int) -> Rect:
        tag_w = max(text.font(tag_size, True).size(line)[0] for line in tag.split("\n"))
        tag_h = text.height_of(tag, tag_size, tag_w, True) + 2 * TAG_PAD_Y
        return Rect(right - tag_w - 2 * TAG_PAD_X, (height - tag_h) // 2, tag_w + 2 * TAG_PAD_X, tag_h)

    def in_column(tag: str, text_size: int, tag_size: int) -> CardLayout | None:
        boxed = tag_box(tag, tag_size)
        if boxed.height > height - 2 * _TAG_MARGIN_Y:
            return None
        blocks = centred(text_size, boxed.x - _TAG_GAP - left)
        return CardLayout(text_size, blocks, tag, tag_size, boxed, grip, True) if blocks else None

    def in_corner(tag: str, text_size: int, tag_size: int) -> CardLayout | None:
        # The tag beside the first line only; the lines under it have the card's whole width.
        boxed = tag_box(tag, tag_size)
        beside = boxed.x - _TAG_GAP - left
        if beside < _MIN_TEXT_WIDTH:
            return None
        first = text.wrap(words, text_size, beside, True)[0]
        rest = words[len(first):].lstrip() if words.startswith(first) else ""
        if not rest:
            return None  # one line: the column arrangement already said no
        step = text.line_height(text_size, True)
        rest_h = text.height_of(rest, text_size, right - left, True)
        if step + rest_h > room:
            return None
        top = (height - step - rest_h) // 2
        first_h = text.font(text_size, True).get_height()
        boxed.y = top + (first_h - boxed.height) // 2
        if boxed.y < _TAG_MARGIN_Y or boxed.bottom > top + step:
            return None  # the tag would reach into the second line
        blocks = ((first, Rect(left, top, beside, first_h)), (rest, Rect(left, top + step, right - left, rest_h)))
        return CardLayout(text_size, blocks, tag, tag_size, boxed, grip, True)

    def arrange(sizes: tuple[int, ...]) -> CardLayout | None:
        text_size, tag_size = sizes
        if not tags:
            blocks = centred(text_size, right - left)
            return CardLayout(text_size, blocks, None, None, None, grip, True) if blocks else None
        for tag in tags:
            layout = in_column(tag, text_size, tag_size)
            if layout is not None:
                return layout
        return in_corner(tags[0], text_size, tag_size)

    normal, big = NORMAL_TYPE, LARGE_TYPE
    starts = (normal.heading if kids else normal.button, normal.small)
    large_starts = (big.heading if kids else big.button, big.small)
    sizes, ok = fit_text_sizes(large, starts, large_starts, lambda s: arrange(s) is not None)
    layout = arrange(sizes) if ok else None
    if layout is not None:
        return layout
    # Nothing fits even at the floors: the one-line tag keeps its column whole and the step gets
    # the rest of the card (cut there with an ellipsis and counted, never drawn under the tag).
    text_size, tag_size = sizes
    if not tags:
        return CardLayout(text_size, ((words, Rect(left, PAD_Y, max(1, right - left), room)),), None, None, None,
                          grip, False)
    boxed = tag_box(tags[0], tag_size)
    box = Rect(left, PAD_Y, max(1, boxed.x - _TAG_GAP - left), room)
    return CardLayout(text_size, ((words, box),), tags[0], tag_size, boxed, grip, False)
