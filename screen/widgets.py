"""The kiosk's own small widget set: button, label, progress bar, countdown ring.

Widgets follow the pygame_gui shape: ``handle(action) -> consumed``, ``update(dt)``,
``draw(surface)``. Positions are in the 1920×1080 design space. Text surfaces come from the
shared cache, and each widget remembers its last label surface so a still screen costs blits
only.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pygame

from screen import theme
from screen.input import Action, Press, Release
from screen.pictograms import pictogram
from screen.ui import Ui

Rect = pygame.Rect
#: Side of the ✓ / ✗ mark a selected or marked button shows at its top right.
MARK_SIDE = 72


class Widget:
    """Base of every widget: an id, a rectangle, visibility."""

    focusable = False

    def __init__(self, wid: str, rect: Rect) -> None:
        self.id = wid
        self.rect = Rect(rect)
        self.visible = True

    @property
    def label_text(self) -> str | None:
        """The visible text a robot script may tap by (None if the widget has none)."""
        return None

    def handle(self, action: Action, ui: Ui) -> bool:
        """React to an action; True when it was consumed."""
        return False

    def update(self, dt: float) -> None:
        """Advance animations by ``dt`` seconds."""

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Draw onto the design surface."""


class Button(Widget):
    """A large rounded touch target with a label, optional sub-label, icon and mark.

    ``style``: ``primary`` (filled), ``secondary`` (outlined), ``option`` (an answer),
    ``chrome`` (the language/text-size toggles). ``mark`` is ``right`` or ``wrong`` after an
    answer: it changes the colours AND adds an icon and a word, never colour alone. The label
    wraps, and shrinks (with its sub-label) only as far as ``min_text_size``.
    """

    focusable = True

    def __init__(
        self,
        wid: str,
        rect: Rect,
        label: str,
        on_tap: Callable[[], None],
        *,
        style: str = "primary",
        sublabel: str | None = None,
        icon: str | None = None,
        icon_size: int | None = None,
        image: pygame.Surface | None = None,
        text_size: int | None = None,
        min_text_size: int | None = None,
        reserve_mark: bool = False,
        padding_y: int | None = None,
        align: str = "center",
        enabled: bool = True,
    ) -> None:
        super().__init__(wid, rect)
        if self.rect.width < theme.MIN_TARGET or self.rect.height < theme.MIN_TARGET:
            raise ValueError(f"button {wid!r} is {self.rect.size}, smaller than a {theme.MIN_TARGET} px touch target")
        self.label = label
        self.on_tap = on_tap
        self.style = style
        self.sublabel = sublabel
        self.icon = icon
        self.icon_size = icon_size
        self.image = image
        self.text_size = text_size
        #: How far the label may shrink to fit (default: 36 px); a layout that measured
        #: the label (:meth:`text_area`) passes the size it chose, so what it measured is drawn.
        self.min_text_size = min_text_size
        #: Keep the ✓ mark's room free even while unselected, so the label never re-wraps on a tap.
        self.reserve_mark = reserve_mark
        #: Room between the edge and the contents (24 px, chrome 16 px); a layout short of
        #: height may ask for less above and below.
        self.padding = 16 if style == "chrome" else 24
        self.padding_y = padding_y if padding_y is not None else self.padding
        self.align = align
        self.enabled = enabled
        self.selected = False
        self.mark: str | None = None
        self.mark_label: str | None = None
        self.pressed = False
        self.focused = False

    @property
    def label_text(self) -> str | None:
        """The button's label."""
        return self.label

    def handle(self, action: Action, ui: Ui) -> bool:
        """Press inside arms the button; release inside fires it."""
        if not self.visible or not self.enabled:
            return False
        if isinstance(action, Press):
            if self.rect.collidepoint(action.pos):
                self.pressed = True
                return True
            return False
        if isinstance(action, Release):
            was_pressed = self.pressed
            self.pressed = False
            if was_pressed and self.rect.collidepoint(action.pos):
                self.activate(ui)
                return True
        return False

    def activate(self, ui: Ui) -> None:
        """Fire the button as if tapped (also used by keyboard navigation)."""
        ui.sounds.play("tap")
        self.on_tap()

    def _colours(self) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int] | None]:
        """(fill, text, border) for the current state."""
        if self.mark == "right":
            return theme.OK_TINT, theme.INK, theme.OK_GREEN
        if self.mark == "wrong":
            return theme.BAD_TINT, theme.INK, theme.BAD_RED
        if self.style == "primary":
            return (theme.TEAL_DARK if self.pressed else theme.TEAL), theme.ON_TEAL, None
        if self.style == "option":
            if self.selected:
                return theme.SELECTED, theme.INK, theme.INK
            return (theme.PAPER_DEEP if self.pressed else theme.CARD), theme.INK, theme.SHADOW
        # secondary and chrome: outlined
        return (theme.PAPER_DEEP if self.pressed else theme.CARD), theme.TEAL, theme.TEAL

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Shadow, body, border, icon or picture, label, mark."""
        if not self.visible:
            return
        fill, ink, border = self._colours()
        radius = min(28, self.rect.height // 4)
        body = self.rect.move(0, 4 if self.pressed else 0)
        if not self.pressed:
            pygame.draw.rect(surface, theme.SHADOW, self.rect.move(0, 8), border_radius=radius)
        pygame.draw.rect(surface, fill, body, border_radius=radius)
        if border is not None:
            width = 8 if (self.mark or self.selected) else 4
            pygame.draw.rect(surface, border, body, width, border_radius=radius)
        if not self.enabled:
            veil = pygame.Surface(body.size, pygame.SRCALPHA)
            veil.fill((255, 255, 255, 150))
            surface.blit(veil, body)
        if self.focused:
            pygame.draw.rect(surface, theme.INK, body.inflate(18, 18), 6, border_radius=radius + 8)
        self._draw_content(surface, ui, body, ink)

    @staticmethod
    def text_area(rect: Rect, *, padding_y: int = 24, picture_width: int = 0, reserve_mark: bool = False) -> Rect:
        """Where a button's label wraps (no sub-label, picture beside the text): inside
        the padding (24 px left and right, ``padding_y`` above and below), right of a picture
        ``picture_width`` wide, left of the ✓ mark's room.

        Layouts that size buttons to their words (the quiz's answers) measure in this box, and
        :meth:`draw` puts the label in the same box (or a wider one: a picture may be narrower).
        """
        inner = rect.inflate(-2 * 24, -2 * padding_y)
        if reserve_mark:
            inner.width -= min(MARK_SIDE, inner.height)
        if picture_width:
            shift = picture_width + 24
            inner = Rect(inner.x + shift, inner.y, inner.width - shift, inner.height)
        return inner

    def _draw_content(self, surface: pygame.Surface, ui: Ui, body: Rect, ink: tuple[int, int, int]) -> None:
        inner = body.inflate(-2 * self.padding, -2 * self.padding_y)
        size = self.text_size or ui.types.button
        mark_icon = {"right": "check", "wrong": "cross"}.get(self.mark or "")
        if self.selected and not self.mark:
            mark_icon = "check"
        if mark_icon or self.reserve_mark:
            icon_side = min(MARK_SIDE, inner.height)
            if mark_icon:
                surface.blit(pictogram(mark_icon, icon_side), (inner.right - icon_side, inner.y))
            tag_width = 0
            if mark_icon and self.mark_label:
                tag = ui.text.render(self.mark_label, ui.types.small, ink, bold=True)
                surface.blit(tag, (inner.right - icon_side - tag.get_width() - 12, inner.y + (icon_side - tag.get_height()) // 2))
                tag_width = 12 + tag.get_width()
            inner.width -= icon_side + tag_width
        picture = self.image
        if picture is None and self.icon:
            picture = pictogram(self.icon, self.icon_size or min(inner.height, 140))
        if picture is not None and self.align == "icon_top":
            px = body.centerx - picture.get_width() // 2
            surface.blit(picture, (px, inner.y))
            text_top = inner.y + picture.get_height() + 12
            text_box = Rect(inner.x, text_top, inner.width, inner.bottom - text_top)
        elif picture is not None:
            surface.blit(picture, (inner.x, body.centery - picture.get_height() // 2))
            shift = picture.get_width() + 24
            text_box = Rect(inner.x + shift, inner.y, inner.width - shift, inner.height)
        else:
            text_box = inner
        if text_box.width <= 0 or text_box.height <= 0:
            return
        # The words may use the padding too (all but 6 px of it): a one-line label on a short
        # button ("Stop", 100 px tall) stays at its size instead of shrinking to fit the inner box.
        spare = max(0, self.padding_y - 6)
        room = text_box.inflate(0, 2 * spare) if self.align != "icon_top" else Rect(
            text_box.x, text_box.y, text_box.width, text_box.height + spare)
        label, sub = self._fit_words(ui, ink, room, size)
        sub_h = sub.get_height() + 8 if sub is not None else 0
        total = label.get_height() + sub_h
        # Centred on the button even when a line is taller than the padded box (a short button).
        y = text_box.y + (text_box.height - total) // 2 if self.align != "icon_top" else text_box.y
        x = _aligned_x(text_box, label.get_width(), self.align)
        surface.blit(label, (x, y))
        if sub is not None:
            surface.blit(sub, (_aligned_x(text_box, sub.get_width(), self.align), y + label.get_height() + 8))

    def _fit_words(self, ui: Ui, ink: tuple[int, int, int], box: Rect,
                   size: int) -> tuple[pygame.Surface, pygame.Surface | None]:
        """Label and sub-label at the largest sizes (stepping down together) that fit ``box``."""
        align = _text_align(self.align)
        # Down to the 36 px minimum in both text sizes: the box is the same, so large text still
        # never ends up smaller than the same label in normal text.
        label_min = self.min_text_size or min(size, theme.MIN_TEXT)
        if not self.sublabel:
            return ui.text.fit(self.label, size, ink, box.width, max(1, box.height), label_min, bold=True, align=align), None
        sub_size = ui.types.small
        sub_min = min(sub_size, ui.floor("small"))
        label_size = size
        while True:
            needed = (ui.text.height_of(self.label, label_size, box.width, True) + 8
                      + ui.text.height_of(self.sublabel, sub_size, box.width))
            if needed <= box.height:
                return (ui.text.block(self.label, label_size, ink, box.width, True, align),
                        ui.text.block(self.sublabel, sub_size, ink, box.width, False, align))
            if label_size <= label_min and sub_size <= sub_min:
                break
            label_size = max(label_min, label_size - 2)
            sub_size = max(sub_min, sub_size - 2)
        # Even the smallest sizes are too big: half the room each, cut (and counted) by fit().
        sub = ui.text.fit(self.sublabel, sub_min, ink, box.width, box.height // 2, sub_min, align=align)
        label = ui.text.fit(self.label, label_min, ink, box.width, max(1, box.height - sub.get_height() - 8), label_min,
                            bold=True, align=align)
        return label, sub


def _text_align(align: str) -> str:
    return "left" if align == "left" else "center"


def _aligned_x(box: Rect, width: int, align: str) -> int:
    if align == "left":
        return box.x
    return box.x + (box.width - width) // 2


class Label(Widget):
    """Text in a box: wrapped, shrunk down to ``min_size`` if needed, never outside the box."""

    def __init__(
        self,
        wid: str,
        rect: Rect,
        text: str,
        *,
        size: int,
        colour: tuple[int, int, int] = theme.INK,
        bold: bool = False,
        align: str = "left",
        min_size: int | None = None,
        valign: str = "top",
    ) -> None:
        super().__init__(wid, rect)
        self.text = text
        self.size = size
        self.colour = colour
        self.bold = bold
        self.align = align
        self.min_size = min_size
        self.valign = valign

    @property
    def label_text(self) -> str | None:
        """The label's text."""
        return self.text

    def surface(self, ui: Ui) -> pygame.Surface:
        """The rendered text (cached by the renderer)."""
        return ui.text.fit(
            self.text, self.size, self.colour, self.rect.width, self.rect.height,
            self.min_size or min(self.size, theme.MIN_TEXT), self.bold, self.align,
        )

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Blit the text aligned in the box."""
        if not self.visible or not self.text:
            return
        text = self.surface(ui)
        x = _aligned_x(self.rect, text.get_width(), self.align) if self.align != "right" else self.rect.right - text.get_width()
        y = self.rect.y
        if self.valign == "center":
            y += (self.rect.height - text.get_height()) // 2
        surface.blit(text, (x, y))


class ProgressBar(Widget):
    """A rounded bar filled to ``fraction`` (0..1)."""

    def __init__(self, wid: str, rect: Rect, fraction: float = 0.0, colour: tuple[int, int, int] = theme.TEAL) -> None:
        super().__init__(wid, rect)
        self.fraction = fraction
        self.colour = colour

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Track then fill."""
        radius = self.rect.height // 2
        pygame.draw.rect(surface, theme.PAPER_DEEP, self.rect, border_radius=radius)
        pygame.draw.rect(surface, theme.SHADOW, self.rect, 3, border_radius=radius)
        filled = max(0.0, min(1.0, self.fraction))
        if filled > 0:
            width = max(self.rect.height, round(self.rect.width * filled))
            pygame.draw.rect(surface, self.colour, Rect(self.rect.x, self.rect.y, width, self.rect.height), border_radius=radius)


class Countdown(Widget):
    """A ring that empties as time runs out, with the whole seconds left in the middle."""

    def __init__(self, wid: str, rect: Rect, total: float) -> None:
        super().__init__(wid, rect)
        self.total = total
        self.remaining = total

    @property
    def seconds_left(self) -> int:
        """Whole seconds left, rounded up (what people read)."""
        return max(0, math.ceil(self.remaining - 1e-9))

    def update(self, dt: float) -> None:
        """Count down (never below zero)."""
        self.remaining = max(0.0, self.remaining - dt)

    def reset(self, total: float | None = None) -> None:
        """Start again from ``total`` (default: the original total)."""
        if total is not None:
            self.total = total
        self.remaining = self.total

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Ring and number."""
        centre = self.rect.center
        radius = min(self.rect.width, self.rect.height) // 2
        pygame.draw.circle(surface, theme.CARD, centre, radius)
        pygame.draw.circle(surface, theme.PAPER_DEEP, centre, radius, 14)
        fraction = self.remaining / self.total if self.total else 0
        if fraction > 0:
            arc_rect = Rect(0, 0, 2 * radius, 2 * radius)
            arc_rect.center = centre
            start = math.pi / 2
            pygame.draw.arc(surface, theme.TEAL, arc_rect, start, start + 2 * math.pi * fraction, 14)
        number = ui.text.render(str(self.seconds_left), max(ui.types.heading, radius), theme.INK, bold=True)
        surface.blit(number, number.get_rect(center=centre))
