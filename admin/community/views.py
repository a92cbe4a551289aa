"""小区设置: the first-run wizard, the site and its buildings, the household register import.

Admin role only: these pages decide what reach is measured against. Views parse input and call
:mod:`safezone.services.community` and :mod:`safezone.importing.register`; one commit per request.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from admin import uploads
from admin.audit import audit
from admin.db import db, discard_changes
from admin.i18n import bilingual, t
from admin.residents.forms import ImportForm
from admin.security import ADMINS, roles
from admin.state import now
from safezone.importing import (
    REGISTER_COLUMNS,
    ImportFileError,
    ImportRefused,
    apply_register,
    plan_register,
    read_table_bytes,
)
from safezone.models import Building
from safezone.services import community

bp = Blueprint("community", __name__, url_prefix="/community")

#: Register rows shown in full in the preview (errors are always all shown).
PREVIEW_ROWS = 20


def _int_field(name: str, default: int | None = None) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() else default


def _parse_layout(text: str) -> dict[int, list[int]]:
    """``1:1-6`` lines (or ``1号地块:1-6``) → {plot: buildings}; CommunityError when unreadable."""
    layout: dict[int, list[int]] = {}
    for line in text.replace("：", ":").splitlines():
        if not line.strip():
            continue
        plot, sep, numbers = line.partition(":")
        plot = plot.strip().removesuffix("号地块").removesuffix("地块").strip()
        if not sep or not plot.isdigit() or int(plot) < 1:
            raise community.CommunityError(
                f"无法识别“{line.strip()}”，每行写“地块号:楼栋号”，如 1:1-6 / "
                f"cannot read {line.strip()!r}; write one plot a line, e.g. 1:1-6"
            )
        layout.setdefault(int(plot), []).extend(community.parse_building_numbers(numbers))
    if not layout:
        raise community.CommunityError("请至少填写一个地块 / enter at least one plot")
    return layout


def _page(**extra: object):
    site = community.the_site(db())
    rows = community.layout(db(), site) if site is not None else []
    return render_template(
        "community/index.html", site=site, rows=rows,
        households=sum(r.households for r in rows), form=request.form, **extra,
    )


@bp.route("/", methods=["GET", "POST"])
@roles(*ADMINS)
def index():
    """The site and its buildings; before set-up, the first-run wizard (POST creates both)."""
    if request.method == "POST":
        if community.the_site(db()) is not None:
            abort(409)
        name = request.form.get("name", "").strip()
        target = _int_field("household_target", 0) or 0
        try:
            layout = _parse_layout(request.form.get("layout", ""))
            site = community.ensure_site(db(), name[:100], target)
            community.ensure_buildings(db(), site, layout, units=_int_field("units", 0) or 0)
        except community.CommunityError as exc:
            discard_changes()
            return _page(error=bilingual(str(exc))), 422
        audit("community.setup", target_type="site", target_id=site.id,
              details={"plots": len(layout), "buildings": sum(len(v) for v in layout.values()),
                       "household_target": target})
        flash(t("community.created", name=site.name), "success")
        return redirect(url_for("community.register"))
    return _page()


@bp.route("/site", methods=["POST"])
@roles(*ADMINS)
def site():
    """Change the site's name and household target."""
    item = community.the_site(db())
    if item is None:
        return redirect(url_for("community.index"))
    name = request.form.get("name", "").strip()[:100]
    target = _int_field("household_target")
    if not name or target is None:
        return _page(error=t("community.site_invalid")), 422
    before = {"name": item.name, "household_target": item.household_target}
    item.name = name
    item.name_en = request.form.get("name_en", "").strip()[:100] or None
    item.household_target = target
    changed = sorted(k for k, v in before.items() if getattr(item, k) != v)
    if changed:
        audit("community.site_update", target_type="site", target_id=item.id,
              details={"fields": changed, "household_target": target})
    flash(t("saved"), "success")
    return redirect(url_for("community.index"))


