"""The kinds of records a kiosk sends its server: the one owner of their names.

A record kind has two spellings for a reason: the push batch's list (``points_entries``, what
the API documents) and the outbox row's ``kind`` (``points``, what the database triggers write
and what old kiosks' outboxes already hold, so it cannot be renamed without a migration).
Export, ingest, the agent and the API schemas take both from here.
"""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    """A list of a push batch; the ``kind`` named in a refused record's error detail."""

    SESSIONS = "sessions"
    ANSWERS = "answers"
    POINTS_ENTRIES = "points_entries"
    BADGE_AWARDS = "badge_awards"
    CHECKINS = "checkins"

    @property
    def outbox_kind(self) -> str:
        """The ``sync_outbox.kind`` of this kind's rows (a plain string: drivers bind it as is)."""
        return _OUTBOX_KINDS[self]


_OUTBOX_KINDS: dict[RecordKind, str] = {
    RecordKind.SESSIONS: "session",
    RecordKind.ANSWERS: "answer",
    RecordKind.POINTS_ENTRIES: "points",
    RecordKind.BADGE_AWARDS: "badge",
    RecordKind.CHECKINS: "checkin",
}

#: Every batch list name, in the order a batch lists them.
RECORD_KINDS: tuple[str, ...] = tuple(kind.value for kind in RecordKind)
#: Outbox kinds that travel inside their play session's unit when they name one.
SESSION_UNIT_KINDS: tuple[str, ...] = tuple(
    k.outbox_kind for k in (RecordKind.SESSIONS, RecordKind.ANSWERS, RecordKind.BADGE_AWARDS))
