"""A scan at the kiosk or a check-in identifies the card in one query (hot path)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from safezone.cards.service import identify, issue_card
from safezone.models import AuditEntry


def _count_selects(session: Session) -> list[str]:
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", before)
    return statements


def test_identify_is_one_select(db_session: Session, make_resident, now: datetime) -> None:
    resident = make_resident(db_session, nickname="老王")
    code = issue_card(db_session, resident, now=now).code
    db_session.commit()
    db_session.expunge_all()  # nothing cached in the identity map: a real first scan

    statements = _count_selects(db_session)
    check = identify(db_session, code)
    assert check.ok and check.resident is not None
    # Everything the greeting shows is loaded by that one query.
    assert check.resident.household.building.plot.number >= 1
    assert len(statements) == 1, statements


def test_unflushed_audit_entry_waits_for_the_next_flush(db_session: Session, now: datetime) -> None:
    from safezone.services.audit import record

    entry = record(db_session, action="test.batch", actor_label="test", now=now, flush=False)
    assert entry.id is None
    db_session.flush()
    assert entry.id is not None
    assert db_session.get(AuditEntry, entry.id) is entry
