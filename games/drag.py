"""Dragging cards with a finger or the mouse: pick up, follow, snap to a target, fly home.

Shared by the sort and step-order games. A :class:`DragCard` is a widget (so robot steps and
``find_widget`` find it by id or label) holding a surface rendered once; the
:class:`DragController` turns the input layer's ``Press``/``Move``/``Release`` into card
positions. Only one card is held at a time (the input layer follows one finger). The scene
decides what a drop means; the controller only reports which target the card was released
over, or None ("nowhere"), in which case the scene sends it home with a short animation.

Positions are design pixels (1920×1080); the input layer has already undone the window
scaling, so hits stay right at any screen size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from screen import theme
from screen.ui import Ui
from screen.widgets import Widget

Rect = pygame.Rect
Point = tuple[float, float]

#: Seconds a card takes to fly home or into its slot.
SETTLE_SECONDS = 0.18
#: A card released with at least this share of its area over a target counts as dropped there.
OVERLAP_SHARE = 0.3
#: How far a held card is lifted (drawn up and left of the finger, with a deeper shadow).
LIFT = 6


class DragCard(Widget):
    """A card that can be picked up. ``rect`` is where it is drawn now; ``home`` where it rests."""

    def __init__(self, wid: str, home: Rect, surface: pygame.Surface, label: str, *, payload: object = None) -> None:
        super().__init__(wid, home)
        self.home = Rect(home)
        self.surface = surface
        self.label = label
        self.payload = payload
        self.enabled = True
        self.held = False
        self._x, self._y = float(home.x), float(home.y)
        self._from: Point = (self._x, self._y)
        self._elapsed = SETTLE_SECONDS
        self._shadow = _shadow_for(surface)

    @property
    def label_text(self) -> str | None:
        """The card's words (robot scripts may drag a card by them)."""
        return self.label

    @property
    def settling(self) -> bool:
        """True while the card flies to its home."""
        return not self.held and (round(self._x), round(self._y)) != self.home.topleft

    def move_to(self, x: float, y: float) -> None:
        """Put the card's top-left at (x, y) at once (while it is held)."""
        self._x, self._y = x, y
        self.rect.topleft = (round(x), round(y))

    def set_home(self, rect: Rect, animate: bool = True) -> None:
        """Give the card a new resting place, flying there unless ``animate`` is False."""
        self.home = Rect(rect)
        if animate:
            self._from = (self._x, self._y)
            self._elapsed = 0.0
        else:
            self.move_to(*self.home.topleft)
            self._elapsed = SETTLE_SECONDS

    def update(self, dt: float) -> None:
        """Ease out towards home (quick at first, gentle at the end)."""
        if self.held:
            return
        if self._elapsed >= SETTLE_SECONDS:
            if self.rect.topleft != self.home.topleft:
                self.move_to(*self.home.topleft)
            return
        self._elapsed = min(SETTLE_SECONDS, self._elapsed + dt)
        k = self._elapsed / SETTLE_SECONDS
        ease = 1 - (1 - k) ** 3
        fx, fy = self._from
        self.move_to(fx + (self.home.x - fx) * ease, fy + (self.home.y - fy) * ease)

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Shadow (deeper when held) and the pre-rendered card."""
        if not self.visible:
            return
        lift = LIFT if self.held else 0
        surface.blit(self._shadow, (self.rect.x + 2 * lift, self.rect.y + 8 + 2 * lift))
        surface.blit(self.surface, (self.rect.x - lift, self.rect.y - lift))


def _shadow_for(card: pygame.Surface) -> pygame.Surface:
    # Opaque with a colour key (fast to blit every frame of a drag).
    key = (255, 0, 254)
    shadow = pygame.Surface(card.get_size())
    shadow.fill(key)
    shadow.set_colorkey(key)
    pygame.draw.rect(shadow, theme.SHADOW, shadow.get_rect(), border_radius=28)
    return shadow.convert() if pygame.display.get_surface() is not None else shadow


@dataclass(frozen=True)
class Drop:
    """A released card and the target it is over (None: released over nothing)."""

    card: DragCard
    target: str | None


class DragController:
    """Follows one held card; knows the drop targets by name and design rectangle."""

    def __init__(self) -> None:
        self.cards: list[DragCard] = []
        self.targets: dict[str, Rect] = {}
        self.held: DragCard | None = None
        #: The target the held card would drop on now (the scene highlights it).
        self.hover: str | None = None
        self._grab: Point = (0.0, 0.0)

    def press(self, pos: Point) -> DragCard | None:
        """Pick up the top-most enabled card under ``pos`` (None: nothing there)."""
        if self.held is not None:
            return None
        for card in reversed(self.cards):
            if card.visible and card.enabled and card.rect.collidepoint(pos):
                self.held = card
                card.held = True
                self._grab = (pos[0] - card.rect.x, pos[1] - card.rect.y)
                # Drawn last from now on: the held card floats above the others.
                self.cards.remove(card)
                self.cards.append(card)
                self.hover = self.target_at(card, pos)
                return card
        return None

    def move(self, pos: Point) -> None:
        """The finger moved: the held card follows it, kept on the screen."""
        card = self.held
        if card is None:
            return
        width, height = theme.DESIGN_SIZE
        x = min(max(pos[0] - self._grab[0], -card.rect.width / 2), width - card.rect.width / 2)
        y = min(max(pos[1] - self._grab[1], -card.rect.height / 2), height - card.rect.height / 2)
        card.move_to(x, y)
        self.hover = self.target_at(card, pos)

    def release(self, pos: Point) -> Drop | None:
        """Let go: which target the card is over; None when no card was held."""
        card = self.held
        if card is None:
            return None
        outside = pos[0] < 0 or pos[1] < 0  # released in the letterbox: over nothing
        if not outside:
            self.move(pos)
        target = None if outside else self.target_at(card, pos)
        card.held = False
        self.held = None
        self.hover = None
        return Drop(card, target)

    def cancel(self) -> None:
        """Drop whatever is held back home (the scene is changing)."""
        if self.held is not None:
            self.held.held = False
            self.held.set_home(self.held.home)
        self.held = None
        self.hover = None

    def target_at(self, card: DragCard, pos: Point) -> str | None:
        """The target under the finger, else the one the card overlaps most (if enough)."""
        for name, rect in self.targets.items():
            if rect.collidepoint(pos):
                return name
        best, best_area = None, OVERLAP_SHARE * card.rect.width * card.rect.height
        for name, rect in self.targets.items():
            overlap = card.rect.clip(rect)
            area = overlap.width * overlap.height
            if area >= best_area:
                best, best_area = name, area
        return best

    def update(self, dt: float) -> None:
        """Advance every card's settle animation."""
        for card in self.cards:
            card.update(dt)

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Draw the cards, the held one last."""
        for card in self.cards:
            card.draw(surface, ui)


def card_extent(card: DragCard) -> Rect:
    """Every pixel a card's ``draw`` may touch now (body, lift and shadow)."""
    lift = LIFT if card.held else 0
    return Rect(card.rect.x - lift, card.rect.y - lift, card.rect.width + 3 * lift,
                card.rect.height + 8 + 3 * lift)


