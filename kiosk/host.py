"""What a kiosk scene may ask of the app: a small typed interface, not the whole ``KioskApp``.

A scene draws (``ui``, the background, the toggles: :class:`screen.scene.ScreenHost`), may do
what a game may (:class:`games.host.GameHost`), and moves the visit on through ``flow``
(kiosk/visit_flow.py) or event mode through ``events`` (kiosk/event_flow.py). The scene stack
itself is the app's: a scene may only queue a replacement or pop an overlay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pygame

from games.host import GameHost
from screen.scene import Scene

if TYPE_CHECKING:
    from kiosk.app import KioskOptions
    from kiosk.backend import Backend, EventInfo
    from kiosk.event_flow import EventMode
    from kiosk.visit import Visit
    from kiosk.visit_flow import VisitFlow
    from safezone.content.bundle import ContentBundle


class KioskHost(GameHost, Protocol):
    """The app as its scenes see it."""

    options: KioskOptions
    backend: Backend
    #: The content played (replaced only between visits).
    bundle: ContentBundle
    #: Problems of the content played; None: those logged at start-up (kiosk/scenes/games.py).
    content_problems: list[Any] | None
    #: The dimming layer overlays draw over the scene below.
    veil: pygame.Surface
    flow: VisitFlow
    events: EventMode

    @property
    def visit(self) -> Visit | None:
        """Who is at the kiosk now; None on the attract loop."""
        ...

    @property
    def event(self) -> EventInfo | None:
        """The roadshow this kiosk is switched to, or None."""
        ...

    def replace(self, scene: Scene) -> None:
        """Queue: leave every scene on the stack and show ``scene``."""
        ...

    def pop(self) -> None:
        """Queue: remove the top scene (an overlay closing)."""
        ...


class KioskScene(Scene):
    """Base of the kiosk's own scenes: a :class:`Scene` hosted by the kiosk app."""

    app: KioskHost

    def __init__(self, app: KioskHost) -> None:
        super().__init__(app)
