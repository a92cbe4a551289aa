"""Colours, type sizes and spacing of the kiosk: warm, friendly and high-contrast.

Every text colour is used only on the backgrounds listed in :data:`TEXT_PAIRS`, and a test
checks each pair reaches the 7:1 contrast the design asks for (WCAG AAA).
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]

#: The design resolution every scene is laid out in; the window scales it.
DESIGN_SIZE = (1920, 1080)
#: Smallest touch target side, in design pixels.
MIN_TARGET = 80

# Palette. Warm cream paper, deep ink, a deep teal for actions, a tomato red for warnings.
PAPER: Colour = (255, 248, 236)
PAPER_DEEP: Colour = (250, 236, 214)
CARD: Colour = (255, 255, 255)
INK: Colour = (33, 30, 28)
INK_SOFT: Colour = (70, 62, 56)
TEAL: Colour = (10, 82, 92)
TEAL_DARK: Colour = (6, 58, 66)
ON_TEAL: Colour = (255, 255, 255)
SUNNY: Colour = (255, 214, 120)
CORAL: Colour = (242, 140, 98)
OK_GREEN: Colour = (14, 80, 40)
OK_TINT: Colour = (226, 245, 230)
BAD_RED: Colour = (150, 28, 28)
BAD_TINT: Colour = (253, 231, 228)
SHADOW: Colour = (226, 210, 186)
SELECTED: Colour = (255, 236, 190)
DIM: tuple[int, int, int, int] = (20, 16, 12, 170)

#: Topic accent colours (decoration only: every topic is also named and drawn).
TOPIC_COLOURS: dict[str, Colour] = {
    "fire": (214, 69, 46),
    "home": (226, 150, 40),
    "traffic": (40, 130, 80),
    "cyber": (52, 98, 180),
}

#: (text colour, background colour) pairs the UI draws text with.
TEXT_PAIRS: tuple[tuple[Colour, Colour], ...] = (
    (INK, PAPER),
    (INK, PAPER_DEEP),
    (INK, CARD),
    (INK_SOFT, PAPER),
    (INK_SOFT, CARD),
    (ON_TEAL, TEAL),
    (ON_TEAL, TEAL_DARK),
    (INK, SUNNY),
    (INK, SELECTED),
    (OK_GREEN, OK_TINT),
    (BAD_RED, BAD_TINT),
    (OK_GREEN, CARD),
    (BAD_RED, CARD),
    (TEAL, CARD),
    (TEAL, PAPER),
    (INK, OK_TINT),
    (INK, BAD_TINT),
)


@dataclass(frozen=True)
class TypeScale:
    """Font sizes in design pixels for one text-size setting."""

    small: int
    body: int
    button: int
    heading: int
    title: int
    hero: int


NORMAL_TYPE = TypeScale(small=36, body=40, button=44, heading=54, title=72, hero=110)
LARGE_TYPE = TypeScale(small=44, body=50, button=54, heading=64, title=84, hero=128)


def type_scale(large: bool) -> TypeScale:
    """The type sizes for normal or large text."""
    return LARGE_TYPE if large else NORMAL_TYPE


#: The smallest text a screen may shrink anything to (DESIGN.md: body text ≥ 36 px).
MIN_TEXT = NORMAL_TYPE.small


def shrink_floor(role: str, large: bool) -> int:
    """How far text of ``role`` (a :class:`TypeScale` field) may shrink to fit its box.

    Normal text stops at the 36 px minimum; large text stops at the size the same words have
    in normal mode, so switching to large text never makes anything smaller.
    """
    return getattr(NORMAL_TYPE, role) if large else MIN_TEXT


def relative_luminance(colour: Colour) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG contrast ratio between two colours (1..21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
