"""The registry of game types: an explicit dict from type name to class (DESIGN.md decision 6).

Adding a game type means writing ``games/<name>/rules.py`` + ``view.py`` + ``game.py`` and one
line here. The order of the dict is the order the kiosk offers the games in.
"""

from __future__ import annotations

import random

from games.base import GameType, RoundSetup
from games.crossing.game import CrossingGame
from games.hazard_hunt.game import HazardHuntGame
from games.quiz.game import QuizGame
from games.sequence.game import SequenceGame
from games.sort.game import SortGame
from safezone.content.bundle import ContentBundle
from safezone.content.kids import kind_suits_kids

GAME_TYPES: dict[str, type[GameType]] = {
    QuizGame.name: QuizGame,
    HazardHuntGame.name: HazardHuntGame,
    SortGame.name: SortGame,
    SequenceGame.name: SequenceGame,
    CrossingGame.name: CrossingGame,
}

#: Which content kind feeds which game type (to name a game whose file failed to load).
CONTENT_KINDS: dict[str, str] = {kind.content_kind: name for name, kind in GAME_TYPES.items()}


class UnknownGameType(KeyError):
    """A game type name that is not registered."""

    def __str__(self) -> str:
        return f"unknown game type {self.args[0]!r}; registered: {', '.join(sorted(GAME_TYPES))}"


def game_type(name: str) -> type[GameType]:
    """The game type registered as ``name``; raises :class:`UnknownGameType` otherwise."""
    try:
        return GAME_TYPES[name]
    except KeyError:
        raise UnknownGameType(name) from None


def playable_games(bundle: ContentBundle, setup: RoundSetup) -> list[str]:
    """Names of the game types that can make a round for ``setup``, in registry order.

    Each game type is asked for a trial round (a fixed seed, nothing is recorded). A game type
    whose content cannot be played — nothing for this topic/audience, or rules that refuse the
    content — is left out rather than offered and then failing. For kids, a game type whose
    content kind is not made for non-readers (the core's ``kind_suits_kids``) is never offered.
    """
    kind_of = {game: content_kind for content_kind, game in CONTENT_KINDS.items()}
    names = []
    for name, kind in GAME_TYPES.items():
        if setup.audience == "kids" and not kind_suits_kids(kind_of.get(name, "")):
            continue
        try:
            playable = kind.new_round(bundle, setup, random.Random(0)) is not None
        except (ValueError, KeyError, LookupError):
            playable = False
        if playable:
            names.append(name)
    return names
