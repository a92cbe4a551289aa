"""Typed schema of safezone's content files (DESIGN.md key decision 5).

Every YAML file under ``content/`` is one of the kinds below, told apart by its ``kind`` key.
Models are strict (``"2"`` is not a difficulty) and forbid unknown keys, so a typo in a field
name is reported instead of silently ignored. Validators raise ``PydanticCustomError`` so the
loader can show the author the exact sentence written here.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from safezone.content.sources import Sources
from safezone.topics import TOPICS, Topic  # noqa: F401 - TOPICS re-exported: the core's one topic list

# --------------------------------------------------------------------------- shared vocabulary


Audience = Literal["adult", "kids", "all"]
AUDIENCES: tuple[Audience, ...] = ("adult", "kids", "all")

#: 1 easy .. 3 hard. An int range, not Literal[1, 2, 3], because a Literal accepts True as 1.
Difficulty = Annotated[int, Field(ge=1, le=3)]

QuestionType = Literal["single", "multiple", "truefalse"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multiple", "truefalse")

SortAnswer = Literal["safe", "danger"]

#: Hazard-hunt scenes are authored in this design space; the kiosk scales it to the screen.
DESIGN_WIDTH = 1920
DESIGN_HEIGHT = 1080
#: Kiosk convention: touch targets are at least 80 px (a circle: radius 40).
MIN_TOUCH_TARGET = 80

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
AUDIO_SUFFIXES = frozenset({".ogg", ".wav", ".mp3"})


#: Ids are stored in database columns (answers, badges awarded) of this width.
MAX_ID_LENGTH = 64


def _check_slug(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise PydanticCustomError(
            "slug_length",
            "id must be at most {max} characters (got {n})",
            {"max": MAX_ID_LENGTH, "n": len(value)},
        )
    if not _SLUG_RE.fullmatch(value):
        raise PydanticCustomError(
            "slug",
            "id must be a slug: lowercase letters and digits joined by '-' or '_' (got '{value}')",
            {"value": value},
        )
    return value


#: An identifier such as ``fire-119-number``; content ids are unique across all files.
Slug = Annotated[str, AfterValidator(_check_slug)]


class AssetPath(str):
    """A path to a file under the assets folder, relative to it, with forward slashes.

    The loader finds every ``AssetPath`` inside a validated item and checks the file exists.
    """

    kind: ClassVar[str] = "asset"


class ImagePath(AssetPath):
    """Relative path of an image under ``assets/`` (png, jpg, webp)."""

    kind = "image"


class AudioPath(AssetPath):
    """Relative path of a sound under ``assets/`` (ogg, wav, mp3)."""

    kind = "audio"


def _asset_checker(cls: type[AssetPath], suffixes: frozenset[str]):
    def check(value: str) -> AssetPath:
        path = PurePosixPath(value)
        if not value or "\\" in value or path.is_absolute() or ".." in path.parts:
            raise PydanticCustomError(
                "asset_path",
                "{kind} path must be relative to the assets folder, with '/' and no '..' "
                "(got '{value}')",
                {"kind": cls.kind, "value": value},
            )
        if path.suffix.lower() not in suffixes:
            raise PydanticCustomError(
                "asset_suffix",
                "{kind} file must end in one of {allowed} (got '{value}')",
                {"kind": cls.kind, "allowed": ", ".join(sorted(suffixes)), "value": value},
            )
        return cls(value)

    return check


Image = Annotated[str, AfterValidator(_asset_checker(ImagePath, IMAGE_SUFFIXES))]
Audio = Annotated[str, AfterValidator(_asset_checker(AudioPath, AUDIO_SUFFIXES))]


class _Strict(BaseModel):
    """Base of every content model: strict types, unknown keys are errors, immutable."""

    # defer_build: a kiosk starting from its validated-content cache unpickles these models and
    # never validates, so their validators are built only when a file is loaded (start-up time).
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


def _not_blank(value: str, what: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "{what} must not be empty", {"what": what})
    return value


class Text(_Strict):
    """Bilingual text: Simplified Chinese required, English optional.

    In YAML a plain string is shorthand for ``{zh: string}``.
    """

    zh: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"zh": data}
        if isinstance(data, (dict, Text)):
            return data
        raise PydanticCustomError(
            "text_type",
            "expected text: a string, or a mapping with 'zh' (and optional 'en'), got {got}",
            {"got": type(data).__name__},
        )

    @field_validator("zh")
    @classmethod
    def _zh_present(cls, value: str) -> str:
        return _not_blank(value, "zh text")

    @field_validator("en")
    @classmethod
    def _en_present(cls, value: str | None) -> str | None:
        # An empty English string is almost always a forgotten translation: omit the key instead.
        return None if value is None else _not_blank(value, "en text (omit the key instead)")

    def __str__(self) -> str:
        return self.zh


#: Structured citations (see safezone/content/sources.py); a plain string is the legacy form.
Source = Sources


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError(
                "duplicate",
                "{what} '{value}' appears more than once",
                {"what": what, "value": value},
            )
        seen.add(value)


# --------------------------------------------------------------------------- questions


class Option(_Strict):
    """One answer option of a choice question."""

    id: Slug | None = None
    text: Text
    image: Image | None = None
    correct: bool


class Question(_Strict):
    """A quiz question. Its topic comes from the bank file it is written in."""

    id: Slug
    topic: Topic
    type: QuestionType
    audience: Audience
    difficulty: Difficulty
    prompt: Text
    options: list[Option] = Field(default_factory=list)
    #: Only for ``truefalse`` questions: is the statement in the prompt true?
    answer: bool | None = None
    explanation: Text
    source: Source
    image: Image | None = None
    #: Spoken prompt for children who cannot read yet.
    audio: Audio | None = None
    #: The one-sentence "why" said to a child after answering (not the adult explanation). An
    #: ``audience: all`` question that carries it is also drawn in kids' rounds
    #: (safezone/content/kids.py).
    kids_why: Text | None = None
    tags: list[Slug] = Field(default_factory=list)

    #: Quizzes suit kids' mode: every kids' item has a picture per option and speaks its prompt,
    #: options and why (tests/content/test_kids_bank.py holds the whole bank to that).
    KIDS_READY: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _topic_from_bank(cls, data: Any, info: ValidationInfo) -> Any:
        # Authors write the topic once at the top of the bank; the loader passes it as context.
        bank_topic = (info.context or {}).get("bank_topic")
        if isinstance(data, dict) and bank_topic is not None:
            if "topic" in data:
                raise PydanticCustomError(
                    "topic_in_question",
                    "do not set 'topic' on a question: it is set once at the top of the file",
                )
            return {**data, "topic": bank_topic}
        return data

    @field_validator("options")
    @classmethod
    def _options_fit_type(cls, options: list[Option], info: ValidationInfo) -> list[Option]:
        qtype = info.data.get("type")
        if qtype is None:  # the type itself is invalid and reported; nothing to check against
            return options
        if qtype == "truefalse":
            if options:
                raise PydanticCustomError(
                    "tf_options", "a truefalse question has no options: use 'answer: true/false'"
                )
            return options
        if not 2 <= len(options) <= 6:
            raise PydanticCustomError(
                "option_count",
                "a choice question needs 2 to 6 options, found {n}",
                {"n": len(options)},
            )
        _unique([o.text.zh for o in options], "option text")
        _unique([o.id for o in options if o.id is not None], "option id")
        correct = sum(o.correct for o in options)
        if qtype == "single" and correct != 1:
            raise PydanticCustomError(
                "single_correct",
                "a single-choice question needs exactly one correct option, found {n}",
                {"n": correct},
            )
        if qtype == "multiple":
            if correct < 2:
                raise PydanticCustomError(
                    "multiple_correct",
                    "a multiple-choice question needs at least 2 correct options, found {n}",
                    {"n": correct},
                )
            if correct == len(options):
                raise PydanticCustomError(
                    "multiple_all_correct",
                    "a multiple-choice question needs at least one wrong option",
                )
        return options

    @model_validator(mode="after")
    def _answer_fits_type(self) -> Question:
        if self.kids_why is not None and self.audience == "adult":
            raise PydanticCustomError(
                "kids_why_adult",
                "'kids_why' is for questions children are asked: set 'audience: kids' or 'all', "
                "or remove it",
            )
        if self.type == "truefalse" and self.answer is None:
            raise PydanticCustomError(
                "tf_answer", "a truefalse question needs 'answer: true' or 'answer: false'"
            )
        if self.type != "truefalse" and self.answer is not None:
            raise PydanticCustomError(
                "choice_answer",
                "'answer' is only for truefalse questions: mark options 'correct: true'",
            )
        return self

    @property
    def correct_option_indexes(self) -> tuple[int, ...]:
        """Indexes of the correct options (empty for truefalse questions)."""
        return tuple(i for i, option in enumerate(self.options) if option.correct)


class QuestionBankHeader(_Strict):
    """The keys of a question bank file other than its list of questions."""

    kind: Literal["questions"]
    topic: Topic


class QuestionBankFile(QuestionBankHeader):
    """``kind: questions`` — one topic's question bank."""

    ITEMS_KEY: ClassVar[str] = "questions"
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _give_questions_topic(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("questions"), list):
            topic = data.get("topic")
            data = {
                **data,
                "questions": [
                    {**q, "topic": topic} if isinstance(q, dict) and "topic" not in q else q
                    for q in data["questions"]
                ],
            }
        return data

    @model_validator(mode="after")
    def _one_topic(self) -> QuestionBankFile:
        for question in self.questions:
            if question.topic != self.topic:
                raise PydanticCustomError(
                    "topic_mismatch",
                    "question '{id}' has topic '{q}' but the file's topic is '{f}'",
                    {"id": question.id, "q": question.topic, "f": self.topic},
                )
        return self


