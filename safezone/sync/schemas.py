"""Typed payloads of the sync API (``/api/v1/``), shared by the server and the kiosk client.

Validation is strict (no "5" for 5, no unknown fields) and bounded (text lengths, list sizes),
so a bad batch is refused with a reason before anything is written. The OpenAPI document is
generated from these models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from safezone.cleantext import require_clean
from safezone.languages import Language
from safezone.models import CheckInMethod, PlayMode
from safezone.topics import Topic

#: Largest push body the server reads (bytes); the agent splits its batches below it.
MAX_PUSH_BYTES = 4 * 1024 * 1024
#: Most records of each kind in one batch.
MAX_SESSIONS = 1000
MAX_ANSWERS = 20_000
MAX_OTHER = 5000
#: Timestamps outside these years are refused (a kiosk with a dead clock battery says 1970).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

#: Text a kiosk sends: bounded, and free of NUL, control, bidi-override and zero-width
#: characters (refused with 422, which the kiosk parks; PostgreSQL cannot even store NUL).
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=80),
                      AfterValidator(require_clean)]
ResidentId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def _sane_time(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"time {value.isoformat()} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; "
            "check the kiosk clock"
        )
    return value


#: A kiosk timestamp: aware, and within EARLIEST_YEAR..LATEST_YEAR. The check is attached to
#: the datetime fields only (a model-wide validator would run for every field of every record).
KioskTime = Annotated[AwareDatetime, AfterValidator(_sane_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SessionIn(_Strict):
    """A play session as the kiosk recorded it (finished or not yet)."""

    id: UUID
    kiosk_id: UUID | None = None
    resident_id: ResidentId | None = None
    mode: PlayMode
    game_type: Annotated[str, StringConstraints(min_length=1, max_length=32),
                         AfterValidator(require_clean)]
    topic: Topic
    content_id: ShortText | None = None
    roadshow_id: UUID | None = None
    language: Language = "zh-CN"
    started_at: KioskTime
    finished_at: KioskTime | None = None
    score: Count = 0
    max_score: Count = 0
    points_awarded: Count = 0

    @model_validator(mode="after")
    def _consistent(self) -> SessionIn:
        if self.score > self.max_score:
            raise ValueError(f"score {self.score} is above max_score {self.max_score}")
        if self.finished_at is not None and self.finished_at < self.started_at:
            raise ValueError(f"finished_at {self.finished_at.isoformat()} is before started_at "
                             f"{self.started_at.isoformat()}")
        if self.mode is PlayMode.RESIDENT and self.resident_id is None:
            raise ValueError("a resident session needs resident_id")
        if self.mode is PlayMode.GUEST and self.resident_id is not None:
            raise ValueError("a guest session must not name a resident")
        return self


class AnswerIn(_Strict):
    """One answered question of a session."""

    id: UUID
    session_id: UUID
    resident_id: ResidentId | None = None
    question_id: ShortText
    topic: Topic
    correct: bool
    chosen: list[Any] | dict[str, Any] | None = Field(default=None, max_length=100)
    response_ms: Annotated[int, Field(ge=0, le=86_400_000)] | None = None
    answered_at: KioskTime


class PointsEntryIn(_Strict):
    """A ledger entry written at the kiosk: play, check-in or badge points (always positive)."""

    id: UUID
    resident_id: ResidentId
    amount: Annotated[int, Field(ge=1, le=10_000)]
    reason: Literal["play", "checkin", "badge"]
    source_id: Annotated[str, StringConstraints(max_length=64),
                         AfterValidator(require_clean)] | None = None
    kiosk_id: UUID | None = None
    note: Annotated[str, StringConstraints(max_length=200),
                    AfterValidator(require_clean)] | None = None
    created_at: KioskTime


class BadgeAwardIn(_Strict):
    """A badge earned at the kiosk."""

    id: UUID
    resident_id: ResidentId
    badge_id: Annotated[str, StringConstraints(min_length=1, max_length=64),
                        AfterValidator(require_clean)]
    session_id: UUID | None = None
    awarded_at: KioskTime


class CheckInIn(_Strict):
    """A roadshow check-in taken at the kiosk."""

    id: UUID
    event_id: UUID
    resident_id: ResidentId
    kiosk_id: UUID | None = None
    method: CheckInMethod
    checked_in_at: KioskTime


class PushBatch(_Strict):
    """Everything a kiosk sends in one request; stored in one transaction or not at all."""

    #: Client-generated id of the batch (for the receipt log).
    batch_id: UUID
    #: Kiosk clock when sent: the server reports the skew and keeps its own receipt time.
    sent_at: KioskTime
    sessions: list[SessionIn] = Field(default_factory=list, max_length=MAX_SESSIONS)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)
    points_entries: list[PointsEntryIn] = Field(default_factory=list, max_length=MAX_OTHER)
    badge_awards: list[BadgeAwardIn] = Field(default_factory=list, max_length=MAX_OTHER)
    checkins: list[CheckInIn] = Field(default_factory=list, max_length=MAX_OTHER)


class KindCounts(_Strict):
    """How many records of one kind were new, already there, or skipped as duplicates."""

    new: int = 0
    existing: int = 0
    skipped: int = 0


class PushResult(_Strict):
    """The server's receipt for a batch."""

    batch_id: UUID
    #: Server clock at receipt (the server's own time, whatever the kiosk clock says).
    received_at: AwareDatetime
    #: Kiosk clock minus server clock, in seconds (positive: the kiosk is ahead).
    clock_skew_seconds: float
    sessions: KindCounts
    answers: KindCounts
    points_entries: KindCounts
    badge_awards: KindCounts
    checkins: KindCounts
    #: Sessions whose rollups were computed by this batch (newly arrived finished sessions).
    sessions_counted: int


