"""The points store (积分超市): items priced in points, redeemed for a resident by staff.

A redemption is one all-or-nothing step: stock goes down by one, a negative ``redeem`` entry goes
into the points ledger, a :class:`Redemption` links the two, and the audit log records it. When
the item is out of stock or the balance is too low nothing at all is written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from safezone.db.base import new_uuid
from safezone.errors import SafezoneError, localized
from safezone.models import PointsReason, Redemption, Resident, StoreItem
from safezone.services import audit
from safezone.services.points import add_entry, balance

_MAX_NAME = 80
_EDITABLE = ("name", "name_en", "price_points", "stock", "active")


class StoreError(SafezoneError):
    """A refused store operation: a message key (``store.*``) and its values."""


class ItemInvalid(StoreError):
    """A store item field is missing or wrong; ``field`` names it for the form."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        super().__init__(key, **values)
        self.field = field


def _item_name(item: StoreItem) -> dict[str, str]:
    return localized(item.name, item.name_en)


class ItemUnavailable(StoreError):
    """The item was taken off the shelf (inactive)."""

    def __init__(self, item: StoreItem) -> None:
        super().__init__("store.unavailable", name=_item_name(item))


class OutOfStock(StoreError):
    """No pieces left."""

    def __init__(self, item: StoreItem) -> None:
        super().__init__("store.out_of_stock", name=_item_name(item))
        self.item = item


class InsufficientPoints(StoreError):
    """The resident's balance is below the price; carries both numbers."""

    def __init__(self, item: StoreItem, balance_now: int) -> None:
        super().__init__("store.insufficient_points", name=_item_name(item), price=item.price_points,
                         balance=balance_now, short=item.price_points - balance_now)
        self.price = item.price_points
        self.balance = balance_now


def _validate(values: dict[str, object]) -> None:
    name = str(values["name"] or "").strip()
    if not name:
        raise ItemInvalid("name", "store.name_missing")
    if len(name) > _MAX_NAME or len(str(values.get("name_en") or "")) > _MAX_NAME:
        raise ItemInvalid("name", "store.name_too_long", limit=_MAX_NAME)
    price = values["price_points"]
    if not isinstance(price, int) or isinstance(price, bool) or price < 1:
        raise ItemInvalid("price_points", "store.price_invalid")
    stock = values["stock"]
    if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
        raise ItemInvalid("stock", "store.stock_invalid")


def _name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    query = select(StoreItem.id).where(StoreItem.name == name)
    if except_id is not None:
        query = query.where(StoreItem.id != except_id)
    return session.scalar(query) is not None


def create_item(
    session: Session, *, name: str, price_points: int, stock: int, now: datetime,
    name_en: str | None = None, active: bool = True, actor_id: int | None = None,
    actor_label: str = "system",
) -> StoreItem:
    """Put an item in the store; audited as ``store.item_create``."""
    values: dict[str, object] = {"name": name, "name_en": name_en, "price_points": price_points,
                                 "stock": stock, "active": active}
    _validate(values)
    name = name.strip()
    if _name_taken(session, name):
        raise ItemInvalid("name", "store.name_taken", name=name)
    item = StoreItem(name=name, name_en=(name_en or "").strip() or None, price_points=price_points,
                     stock=stock, active=active, created_at=now)
    session.add(item)
    session.flush()
    audit.record(session, action="store.item_create", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="store_item", target_id=item.id,
                 details={"name": item.name, "price_points": price_points, "stock": stock})
    return item


def update_item(
    session: Session, item: StoreItem, *, now: datetime, actor_id: int | None = None,
    actor_label: str = "system", **changes: object,
) -> StoreItem:
    """Change name, English name, price, stock or the active flag; audited with old and new
    values."""
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ItemInvalid(unknown[0], "store.field_readonly", column=unknown[0])
    merged = {name: changes.get(name, getattr(item, name)) for name in _EDITABLE}
    _validate(merged)
    merged["name"] = str(merged["name"]).strip()
    if _name_taken(session, str(merged["name"]), except_id=item.id):
        raise ItemInvalid("name", "store.name_taken", name=merged["name"])
    diff = {k: [getattr(item, k), v] for k, v in merged.items() if getattr(item, k) != v}
    for name, (_old, new) in diff.items():
        setattr(item, name, new)
    session.flush()
    audit.record(session, action="store.item_update", actor_label=actor_label, actor_id=actor_id,
                 now=now, target_type="store_item", target_id=item.id, details={"changes": diff})
    return item


def list_items(session: Session, *, include_inactive: bool = False) -> list[StoreItem]:
    """Store items by name (active ones only unless asked)."""
    query = select(StoreItem).order_by(StoreItem.name)
    if not include_inactive:
        query = query.where(StoreItem.active.is_(True))
    return list(session.scalars(query))


def redeem_item(
    session: Session, item: StoreItem, resident: Resident, *, operator_id: int | None,
    now: datetime, actor_label: str | None = None,
) -> Redemption:
    """Hand one ``item`` to ``resident`` for its price in points.

    Raises :class:`ItemUnavailable`, :class:`OutOfStock` or :class:`InsufficientPoints`; in every
    such case nothing is written.
    """
    if not item.active:
        raise ItemUnavailable(item)
    if session.get_bind().dialect.name == "postgresql":
        # Serialise redemptions of one resident so two counters cannot spend the same points.
        session.execute(select(Resident.id).where(Resident.id == resident.id).with_for_update())
    with session.begin_nested():
        # The conditional decrement is the stock check: it cannot oversell under concurrency, and
        # on SQLite it takes the write lock before the balance is read.
        result = session.execute(
            update(StoreItem).where(StoreItem.id == item.id, StoreItem.stock >= 1)
            .values(stock=StoreItem.stock - 1).execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)  # an UPDATE always answers with a cursor result
        taken = result.rowcount
        if taken != 1:
            session.refresh(item)
            raise OutOfStock(item)
        have = balance(session, resident.id)
        if have < item.price_points:
            raise InsufficientPoints(item, have)
        # The id is made first so the append-only ledger line can name its source when written.
        redemption_id = new_uuid()
        entry = add_entry(session, resident.id, -item.price_points, PointsReason.REDEEM, now=now,
                          source_id=str(redemption_id), operator_id=operator_id,
                          note=f"兑换 {item.name}"[:200])
        redemption = Redemption(id=redemption_id, item_id=item.id, resident_id=resident.id,
                                points_entry_id=entry.id, price_points=item.price_points,
                                operator_id=operator_id, created_at=now)
        session.add(redemption)
        session.flush()
    session.refresh(item)
    audit.record(session, action="store.redeem",
                 actor_label=actor_label or (f"staff:{operator_id}" if operator_id else "system"),
                 actor_id=operator_id, now=now, target_type="resident", target_id=resident.id,
                 details={"item_id": item.id, "item": item.name, "price_points": item.price_points,
                          "redemption_id": str(redemption.id)})
    return redemption


def redemptions(session: Session, *, resident_id: int | None = None, limit: int = 100) -> list[Redemption]:
    """Latest redemptions, newest first, optionally for one resident."""
    query = select(Redemption).order_by(Redemption.created_at.desc(), Redemption.id.desc()).limit(limit)
    if resident_id is not None:
        query = query.where(Redemption.resident_id == resident_id)
    return list(session.scalars(query))
