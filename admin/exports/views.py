"""Exports: the month's report (the main one: one Chinese workbook for the 台账), then the raw
data (residents, plays, dashboard tables). Every export is written to the audit log; user text
is always written as text (the core's writer neutralises formulas)."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from admin import content_bank
from admin.db import db
from admin.params import record_id
from admin.residents import queries as resident_queries
from admin.security import READERS, Permission, granted, roles
from admin.state import now, state
from safezone import exports
from safezone.reports import monthly, summary_pdf
from safezone.services import dashboards
from safezone.services.localtime import LOCAL_TZ, local_day

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Dashboard tables offered for download: name → rows.
TABLES = {
    "reach_buildings": lambda s: dashboards.reach(s)["buildings"],
    "reach_plots": lambda s: dashboards.reach(s)["plots"],
    "plays_over_time": lambda s: dashboards.plays_over_time(s, 90, now()),
    "topics": lambda s: dashboards.topics(s),
    "age_groups": lambda s: dashboards.age_groups(s),
    "accuracy_by_topic": lambda s: dashboards.accuracy_by_topic(s),
    "question_stats": lambda s: dashboards.question_stats(s),
    "weakest_questions": lambda s: dashboards.weakest_questions(s, limit=20),
    "accuracy_by_building": lambda s: dashboards.accuracy_by_building(s),
    "unreached_households": lambda s: dashboards.unreached_households(s),
}


def _send(export: exports.Export, kind: str, name: str, details: dict | None = None):
    exports.audit_export(db(), kind=kind, rows=export.rows, now=now(), actor_label=current_user.label,
                         actor_id=current_user.id, ip=request.remote_addr, details=details)
    stamp = now().astimezone(LOCAL_TZ).strftime("%Y%m%d-%H%M")
    return send_file(io.BytesIO(export.data), mimetype=XLSX, as_attachment=True,
                     download_name=f"{name}-{stamp}.xlsx")


def _month_arg() -> monthly.ReportMonth:
    """The ``month`` query argument (``YYYY-MM``, default: this month); 400 when malformed."""
    text = request.args.get("month", "")
    if not text:
        return monthly.ReportMonth.of(now())
    try:
        return monthly.ReportMonth.parse(text)
    except ValueError:
        abort(400)


@bp.route("/monthly.xlsx")
@roles(*READERS)
def monthly_report():
    """The month's report workbook (counts only, no personal data: every reader may take it)."""
    month = _month_arg()
    report = monthly.monthly_workbook(
        db(), month, now=now(), site_name=state().settings.site_name,
        question_text=lambda qid: content_bank.question_text(qid, "zh"))
    exports.audit_export(db(), kind="monthly_report", rows=report.buildings, now=now(),
                         actor_label=current_user.label, actor_id=current_user.id,
                         ip=request.remote_addr,
                         details={"month": report.month, "roadshows": report.roadshows})
    return send_file(io.BytesIO(report.data), mimetype=XLSX, as_attachment=True,
                     download_name=f"月度报告-{report.month}.xlsx")


@bp.route("/summary.pdf")
@roles(*READERS)
def monthly_summary():
    """The month's one-page PDF summary with charts (counts only)."""
    month = _month_arg()
    figures = monthly.monthly_figures(db(), month, now=now(), site_name=state().settings.site_name)
    data = summary_pdf.summary_pdf(figures, lambda qid: content_bank.question_text(qid, "zh"))
    exports.audit_export(db(), kind="monthly_summary", rows=len(figures.reach), now=now(),
                         actor_label=current_user.label, actor_id=current_user.id,
                         ip=request.remote_addr, details={"month": month.key})
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"月度小结-{month.key}.pdf")


@bp.route("/")
@roles(*READERS)
def index():
    """The list of downloads."""
    today = local_day(now())
    return render_template("exports/index.html", buildings=resident_queries.buildings(db()),
                           tables=list(TABLES), since=(today - timedelta(days=29)).isoformat(),
                           until=today.isoformat(), month=today.strftime("%Y-%m"))


@bp.route("/residents.xlsx")
@roles(*granted(Permission.EXPORT_PERSONAL_DATA))
def residents():
    """Residents with their participation (personal data: staff and administrators only)."""
    building_id = record_id(request.args.get("building", ""))
    export = exports.residents_xlsx(db(), building_id=building_id)
    return _send(export, "residents", "residents", {"building_id": building_id})


def _day(name: str, default: str) -> datetime:
    text = request.args.get(name, "") or default
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        abort(400)
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


@bp.route("/plays.xlsx")
@roles(*READERS)
def plays():
    """Play sessions between two local days (inclusive)."""
    today = local_day(now())
    since = _day("since", (today - timedelta(days=29)).isoformat())
    until = _day("until", today.isoformat()) + timedelta(days=1)
    if until <= since or until - since > timedelta(days=400):
        abort(400)
    export = exports.plays_xlsx(db(), since, until)
    return _send(export, "plays", "plays", {"since": since.isoformat(), "until": until.isoformat()})


@bp.route("/dashboard/<kind>.xlsx")
@roles(*READERS)
def dashboard_table(kind: str):
    """One dashboard table."""
    if kind not in TABLES:
        abort(404)
    export = exports.dashboard_xlsx(kind, TABLES[kind](db()))
    return _send(export, f"dashboard.{kind}", kind)
