"""The contract every game type follows. Pure Python: importing this never imports pygame.

A game type is a class registered by name in :mod:`games.registry`. It makes a rules object
for one round from the content bundle (deterministic for a seeded ``rng``) and names the kiosk
scene that shows it; the view is imported only when a kiosk asks for it, so the rules can be
tested, simulated and benchmarked without a display.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar

from safezone.content.bundle import ContentBundle


@dataclass(frozen=True)
class RoundSetup:
    """What the kiosk knows when a round starts.

    ``audience`` is ``adult`` or ``kids``; ``timer_seconds`` is None when there is no timer
    (elder-friendly mode, kids, guests); ``exclude_ids`` are items the player saw recently.
    """

    topic: str
    audience: str
    difficulty_max: int
    count: int
    timer_seconds: float | None = None
    exclude_ids: Collection[str] = field(default_factory=tuple)
    #: Questions staff switched off in the admin: never asked.
    disabled_ids: Collection[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class StepRecord:
    """One finished step of a round, exactly what the kiosk writes as an answer."""

    item_id: str
    topic: str
    correct: bool
    chosen: list[str]
    response_ms: int | None


class GameRules(ABC):
    """The state of one round. Subclasses add the moves their game allows."""

    @property
    @abstractmethod
    def finished(self) -> bool:
        """True once every step has been played."""

    @property
    @abstractmethod
    def score(self) -> int:
        """Points scored so far (correct steps)."""

    @property
    @abstractmethod
    def max_score(self) -> int:
        """The highest possible score of the round."""

    @property
    def content_id(self) -> str | None:
        """The content item the round plays (a scene id...), None for drawn question sets."""
        return None


class GameType(ABC):
    """A registered kind of game: how to make a round and which scene shows it."""

    #: Registry key and the ``game_type`` stored with every play session.
    name: ClassVar[str]
    #: The content kind (a content file's ``kind:``) its rounds are drawn from: a problem in a
    #: file of this kind leaves the game out of the kiosk's choice (kiosk/scenes/games.py).
    content_kind: ClassVar[str]

    @classmethod
    @abstractmethod
    def new_round(cls, bundle: ContentBundle, setup: RoundSetup, rng: random.Random) -> GameRules | None:
        """Rules for one round, or None when the content has nothing for this setup."""

    @classmethod
    @abstractmethod
    def view_class(cls) -> Any:
        """The kiosk scene class for this game (imported lazily: it needs pygame)."""
