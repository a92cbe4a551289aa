"""Event mode: a kiosk switched to a roadshow by a staff card and PIN.

While it is on, the attract screen shows the roadshow, players choose among its topics, plays are
tagged with it, and a resident's scan also checks them in (kiosk/scans.py decides what a scan
means). The scenes are in kiosk/scenes/event_mode.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.backend import BackendError, EventInfo, Player, StaffRef
from kiosk.visit import visit_for

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class EventMode:
    """The roadshow this kiosk is switched to (``event``), and switching it (``app.events``)."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        #: The roadshow this kiosk is switched to, or None.
        self.event: EventInfo | None = None

    def staff_card(self, code: str) -> bool:
        """A staff card (not a resident's) asks for the PIN; True when it was one."""
        app = self.app
        identify_staff = getattr(app.backend, "identify_staff", None)
        if identify_staff is None:  # a backend without event mode (test doubles)
            return False
        try:
            staff = identify_staff(code)
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))
            return False
        if staff is None:
            return False
        app.log.emit("staff_card", staff_id=staff.staff_id)
        self.ask_staff_pin(staff)
        return True

    def ask_staff_pin(self, staff: StaffRef) -> None:
        """The PIN pad for a staff member who scanned their card (no visit is running)."""
        from kiosk.scenes.event_mode import StaffPinScene

        self.app.flow.visit = None
        self.app.replace(StaffPinScene(self.app, staff))

    def enter_event(self, event: EventInfo, staff: StaffRef) -> None:
        """Switch to event mode for ``event``: its banner, its topics, plays tagged with it."""
        self.event = event
        self.app.log.emit("event_mode", on=True, event_id=str(event.id), staff_id=staff.staff_id)
        self.app.flow.go_attract(reason="event_mode")

    def leave_event(self, staff: StaffRef) -> None:
        """Back to the everyday kiosk."""
        if self.event is not None:
            self.app.log.emit("event_mode", on=False, event_id=str(self.event.id), staff_id=staff.staff_id)
        self.event = None
        self.app.flow.go_attract(reason="event_mode")

    def check_in(self, player: Player) -> None:
        """In event mode a resident's scan also checks them in; already checked in: just play."""
        from kiosk.scenes.event_mode import CheckedInScene

        app = self.app
        assert self.event is not None
        try:
            outcome = app.backend.check_in(self.event.id, player.resident_id, app.clock.now())  # type: ignore[attr-defined]
        except BackendError as exc:
            app.log.emit("error", kind="backend", message=str(exc))
            app.flow.greet(player)
            return
        app.log.emit("checkin", status=outcome.status, points=outcome.points)
        if outcome.status != "checked_in":
            app.flow.greet(player)
            return
        balance = player.balance + outcome.points
        player = Player(player.resident_id, player.nickname, player.building_label, player.age_group,
                        balance, player.badges)
        app.flow.visit = visit_for(player)
        app.replace(CheckedInScene(app, player=player, points=outcome.points))
