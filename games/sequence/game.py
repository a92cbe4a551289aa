"""Registering step order: one sequence per round, chosen by topic and audience."""

from __future__ import annotations

import random
from typing import Any

from games.base import GameType, RoundSetup
from games.picking import pick_round
from games.sequence.rules import SequenceError, SequenceRules
from safezone.content.bundle import ContentBundle


class SequenceGame(GameType):
    """Put the steps of a safety procedure in order by dragging cards."""

    name = "sequence"
    content_kind = "sequence"

    @classmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> SequenceRules | None:
        """A sequence for the topic and audience, dealt out of order by ``rng``."""
        return pick_round(bundle.sequences.values(), setup, rng, lambda s: SequenceRules(s, rng), (SequenceError,))  # type: ignore[return-value]

    @classmethod
    def view_class(cls) -> Any:
        """:class:`games.sequence.view.SequenceScene`."""
        from games.sequence.view import SequenceScene

        return SequenceScene
