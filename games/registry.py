"""The registry of game types: an explicit dict from type name to class (DESIGN.md decision 6).

Adding a game type means writing ``games/<name>/rules.py`` + ``view.py`` and one line here.
"""

from __future__ import annotations

from games.base import GameType
from games.quiz.game import QuizGame

GAME_TYPES: dict[str, type[GameType]] = {
    QuizGame.name: QuizGame,
}


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
