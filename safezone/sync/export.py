"""Server side of pull: the roster, the content pack and upcoming roadshows for kiosks.

The roster carries what a kiosk needs to recognise a card and greet its holder — card hashes,
nickname, building, balance, revocations — and nothing more (no full names, phones or flats).
The content pack has a version (a hash of its files) so an unchanged one costs a 304.

**Incremental roster.** A district roster is 70,000 residents and cards, and balances change
with every play anywhere, so kiosks pull only what changed (:func:`roster_changes`) since a
*cursor* the server handed them last time. Database triggers (migration 0007) add a
:class:`~safezone.sync.models.RosterChange` row in the same transaction as every
roster-visible write — whichever code makes it — naming the resident or card (a points entry
names its resident; a household moving names its residents) or ``structure``.

Cursors must not skip a change committed late: ids, ``seq`` numbers and timestamps are
assigned when a row is written, not when it commits, so "everything after the largest one I
saw" loses a transaction that wrote first and committed after the cursor was read. Each row
therefore has a *position* ordered so that a cursor can bound what its reader could not see:

* PostgreSQL: the position is the writing transaction's id (``pg_current_xact_id()``). A
  cursor is the ``xmin`` of a snapshot taken before anything else is read: every transaction
  with a smaller id had finished by then, so any change that snapshot (or a later one) did not
  see has a position at or above the cursor. ``position >= cursor`` re-sends the changes of
  transactions still running at that instant (idempotent: the kiosk gets current states),
  and never misses one.

  Transaction ids and snapshots are *cluster-wide*: a transaction that has written something
  (has an id) in *another* database of the same cluster holds the cursor back as well, and the
  next delta re-sends everything changed since it began. That is a deliberate trade-off:
  deltas get bigger, never wrong (a read-only transaction, ``pg_dump`` say, has no id and holds
  nothing back). Limiting the cursor to this database's transactions would need to know which
  running ids are ours, and nothing tells that consistently with a snapshot:
  ``pg_stat_activity`` is read at another instant than the snapshot (and cached for the rest
  of the transaction), so an id assigned in between is not listed; a prepared transaction has
  no backend at all; and a row's ``datname`` and ``backend_xid`` are copied at different
  moments. Only dropping ids *positively seen* in another database could be sound, and the
  argument for it rests on PostgreSQL internals no documentation promises, so the cursor
  stays the plain ``xmin``. Where that costs too much, give the roster its own cluster.
* SQLite: writers are serialised by the database lock, so ``seq`` is in commit order; the
  cursor is one past the largest ``seq`` ever handed out, read in the same snapshot.

A cursor also names its log (:class:`~safezone.sync.models.RosterLog`), so one from another
database is recognised; one below the log's ``pruned_below`` (rows were pruned after
:data:`ROSTER_CHANGE_RETENTION`) or ahead of the database gets a full snapshot instead. The
legacy ``GET /api/v1/roster`` uses the same cursor as its version, so its 304 costs two
indexed queries too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, CursorResult, delete, func, select, text
from sqlalchemy.orm import Session

from safezone.content.loader import CONTENT_SUFFIXES
from safezone.models import (
    Building,
    Card,
    Household,
    Plot,
    PointsEntry,
    Resident,
    RoadshowEvent,
    Site,
)
from safezone.services.localtime import require_aware
from safezone.sync.models import RosterChange, RosterLog
from safezone.sync.schemas import (
    BuildingOut,
    CardOut,
    ContentFile,
    ContentPack,
    PlotOut,
    ResidentOut,
    RoadshowList,
    RoadshowOut,
    Roster,
    RosterChanges,
    SiteOut,
)

#: Most roadshows sent to a kiosk.
ROADSHOW_LIMIT = 50
#: How long roster changes are kept: a kiosk whose cursor is older gets a full snapshot.
ROSTER_CHANGE_RETENTION = timedelta(days=30)
#: Pruning waits until the oldest change is this much past the retention, so that it runs about
#: once a day rather than on every request.
PRUNE_SLACK = timedelta(days=1)
#: Ids per ``IN (...)`` list (well under SQLite's limit of bound parameters).
_CHUNK = 5000


class ContentPackError(Exception):
    """The server's content folder cannot be packed; the message names the file."""


