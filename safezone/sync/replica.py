"""Kiosk side: apply what was pulled to the local SQLite replica (same schema as the server).

Roster rows are upserted by their server ids (residents get placeholder flats: the kiosk never
stores who lives where, only the building); a delta of changes is merged, a full snapshot
replaces (a card it does not list stops working). Balances: the replica's ledger holds one
``sync:baseline`` adjustment per resident so that the local sum equals the server's balance plus
what this kiosk has written and not yet had acknowledged; a delta refreshes the baselines of
the residents it lists (the only server balances that changed: an entry this kiosk pushed
changes its resident's server balance, so the next delta lists that resident). Content packs
are written to a new folder, checked, renamed into place and switched to with an atomic
symlink swap.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from safezone.content.loader import CONTENT_SUFFIXES, load_content
from safezone.db.base import table_of
from safezone.models import (
    AgeGroup,
    Building,
    Card,
    CardStatus,
    Household,
    Plot,
    PointsEntry,
    PointsReason,
    Resident,
    RoadshowEvent,
    RoadshowStatus,
    Site,
)
from safezone.sync import outbox
from safezone.sync.models import RosterChange
from safezone.sync.outbox import BASELINE_SOURCE
from safezone.sync.schemas import (
    BuildingOut,
    CardOut,
    ContentPack,
    PlotOut,
    ResidentOut,
    RoadshowList,
    Roster,
    RosterChanges,
    SiteOut,
)

#: Fixed namespace for the ids of baseline ledger entries (one per resident, same on every run).
_BASELINE_NS = uuid.UUID("7f1c3c1e-5a0b-4c2e-9a51-7b1f1e0c5a10")
#: Baselines are dated long ago so "points since ..." rankings do not count them.
_BASELINE_TIME = datetime(2000, 1, 1, tzinfo=UTC)
CURRENT_LINK = "current"


class ContentPackRejected(Exception):
    """A pulled content pack was not installed (bad path, wrong hash, invalid content); the
    kiosk keeps playing its current pack."""


@dataclass(frozen=True)
class RosterCounts:
    """What applying a roster changed."""

    residents: int
    cards: int
    revoked_cards: int
    balances: int


def baseline_id(resident_id: int) -> uuid.UUID:
    """Id of the resident's baseline ledger entry in a replica."""
    return uuid.uuid5(_BASELINE_NS, f"baseline:{resident_id}")


def _upsert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = sqlite.insert(table)
    columns = [c for c in rows[0] if c != "id"]
    stmt = stmt.on_conflict_do_update(index_elements=["id"],
                                      set_={c: stmt.excluded[c] for c in columns})
    for start in range(0, len(rows), 2000):
        session.connection().execute(stmt, rows[start : start + 2000])


def apply_roster(session: Session, roster: Roster) -> RosterCounts:
    """Replace the replica's roster with the whole ``roster`` (from a server without roster
    changes): like a full :class:`RosterChanges`. Flushed, not committed."""
    return _apply(session, sites=roster.sites, plots=roster.plots, buildings=roster.buildings,
                  residents=roster.residents, cards=roster.cards, removed_cards=(), full=True)


def apply_roster_changes(session: Session, changes: RosterChanges) -> RosterCounts:
    """Apply pulled roster changes: merge a delta, or replace everything with a full snapshot
    (then a card the snapshot does not list stops working here). Balances are refreshed for the
    residents listed (all of them for a snapshot), keeping this kiosk's unsent points on top.
    Flushed, not committed: the caller commits it with the new cursor, in one transaction."""
    return _apply(session, sites=changes.sites, plots=changes.plots,
                  buildings=changes.buildings, residents=changes.residents, cards=changes.cards,
                  removed_cards=changes.removed_cards, full=changes.full)


