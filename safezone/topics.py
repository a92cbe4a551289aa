"""The safety topics: the one place in the core that lists their ids.

The content schema validates ``topic:`` fields against :data:`TOPICS`; dashboards, roadshows,
demo history and the play service iterate it in this order. Their names and pictures are
content (``content/topics.yml`` and the texts the front ends show), not code.
"""

from __future__ import annotations

from typing import Literal, get_args

Topic = Literal["fire", "home", "traffic", "cyber"]
#: Every topic id, in the order screens and reports list them.
TOPICS: tuple[Topic, ...] = get_args(Topic)


def is_topic(value: object) -> bool:
    """Whether ``value`` is a known topic id."""
    return value in TOPICS
