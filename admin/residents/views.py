"""Residents pages. Views only parse input, call the core services and render."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.utils import secure_filename

from admin import uploads
from admin.audit import audit
from admin.db import db, discard_changes
from admin.i18n import bilingual, current_lang, t
from admin.params import record_id
from admin.residents import queries
from admin.residents.forms import ImportForm, ResidentForm, RevokeForm
from admin.security import EDITORS, READERS, Permission, roles
from admin.state import now, state
from safezone.cards import service as cards
from safezone.cards.sheets import PrintableCard, write_card_sheets
from safezone.importing import (
    ImportFileError,
    ImportRefused,
    ResidentRefused,
    RowError,
    add_resident,
    apply_import,
    plan_import,
    read_table_bytes,
)
from safezone.models import AgeGroup, Building, Household, Resident
from safezone.services import community, points

bp = Blueprint("residents", __name__, url_prefix="/residents")

#: Rows of the import preview shown in full (errors are always all shown).
PREVIEW_ROWS = 20
#: An uploaded list waits this long for its confirmation; then it is refused and deleted.


def _int_arg(name: str) -> int | None:
    return record_id(request.args.get(name, ""))


def _filter_from_args() -> queries.ResidentFilter:
    card = request.args.get("card", "")
    return queries.ResidentFilter(
        q=request.args.get("q", "").strip()[:64],
        plot=_int_arg("plot"),
        building=_int_arg("building"),
        card=card if card in ("with", "without") else "",
        search_phones=current_user.may(Permission.VIEW_PERSONAL_DATA),
    )


def _resident_or_404(resident_id: int) -> Resident:
    resident = db().get(Resident, resident_id)
    if resident is None:
        abort(404)
    return resident


def _actor() -> dict[str, object]:
    return {"actor_label": current_user.label, "actor_id": current_user.id}


@bp.route("/")
@roles(*READERS)
def index():
    """Search and filter residents, by page."""
    f = _filter_from_args()
    page = _int_arg("page") or 1
    rows, total, pages = queries.search(db(), f, page)
    with_card = queries.active_card_ids(db(), [r.id for r in rows])
    buildings = queries.buildings(db())
    plots = sorted({b.plot.number for b in buildings})
    args = {k: v for k, v in request.args.items() if k != "page" and k != "lang" and v}

    def page_args(n: int) -> str:
        from urllib.parse import urlencode

        return urlencode({**args, "page": n})

    return render_template(
        "residents/index.html", rows=rows, total=total, page=min(page, pages), pages=pages,
        f=f, buildings=buildings, plots=plots, with_card=with_card, page_args=page_args,
    )


#: Form fields of "add a resident", in the import's column keys (one validation rule for both).
NEW_FIELDS = ("name", "nickname", "unit", "room", "age_group", "birth_year", "phone")


@bp.route("/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new():
    """Register one resident; with ``?household=ID`` a new member of that flat."""
    household_id = _int_arg("household")
    household = db().get(Household, household_id) if household_id else None
    if household_id and household is None:
        abort(404)
    values = {key: request.form.get(key, "").strip() for key in NEW_FIELDS}
    building_id = household.building_id if household else (
        int(request.form["building"]) if request.form.get("building", "").isdigit() else None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        building = db().get(Building, building_id) if building_id else None
        if household is not None:
            values.update(unit=str(household.unit), room=household.room)
        if building is not None:
            values.update(plot=str(building.plot.number), building=str(building.number))
        else:
            values.update(plot="", building="")
        values["consent"] = "是" if request.form.get("consent") == "1" else "否"
        try:
            person = add_resident(db(), values, now=now(), **_actor())
        except (ResidentRefused, ImportRefused) as exc:
            discard_changes()
            found = exc.errors if isinstance(exc, ResidentRefused) else [
                RowError(1, "building", str(exc))]
            for error in found:
                errors.setdefault(error.field, bilingual(error.message))
        else:
            flash(t("residents.added", name=person.full_name), "success")
            return redirect(url_for("residents.detail", resident_id=person.id))
    return render_template(
        "residents/new.html", values=values, errors=errors, household=household,
        building_id=building_id, buildings=queries.buildings(db()),
        age_groups=[a.value for a in AgeGroup], consent=request.form.get("consent") == "1",
    ), (422 if errors else 200)


@bp.route("/<int:resident_id>", methods=["GET", "POST"])
@roles(*READERS, write=EDITORS)
def detail(resident_id: int):
    """A resident: details (editable by staff), consent, cards and points."""
    resident = _resident_or_404(resident_id)
    form = ResidentForm(obj=resident if request.method == "GET" else None)
    if request.method == "GET":
        form.age_group.data = resident.age_group.value
    if request.method == "POST":
        if resident.anonymised_at is not None:
            abort(409)
        if form.validate_on_submit():
            changes = {
                "full_name": form.full_name.data.strip(),
                "nickname": form.nickname.data.strip(),
                "age_group": AgeGroup(form.age_group.data),
                "birth_year": form.birth_year.data,
                "phone": (form.phone.data or "").strip() or None,
            }
            changed = sorted(k for k, v in changes.items() if getattr(resident, k) != v)
            for key in changed:
                setattr(resident, key, changes[key])
            if changed:
                # Field names only: the audit log must not become a second copy of personal data.
                audit("resident.update", target_type="resident", target_id=resident.id,
                      details={"fields": changed})
            flash(t("saved"), "success")
            return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template(
        "residents/detail.html", r=resident, form=form, age_groups=[a.value for a in AgeGroup],
        cards=queries.cards_of(db(), resident.id), balance=points.balance(db(), resident.id),
        ledger=points.ledger(db(), resident.id, limit=20), revoke_form=RevokeForm(),
    )


@bp.route("/<int:resident_id>/consent", methods=["POST"])
@roles(*EDITORS)
def consent(resident_id: int):
    """Record that consent was given or withdrawn."""
    resident = _resident_or_404(resident_id)
    if resident.anonymised_at is not None:
        abort(409)
    given = request.form.get("consent") == "1"
    resident.consent = given
    resident.consent_at = now()
    audit("resident.consent", target_type="resident", target_id=resident.id, details={"consent": given})
    flash(t("residents.consent_saved"), "success")
    return redirect(url_for("residents.detail", resident_id=resident.id))


@bp.route("/<int:resident_id>/anonymise", methods=["GET", "POST"])
@roles(*EDITORS)
def anonymise(resident_id: int):
    """Confirm, then forget who the resident was (plays and points stay, without the person)."""
    resident = _resident_or_404(resident_id)
    if request.method == "POST":
        if request.form.get("confirm_text", "").strip() != str(resident.id):
            flash(t("residents.anonymise_confirm_wrong"), "error")
            return render_template("residents/anonymise.html", r=resident)
        try:
            community.anonymise_resident(db(), resident, now=now(), **_actor())
        except community.CommunityError as exc:
            discard_changes()
            flash(bilingual(str(exc)), "error")
            return redirect(url_for("residents.detail", resident_id=resident.id))
        flash(t("residents.anonymised"), "success")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template("residents/anonymise.html", r=resident)


def _printable(resident: Resident, code: str) -> PrintableCard:
    household: Household = resident.household
    return PrintableCard(
        code=code,
        nickname=resident.nickname,
        address_label=f"{household.building.label}{household.unit}单元",
        site_name=state().settings.site_name,
        room=household.room,
        full_name=resident.full_name,
        service_phone=state().settings.service_phone,
    )


def _pdf_response(printables: list[PrintableCard], name: str):
    buffer = io.BytesIO()
    write_card_sheets(printables, buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/<int:resident_id>/card", methods=["POST"])
@roles(*EDITORS)
def issue_card(resident_id: int):
    """Issue (or re-issue) a card and download it as PDF: the code exists only in that PDF."""
    resident = _resident_or_404(resident_id)
    try:
        issued = cards.issue_card(db(), resident, now=now(), **_actor())
    except cards.CardError:
        discard_changes()
        flash(t("cards.cannot_issue"), "error")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    return _pdf_response([_printable(resident, issued.code)], f"card-{resident.id}.pdf")


@bp.route("/<int:resident_id>/card/<int:card_id>/revoke", methods=["POST"])
@roles(*EDITORS)
def revoke_card(resident_id: int, card_id: int):
    """Revoke a lost or stolen card."""
    resident = _resident_or_404(resident_id)
    card = next((c for c in queries.cards_of(db(), resident.id) if c.id == card_id), None)
    if card is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(t("cards.reason_required"), "error")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    try:
        cards.revoke_card(db(), card, reason=form.reason.data.strip(), now=now(), **_actor())
    except cards.CardError:
        discard_changes()
        flash(t("cards.already_revoked"), "error")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    flash(t("cards.revoked"), "success")
    return redirect(url_for("residents.detail", resident_id=resident.id))


@bp.route("/cards/print", methods=["GET", "POST"])
@roles(*EDITORS)
def print_cards():
    """Issue cards for many residents at once (by building, with or without a card) as A4 PDF."""
    buildings = queries.buildings(db())
    if request.method == "POST":
        building = request.form.get("building", "")
        mode = request.form.get("mode", "without")
        f = queries.ResidentFilter(
            building=record_id(building),
            card="without" if mode != "all" else "",
        )
        residents = queries.matching(db(), f)
        if not residents:
            flash(t("cards.nobody"), "info")
            return redirect(url_for("residents.print_cards"))
        issued = cards.issue_cards(db(), residents, now=now(), **_actor())
        by_id = {r.id: r for r in residents}
        return _pdf_response(
            [_printable(by_id[i.card.resident_id], i.code) for i in issued], "cards.pdf"
        )
    return render_template("residents/print.html", buildings=buildings)


# --------------------------------------------------------------------------------------------
# import: upload → preview (every row checked, nothing written) → confirm (all or nothing)


@bp.route("/import", methods=["GET", "POST"])
@roles(*EDITORS)
def import_upload():
    """Upload a CSV/XLSX resident list and see the preview with every row's problems."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = secure_filename(upload.filename or "") or "upload.csv"
        data = upload.read()
        try:
            table = read_table_bytes(data, upload.filename or name)
        except ImportFileError as exc:
            form.file.errors.append(bilingual(str(exc)))
            return render_template("residents/import.html", form=form)
        try:
            plan = plan_import(db(), table, now=now())
        except ImportRefused as exc:
            form.file.errors.append(bilingual(str(exc)))
            return render_template("residents/import.html", form=form)
        uploads.stash("import", data, upload.filename or name)
        return render_template(
            "residents/import_preview.html", plan=plan, preview=plan.adds[:PREVIEW_ROWS],
            changes=plan.updates[:PREVIEW_ROWS],
            errors=[(e.row, e.field, bilingual(e.message)) for e in plan.errors],
        )
    return render_template("residents/import.html", form=form)


