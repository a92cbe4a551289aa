"""The small, honest sync indicator: "离线，数据已保存" in a corner when the server is away.

The kiosk never talks to the network in a frame: the sync agent runs in its own thread
(``safezone.sync.agent.SyncAgent``) and this indicator only reads the agent's last status, which
is a lock and an attribute read. Nothing is shown while the kiosk is in sync or syncing — people
playing need not know a server exists — only when results are waiting to be sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import pygame

from kiosk import theme

if TYPE_CHECKING:
    from kiosk.ui import Ui

#: Where the pill ends on the right: just left of the text-size and language toggles.
_RIGHT = theme.DESIGN_SIZE[0] - 60 - 2 * 320 - 24 - 24
#: Widest the pill may be, and the least room it takes even beside a long title.
_MAX_WIDTH = 560
_MIN_WIDTH = 340
#: Smallest text size: below the 36 px body minimum, used only to wrap beside a long title.
_MIN_TEXT = 26
_TOP, _HEIGHT = 20, 88
_ICON = 44
_PAD = 24

#: The agent's states the indicator speaks about, and the i18n key it shows for each.
MESSAGE_KEYS: dict[str, str] = {
    "offline": "sync.offline",
    "revoked": "sync.refused",
    "refused": "sync.refused",
}


class StatusLike(Protocol):
    """What the indicator needs of ``safezone.sync.agent.SyncStatus``."""

    @property
    def state(self) -> str:
        """``online``, ``offline``, ``syncing``... (see the agent)."""
        ...


class SyncIndicator:
    """Turns the agent's status into what the screen shows (an i18n key, or nothing).

    ``status`` is the agent's ``status`` method (cheap, thread-safe); ``on_change(shown)`` is
    called when what is shown changes, so the kiosk log tells when the kiosk went offline.
    """

    def __init__(self, status: Callable[[], StatusLike],
                 on_change: Callable[[str | None, str], None] | None = None) -> None:
        self._status = status
        self._on_change = on_change
        #: The i18n key on screen now, or None when nothing is shown.
        self.shown: str | None = None

    def refresh(self) -> str | None:
        """Read the agent's status (no I/O) and return the i18n key to show, or None."""
        try:
            state = self._status().state
        except Exception:  # noqa: BLE001 — an indicator must never take the kiosk down
            state = "unknown"
        shown = MESSAGE_KEYS.get(state)
        if shown != self.shown:
            self.shown = shown
            if self._on_change is not None:
                self._on_change(shown, state)
        return shown

    def rect(self, ui: Ui, left: int = 0) -> pygame.Rect | None:
        """Where the pill is drawn on the 1920×1080 canvas (None when nothing is shown);
        it stays right of ``left`` (the end of the top bar's title) when there is room."""
        text = self._text(ui, left)
        if text is None:
            return None
        width = text.get_width() + _ICON + 3 * _PAD
        return pygame.Rect(_RIGHT - width, _TOP, width, _HEIGHT)

    def _text(self, ui: Ui, left: int) -> pygame.Surface | None:
        if self.shown is None:
            return None
        pill = max(_MIN_WIDTH, min(_MAX_WIDTH, _RIGHT - left))
        # One line at the normal size when it fits, else wrapped smaller: the whole message
        # is always readable, never cut.
        return ui.text.fit(ui.tr(self.shown), ui.types.small, theme.INK, pill - _ICON - 3 * _PAD,
                           _HEIGHT - 8, _MIN_TEXT)

    def draw(self, surface: pygame.Surface, ui: Ui, left: int = 0) -> None:
        """Draw the pill in the top bar right of ``left`` (icon + text: never colour alone);
        nothing while in sync."""
        text = self._text(ui, left)
        box = self.rect(ui, left)
        if text is None or box is None:
            return
        pygame.draw.rect(surface, theme.SHADOW, box.move(0, 4), border_radius=_HEIGHT // 2)
        pygame.draw.rect(surface, theme.SUNNY, box, border_radius=_HEIGHT // 2)
        _draw_offline_icon(surface, pygame.Rect(box.x + _PAD, box.centery - _ICON // 2, _ICON, _ICON))
        surface.blit(text, (box.x + 2 * _PAD + _ICON, box.centery - text.get_height() // 2))


def _draw_offline_icon(surface: pygame.Surface, box: pygame.Rect) -> None:
    """Signal arcs crossed by a slash: "no connection", drawn so it needs no image file."""
    cx, bottom = box.centerx, box.bottom - 4
    pygame.draw.circle(surface, theme.INK, (cx, bottom - 3), 4)
    for radius in (14, 26):
        arc = pygame.Rect(cx - radius, bottom - 3 - radius, 2 * radius, 2 * radius)
        pygame.draw.arc(surface, theme.INK, arc, math.radians(45), math.radians(135), 4)
    pygame.draw.line(surface, theme.BAD_RED, box.topleft, (box.right, box.bottom - 2), 5)