class EnrolRequest(_Strict):
    """The one-time enrolment code a member of staff typed on the kiosk."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=64),
                    AfterValidator(require_clean)]


class EnrolResponse(_Strict):
    """What an enrolled kiosk must keep: its id and its token (shown only this once)."""

    kiosk_id: UUID
    kiosk_name: str
    token: str
    server_time: AwareDatetime


class PlotOut(_Strict):
    """A plot of a site."""

    id: int
    site_id: int
    number: int


class SiteOut(_Strict):
    """A site (compound) with its plots."""

    id: int
    name: str
    name_en: str | None
    household_target: int


class BuildingOut(_Strict):
    """A building."""

    id: int
    plot_id: int
    number: int


class ResidentOut(_Strict):
    """What a kiosk may know of a resident: never the full name, phone or flat."""

    id: int
    household_id: int
    building_id: int
    nickname: str
    age_group: Literal["child", "adult", "elder"]
    consent: bool
    anonymised: bool
    #: Points balance on the server at the time of the roster.
    balance: int


class CardOut(_Strict):
    """A card: hash of its code (never the code) and whether it still works."""

    id: int
    resident_id: int
    code_hash: Annotated[str, StringConstraints(min_length=64, max_length=64)]
    status: Literal["active", "revoked"]
    revoked_at: AwareDatetime | None


class Roster(_Strict):
    """Everyone a kiosk can recognise (``GET /api/v1/roster``, the whole roster every time it
    changed). ``version`` changes whenever anything in it may have: send it back in
    ``If-None-Match`` for a 304. Kiosks use :class:`RosterChanges` instead."""

    version: str
    generated_at: AwareDatetime
    sites: list[SiteOut]
    plots: list[PlotOut]
    buildings: list[BuildingOut]
    residents: list[ResidentOut]
    cards: list[CardOut]


#: Longest roster cursor the server accepts (it hands out far shorter ones).
MAX_CURSOR_CHARS = 200


class RosterChanges(_Strict):
    """What changed in the roster since the kiosk's cursor (``GET /api/v1/roster/changes``).

    With ``full`` false: only the residents (current balance included) and cards that changed
    since the cursor, the holders of those cards, and every site, plot and building when any of
    them changed (else none) — merge them into what the kiosk has. With ``full`` true (no
    cursor, or one the server can no longer serve): the whole roster — the kiosk replaces what
    it has (a card it holds that is not listed stops working). Either way the kiosk keeps
    ``cursor`` and sends it next time. A change may be sent more than once; every item is the
    current state, so applying it again is harmless.
    """

    #: Send this back as ``since`` on the next pull.
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CURSOR_CHARS)]
    #: True: a complete snapshot to replace the kiosk's roster; false: changes to merge.
    full: bool
    generated_at: AwareDatetime
    sites: list[SiteOut]
    plots: list[PlotOut]
    buildings: list[BuildingOut]
    residents: list[ResidentOut]
    cards: list[CardOut]
    #: Cards the server no longer has: they must stop working on the kiosk.
    removed_cards: list[int]


class RoadshowOut(_Strict):
    """A roadshow that has not ended yet (cancelled ones too, so kiosks stop showing them)."""

    id: UUID
    title: str
    title_en: str | None
    topics: list[str]
    place: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int | None
    description: str
    status: Literal["scheduled", "cancelled"]
    checkin_points: int


class RoadshowList(_Strict):
    """Upcoming roadshows."""

    generated_at: AwareDatetime
    roadshows: list[RoadshowOut]


class ContentFile(_Strict):
    """One content file: its path inside the pack, SHA-256 and UTF-8 text."""

    path: str
    sha256: Annotated[str, StringConstraints(min_length=64, max_length=64)]
    text: str


class ContentPack(_Strict):
    """The content a kiosk plays, versioned by the hash of its files."""

    version: str
    files: list[ContentFile]


class KioskInfo(_Strict):
    """Who the token belongs to (``GET /api/v1/kiosk``)."""

    kiosk_id: UUID
    name: str
    server_time: AwareDatetime


#: Most ``details`` one refusal lists (a whole kiosk batch's refused records fit; past it the
#: error says ``truncated`` and the kiosk sends the rest again to hear about the others).
MAX_ERROR_DETAILS = 2000
#: The record lists of a push batch: the ``kind`` of a refused record.
RecordKind = Literal["sessions", "answers", "points_entries", "badge_awards", "checkins"]
RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)
# The Literal above is what OpenAPI documents; tests/sync prove it spells safezone.sync.kinds.


@with_config(ConfigDict(extra="allow", use_attribute_docstrings=True))
class ErrorDetail(TypedDict, total=False):
    """One detail of a refusal. A refused record (HTTP 403 ``foreign_kiosk``, 409, 422) is
    named by ``kind``, ``id`` and ``reason``; a schema error also has ``loc``, ``msg`` and
    ``type`` (only those, and ``reason``, when the record has no valid id). Other fields name
    what the record refers to (``session_id``, ``kiosk_id``; ``resident_id`` and
    ``roadshow_id`` only on the first record naming each one the server does not have)."""

    kind: RecordKind
    """The batch list the refused record is in."""
    id: str
    """The refused record's id."""
    reason: str
    """Why, for people."""
    loc: str
    """Where a schema error is: list, position, field, e.g. ``answers.3.chosen``."""
    msg: str
    """The validator's message."""
    type: str
    """The validator's error type."""
    resident_id: int
    """The resident the server does not have (on the first record naming it: every record
    naming it is listed by ``kind`` and ``id``)."""
    roadshow_id: str
    """The roadshow the server does not have (on the first record naming it, as above)."""


class ApiError(_Strict):
    """Every refusal: a stable ``error`` code, a message for people (zh-CN / en), details."""

    error: str
    message: str
    details: list[ErrorDetail] = Field(
        default_factory=list, max_length=MAX_ERROR_DETAILS,
        description="Record-level refusals (403 foreign_kiosk, 409, 422) name every refused "
                    f"record, up to {MAX_ERROR_DETAILS} entries.")
    truncated: bool = Field(
        default=False,
        description=f"Present, and true, only when more than {MAX_ERROR_DETAILS} details were "
                    "found and just the first are listed; send the rest again to hear of the "
                    "others.")
