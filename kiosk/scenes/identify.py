"""Scan your card: how to do it, and a friendly way forward when a card cannot be used.

The scanned code itself is never drawn; only what to do next.
"""

from __future__ import annotations

import pygame

from kiosk.host import KioskHost, KioskScene
from screen import theme
from screen.pictograms import pictogram
from screen.scene import MARGIN, card
from screen.widgets import Button

Rect = pygame.Rect
#: Reasons the card service (or the kiosk itself) can give, each with its own message.
PROBLEMS = ("empty", "length", "character", "checksum", "unknown", "revoked", "unavailable")
_PANEL = Rect(MARGIN, 160, 1920 - 2 * MARGIN, 620)


class IdentifyScene(KioskScene):
    """Waits for a scan; shows why the last scan failed, if it did."""

    name = "identify"
    accepts_scan = True

    def __init__(self, app: KioskHost, problem: str | None = None) -> None:
        super().__init__(app)
        self.problem = problem if problem in PROBLEMS or problem is None else "unknown"

    def build(self) -> None:
        """Back, guest and (after a problem) scan-again buttons."""
        ui = self.ui
        y, h = 830, 180
        self.add(Button("back", Rect(MARGIN, y, 380, h), ui.tr("back"), lambda: self.app.flow.go_attract("back"), style="secondary"))
        self.add(Button("guest", Rect(1920 - MARGIN - 560, y, 560, h), ui.tr("attract.guest"), self.app.flow.start_guest,
                        icon="person", icon_size=100))
        if self.problem is not None:
            self.add(Button("retry", Rect(MARGIN + 420, y, 560, h), ui.tr("identify.retry"), self._clear_problem,
                            style="secondary", icon="card", icon_size=100))

    def _clear_problem(self) -> None:
        self.problem = None
        self.rebuild()

    def on_back(self) -> bool:
        """Escape goes home."""
        self.app.flow.go_attract("back")
        return True

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw_content(self, surface: pygame.Surface) -> None:
        """Instructions, or the problem and what to do about it."""
        ui = self.ui
        card(surface, _PANEL, accent=theme.BAD_RED if self.problem else theme.TEAL)
        inner = _PANEL.inflate(-120, -100)
        icon_side = 300
        if self.problem is None:
            surface.blit(pictogram("card", icon_side), (inner.x, inner.y + 40))
            title_key, body = "identify.title", ui.tr("identify.body")
            extra = ui.tr("identify.no_card")
            colour = theme.INK
        else:
            surface.blit(pictogram("cross", 220), (inner.x + 40, inner.y + 40))
            title_key, body = "identify.problem", ui.tr(f"scan.{self.problem}")
            extra = ui.tr("identify.ask_staff")
            colour = theme.BAD_RED
        text_x = inner.x + icon_side + 60
        width = inner.right - text_x
        title = ui.text.fit(ui.tr(title_key), ui.types.title, colour, width, 200, ui.types.heading, bold=True)
        surface.blit(title, (text_x, inner.y))
        y = inner.y + title.get_height() + 28
        body_surface = ui.text.fit(body, ui.types.heading, theme.INK, width, 210, ui.types.body)
        surface.blit(body_surface, (text_x, y))
        y += body_surface.get_height() + 28
        extra_surface = ui.text.fit(extra, ui.types.body, theme.INK_SOFT, width, max(40, inner.bottom - y), ui.types.small)
        surface.blit(extra_surface, (text_x, y))
