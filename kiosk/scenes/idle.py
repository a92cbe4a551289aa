""""还在吗？": the idle warning over any screen, with a countdown; any touch extends."""

from __future__ import annotations

import pygame

from kiosk.host import KioskScene
from screen import theme
from screen.input import Action, Command, Press, Scan
from screen.scene import card
from screen.widgets import Button, Countdown

Rect = pygame.Rect
_PANEL = Rect(410, 170, 1100, 740)


class IdleScene(KioskScene):
    """An overlay: a touch anywhere (or any key) brings the player back; time out ends the visit."""

    name = "idle"
    idle_watch = False
    opaque = False
    chrome = False

    def build(self) -> None:
        """Countdown ring and the big "I'm still here" button."""
        ui = self.ui
        previous = self.countdown.remaining if hasattr(self, "countdown") else self.app.options.idle_countdown
        self.countdown = Countdown("countdown", Rect(_PANEL.centerx - 110, _PANEL.y + 160, 220, 220), self.app.options.idle_countdown)
        self.countdown.remaining = previous
        self.add(self.countdown)
        self.add(Button("continue", Rect(_PANEL.centerx - 300, _PANEL.bottom - 180, 600, 150), ui.tr("idle.continue"), self._resume))

    def _resume(self) -> None:
        self.app.log.emit("idle_extended")
        self.app.pop()

    def process_action(self, action: Action) -> bool:
        """Anything at all means someone is there."""
        if isinstance(action, (Press, Command, Scan)):
            self._resume()
            return True
        return True

    def update(self, dt: float) -> None:
        """Count down; at zero the visit ends and the attract loop returns."""
        super().update(dt)
        if self.countdown.remaining <= 0:
            self.app.flow.go_attract(reason="idle")

    def draw_state(self) -> tuple:
        """What the drawing depends on (screen/redraw.py): unchanged means the last frame stays."""
        from screen.redraw import scene_state

        return scene_state(self)

    def draw(self, surface: pygame.Surface) -> None:
        """Dim what is behind, then the panel."""
        veil = self.app.veil
        surface.blit(veil, (0, 0))
        card(surface, _PANEL, accent=theme.SUNNY)
        ui = self.ui
        title = ui.text.render(ui.tr("idle.title"), ui.types.title, theme.INK, bold=True)
        surface.blit(title, title.get_rect(midtop=(_PANEL.centerx, _PANEL.y + 50)))
        # Between the countdown ring and the button: two lines in every language and text size.
        body = ui.text.fit(ui.tr("idle.body", seconds=self.countdown.seconds_left), ui.types.body, theme.INK,
                           _PANEL.width - 140, _PANEL.bottom - 180 - 20 - (_PANEL.y + 400), theme.MIN_TEXT,
                           align="center")
        surface.blit(body, body.get_rect(midtop=(_PANEL.centerx, _PANEL.y + 400)))
        for widget in self.widgets:
            widget.draw(surface, ui)
