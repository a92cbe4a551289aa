"""The points store (积分超市): items, redeeming for a resident, the ledger per resident."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admin.db import db, discard_changes
from admin.i18n import current_lang, t
from admin.params import MAX_ID, record_id, whole_number
from admin.residents import queries as resident_queries
from admin.security import EDITORS, READERS, roles
from admin.state import now
from safezone.cards import service as cards
from safezone.models import Resident, StoreItem
from safezone.services import points, store

bp = Blueprint("store", __name__, url_prefix="/store")


def _int(text: str) -> int | None:
    return whole_number(text, low=0, high=MAX_ID)


@bp.route("/")
@roles(*READERS)
def index():
    """Items, the chosen resident's balance and ledger, recent redemptions."""
    session = db()
    resident = None
    resident_id = record_id(request.args.get("resident", ""))
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        if resident is not None and resident.anonymised_at is not None:
            resident = None
    find = request.args.get("find", "").strip()[:64]
    found = resident_queries.search(session, resident_queries.ResidentFilter(q=find), 1)[0][:10] if find else []
    return render_template(
        "store/index.html",
        items=store.list_items(session, include_inactive=current_user.can(*EDITORS)),
        resident=resident, find=find, found=found,
        balance=points.balance(session, resident.id) if resident else None,
        ledger=points.ledger(session, resident.id, limit=30) if resident else [],
        recent=store.redemptions(session, resident_id=resident.id if resident else None, limit=15),
    )


@bp.route("/lookup", methods=["POST"])
@roles(*EDITORS)
def lookup():
    """Find the resident by a scanned card (POST, so the code never lands in a URL or log)."""
    check = cards.identify(db(), request.form.get("code", ""))
    if not check.ok:
        flash(check.message(current_lang()), "error")
        return redirect(url_for("store.index"))
    return redirect(url_for("store.index", resident=check.resident.id))


@bp.route("/redeem", methods=["POST"])
@roles(*EDITORS)
def redeem():
    """Redeem one item for a resident; the balance and stock are checked by the service."""
    item = db().get(StoreItem, _int(request.form.get("item_id", "")) or 0)
    resident = db().get(Resident, _int(request.form.get("resident_id", "")) or 0)
    if item is None or resident is None or resident.anonymised_at is not None:
        abort(404)
    try:
        store.redeem_item(db(), item, resident, operator_id=current_user.id, now=now(),
                          actor_label=current_user.label)
    except store.StoreError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("store.redeemed", item=item.name, name=resident.nickname), "success")
    return redirect(url_for("store.index", resident=resident.id))


def _item_values() -> tuple[dict[str, object], str | None]:
    price = _int(request.form.get("price_points", ""))
    stock = _int(request.form.get("stock", ""))
    if price is None or stock is None:
        return {}, "err.number"
    return {
        "name": request.form.get("name", "").strip(),
        "name_en": request.form.get("name_en", "").strip() or None,
        "price_points": price, "stock": stock,
        "active": request.form.get("active", "1") == "1",
    }, None


@bp.route("/items", methods=["POST"])
@roles(*EDITORS)
def create_item():
    """Put a new item in the store."""
    values, error = _item_values()
    if error:
        flash(t(error), "error")
        return redirect(url_for("store.index"))
    try:
        store.create_item(db(), now=now(), actor_id=current_user.id, actor_label=current_user.label, **values)
    except store.StoreError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("store.index"))


@bp.route("/items/<int:item_id>", methods=["POST"])
@roles(*EDITORS)
def update_item(item_id: int):
    """Change an item's price, stock, names or whether it is offered."""
    item = db().get(StoreItem, item_id)
    if item is None:
        abort(404)
    values, error = _item_values()
    if error:
        flash(t(error), "error")
        return redirect(url_for("store.index"))
    try:
        store.update_item(db(), item, now=now(), actor_id=current_user.id, actor_label=current_user.label, **values)
    except store.StoreError as exc:
        discard_changes()
        flash(exc.message(current_lang()), "error")
    else:
        flash(t("saved"), "success")
    return redirect(url_for("store.index"))