def _digest(payload: object) -> str:
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


# -- cursors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterCursor:
    """Where a kiosk's roster stands: the change log it came from and a position in it."""

    log_id: str
    position: int

    def __str__(self) -> str:
        return f"{self.log_id}.{self.position}"

    @classmethod
    def parse(cls, value: str | None) -> RosterCursor | None:
        """The cursor in ``value``, or None when it is not one (missing, an old content-hash
        version, garbage): the caller then sends a full snapshot."""
        if not value:
            return None
        log_id, _, position = value.partition(".")
        # At most 18 digits: any real position, and always a 64-bit integer for the database.
        if not (log_id.isalnum() and log_id.isascii() and position.isdigit()
                and position.isascii() and len(position) <= 18):
            return None
        return cls(log_id, int(position))


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _position_column(session: Session) -> ColumnElement[int]:
    column = RosterChange.txid if _is_postgresql(session) else RosterChange.seq
    return column  # type: ignore[return-value]


def _positions(session: Session) -> tuple[int, int]:
    """(position now, highest position a cursor may have). Read FIRST: every change this
    request does not see has a position at or above the first number (see the module)."""
    if _is_postgresql(session):
        low, high = session.execute(text(
            "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
            "FROM pg_current_snapshot() AS s")).one()
        return int(low), int(high)
    # sqlite_sequence keeps the largest seq ever handed out, even after pruning emptied the log.
    last = session.scalar(text(
        "SELECT seq FROM sqlite_sequence WHERE name = 'roster_change'")) or 0
    return int(last) + 1, int(last) + 1


def _log(session: Session) -> RosterLog:
    log = session.get(RosterLog, 1, populate_existing=True)
    if log is None:
        raise RuntimeError("the roster_log row is missing; run 'safezone init' to repair the "
                           "database (migration 0007 creates it)")
    return log


@dataclass(frozen=True)
class _Changed:
    residents: set[int]
    cards: set[int]
    structure: bool


def _changes_since(session: Session, cursor: RosterCursor | None,
                   upper: int) -> _Changed | None:
    """What changed at or after ``cursor``, or None when the cursor cannot be served (then the
    caller sends a full snapshot). The log row is read again after the changes: a pruning
    committed in between raises ``pruned_below`` above the cursor, never hides a row silently."""
    if cursor is None:
        return None

    def servable() -> bool:
        log = _log(session)
        return cursor.log_id == log.log_id and log.pruned_below <= cursor.position <= upper

    # Checked before reading the changes too, so a stranger's cursor costs no scan of the log.
    if not servable():
        return None
    rows = session.execute(
        select(RosterChange.kind, RosterChange.entity_id).distinct()
        .where(_position_column(session) >= cursor.position)).all()
    if not servable():
        return None
    return _Changed(residents={e for k, e in rows if k == "resident"},
                    cards={e for k, e in rows if k == "card"},
                    structure=any(k == "structure" for k, _ in rows))


# -- building the payloads ----------------------------------------------------------------------


def _structure(session: Session) -> tuple[list[SiteOut], list[PlotOut], list[BuildingOut]]:
    sites = [SiteOut(id=s.id, name=s.name, name_en=s.name_en, household_target=s.household_target)
             for s in session.scalars(select(Site).order_by(Site.id))]
    plots = [PlotOut(id=p.id, site_id=p.site_id, number=p.number)
             for p in session.scalars(select(Plot).order_by(Plot.id))]
    buildings = [BuildingOut(id=b.id, plot_id=b.plot_id, number=b.number)
                 for b in session.scalars(select(Building).order_by(Building.id))]
    return sites, plots, buildings


_RESIDENT_COLUMNS = (Resident.id, Resident.household_id, Household.building_id, Resident.nickname,
                     Resident.age_group, Resident.consent, Resident.anonymised_at)
_CARD_COLUMNS = (Card.id, Card.resident_id, Card.code_hash, Card.status, Card.revoked_at)


