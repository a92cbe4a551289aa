"""The small, honest sync indicator: "离线，数据已保存" in the top bar when the server is away.

The kiosk never talks to the network in a frame: the sync agent runs in its own thread
(``safezone.sync.agent.SyncAgent``) and this indicator only reads the agent's last status, which
is a lock and an attribute read. Nothing is shown while the kiosk is in sync or syncing — people
playing need not know a server exists — only when results are waiting to be sent.

The pill sits in the top bar every scene draws (``Scene.draw_top_bar``), right-aligned just left
of the text-size and language toggles, where no scene puts a touch target or game content. It is
flat (no shadow) and shorter than the toggles so it does not read as a button. Its picture is
rendered once per message and language and then blitted; what the pill shows is part of every
scene's redraw state (``screen.redraw.scene_state``), so a change redraws the screen once and an
unchanged pill costs nothing.

The same status read also follows the records the server refused for good (``parked``): each
change of their number is reported once (``on_parked``), for the kiosk's log. The pill does not
show them — residents cannot fix them; staff see them in the log and in ``safezone sync``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import pygame

from screen import theme
from screen.scene import CHROME_LEFT, TOGGLE_GAP

if TYPE_CHECKING:
    from screen.ui import Ui

#: Where the pill ends on the right: the toggles' gap left of the text-size toggle (one
#: definition of where the toggles start: ``screen.scene.CHROME_LEFT``).
RIGHT = CHROME_LEFT - TOGGLE_GAP
#: Widest the pill may be; its message is short, so this only bounds a surprise translation.
_MAX_WIDTH = 560
#: The pill keeps one size in normal and large text, like the toggles beside it (large text is
#: for the content); 36 px is the body-text minimum. Shrinks to 26 px only to fit _MAX_WIDTH.
_TEXT, _MIN_TEXT = theme.NORMAL_TYPE.small, 26
#: Centred on the toggles' middle line (y 64) but shorter (68 px against 88): a status, not a key.
_HEIGHT = 68
_TOP = 64 - _HEIGHT // 2
_ICON = 40
_PAD = 20
#: Colour key of the cached pill picture (its rounded corners show the top bar through).
_KEY = (255, 0, 254)

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

    @property
    def parked(self) -> int:
        """Records the server refused for good, kept on the kiosk."""
        ...

    @property
    def refusal(self) -> str | None:
        """The server's reason for the latest parked records (None when nothing is parked)."""
        ...


class SyncIndicator:
    """Turns the agent's status into what the screen shows (an i18n key, or nothing).

    ``status`` is the agent's ``status`` method (cheap, thread-safe); ``on_change(shown, state)``
    is called when what is shown changes, so the kiosk log tells when the kiosk went offline;
    ``on_parked(count, reason)`` when the number of parked records changes.
    """

    def __init__(self, status: Callable[[], StatusLike],
                 on_change: Callable[[str | None, str], None] | None = None,
                 on_parked: Callable[[int, str | None], None] | None = None) -> None:
        self._status = status
        self._on_change = on_change
        self._on_parked = on_parked
        #: The i18n key on screen now, or None when nothing is shown.
        self.shown: str | None = None
        #: Parked records as of the last status read (the agent starts at 0).
        self.parked = 0
        self._last: object = None
        self._pills: dict[tuple[str, str], pygame.Surface] = {}

    def refresh(self) -> str | None:
        """Read the agent's status (no I/O) and return the i18n key to show, or None.

        Called once a frame: the agent replaces its status object on every change, so an
        unchanged one is recognised by identity and costs one comparison.
        """
        try:
            status = self._status()
        except Exception:  # noqa: BLE001 — an indicator must never take the kiosk down
            status = None
        if status is not None and status is self._last:
            return self.shown
        self._last = status
        state = getattr(status, "state", "unknown")
        shown = MESSAGE_KEYS.get(state)
        if shown != self.shown:
            self.shown = shown
            if self._on_change is not None:
                self._on_change(shown, state)
        parked = getattr(status, "parked", None)
        if isinstance(parked, int) and parked != self.parked:
            self.parked = parked
            if self._on_parked is not None:
                self._on_parked(parked, getattr(status, "refusal", None))
        return shown

    def rect(self, ui: Ui) -> pygame.Rect | None:
        """Where the pill is drawn on the 1920×1080 canvas (None when nothing is shown)."""
        pill = self.pill(ui)
        if pill is None:
            return None
        return pill.get_rect(topright=(RIGHT, _TOP))

    def pill(self, ui: Ui) -> pygame.Surface | None:
        """The pill's picture for the current message and language (None when nothing is
        shown): icon and text, never colour alone. Rendered once, then served from a cache."""
        if self.shown is None:
            return None
        key = (self.shown, ui.lang)
        pill = self._pills.get(key)
        if pill is None:
            pill = self._pills[key] = _render_pill(ui, ui.tr(self.shown))
        return pill

    def draw(self, surface: pygame.Surface, ui: Ui) -> pygame.Rect | None:
        """Blit the pill at the right of the top bar and return where it went; nothing (None)
        while the kiosk is in sync."""
        pill = self.pill(ui)
        if pill is None:
            return None
        return surface.blit(pill, pill.get_rect(topright=(RIGHT, _TOP)))


def _render_pill(ui: Ui, message: str) -> pygame.Surface:
    """The pill drawn once: a flat rounded sunny box, the no-signal icon, the message."""
    # One line at 36 px when it fits the widest pill, else smaller: the whole message is always
    # readable, never cut.
    text = ui.text.fit(message, _TEXT, theme.INK, _MAX_WIDTH - _ICON - 3 * _PAD, _HEIGHT - 12, _MIN_TEXT)
    width = text.get_width() + _ICON + 3 * _PAD
    pill = pygame.Surface((width, _HEIGHT)).convert()
    pill.fill(_KEY)
    pill.set_colorkey(_KEY)
    box = pill.get_rect()
    pygame.draw.rect(pill, theme.SUNNY, box, border_radius=_HEIGHT // 2)
    _draw_offline_icon(pill, pygame.Rect(_PAD, (_HEIGHT - _ICON) // 2, _ICON, _ICON))
    pill.blit(text, (2 * _PAD + _ICON, (_HEIGHT - text.get_height()) // 2))
    return pill


def _draw_offline_icon(surface: pygame.Surface, box: pygame.Rect) -> None:
    """Signal arcs crossed by a slash: "no connection", drawn so it needs no image file."""
    cx, bottom = box.centerx, box.bottom - 4
    pygame.draw.circle(surface, theme.INK, (cx, bottom - 3), 4)
    for radius in (13, 24):
        arc = pygame.Rect(cx - radius, bottom - 3 - radius, 2 * radius, 2 * radius)
        pygame.draw.arc(surface, theme.INK, arc, math.radians(45), math.radians(135), 4)
    pygame.draw.line(surface, theme.BAD_RED, box.topleft, (box.right, box.bottom - 2), 5)