def _apply(session: Session, *, sites: Sequence[SiteOut], plots: Sequence[PlotOut],
           buildings: Sequence[BuildingOut], residents: Sequence[ResidentOut],
           cards: Sequence[CardOut], removed_cards: Sequence[int], full: bool) -> RosterCounts:
    _stop_change_log(session)
    _upsert(session, table_of(Site), [
        {"id": s.id, "name": s.name, "name_en": s.name_en, "household_target": s.household_target}
        for s in sites])
    _upsert(session, table_of(Plot), [
        {"id": p.id, "site_id": p.site_id, "number": p.number} for p in plots])
    _upsert(session, table_of(Building), [
        {"id": b.id, "plot_id": b.plot_id, "number": b.number} for b in buildings])
    households = {r.household_id: r.building_id for r in residents}
    _upsert(session, table_of(Household), [
        # Placeholder flat: unique per household, tells nothing about where anyone lives.
        {"id": hid, "building_id": bid, "unit": 0, "room": f"#{hid}", "created_at": _BASELINE_TIME}
        for hid, bid in sorted(households.items())])
    _upsert(session, table_of(Resident), [
        {"id": r.id, "household_id": r.household_id, "full_name": None, "nickname": r.nickname,
         "age_group": AgeGroup(r.age_group), "birth_year": None, "phone": None,
         "consent": r.consent, "consent_at": None,
         "anonymised_at": _BASELINE_TIME if r.anonymised else None,
         "created_at": _BASELINE_TIME}
        for r in residents])
    _upsert(session, table_of(Card), [
        {"id": c.id, "resident_id": c.resident_id, "code_hash": c.code_hash,
         "status": CardStatus(c.status), "issued_at": _BASELINE_TIME, "revoked_at": c.revoked_at,
         "revoked_reason": "revoked on the server" if c.status == "revoked" else None}
        for c in cards])
    if full:
        listed = {c.id for c in cards}
        unknown = [cid for cid in session.scalars(
            select(Card.id).where(Card.status == CardStatus.ACTIVE)) if cid not in listed]
    else:
        unknown = list(removed_cards)
    _revoke_unknown(session, unknown)
    balances = _apply_balances(session, {r.id: r.balance for r in residents},
                               everyone=full)
    session.flush()
    return RosterCounts(residents=len(residents), cards=len(cards),
                        revoked_cards=sum(c.status == "revoked" for c in cards) + len(unknown),
                        balances=balances)


def _stop_change_log(session: Session) -> None:
    """Drop the server's roster change-log triggers (migration 0007) from this replica and
    empty the log: a kiosk serves no roster, and logging every applied row would double the
    cost of a full apply."""
    connection = session.connection()
    names = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name GLOB 'roster_change_*'"
    ).scalars().all()
    for name in names:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    if names:
        connection.execute(delete(RosterChange))


def _revoke_unknown(session: Session, card_ids: Sequence[int]) -> None:
    """Stop cards the server no longer lists from working here."""
    for start in range(0, len(card_ids), 5000):
        session.execute(
            update(Card).where(Card.id.in_(card_ids[start : start + 5000]),
                               Card.status == CardStatus.ACTIVE)
            .values(status=CardStatus.REVOKED, revoked_reason="unknown to the server")
            .execution_options(synchronize_session=False))


def _apply_balances(session: Session, server: dict[int, int], *, everyone: bool = True) -> int:
    """Set each resident's baseline so the local ledger sums to the server balance plus the
    entries still waiting in the outbox (parked ones, refused by the server, excepted). ``everyone`` False reads only the ledger lines of
    the residents in ``server`` (a delta). Returns how many baselines changed."""
    pending = outbox.unsettled_points(session)
    ids = sorted(server)
    groups: list[Sequence[int] | None] = (
        [None] if everyone else [ids[i : i + 5000] for i in range(0, len(ids), 5000)])
    acknowledged: dict[int, int] = {}
    current: dict[int, int] = {}
    for group in groups:
        mine = (PointsEntry.resident_id.in_(group),) if group is not None else ()
        acknowledged.update(session.execute(
            select(PointsEntry.resident_id, func.sum(PointsEntry.amount))
            .where(PointsEntry.source_id.is_distinct_from(BASELINE_SOURCE),
                   PointsEntry.id.not_in(pending), *mine)
            .group_by(PointsEntry.resident_id)
        ).all())
        current.update(session.execute(
            select(PointsEntry.resident_id, PointsEntry.amount)
            .where(PointsEntry.source_id == BASELINE_SOURCE, *mine)
        ).all())
    rows = []
    for resident_id, balance in server.items():
        amount = balance - int(acknowledged.get(resident_id) or 0)
        if (current[resident_id] == amount) if resident_id in current else amount == 0:
            continue
        rows.append({"id": baseline_id(resident_id), "resident_id": resident_id,
                     "amount": amount, "reason": PointsReason.ADJUST, "source_id": BASELINE_SOURCE,
                     "operator_id": None, "kiosk_id": None,
                     "note": "服务器余额 / balance from the server", "created_at": _BASELINE_TIME})
    _upsert(session, table_of(PointsEntry), rows)
    return len(rows)


