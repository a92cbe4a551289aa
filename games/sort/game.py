"""Registering safe-or-not sorting: one sort set per round, chosen by topic and audience."""

from __future__ import annotations

import random
from typing import Any

from games.base import GameType, RoundSetup
from games.picking import pick_round
from games.sort.rules import SortError, SortRules
from safezone.content.bundle import ContentBundle


class SortGame(GameType):
    """Drag each card to 安全 or 危险."""

    name = "sort"
    content_kind = "sort_set"

    @classmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> SortRules | None:
        """A sort set for the topic and audience, its cards shuffled by ``rng``."""
        return pick_round(bundle.sort_sets.values(), setup, rng, lambda s: SortRules(s, rng), (SortError,))  # type: ignore[return-value]

    @classmethod
    def view_class(cls) -> Any:
        """:class:`games.sort.view.SortScene`."""
        from games.sort.view import SortScene

        return SortScene
