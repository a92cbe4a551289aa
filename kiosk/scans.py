"""What a card scan means, decided in one place.

A scan (USB scanner or camera) on a screen that accepts scans is one of three things:
a resident's card — greet them, or in event mode check them in first; a staff card — ask for
the PIN that switches event mode; anything else — explain on the identify screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.backend import BackendError

if TYPE_CHECKING:
    from kiosk.app import KioskApp


def camera_only(source: str) -> dict[str, str]:
    """The ``source`` field of scan log events, for camera scans only (scanner logs unchanged)."""
    return {"source": source} if source != "scanner" else {}


def handle_scan(app: KioskApp, code: str, source: str = "scanner") -> None:
    """Identify the card and move on: greet, check in, ask a staff member's PIN, or explain."""
    app.ui.sounds.play("scan")
    app.log.emit("scan", length=len(code), **camera_only(source))
    try:
        outcome = app.backend.identify(code, app.clock.now())
    except BackendError as exc:
        app.log.emit("error", kind="backend", message=str(exc))
        app.flow.show_identify("unavailable")
        return
    app.log.emit("identify", ok=outcome.ok, reason=outcome.reason)
    if outcome.ok and outcome.player is not None:
        if app.events.event is not None:
            app.events.check_in(outcome.player)  # a resident at a roadshow
        else:
            app.flow.greet(outcome.player)  # a resident
        return
    if outcome.reason == "unknown" and app.events.staff_card(code):
        return  # a staff card: the PIN pad
    app.flow.show_identify(outcome.reason)