def _resident_out(row, balances: dict[int, int]) -> ResidentOut:
    rid, hid, bid, nick, age, consent, anonymised_at = row
    return ResidentOut(id=rid, household_id=hid, building_id=bid, nickname=nick,
                       age_group=age.value, consent=bool(consent),
                       anonymised=anonymised_at is not None, balance=int(balances.get(rid) or 0))


def _card_out(row) -> CardOut:
    cid, rid, code_hash, status, revoked_at = row
    return CardOut(id=cid, resident_id=rid, code_hash=code_hash, status=status.value,
                   revoked_at=revoked_at)


def _all_residents(session: Session) -> list[ResidentOut]:
    balances = dict(session.execute(
        select(PointsEntry.resident_id, func.sum(PointsEntry.amount))
        .group_by(PointsEntry.resident_id)
    ).all())
    return [_resident_out(row, balances) for row in session.execute(
        select(*_RESIDENT_COLUMNS).join(Household, Household.id == Resident.household_id)
        .order_by(Resident.id))]


def _some_residents(session: Session, ids: Iterable[int]) -> list[ResidentOut]:
    """The residents with these ids (those that exist), each with their balance."""
    residents: list[ResidentOut] = []
    for chunk in _chunks(sorted(ids)):
        balances = dict(session.execute(
            select(PointsEntry.resident_id, func.sum(PointsEntry.amount))
            .where(PointsEntry.resident_id.in_(chunk)).group_by(PointsEntry.resident_id)
        ).all())
        residents.extend(_resident_out(row, balances) for row in session.execute(
            select(*_RESIDENT_COLUMNS).join(Household, Household.id == Resident.household_id)
            .where(Resident.id.in_(chunk)).order_by(Resident.id)))
    return residents


def _all_cards(session: Session) -> list[CardOut]:
    return [_card_out(row) for row in session.execute(select(*_CARD_COLUMNS).order_by(Card.id))]


def _some_cards(session: Session, ids: Iterable[int]) -> list[CardOut]:
    cards: list[CardOut] = []
    for chunk in _chunks(sorted(ids)):
        cards.extend(_card_out(row) for row in session.execute(
            select(*_CARD_COLUMNS).where(Card.id.in_(chunk)).order_by(Card.id)))
    return cards


def build_roster(session: Session, *, now: datetime) -> Roster:
    """The whole roster as of now (``GET /api/v1/roster``): every site, plot, building,
    resident (with balance) and card. Its version is a cursor (see the module), so
    :func:`roster_unchanged` can tell a kiosk it is current without building anything."""
    require_aware(now)
    position, _ = _positions(session)
    cursor = RosterCursor(_log(session).log_id, position)
    sites, plots, buildings = _structure(session)
    return Roster(version=str(cursor), generated_at=now, sites=sites, plots=plots,
                  buildings=buildings, residents=_all_residents(session),
                  cards=_all_cards(session))


def roster_unchanged(session: Session, version: str) -> bool:
    """True when nothing in the roster changed since ``version`` (a version this server handed
    out with :func:`build_roster` and can still serve): two indexed queries, no roster built."""
    cursor = RosterCursor.parse(version)
    if cursor is None:
        return False
    _, upper = _positions(session)
    changed = _changes_since(session, cursor, upper)
    return changed is not None and not (changed.residents or changed.cards or changed.structure)


def roster_changes(session: Session, *, since: str | None, now: datetime,
                   allow_full: Callable[[], None] | None = None) -> RosterChanges:
    """The roster changes since the cursor ``since`` (``GET /api/v1/roster/changes``).

    Residents and cards that changed at or after the cursor (with the holders of those cards),
    every site, plot and building if any of them changed, cards the server no longer has, and
    a new cursor. Without a cursor, or with one this server cannot serve (another database,
    pruned, from the future), the whole roster with ``full`` set. When nothing changed the
    answer is empty but for the new cursor: two indexed queries, nothing built.
    ``allow_full`` is called before a whole roster is built and may raise to refuse it (the
    API's per-kiosk limit).
    """
    require_aware(now)
    position, upper = _positions(session)
    changed = _changes_since(session, RosterCursor.parse(since), upper)
    cursor = str(RosterCursor(_log(session).log_id, position))
    if changed is None:
        if allow_full is not None:
            allow_full()
        sites, plots, buildings = _structure(session)
        return RosterChanges(cursor=cursor, full=True, generated_at=now, sites=sites,
                             plots=plots, buildings=buildings,
                             residents=_all_residents(session), cards=_all_cards(session),
                             removed_cards=[])
    cards = _some_cards(session, changed.cards)
    # A card travels with its holder, so a delta never names a resident the kiosk lacks.
    residents = _some_residents(session, changed.residents | {c.resident_id for c in cards})
    sites, plots, buildings = _structure(session) if changed.structure else ([], [], [])
    removed = sorted(changed.cards - {c.id for c in cards})
    return RosterChanges(cursor=cursor, full=False, generated_at=now, sites=sites, plots=plots,
                         buildings=buildings, residents=residents, cards=cards,
                         removed_cards=removed)


