"""A visit: who is at the kiosk right now (card holder, guest or child) and how to treat them.

The visit is dropped when the player finishes or walks away, so nothing personal outlives it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.backend import Player

RESIDENT = "resident"
GUEST = "guest"
KIDS = "kids"


@dataclass(frozen=True)
class Visit:
    """The current player. ``player`` is None for guests and children without a card."""

    mode: str
    player: Player | None = None

    @property
    def kids(self) -> bool:
        """Kids' mode: pictures, sound, short rounds, no timer."""
        return self.mode == KIDS

    @property
    def elder(self) -> bool:
        """Elder-friendly: never a timer."""
        return self.player is not None and self.player.age_group == "elder"

    @property
    def resident_id(self) -> int | None:
        """The card holder's id, if any."""
        return self.player.resident_id if self.player else None

    def with_balance(self, balance: int | None, new_badges: tuple[str, ...]) -> Visit:
        """The same visit after a round changed the points and badges."""
        if self.player is None or balance is None:
            return self
        badges = self.player.badges + tuple(b for b in new_badges if b not in self.player.badges)
        return replace(self, player=replace(self.player, balance=balance, badges=badges))


def visit_for(player: Player) -> Visit:
    """A card holder's visit: children with a card play in kids' mode."""
    return Visit(mode=KIDS if player.age_group == "child" else RESIDENT, player=player)
