"""Scenes: one screen each, with an explicit lifecycle driven by the app.

``enter()`` when it becomes the top scene, ``exit()`` when it leaves; ``process_action`` gets
input actions (never raw pygame events); ``update(dt)`` runs at a fixed step; ``draw`` paints
the design surface. ``rebuild()`` lays the widgets out again, e.g. after the language or text
size changed. Every scene carries the language and text-size toggles (the "chrome").
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

import pygame

from screen import theme
from screen.input import Action, Command, Press, Release, Scan
from screen.top_bar import TitleFit, fit_title
from screen.ui import Ui
from screen.widgets import Button, Widget

#: Height of the top bar holding the community name and the toggles.
TOP_BAR = 128
MARGIN = 60
#: Least space between the top bar's title and what is right of it (the toggles, the sync pill).
_TITLE_GAP = 32
#: The text-size and language toggles at the top bar's right end: width, height, and the gap
#: between them (the sync pill keeps the same gap left of them, kiosk/sync_status.py).
_TOGGLE_W, _TOGGLE_H, TOGGLE_GAP = 320, 88, 24
#: Where the toggles start: the top bar's title ends before this (kiosk/sync_status.py puts the
#: pill left of it too).
CHROME_LEFT = theme.DESIGN_SIZE[0] - MARGIN - 2 * _TOGGLE_W - TOGGLE_GAP


class TopBarPill(Protocol):
    """Something drawn at the top bar's right end (the kiosk's offline pill)."""

    def draw(self, surface: pygame.Surface, ui: Ui) -> None:
        """Paint it."""
        ...

    def rect(self, ui: Ui) -> pygame.Rect | None:
        """Where it is drawn, or None while it is hidden."""
        ...


class ScreenHost(Protocol):
    """What a scene may ask of whoever shows it (the kiosk app): the shared drawing state, the
    background, the top bar's title and the two toggles. Nothing else: a scene that needs more
    names a wider protocol (``games.host.GameHost``, ``kiosk.host.KioskHost``)."""

    ui: Ui
    background: pygame.Surface

    @property
    def sync_indicator(self) -> TopBarPill | None:
        """The top bar's pill, or None."""
        ...

    def toggle_language(self) -> None:
        """Switch the language on every scene."""
        ...

    def toggle_text_size(self) -> None:
        """Switch normal ↔ large text on every scene."""
        ...

    def site_title_parts(self) -> tuple[str, str]:
        """The top bar's title: the community's name and the zone's (or the roadshow's)."""
        ...

    def top_bar_state(self) -> Hashable:
        """What the top bar shows besides its title (part of every scene's redraw state)."""
        ...