def prune_roster_changes(session: Session, *, now: datetime,
                         keep: timedelta = ROSTER_CHANGE_RETENTION,
                         slack: timedelta = PRUNE_SLACK) -> int:
    """Delete roster changes older than ``keep`` once the oldest is ``slack`` past it (cheap
    when not due: one indexed query) and raise ``pruned_below`` above every deleted position,
    so the cursors that could have needed them get a full snapshot. Returns the rows deleted.
    Flushed, not committed; concurrent callers are serialised on the log row."""
    require_aware(now)
    cutoff = now - keep
    oldest = session.scalar(select(func.min(RosterChange.changed_at)))
    if oldest is None or oldest >= cutoff - slack:
        return 0
    # Lock the log row, then look again: another request may have pruned meanwhile.
    log = session.scalars(select(RosterLog).where(RosterLog.id == 1).with_for_update()
                          .execution_options(populate_existing=True)).one()
    column = _position_column(session)
    deleted = session.scalar(select(func.max(column)).where(RosterChange.changed_at < cutoff))
    if deleted is None:
        return 0
    # Bounded by the position just read: a row committed in between stays for next time.
    result = session.execute(
        delete(RosterChange).where(RosterChange.changed_at < cutoff, column <= deleted)
        .execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)  # a DELETE always answers with a cursor result
    count = result.rowcount
    # Rows below a *kept* position may be gone too (positions are not in time order): only a
    # cursor above every deleted position is still complete.
    log.pruned_below = max(log.pruned_below, int(deleted) + 1)
    session.flush()
    return count


def upcoming_roadshows(session: Session, *, now: datetime, limit: int = ROADSHOW_LIMIT) -> RoadshowList:
    """Roadshows that have not ended (by the server clock), soonest first, cancelled included
    so that kiosks learn about cancellations."""
    require_aware(now)
    events = session.scalars(
        select(RoadshowEvent).where(RoadshowEvent.ends_at >= now)
        .order_by(RoadshowEvent.starts_at, RoadshowEvent.id).limit(limit)
    )
    return RoadshowList(generated_at=now, roadshows=[
        RoadshowOut(id=e.id, title=e.title, title_en=e.title_en, topics=list(e.topics or []),
                    place=e.place, starts_at=e.starts_at, ends_at=e.ends_at,
                    capacity=e.capacity, description=e.description or "",
                    status=e.status.value, checkin_points=e.checkin_points)
        for e in events
    ])


def build_content_pack(content_dir: Path) -> ContentPack:
    """Every content file (``*.yml``/``*.yaml``, hidden folders skipped) under ``content_dir``,
    with its SHA-256; the version hashes the paths and file hashes together."""
    root = Path(content_dir)
    if not root.is_dir():
        raise ContentPackError(f"content folder {root} does not exist")
    files: list[ContentFile] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if not path.is_file() or path.suffix.lower() not in CONTENT_SUFFIXES:
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContentPackError(f"{path}: not UTF-8 text") from None
        files.append(ContentFile(path=relative.as_posix(), sha256=hashlib.sha256(data).hexdigest(),
                                 text=text))
    if not files:
        raise ContentPackError(f"no content files (*.yml) in {root}")
    version = _digest([(f.path, f.sha256) for f in files])
    return ContentPack(version=version, files=files)
