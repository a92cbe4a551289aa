"""The loaded, valid content, indexed the way the kiosk and the admin look things up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from safezone.content.schema import (
    QUESTION_TYPES,
    TOPICS,
    Badge,
    CrossingLevel,
    HazardScene,
    Question,
    Sequence,
    SortSet,
    Tip,
    Topic,
)
from safezone.content.standards import Registry, Review


@dataclass(frozen=True)
class ContentLocation:
    """Where an item was defined, e.g. to point staff at a question the residents get wrong."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def _empty_by_topic() -> dict[Topic, list[Question]]:
    return {topic: [] for topic in TOPICS}


@dataclass
class ContentBundle:
    """Every valid content item, each dict keyed by id in file order."""

    questions: dict[str, Question] = field(default_factory=dict)
    #: Every topic is a key, even one without questions.
    questions_by_topic: dict[Topic, list[Question]] = field(default_factory=_empty_by_topic)
    hazard_scenes: dict[str, HazardScene] = field(default_factory=dict)
    sort_sets: dict[str, SortSet] = field(default_factory=dict)
    sequences: dict[str, Sequence] = field(default_factory=dict)
    crossing_levels: dict[str, CrossingLevel] = field(default_factory=dict)
    tips: dict[str, Tip] = field(default_factory=dict)
    badges: dict[str, Badge] = field(default_factory=dict)
    #: id of any item above -> where it is defined.
    locations: dict[str, ContentLocation] = field(default_factory=dict)
    #: content/standards.yml: what may be cited (None for a folder without one).
    standards: Registry | None = None
    #: content/reviews.yml: item id -> its latest review.
    reviews: dict[str, Review] = field(default_factory=dict)

    def add_question(self, question: Question) -> None:
        """Add a question to both indexes."""
        self.questions[question.id] = question
        self.questions_by_topic[question.topic].append(question)


def summary(bundle: ContentBundle) -> str:
    """One line describing what was loaded, e.g. for ``safezone content validate``."""
    by_topic = ", ".join(f"{t} {len(bundle.questions_by_topic[t])}" for t in TOPICS)
    types = Counter(q.type for q in bundle.questions.values())
    by_type = ", ".join(f"{t} {types[t]}" for t in QUESTION_TYPES)
    return (
        f"content ok: {len(bundle.questions)} questions ({by_topic}; {by_type}), "
        f"{len(bundle.hazard_scenes)} hazard scenes, {len(bundle.sort_sets)} sort sets, "
        f"{len(bundle.sequences)} sequences, {len(bundle.crossing_levels)} crossing levels, "
        f"{len(bundle.tips)} tips, {len(bundle.badges)} badges"
    )
