"""All models, importable from one place (and registered on ``Base.metadata``)."""

from safezone.models.audit import AuditEntry
from safezone.models.cards import Card, CardStatus
from safezone.models.community import AgeGroup, Building, Household, Plot, Resident, Site
from safezone.models.kiosks import Kiosk
from safezone.models.play import Answer, PlayMode, PlaySession
from safezone.models.points import BadgeAward, PointsEntry, PointsReason
from safezone.models.question_reports import QuestionReport
from safezone.models.roadshow_records import RoadshowPhoto, RoadshowRecord
from safezone.models.roadshows import (
    CheckIn,
    CheckInMethod,
    Registration,
    RegistrationStatus,
    RoadshowEvent,
    RoadshowStatus,
    RoadshowVolunteer,
)
from safezone.models.rollups import (
    GUEST_BUILDING,
    DailyQuestionRollup,
    DailyQuestionTotal,
    DailyTopicRollup,
    DailyTotal,
    HouseholdTouch,
    MonthlyQuestionRollup,
    MonthlyTopicRollup,
    ResidentActivity,
)
from safezone.models.staff import AdminSession, Role, StaffUser
from safezone.models.store import Redemption, StoreItem
from safezone.models.visits import DoorVisit, VisitOutcome
from safezone.sync.models import RosterChange, RosterLog, SyncOutbox, SyncState

__all__ = [
    "GUEST_BUILDING",
    "AdminSession",
    "AgeGroup",
    "Answer",
    "AuditEntry",
    "BadgeAward",
    "Building",
    "Card",
    "CardStatus",
    "CheckIn",
    "CheckInMethod",
    "DailyQuestionRollup",
    "DailyQuestionTotal",
    "DailyTopicRollup",
    "DailyTotal",
    "DoorVisit",
    "Household",
    "HouseholdTouch",
    "Kiosk",
    "MonthlyQuestionRollup",
    "MonthlyTopicRollup",
    "PlayMode",
    "PlaySession",
    "Plot",
    "PointsEntry",
    "PointsReason",
    "QuestionReport",
    "Redemption",
    "Registration",
    "RegistrationStatus",
    "Resident",
    "ResidentActivity",
    "RoadshowEvent",
    "RoadshowPhoto",
    "RoadshowRecord",
    "RoadshowStatus",
    "RoadshowVolunteer",
    "Role",
    "RosterChange",
    "RosterLog",
    "Site",
    "StaffUser",
    "StoreItem",
    "SyncOutbox",
    "SyncState",
    "VisitOutcome",
]
