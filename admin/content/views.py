"""The question bank: browse with statistics and reviews, switch a question off or on, and
report a wrong question (报告题目有误), which withdraws it until an admin has reviewed it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admin import content_bank
from admin.audit import audit
from admin.db import db, discard_changes
from admin.i18n import current_lang, t
from admin.security import ADMINS, EDITORS, READERS, roles
from admin.state import now
from safezone.content.standards import citation_text
from safezone.services import dashboards, question_reports

bp = Blueprint("content", __name__, url_prefix="/content")


def _stats() -> dict[str, dict]:
    return {row["question_id"]: row for row in dashboards.question_stats(db())}


@bp.route("/")
@roles(*READERS)
def index():
    """Every question with its answers, accuracy and on/off state; filter by topic or text."""
    topic = request.args.get("topic", "")
    q = request.args.get("q", "").strip()
    lang = current_lang()
    stats = _stats()
    disabled = content_bank.disabled_ids()
    withdrawn = question_reports.withdrawn_question_ids(db())
    bundle = content_bank.bundle()
    rows = []
    for question in content_bank.bundle().questions.values():
        if topic and question.topic != topic:
            continue
        text = question.prompt.en if lang == "en" and question.prompt.en else question.prompt.zh
        if q and q.lower() not in text.lower() and q.lower() not in question.id:
            continue
        rows.append({"q": question, "text": text, "stats": stats.get(question.id),
                     "disabled": question.id in disabled, "withdrawn": question.id in withdrawn,
                     "review": _review_state(question.id)})
    off = len((disabled | withdrawn) & bundle.questions.keys())
    return render_template("content/index.html", rows=rows, topic=topic, search=q,
                           topics=dashboards.TOPICS, disabled_count=off)


def _review_state(question_id: str) -> tuple[str, object]:
    """(``reviewed`` | ``due`` | ``none``, the review): ``due`` once standards.yml moved on."""
    bundle = content_bank.bundle()
    review = bundle.reviews.get(question_id)
    if review is None:
        return "none", None
    current = bundle.standards.revision if bundle.standards is not None else review.against
    return ("reviewed" if review.against == current else "due"), review


@bp.route("/<question_id>")
@roles(*READERS)
def detail(question_id: str):
    """One question: prompt, options, explanation, source and statistics."""
    question = content_bank.bundle().questions.get(question_id)
    if question is None:
        abort(404)
    bundle = content_bank.bundle()
    reports = question_reports.reports_for(db(), question_id)
    return render_template(
        "content/detail.html", q=question, stats=_stats().get(question_id),
        disabled=question_id in content_bank.disabled_ids(),
        withdrawn=any(r.resolved_at is None for r in reports), reports=reports,
        review=_review_state(question_id),
        revision=bundle.standards.revision if bundle.standards is not None else None,
        location=content_bank.bundle().locations.get(question_id), lang=current_lang(),
        sources=[citation_text(c, content_bank.bundle().standards) for c in question.source],
    )


@bp.route("/<question_id>/toggle", methods=["POST"])
@roles(*EDITORS)
def toggle(question_id: str):
    """Switch a question off (the kiosk stops asking it) or back on; audited."""
    if question_id not in content_bank.bundle().questions:
        abort(404)
    disable = request.form.get("disable") == "1"
    # Audit first (flushed in this request); the file is written last so a failed write raises
    # before the commit and nothing claims a change that did not happen.
    audit("content.question_disable" if disable else "content.question_enable",
          target_type="question", target_id=question_id)
    db().flush()
    content_bank.set_disabled(question_id, disable)
    flash(t("content.disabled_now") if disable else t("content.enabled_now"), "success")
    return redirect(request.form.get("back") if request.form.get("back", "").startswith("/content")
                    else url_for("content.detail", question_id=question_id))


@bp.route("/<question_id>/report", methods=["POST"])
@roles(*EDITORS)
def report(question_id: str):
    """报告题目有误: record what is wrong and withdraw the question until an admin reviews it."""
    if question_id not in content_bank.bundle().questions:
        abort(404)
    reason = request.form.get("reason", "")
    try:
        entry = question_reports.report_question(
            db(), question_id=question_id, reason=reason, staff_id=current_user.id, now=now())
    except question_reports.ReportError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        audit("content.question_report", target_type="question", target_id=question_id,
              details={"report_id": entry.id, "reason": entry.reason[:200]})
        flash(t("content.reported_now"), "success")
    return redirect(url_for("content.detail", question_id=question_id))


@bp.route("/<question_id>/resolve", methods=["POST"])
@roles(*ADMINS)
def resolve(question_id: str):
    """An admin has checked a reported question: close its reports and put it back in play."""
    if question_id not in content_bank.bundle().questions:
        abort(404)
    note = request.form.get("resolution", "")
    try:
        closed = question_reports.resolve_reports(
            db(), question_id=question_id, resolution=note, staff_id=current_user.id, now=now())
    except question_reports.ReportError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        audit("content.question_report_resolve", target_type="question", target_id=question_id,
              details={"reports": closed, "resolution": note.strip()[:200]})
        flash(t("content.resolved_now"), "success")
    return redirect(url_for("content.detail", question_id=question_id))