class CardLayer:
    """Paints a drag scene as a base picture, resting cards and moving cards, with dirty rectangles.

    The base (everything but the cards) is rendered once per change of ``base_key`` — a hover
    target lighting up, feedback appearing, a language switch. Resting cards are blitted onto a
    still copy of it; when a card is picked up or lands, only its rectangles of the still are
    redone. A frame then restores from the still only what the moving cards (held or flying
    home) covered last frame and draws them at their new places: a few small blits.

    Reusing what the canvas already shows is only safe when this scene drew the canvas last
    and nothing was drawn over it (``exclusive``: no overlay); otherwise the whole still
    picture is blitted first.
    """

    def __init__(self) -> None:
        self._base: pygame.Surface | None = None
        self._still: pygame.Surface | None = None
        self._base_key: object = None
        self._resting: dict[int, tuple] = {}
        self._canvas: pygame.Surface | None = None
        self._painted: list[Rect] = []

    def invalidate(self) -> None:
        """Forget every cached picture (the scene changed in a way its key does not show)."""
        self._base_key = None
        self._canvas = None

    def draw(self, surface: pygame.Surface, drag: DragController, ui: Ui, paint, base_key: object, *,
             overlay=None, targets: Sequence[Widget] = (), exclusive: bool) -> None:
        """Draw the scene.

        ``paint(surface)`` renders it without cards and drop targets (``targets``; all hidden
        meanwhile); targets are then drawn over the base like resting cards, so a card lighting
        up a target (``hover``) as it passes costs small blits, not a repaint.
        ``overlay(surface)``, if given, draws what lies over the resting cards (marks).
        """
        size = surface.get_size()
        cards = [card for card in drag.cards if card.visible]
        moving = [card for card in cards if card.held or card.settling]
        resting = [card for card in cards if not (card.held or card.settling)]
        shown = [target for target in targets if target.visible]
        dirty: list[Rect] | None = []
        key = (base_key, size)
        if key != self._base_key or self._base is None or self._still is None:
            if self._base is None or self._base.get_size() != size:
                self._base = pygame.Surface(size).convert()
                self._still = pygame.Surface(size).convert()
            for card in cards:
                card.visible = False
            for target in shown:
                target.visible = False
            try:
                paint(self._base)
            finally:
                for card in cards:
                    card.visible = True
                for target in shown:
                    target.visible = True
            self._base_key = key
            self._resting = {}
            dirty = None  # everything
        # What lies on the base, each with the area it covers: targets, then resting cards.
        layers: list[tuple[Widget, Rect]] = [(target, _target_extent(target)) for target in shown]
        layers += [(card, card_extent(card)) for card in resting]
        now = {id(widget): (tuple(extent), id(getattr(widget, "surface", None)), getattr(widget, "hover", None))
               for widget, extent in layers}
        still = self._still
        if dirty is None:
            still.blit(self._base, (0, 0))
            for widget, _ in layers:
                widget.draw(still, ui)
            if overlay is not None:
                overlay(still)
        elif now != self._resting:
            for ident in set(now) | set(self._resting):
                if now.get(ident) != self._resting.get(ident):
                    for entry in (now.get(ident), self._resting.get(ident)):
                        if entry is not None:
                            dirty.append(Rect(entry[0]).clip(still.get_rect()))
            for rect in dirty:
                still.set_clip(rect)
                still.blit(self._base, rect, rect)
                for widget, extent in layers:
                    if extent.colliderect(rect):
                        widget.draw(still, ui)
                if overlay is not None:
                    overlay(still)
            still.set_clip(None)
        self._resting = now
        if dirty is None or self._canvas is not surface:
            surface.blit(still, (0, 0))
        else:
            for rect in self._painted + dirty:
                surface.blit(still, rect, rect)
        painted = []
        for card in moving:
            card.draw(surface, ui)
            painted.append(card_extent(card).clip(surface.get_rect()))
        self._painted = painted
        self._canvas = surface if exclusive else None


def _target_extent(target: Widget) -> Rect:
    # A drop target's own rectangle plus its drop shadow below.
    return Rect(target.rect.x, target.rect.y, target.rect.width, target.rect.height + 16)