def apply_roadshows(session: Session, roadshows: RoadshowList) -> int:
    """Upsert the pulled roadshows (cancellations included). Flushed, not committed."""
    _upsert(session, table_of(RoadshowEvent), [
        {"id": e.id, "title": e.title, "title_en": e.title_en, "topics": list(e.topics),
         "place": e.place, "starts_at": e.starts_at, "ends_at": e.ends_at, "capacity": e.capacity,
         "staff_id": None, "description": e.description, "status": RoadshowStatus(e.status),
         "checkin_points": e.checkin_points, "created_at": _BASELINE_TIME}
        for e in roadshows.roadshows])
    session.flush()
    return len(roadshows.roadshows)


def current_pack_version(packs_dir: Path) -> str | None:
    """Version of the content pack the kiosk plays now, or None before the first pull."""
    link = Path(packs_dir) / CURRENT_LINK
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if (relative.is_absolute() or not relative.parts or ".." in relative.parts
            or any(part.startswith(".") for part in relative.parts)
            or relative.suffix.lower() not in CONTENT_SUFFIXES or "\\" in path):
        raise ContentPackRejected(f"unsafe content path in the pack: {path!r}")
    return relative


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def install_content_pack(pack: ContentPack, packs_dir: Path, *, assets_dir: Path | None = None,
                         keep: int = 2) -> Path:
    """Install ``pack`` under ``packs_dir`` and switch ``packs_dir/current`` to it atomically.

    The files are written to a hidden folder, checked (paths, hashes, the content loader),
    fsynced and renamed to ``packs_dir/<version>``; then a new symlink replaces ``current`` in
    one rename. A kill at any point leaves either the old or the new pack current, never a mix.
    Raises :class:`ContentPackRejected` (nothing switched) when the pack is not acceptable.
    """
    packs_dir = Path(packs_dir)
    packs_dir.mkdir(parents=True, exist_ok=True)
    if not pack.version.isalnum():
        raise ContentPackRejected(f"bad content pack version {pack.version!r}")
    final = packs_dir / pack.version
    if not final.is_dir():
        staging = packs_dir / f".incoming-{pack.version}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            for item in pack.files:
                relative = _safe_relative(item.path)
                data = item.text.encode("utf-8")
                if hashlib.sha256(data).hexdigest() != item.sha256:
                    raise ContentPackRejected(f"{item.path}: content does not match its hash")
                target = staging.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            if not pack.files:
                raise ContentPackRejected("the content pack has no files")
            result = load_content(staging, assets_dir)
            if not result.ok:
                first = result.problems[0]
                raise ContentPackRejected(
                    f"content pack {pack.version} has {len(result.problems)} problem(s), first: "
                    f"{first.path.name}:{first.line}: {first.message}")
            _fsync_dir(staging)
            os.rename(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    link = packs_dir / CURRENT_LINK
    temporary = packs_dir / f".{CURRENT_LINK}-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(pack.version, temporary)
    os.replace(temporary, link)
    _fsync_dir(packs_dir)
    _prune(packs_dir, pack.version, keep)
    return final


def _prune(packs_dir: Path, current: str, keep: int) -> None:
    """Remove old packs, keeping the current one and the newest ``keep - 1`` others."""
    others = sorted(
        (p for p in packs_dir.iterdir()
         if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and p.name != current),
        key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[max(0, keep - 1):]:
        shutil.rmtree(old, ignore_errors=True)