@bp.route("/buildings", methods=["POST"])
@roles(*ADMINS)
def add_buildings():
    """Add buildings to a plot (the plot is created when new)."""
    item = community.the_site(db())
    if item is None:
        return redirect(url_for("community.index"))
    plot = _int_field("plot")
    try:
        if plot is None or plot < 1:
            raise community.CommunityError(
                "请填写地块号（从 1 开始） / enter the plot number (from 1)")
        numbers = community.parse_building_numbers(request.form.get("buildings", ""))
        community.ensure_buildings(db(), item, {plot: numbers}, units=_int_field("units", 0) or 0)
    except community.CommunityError as exc:
        discard_changes()
        return _page(error=bilingual(str(exc))), 422
    audit("community.buildings_add", target_type="site", target_id=item.id,
          details={"plot": plot, "buildings": numbers})
    flash(t("saved"), "success")
    return redirect(url_for("community.index"))


def _building_or_404(building_id: int) -> Building:
    building = db().get(Building, building_id)
    if building is None:
        abort(404)
    return building


@bp.route("/buildings/<int:building_id>/units", methods=["POST"])
@roles(*ADMINS)
def set_units(building_id: int):
    """Set the number of units (单元) of a building."""
    building = _building_or_404(building_id)
    units = _int_field("units")
    try:
        if units is None:
            raise community.CommunityError("单元数应在 0–99 之间 / the number of units must be 0-99")
        community.set_building_units(db(), building, units)
    except community.CommunityError as exc:
        discard_changes()
        return _page(error=bilingual(str(exc))), 422
    audit("community.units", target_type="building", target_id=building.id, details={"units": units})
    flash(t("saved"), "success")
    return redirect(url_for("community.index"))


@bp.route("/buildings/<int:building_id>/delete", methods=["POST"])
@roles(*ADMINS)
def delete_building(building_id: int):
    """Remove a building set up by mistake (only while it has no households)."""
    building = _building_or_404(building_id)
    label = building.label
    try:
        community.delete_building(db(), building)
    except community.CommunityError as exc:
        discard_changes()
        return _page(error=bilingual(str(exc))), 409
    audit("community.building_delete", target_type="building", target_id=building_id,
          details={"label": label})
    flash(t("community.building_deleted", label=label), "success")
    return redirect(url_for("community.index"))


# --------------------------------------------------------------------------------------------
# household register: upload → preview (every row checked, nothing written) → confirm


@bp.route("/register", methods=["GET", "POST"])
@roles(*ADMINS)
def register():
    """Upload the household register (CSV/XLSX) and see the preview with every row's problems."""
    if community.the_site(db()) is None:
        return redirect(url_for("community.index"))
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or secure_filename(upload.filename or "") or "register.csv"
        data = upload.read()
        try:
            plan = plan_register(db(), read_table_bytes(data, name, REGISTER_COLUMNS))
        except (ImportFileError, ImportRefused) as exc:
            form.file.errors.append(bilingual(str(exc)))
            return render_template("community/register.html", form=form)
        uploads.stash("register", data, name)
        return render_template(
            "community/register_preview.html", plan=plan, preview=plan.new[:PREVIEW_ROWS],
            errors=[(e.row, e.field, bilingual(e.message)) for e in plan.errors],
        )
    return render_template("community/register.html", form=form)


@bp.route("/register/confirm", methods=["POST"])
@roles(*ADMINS)
def register_confirm():
    """Write the previewed register — re-checked now, and only if every row is valid."""
    pending = uploads.pending("register")
    if pending is None:
        flash(t("import.expired"), "error")
        return redirect(url_for("community.register"))
    path, name = pending
    try:
        plan = plan_register(db(), read_table_bytes(path.read_bytes(), name, REGISTER_COLUMNS))
        created = apply_register(db(), plan, now=now(), actor_label=current_user.label,
                                 actor_id=current_user.id)
    except (ImportFileError, ImportRefused) as exc:
        discard_changes()
        flash(bilingual(str(exc)), "error")
        return redirect(url_for("community.register"))
    finally:
        uploads.drop("register")
    flash(t("community.register_done", n=created, unchanged=plan.unchanged), "success")
    return redirect(url_for("residents.import_upload"))


@bp.route("/register/template.csv")
@roles(*ADMINS)
def register_template():
    """A CSV with the register's headers and example rows (UTF-8 with BOM for Excel)."""
    text = "地块,楼栋,单元,门牌\r\n1,5,1,101\r\n1,5,1,102\r\n1,5,2,101\r\n"
    return send_file(io.BytesIO(("\ufeff" + text).encode("utf-8")), mimetype="text/csv",
                     as_attachment=True, download_name="household-register-template.csv")
