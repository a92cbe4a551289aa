"""报告题目有误: staff report a wrong question, which withdraws it until an admin reviews it.

A question with an open report is never drawn by the kiosk (:func:`withdrawn_question_ids`
feeds the same ``disabled_ids`` filter of :func:`safezone.content.select_questions` that the
admin's on/off switch does). An admin who has checked the question against its sources resolves
the reports with a note, which puts it back. Operations only ``flush()``; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safezone.models.question_reports import QuestionReport
from safezone.models.staff import StaffUser
from safezone.services.errors import BilingualError

#: Longest reason or resolution kept (a paragraph; the audit log keeps the first part).
MAX_TEXT = 1000


class ReportError(BilingualError):
    """The report or the resolution cannot be recorded; the message says why."""


@dataclass(frozen=True)
class ReportView:
    """One report as the admin shows it."""

    id: int
    question_id: str
    reason: str
    reported_by: str
    reported_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


def _clean(text: str | None, what_zh: str, what_en: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ReportError(f"请填写{what_zh}", f"Please give the {what_en}")
    if len(value) > MAX_TEXT:
        raise ReportError(f"{what_zh}太长（{len(value)} 字，最多 {MAX_TEXT} 字）",
                          f"The {what_en} is too long ({len(value)} characters; at most {MAX_TEXT})")
    return value


def report_question(
    session: Session, *, question_id: str, reason: str, staff_id: int, now: datetime
) -> QuestionReport:
    """Record a report and withdraw the question until it is resolved.

    ``question_id`` must be checked by the caller against the loaded content. Raises
    :class:`ReportError` for a blank or overlong reason.
    """
    report = QuestionReport(
        question_id=question_id,
        reason=_clean(reason, "有误之处", "reason"),
        reported_by_id=staff_id,
        reported_at=now,
    )
    session.add(report)
    session.flush()
    return report


def resolve_reports(
    session: Session, *, question_id: str, resolution: str, staff_id: int, now: datetime
) -> int:
    """Close every open report of a question (it is drawn again); returns how many were open.

    Raises :class:`ReportError` when the resolution note is blank or there is nothing open.
    """
    note = _clean(resolution, "审核结论", "review note")
    open_reports = session.scalars(
        select(QuestionReport).where(
            QuestionReport.question_id == question_id, QuestionReport.resolved_at.is_(None)
        )
    ).all()
    if not open_reports:
        raise ReportError("这道题没有待审核的报告", f"Question {question_id} has no open report")
    for report in open_reports:
        report.resolved_at = now
        report.resolved_by_id = staff_id
        report.resolution = note
    session.flush()
    return len(open_reports)


def withdrawn_question_ids(session: Session) -> frozenset[str]:
    """Ids of questions with an open report: the kiosk must not ask them."""
    return frozenset(
        session.scalars(
            select(QuestionReport.question_id).where(QuestionReport.resolved_at.is_(None))
        ).all()
    )


def reports_for(session: Session, question_id: str) -> list[ReportView]:
    """Every report of a question, newest first, with the staff names."""
    rows = session.scalars(
        select(QuestionReport)
        .where(QuestionReport.question_id == question_id)
        .order_by(QuestionReport.reported_at.desc(), QuestionReport.id.desc())
    ).all()
    ids = {r.reported_by_id for r in rows} | {r.resolved_by_id for r in rows if r.resolved_by_id}
    names = {
        user.id: user.display_name or user.username
        for user in session.scalars(select(StaffUser).where(StaffUser.id.in_(ids))).all()
    } if ids else {}
    return [
        ReportView(
            id=r.id, question_id=r.question_id, reason=r.reason,
            reported_by=names.get(r.reported_by_id, "?"), reported_at=r.reported_at,
            resolved_at=r.resolved_at,
            resolved_by=names.get(r.resolved_by_id) if r.resolved_by_id else None,
            resolution=r.resolution,
        )
        for r in rows
    ]