@bp.route("/import/confirm", methods=["POST"])
@roles(*EDITORS)
def import_confirm():
    """Write the previewed list — re-checked now, and only if every row is valid."""
    pending = uploads.pending("import")
    if pending is None:
        uploads.drop("import")
        flash(t("import.expired"), "error")
        return redirect(url_for("residents.import_upload"))
    path, name = pending
    try:
        table = read_table_bytes(path.read_bytes(), name)
        plan = plan_import(db(), table, now=now())
        result = apply_import(db(), plan, now=now(), **_actor())
    except (ImportFileError, ImportRefused) as exc:
        discard_changes()
        flash(bilingual(str(exc)), "error")
        return redirect(url_for("residents.import_upload"))
    finally:
        uploads.drop("import")
    flash(t("import.done_update", residents=result.residents, households=result.households_created,
            updated=result.updated), "success")
    return redirect(url_for("residents.index"))


@bp.route("/import/template.csv")
@roles(*EDITORS)
def import_template():
    """A CSV with the expected headers and one example row (UTF-8 with BOM for Excel)."""
    text = "姓名,昵称,地块,楼栋,单元,门牌,年龄段,出生年份,电话,同意\r\n" \
           "张伟,张先生,1,5,2,1203,成人,1980,13800000000,是\r\n"
    return send_file(io.BytesIO(("\ufeff" + text).encode("utf-8")), mimetype="text/csv",
                     as_attachment=True, download_name="residents-template.csv")


@bp.route("/households/<int:household_id>")
@roles(*READERS)
def household(household_id: int):
    """A household and everyone registered in it."""
    item = db().get(Household, household_id)
    if item is None:
        abort(404)
    with_card = queries.active_card_ids(db(), [r.id for r in item.residents])
    return render_template("residents/household.html", h=item, with_card=with_card,
                           lang=current_lang())
