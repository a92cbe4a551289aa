"""The question bank: browse with per-question statistics, enable/disable a question."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from admin import content_bank
from admin.audit import audit
from admin.db import db
from admin.i18n import current_lang, t
from admin.security import EDITORS, READERS, roles
from safezone.content.standards import citation_text
from safezone.services import dashboards

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
    rows = []
    for question in content_bank.bundle().questions.values():
        if topic and question.topic != topic:
            continue
        text = question.prompt.en if lang == "en" and question.prompt.en else question.prompt.zh
        if q and q.lower() not in text.lower() and q.lower() not in question.id:
            continue
        rows.append({"q": question, "text": text, "stats": stats.get(question.id),
                     "disabled": question.id in disabled})
    return render_template("content/index.html", rows=rows, topic=topic, search=q,
                           topics=dashboards.TOPICS, disabled_count=len(disabled))


@bp.route("/<question_id>")
@roles(*READERS)
def detail(question_id: str):
    """One question: prompt, options, explanation, source and statistics."""
    question = content_bank.bundle().questions.get(question_id)
    if question is None:
        abort(404)
    return render_template(
        "content/detail.html", q=question, stats=_stats().get(question_id),
        disabled=question_id in content_bank.disabled_ids(),
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
