"""Registering hazard hunt: one scene per round, chosen by topic and audience."""

from __future__ import annotations

import random
from typing import Any

from games.base import GameType, RoundSetup
from games.hazard_hunt.rules import HazardHuntError, HazardHuntRules
from games.picking import pick_round
from safezone.content.bundle import ContentBundle


class HazardHuntGame(GameType):
    """Tap the hazards hidden in an illustrated scene."""

    name = "hazard_hunt"
    content_kind = "hazard_scene"

    @classmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> HazardHuntRules | None:
        """A scene for the topic and audience (no time limit: the kiosk never rushes anyone)."""
        return pick_round(bundle.hazard_scenes.values(), setup, rng, HazardHuntRules, (HazardHuntError,))  # type: ignore[return-value]

    @classmethod
    def view_class(cls) -> Any:
        """:class:`games.hazard_hunt.view.HazardHuntScene`."""
        from games.hazard_hunt.view import HazardHuntScene

        return HazardHuntScene
