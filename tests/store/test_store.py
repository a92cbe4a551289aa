"""The points store: items, redemption with stock and balance checks, nothing half-written."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.models import AuditEntry, PointsEntry, PointsReason, Redemption, Resident, StoreItem
from safezone.services import points, store
from safezone.services.store import InsufficientPoints, ItemInvalid, ItemUnavailable, OutOfStock


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_redeem_takes_points_and_stock_and_links_the_ledger(
    db: Session, now: datetime, resident: Resident, item: StoreItem
) -> None:
    redemption = store.redeem_item(db, item, resident, operator_id=None, now=now)
    entry = db.get(PointsEntry, redemption.points_entry_id)
    assert entry is not None
    assert (entry.amount, entry.reason, entry.source_id) == (-30, PointsReason.REDEEM, str(redemption.id))
    assert points.balance(db, resident.id) == 20
    assert item.stock == 1
    assert redemption.price_points == 30
    assert store.redemptions(db, resident_id=resident.id) == [redemption]
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "store.redeem"))
    assert audit is not None and audit.details["item"] == "灭火毯"


def test_insufficient_points_writes_nothing(
    db: Session, now: datetime, resident: Resident, item: StoreItem
) -> None:
    store.redeem_item(db, item, resident, operator_id=None, now=now)  # 50 -> 20
    ledger_before = _count(db, PointsEntry)
    with pytest.raises(InsufficientPoints) as caught:
        store.redeem_item(db, item, resident, operator_id=None, now=now)
    assert caught.value.message("en") == (
        "Not enough points: 'Fire blanket' costs 30, the balance is 20 (10 short)")
    assert caught.value.message() == "积分不足：兑换“灭火毯”需要 30 分，当前 20 分，还差 10 分"
    db.refresh(item)
    assert item.stock == 1  # the stock decrement was rolled back with the savepoint
    assert _count(db, PointsEntry) == ledger_before
    assert _count(db, Redemption) == 1
    assert points.balance(db, resident.id) == 20


def test_out_of_stock_writes_nothing(
    db: Session, now: datetime, resident: Resident
) -> None:
    points.add_entry(db, resident.id, 100, PointsReason.CHECKIN, now=now)
    torch = store.create_item(db, name="手电筒", price_points=10, stock=1, now=now)
    store.redeem_item(db, torch, resident, operator_id=None, now=now)
    with pytest.raises(OutOfStock) as caught:
        store.redeem_item(db, torch, resident, operator_id=None, now=now)
    assert caught.value.message() == "“手电筒”已兑完，暂无库存"
    assert caught.value.message("en") == "'手电筒' is out of stock"
    assert torch.stock == 0
    assert points.balance(db, resident.id) == 140
    assert _count(db, Redemption) == 1


def test_inactive_item_cannot_be_redeemed(
    db: Session, now: datetime, resident: Resident, item: StoreItem
) -> None:
    store.update_item(db, item, now=now, active=False)
    with pytest.raises(ItemUnavailable, match="no longer offered"):
        store.redeem_item(db, item, resident, operator_id=None, now=now)
    assert store.list_items(db) == []
    assert store.list_items(db, include_inactive=True) == [item]
    assert points.balance(db, resident.id) == 50


@pytest.mark.parametrize(
    ("fields", "field", "english"),
    [
        ({"name": " "}, "name", "Please enter the item's name"),
        ({"name": "长" * 81}, "name", "at most 80 characters"),
        ({"price_points": 0}, "price_points", "at least 1"),
        ({"price_points": 2.5}, "price_points", "whole number"),
        ({"stock": -1}, "stock", "0 or more"),
        ({"name": "灭火毯"}, "name", "already exists"),
    ],
)
def test_invalid_items_are_refused(
    db: Session, now: datetime, item: StoreItem, fields: dict, field: str, english: str
) -> None:
    values = {"name": "大米", "price_points": 20, "stock": 5, **fields}
    with pytest.raises(ItemInvalid) as caught:
        store.create_item(db, now=now, **values)
    assert caught.value.field == field
    assert english in caught.value.message("en")
    assert _count(db, StoreItem) == 1


def test_update_item_records_old_and_new_values(db: Session, now: datetime, item: StoreItem) -> None:
    store.update_item(db, item, now=now, stock=10, price_points=25)
    assert (item.stock, item.price_points) == (10, 25)
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "store.item_update"))
    assert audit is not None and audit.details["changes"] == {"price_points": [30, 25], "stock": [2, 10]}
    with pytest.raises(ItemInvalid, match="cannot be changed"):
        store.update_item(db, item, now=now, id=99)
    with pytest.raises(ItemInvalid, match="0 or more"):
        store.update_item(db, item, now=now, stock=-3)
    assert item.stock == 10
