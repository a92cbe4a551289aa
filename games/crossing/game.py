"""Registering the kids' crossing game: one level per round (kids' mode only)."""

from __future__ import annotations

import random
from typing import Any

from games.base import GameType, RoundSetup
from games.crossing.rules import CrossingError, CrossingRules
from games.picking import pick_round
from safezone.content.bundle import ContentBundle


class CrossingGame(GameType):
    """Cross the road only on green, looking both ways."""

    name = "crossing"
    content_kind = "crossing_level"

    @classmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> CrossingRules | None:
        """A level for children; None for adults (levels are ``audience: kids`` by schema)."""
        return pick_round(bundle.crossing_levels.values(), setup, rng, lambda lv: CrossingRules(lv, rng), (CrossingError,))  # type: ignore[return-value]

    @classmethod
    def view_class(cls) -> Any:
        """:class:`games.crossing.view.CrossingScene`."""
        from games.crossing.view import CrossingScene

        return CrossingScene