class Scene:
    """Base scene: widget list, focus for keyboard users, chrome, background."""

    #: Name used in logs and robot ``expect:`` steps.
    name = "scene"
    #: Whether a card scan here identifies a player (else it is ignored).
    accepts_scan = False
    #: Whether the idle warning may appear over this scene.
    idle_watch = True
    #: Overlays let the scene below show through.
    opaque = True
    #: Whether to draw the language/text-size toggles.
    chrome = True

    def __init__(self, app: ScreenHost) -> None:
        self.app = app
        self.ui = app.ui
        self.widgets: list[Widget] = []
        self._focus: int | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def enter(self) -> None:
        """Called when the scene becomes active: lay it out."""
        self.rebuild()

    def exit(self) -> None:
        """Called when the scene is replaced or popped."""

    def rebuild(self) -> None:
        """Create the widgets for the current language and text size."""
        focused = self._focused_widget()
        focused_id = focused.id if focused is not None else None
        self.widgets = []
        self.build()
        if self.chrome:
            self._add_chrome()
        self._focus = None
        if focused_id is not None:
            for index, widget in enumerate(self._focusables()):
                if widget.id == focused_id:
                    self._set_focus(index)

    def build(self) -> None:
        """Subclasses add their widgets here."""

    def add(self, widget: Widget) -> Widget:
        """Add a widget (drawn in order, hit-tested in reverse)."""
        self.widgets.append(widget)
        return widget

    # -- input -----------------------------------------------------------------------------
    def process_action(self, action: Action) -> bool:
        """Route an action: commands first, then widgets top-down; True if consumed."""
        if isinstance(action, Scan):
            return False
        if isinstance(action, Command):
            return self._command(action.name)
        if isinstance(action, Press):
            self._clear_focus()
        for widget in reversed(self.widgets):
            if isinstance(action, (Press, Release)) and widget.handle(action, self.ui):
                return True
        if isinstance(action, Press):
            return self.on_background_press(action.pos)
        return False

    def on_background_press(self, pos: tuple[float, float]) -> bool:
        """A press that hit no widget."""
        return False

    def on_command(self, name: str) -> bool:
        """Scene-specific keyboard commands (``choose_1``..., ``back``)."""
        if name == "back":
            return self.on_back()
        return False

    def on_back(self) -> bool:
        """Escape/back key; default: nothing."""
        return False

    def _command(self, name: str) -> bool:
        if name == "lang":
            self.app.toggle_language()
            return True
        if name == "textsize":
            self.app.toggle_text_size()
            return True
        if name in ("next", "prev"):
            self._move_focus(1 if name == "next" else -1)
            return True
        if name == "activate":
            widget = self._focused_widget()
            if isinstance(widget, Button) and widget.enabled and widget.visible:
                widget.activate(self.ui)
                return True
        return self.on_command(name)

    def _focusables(self) -> list[Widget]:
        return [w for w in self.widgets if w.focusable and w.visible and getattr(w, "enabled", True)]

    def _focused_widget(self) -> Widget | None:
        items = self._focusables()
        if self._focus is None or self._focus >= len(items):
            return None
        return items[self._focus]

    def _set_focus(self, index: int | None) -> None:
        for widget in self.widgets:
            if isinstance(widget, Button):
                widget.focused = False
        self._focus = index
        focused = self._focused_widget()
        if isinstance(focused, Button):
            focused.focused = True

    def _clear_focus(self) -> None:
        if self._focus is not None:
            self._set_focus(None)

    def _move_focus(self, step: int) -> None:
        items = self._focusables()
        if not items:
            return
        start = -1 if step > 0 else 0
        current = self._focus if self._focus is not None else start
        self._set_focus((current + step) % len(items))

    # -- time and drawing ------------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Advance widgets by one fixed step."""
        for widget in self.widgets:
            widget.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        """Background, scene content, widgets."""
        self.draw_background(surface)
        self.draw_content(surface)
        for widget in self.widgets:
            widget.draw(surface, self.ui)

    def draw_background(self, surface: pygame.Surface) -> None:
        """Warm paper with the top bar."""
        surface.blit(self.app.background, (0, 0))
        self.draw_top_bar(surface)

    def draw_top_bar(self, surface: pygame.Surface) -> None:
        """The top bar's title (community name and zone, or the roadshow) and, while an
        enrolled kiosk is offline, the sync pill at its right end (kiosk/sync_status.py).

        Every scene draws it, so the pill is on every screen; it is part of the scene's
        redraw state (``screen.redraw.scene_state``), so it costs a frame only when it changes.
        """
        ui = self.ui
        indicator = self.app.sync_indicator
        if indicator is not None:
            indicator.draw(surface, ui)
        fit = self.top_bar_title()
        title = ui.text.block(fit.text, fit.size, theme.INK, fit.width, bold=True)
        surface.blit(title, (MARGIN, (TOP_BAR - title.get_height()) // 2))

    def top_bar_title(self) -> TitleFit:
        """The top bar's title laid out (screen/top_bar.py) to end before the toggles and, while
        it shows, the sync pill: a long one (English, large text, a roadshow's) takes two
        lines, then gets smaller, never under them."""
        ui = self.ui
        right = CHROME_LEFT if self.chrome else theme.DESIGN_SIZE[0] - MARGIN
        indicator = self.app.sync_indicator
        pill = indicator.rect(ui) if indicator is not None else None
        if pill is not None:
            right = min(right, pill.left)
        site, part = self.app.site_title_parts()
        return fit_title(ui.text, site, part, right - _TITLE_GAP - MARGIN, TOP_BAR - 12, ui.large)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Scene drawing between the background and the widgets."""

    # -- robot support ---------------------------------------------------------------------
    def find_widget(self, ref: str) -> Widget | None:
        """A visible widget by id, else by its visible label (exact, then case-insensitive)."""
        visible = [w for w in self.widgets if w.visible]
        for widget in visible:
            if widget.id == ref:
                return widget
        for widget in visible:
            if widget.label_text == ref:
                return widget
        folded = ref.casefold()
        for widget in visible:
            if widget.label_text is not None and widget.label_text.casefold() == folded:
                return widget
        return None

    def _add_chrome(self) -> None:
        ui = self.ui
        # The toggles keep one size: they must stay findable, and large text is for the content.
        width, height, gap, size = _TOGGLE_W, _TOGGLE_H, TOGGLE_GAP, theme.NORMAL_TYPE.small
        right = theme.DESIGN_SIZE[0] - MARGIN
        lang = Button("lang", pygame.Rect(right - width, 20, width, height), ui.tr("lang.toggle"),
                      self.app.toggle_language, style="chrome", text_size=size)
        size_key = "size.toggle.normal" if ui.large else "size.toggle.large"
        text_size = Button("textsize", pygame.Rect(right - 2 * width - gap, 20, width, height), ui.tr(size_key),
                           self.app.toggle_text_size, style="chrome", text_size=size)
        self.widgets.extend([text_size, lang])


def card(surface: pygame.Surface, rect: pygame.Rect, fill: tuple[int, int, int] = theme.CARD, accent: tuple[int, int, int] | None = None) -> None:
    """A soft white panel with a shadow (and an optional coloured top edge, decoration only)."""
    pygame.draw.rect(surface, theme.SHADOW, rect.move(0, 8), border_radius=32)
    pygame.draw.rect(surface, fill, rect, border_radius=32)
    if accent is not None:
        pygame.draw.rect(surface, accent, pygame.Rect(rect.x, rect.y, rect.width, 14), border_top_left_radius=32, border_top_right_radius=32)