# --------------------------------------------------------------------------- hazard hunt


class RectArea(_Strict):
    """A rectangular hit area in the 1920x1080 design space."""

    shape: Literal["rect"]
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int
    h: int

    @model_validator(mode="after")
    def _inside(self) -> RectArea:
        if self.w < MIN_TOUCH_TARGET or self.h < MIN_TOUCH_TARGET:
            raise PydanticCustomError(
                "hit_small",
                "hit area {w}x{h} is smaller than the {m}x{m} px touch target",
                {"w": self.w, "h": self.h, "m": MIN_TOUCH_TARGET},
            )
        if self.x + self.w > DESIGN_WIDTH or self.y + self.h > DESIGN_HEIGHT:
            raise PydanticCustomError(
                "hit_bounds",
                "hit area out of bounds: rect reaches ({right}, {bottom}), "
                "outside the {W}x{H} design space",
                {
                    "right": self.x + self.w,
                    "bottom": self.y + self.h,
                    "W": DESIGN_WIDTH,
                    "H": DESIGN_HEIGHT,
                },
            )
        return self

    def contains(self, x: float, y: float) -> bool:
        """Whether the design-space point (x, y) hits this area."""
        return self.x <= x < self.x + self.w and self.y <= y < self.y + self.h


class CircleArea(_Strict):
    """A circular hit area in the 1920x1080 design space."""

    shape: Literal["circle"]
    x: int
    y: int
    r: int

    @model_validator(mode="after")
    def _inside(self) -> CircleArea:
        if 2 * self.r < MIN_TOUCH_TARGET:
            raise PydanticCustomError(
                "hit_small",
                "hit circle radius {r} is smaller than the {m} px touch target (radius {half})",
                {"r": self.r, "m": MIN_TOUCH_TARGET, "half": MIN_TOUCH_TARGET // 2},
            )
        if (
            self.x - self.r < 0
            or self.y - self.r < 0
            or self.x + self.r > DESIGN_WIDTH
            or self.y + self.r > DESIGN_HEIGHT
        ):
            raise PydanticCustomError(
                "hit_bounds",
                "hit area out of bounds: circle at ({x}, {y}) radius {r} leaves the "
                "{W}x{H} design space",
                {"x": self.x, "y": self.y, "r": self.r, "W": DESIGN_WIDTH, "H": DESIGN_HEIGHT},
            )
        return self

    def contains(self, x: float, y: float) -> bool:
        """Whether the design-space point (x, y) hits this area."""
        return (x - self.x) ** 2 + (y - self.y) ** 2 <= self.r**2


HitArea = Annotated[RectArea | CircleArea, Field(discriminator="shape")]


class Layer(_Strict):
    """A picture drawn over the background at (x, y); higher z is drawn later."""

    image: Image
    x: int
    y: int
    z: int = 0


class Hazard(_Strict):
    """One hazard to find in a scene."""

    id: Slug
    name: Text
    explanation: Text
    area: HitArea
    hint: Text | None = None


class HazardScene(_Strict):
    """``kind: hazard_scene`` — find every hazard in a picture."""

    #: Not in kids' mode yet: hazard names and explanations are text only, nothing is spoken.
    KIDS_READY: ClassVar[bool] = False

    kind: Literal["hazard_scene"]
    id: Slug
    topic: Topic
    audience: Audience
    difficulty: Difficulty = 1
    title: Text
    background: Image | None = None
    layers: list[Layer] = Field(default_factory=list)
    hazards: list[Hazard] = Field(min_length=1)
    hint: Text | None = None
    source: Source

    @field_validator("hazards")
    @classmethod
    def _unique_hazards(cls, hazards: list[Hazard]) -> list[Hazard]:
        _unique([h.id for h in hazards], "hazard id")
        return hazards


# --------------------------------------------------------------------------- sort


class SortBins(_Strict):
    """The two fixed bins of a sort game and the labels shown on them."""

    safe: Text
    danger: Text


class SortItem(_Strict):
    """A card to drop into the safe or the danger bin."""

    id: Slug
    text: Text
    image: Image | None = None
    answer: SortAnswer
    explanation: Text


class SortSet(_Strict):
    """``kind: sort_set`` — sort cards into safe and danger."""

    #: Not in kids' mode yet: the cards' words and verdicts are text only, nothing is spoken.
    KIDS_READY: ClassVar[bool] = False

    kind: Literal["sort_set"]
    id: Slug
    topic: Topic
    audience: Audience
    difficulty: Difficulty = 1
    title: Text
    bins: SortBins
    items: list[SortItem] = Field(min_length=4)
    source: Source

    @field_validator("items")
    @classmethod
    def _both_bins_used(cls, items: list[SortItem]) -> list[SortItem]:
        _unique([i.id for i in items], "item id")
        answers = {i.answer for i in items}
        if answers != {"safe", "danger"}:
            raise PydanticCustomError(
                "one_bin", "a sort set needs at least one 'safe' and one 'danger' item"
            )
        return items


# --------------------------------------------------------------------------- sequence


class Step(_Strict):
    """One step of a sequence; a plain string is shorthand for ``{text: string}``."""

    text: Text
    image: Image | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data


class Sequence(_Strict):
    """``kind: sequence`` — put the steps in the right order (the file's order)."""

    #: Never in kids' mode: ordering 3-8 written steps needs reading and working memory.
    KIDS_READY: ClassVar[bool] = False

    kind: Literal["sequence"]
    id: Slug
    topic: Topic
    audience: Audience
    difficulty: Difficulty = 1
    title: Text
    steps: list[Step] = Field(min_length=3, max_length=8)
    explanation: Text
    source: Source

    @field_validator("steps")
    @classmethod
    def _distinct_steps(cls, steps: list[Step]) -> list[Step]:
        # Two identical steps would make two orders correct.
        _unique([s.text.zh for s in steps], "step text")
        return steps


# --------------------------------------------------------------------------- kids' crossing


class LightTimings(_Strict):
    """Pedestrian light phases, in seconds."""

    green: float = Field(gt=0, le=60)
    flashing: float = Field(ge=0, le=10)
    red: float = Field(gt=0, le=60)


class SpokenPrompt(_Strict):
    """A line said to the child: the text is shown as a subtitle, the audio is played."""

    text: Text
    audio: Audio | None = None


class CrossingPrompts(_Strict):
    """What the crossing game says at each moment."""

    intro: SpokenPrompt
    wait: SpokenPrompt
    go: SpokenPrompt
    success: SpokenPrompt
    unsafe: SpokenPrompt


class CrossingLevel(_Strict):
    """``kind: crossing_level`` — a kids' level: cross the road on green, safely."""

    #: Made for kids: every line is spoken (sounds/crossing/), the play itself has no words.
    KIDS_READY: ClassVar[bool] = True

    kind: Literal["crossing_level"]
    id: Slug
    topic: Literal["traffic"] = "traffic"
    audience: Literal["kids"]
    difficulty: Difficulty = 1
    title: Text
    lanes: int = Field(ge=1, le=4)
    lights: LightTimings
    #: How many cars pass in each lane per minute (the level's car density).
    cars_per_lane_per_minute: int = Field(ge=1, le=30)
    prompts: CrossingPrompts
    source: Source


# --------------------------------------------------------------------------- tips


class Tip(_Strict):
    """A short safety tip for the attract loop."""

    id: Slug
    topic: Topic
    text: Text
    source: Source | None = None


class TipsHeader(_Strict):
    """The keys of a tips file other than its list of tips."""

    kind: Literal["tips"]


class TipsFile(TipsHeader):
    """``kind: tips`` — a list of tips."""

    ITEMS_KEY: ClassVar[str] = "tips"
    tips: list[Tip] = Field(min_length=1)


# --------------------------------------------------------------------------- badges


class BadgeRule(_Strict):
    """When a badge is earned: ``count`` of ``type`` (optionally within one topic)."""

    type: Literal["correct_answers", "plays", "roadshows", "streak_days"]
    topic: Topic | None = None
    count: int = Field(gt=0)

    @model_validator(mode="after")
    def _topic_applies(self) -> BadgeRule:
        if self.type == "streak_days" and self.topic is not None:
            raise PydanticCustomError(
                "streak_topic", "a streak_days rule counts days of any play: remove 'topic'"
            )
        return self


class Badge(_Strict):
    """A badge residents earn by a typed rule."""

    id: Slug
    name: Text
    description: Text
    icon: Image | None = None
    rule: BadgeRule


class BadgesHeader(_Strict):
    """The keys of a badges file other than its list of badges."""

    kind: Literal["badges"]


class BadgesFile(BadgesHeader):
    """``kind: badges`` — a list of badges."""

    ITEMS_KEY: ClassVar[str] = "badges"
    badges: list[Badge] = Field(min_length=1)


# --------------------------------------------------------------------------- the union

ContentFile = Annotated[
    QuestionBankFile | HazardScene | SortSet | Sequence | CrossingLevel | TipsFile | BadgesFile,
    Field(discriminator="kind"),
]
CONTENT_FILE_ADAPTER: TypeAdapter[Any] = TypeAdapter(ContentFile, config=ConfigDict(defer_build=True))

#: Kinds whose file holds one item (validated whole).
SINGLE_KINDS: dict[str, type[_Strict]] = {
    "hazard_scene": HazardScene,
    "sort_set": SortSet,
    "sequence": Sequence,
    "crossing_level": CrossingLevel,
}
#: Kinds whose file holds a list (validated item by item): header model, list key, item model.
LIST_KINDS: dict[str, tuple[type[_Strict], str, type[_Strict]]] = {
    "questions": (QuestionBankHeader, "questions", Question),
    "tips": (TipsHeader, "tips", Tip),
    "badges": (BadgesHeader, "badges", Badge),
}
KINDS: tuple[str, ...] = (*LIST_KINDS, *SINGLE_KINDS)


def parse_content_file(data: Any) -> Any:
    """Validate one whole file's parsed YAML against the discriminated union of kinds.

    Raises ``pydantic.ValidationError``; the loader uses finer, item-by-item validation.
    """
    return CONTENT_FILE_ADAPTER.validate_python(data)


def all_field_names() -> frozenset[str]:
    """Every field name of every content model (used to suggest fixes for typos)."""
    models: list[type[BaseModel]] = [
        Text,
        Option,
        Question,
        QuestionBankFile,
        RectArea,
        CircleArea,
        Layer,
        Hazard,
        HazardScene,
        SortBins,
        SortItem,
        SortSet,
        Step,
        Sequence,
        LightTimings,
        SpokenPrompt,
        CrossingPrompts,
        CrossingLevel,
        Tip,
        TipsFile,
        Badge,
        BadgeRule,
        BadgesFile,
    ]
    return frozenset(name for model in models for name in model.model_fields)
