"""Incremental roster pulls: a delta holds exactly what changed (on PostgreSQL: at least that,
and nothing the test did not touch — see :func:`assert_delta`), no writer can change the roster
without it showing in the next delta, a change committed late is not missed, unservable cursors
get a full snapshot, and a kiosk fed a mix of snapshots and deltas ends up equal to a fresh full
pull — balances included, with its unsent points on top."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.orm import Session
from sync_support import Community, live_server, make_api_app, make_community, open_replica

from safezone.app_context import Database
from safezone.cards.service import identify, issue_card, revoke_card
from safezone.config import Settings
from safezone.db.base import new_uuid
from safezone.importing import apply_import, plan_import, read_table
from safezone.models import (
    AgeGroup,
    Building,
    Card,
    CardStatus,
    CheckInMethod,
    Household,
    PlayMode,
    Plot,
    PointsEntry,
    PointsReason,
    Resident,
    RosterChange,
    RosterLog,
    Site,
)
from safezone.services import community as community_service
from safezone.services import points, roadshows, store
from safezone.sync import export, ingest, outbox, replica, tokens
from safezone.sync.agent import ROSTER_VERSION, SyncAgent, enrol_replica
from safezone.sync.client import Refused, SyncClient
from safezone.sync.schemas import (
    AnswerIn,
    BuildingOut,
    CardOut,
    PlotOut,
    PointsEntryIn,
    PushBatch,
    ResidentOut,
    RosterChanges,
    SessionIn,
    SiteOut,
)


def pull(db: Database, since: str | None, now: datetime) -> RosterChanges:
    """One roster pull on the server, in its own transaction (as a request would)."""
    with db.sessions() as s:
        changes = export.roster_changes(s, since=since, now=now)
        s.commit()
    return changes


def ids(items) -> set[int]:
    return {item.id for item in items}


#: What a delta names: ("resident", id), ("card", id) and ("structure", 0) for sites, plots and
#: buildings.
Entries = set[tuple[str, int]]


def entries(residents: Iterable[int] = (), cards: Iterable[int] = (),
            structure: bool = False) -> Entries:
    """The entries naming these residents, cards and (when ``structure``) the site structure."""
    return ({("resident", r) for r in residents} | {("card", c) for c in cards}
            | ({("structure", 0)} if structure else set()))


def community_entries(community: Community) -> Entries:
    """Everything :func:`make_community` writes: its residents, their cards, the structure."""
    return entries(community.resident_ids, community.card_ids.values(), structure=True)


def assert_delta(db: Database, delta: RosterChanges, expected: Entries, touched: Entries) -> None:
    """The delta names exactly ``expected`` on SQLite. On PostgreSQL the cursor is the
    cluster-wide ``xmin``, so another pytest worker's transaction (in its own database of the
    same cluster) can hold it back and the delta re-sends earlier changes (see the module
    docstring of :mod:`safezone.sync.export`): there it must name everything expected and
    nothing the test did not touch (``touched``: every entry it changed since it began)."""
    assert not delta.full
    got = entries(ids(delta.residents), ids(delta.cards),
                  bool(delta.sites or delta.plots or delta.buildings))
    assert expected <= touched, "the test forgot to count an entry it changed as touched"
    if db.engine.dialect.name == "postgresql":
        assert expected <= got, f"missing {expected - got}"
        assert got <= touched, f"never touched by the test: {got - touched}"
    else:
        assert got == expected


@pytest.fixture
def server(any_database: Database, now: datetime) -> tuple[Database, Community]:
    with any_database.sessions() as s:
        community = make_community(s, now, residents=4)
        s.commit()
    return any_database, community


# -- what a delta holds -----------------------------------------------------------------------


def test_delta_holds_exactly_the_changes(server, now: datetime) -> None:
    db, community = server
    r0, r1, r2, r3 = community.resident_ids
    full = pull(db, None, now)
    assert full.full and ids(full.residents) == set(community.resident_ids)
    assert ids(full.cards) == set(community.card_ids.values()) and full.sites
    touched = community_entries(community)

    nothing = pull(db, full.cursor, now)
    assert_delta(db, nothing, set(), touched)
    assert nothing.removed_cards == []

    with db.sessions() as s:
        points.add_entry(s, r0, 7, PointsReason.PLAY, now=now)
        revoke_card(s, s.get(Card, community.card_ids[r1]), reason="lost", now=now)
        s.get(Resident, r2).nickname = "新昵称"
        s.get(Resident, r3).phone = "13800000000"  # not on the roster: not a change
        s.commit()
    delta = pull(db, full.cursor, now)
    # r1 travels with its revoked card, so the kiosk always has the holder of a card it gets;
    # r3's phone is not on the roster.
    assert_delta(db, delta, entries({r0, r1, r2}, {community.card_ids[r1]}), touched)
    assert delta.removed_cards == []
    by_id = {r.id: r for r in delta.residents}
    assert by_id[r0].balance == 7 and by_id[r2].nickname == "新昵称"
    assert {c.id: c for c in delta.cards}[community.card_ids[r1]].status == "revoked"

    with db.sessions() as s:
        site = s.scalars(select(Site)).one()
        community_service.ensure_buildings(s, site, {2: [1]})
        s.commit()
    structure = pull(db, delta.cursor, now)
    assert_delta(db, structure, entries(structure=True), touched)
    assert len(structure.buildings) == 3 and len(structure.plots) == 2 and structure.sites
    assert_delta(db, pull(db, structure.cursor, now), set(), touched)


def test_a_deleted_card_is_sent_as_removed(server, now: datetime) -> None:
    db, community = server
    cursor = pull(db, None, now).cursor
    card_id = community.card_ids[community.resident_ids[0]]
    with db.sessions() as s:
        s.execute(text("DELETE FROM card WHERE id = :id"), {"id": card_id})
        s.commit()
    delta = pull(db, cursor, now)
    assert delta.removed_cards == [card_id]
    assert_delta(db, delta, set(), community_entries(community) - entries(cards={card_id}))


# -- every writer is seen ---------------------------------------------------------------------


@dataclass
class Ctx:
    """What a writer works on: the community, and what it expects in the next delta."""

    community: Community
    now: datetime
    residents: set[int]
    cards: set[int]
    structure: bool = False


def _play_points(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[0]
    points.add_entry(s, resident, 5, PointsReason.PLAY, now=c.now - timedelta(days=400))
    c.residents = {resident}


def _store_redemption(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[1]
    item = store.create_item(s, name="灭火毯", price_points=3, stock=2, now=c.now)
    s.flush()
    store.redeem_item(s, item, s.get(Resident, resident), operator_id=None, now=c.now)
    c.residents = {resident}


def _roadshow_checkin(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[2]
    event = roadshows.create_event(s, title="消防路演", place="架空层", starts_at=c.now,
                                   ends_at=c.now + timedelta(hours=2), topics=["fire"], now=c.now)
    roadshows.check_in(s, event, s.get(Resident, resident), method=CheckInMethod.SCANNER, now=c.now)
    c.residents = {resident}


def _sync_push(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[3]
    ticket = tokens.create_kiosk(s, "推送终端", now=c.now, rng=random.Random(3))
    # A finished play with one fresh correct answer: the server credits its own 10 points.
    played = uuid.uuid4()
    batch = PushBatch(
        batch_id=uuid.uuid4(), sent_at=c.now,
        sessions=[SessionIn(id=played, resident_id=resident, mode=PlayMode.RESIDENT, game_type="quiz",
                            topic="fire", started_at=c.now, finished_at=c.now, score=1,
                            max_score=1)],
        answers=[AnswerIn(id=uuid.uuid4(), session_id=played, resident_id=resident,
                          question_id="fire-q01", topic="fire", correct=True,
                          answered_at=c.now)],
        points_entries=[PointsEntryIn(id=uuid.uuid4(), resident_id=resident, amount=4,
                                      reason="play", source_id=str(played), created_at=c.now)])
    ingest.ingest_batch(s, ticket.kiosk, batch, now=c.now)
    c.residents = {resident}


def _reissue_card(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[0]
    issued = issue_card(s, s.get(Resident, resident), now=c.now, rng=random.Random(5))
    c.residents, c.cards = {resident}, {c.community.card_ids[resident], issued.card.id}


def _revoke_card(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[1]
    revoke_card(s, s.get(Card, c.community.card_ids[resident]), reason="lost", now=c.now)
    c.residents, c.cards = {resident}, {c.community.card_ids[resident]}


def _anonymise(s: Session, c: Ctx) -> None:
    resident = c.community.resident_ids[2]
    community_service.anonymise_resident(s, s.get(Resident, resident), now=c.now,
                                         actor_label="test")
    c.residents, c.cards = {resident}, {c.community.card_ids[resident]}


def _consent_edit(s: Session, c: Ctx) -> None:
    # The admin's consent view sets the column itself, with no service in between.
    resident = s.get(Resident, c.community.resident_ids[3])
    resident.consent = False
    resident.consent_at = c.now
    c.residents = {resident.id}


def _household_moves(s: Session, c: Ctx) -> None:
    resident = s.get(Resident, c.community.resident_ids[0])
    other = s.scalars(select(Building.id).where(
        Building.id != resident.household.building_id)).first()
    resident.household.building_id = other
    c.residents = {resident.id}


def _import(s: Session, c: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "import.csv"
    path.write_text("姓名,地块,楼栋,单元,门牌,年龄段,出生年份,同意\n"
                    "测试甲,1,5,2,3101,成人,1980,是\n测试乙,1,6,1,201,儿童,2015,否\n",
                    encoding="utf-8")
    apply_import(s, plan_import(s, read_table(path), now=c.now), now=c.now, actor_label="test")
    s.flush()
    c.residents = set(s.scalars(select(Resident.id).where(
        Resident.full_name.in_(["测试甲", "测试乙"]))))


def _new_building(s: Session, c: Ctx) -> None:
    community_service.ensure_buildings(s, s.scalars(select(Site)).one(), {1: [7]})
    c.residents, c.structure = set(), True


WRITERS: dict[str, Callable[..., None]] = {
    "play points (old timestamp)": _play_points, "store redemption": _store_redemption,
    "roadshow check-in": _roadshow_checkin, "sync push": _sync_push,
    "card reissue": _reissue_card, "card revoke": _revoke_card, "anonymise": _anonymise,
    "consent edit": _consent_edit, "household moves": _household_moves, "import": _import,
    "new building": _new_building,
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_roster_writer_shows_in_the_next_delta(server, now: datetime, tmp_path: Path,
                                                     writer: str) -> None:
    db, community = server
    with db.sessions() as s:  # balance to spend in the store
        points.add_entry(s, community.resident_ids[1], 10, PointsReason.ADJUST, now=now)
        s.commit()
    cursor = pull(db, None, now).cursor
    ctx = Ctx(community, now, set(), set())
    with db.sessions() as s:
        write = WRITERS[writer]
        write(s, ctx, tmp_path) if writer == "import" else write(s, ctx)
        s.commit()
    delta = pull(db, cursor, now)
    expected = entries(ctx.residents, ctx.cards, ctx.structure)
    assert_delta(db, delta, expected, community_entries(community) | expected)
    with db.sessions() as s:
        for resident in delta.residents:
            assert resident.balance == points.balance(s, resident.id)


#: Where each field of the roster comes from. A field added to a roster payload fails this
#: mapping until its source is listed here, and then the test below fails until migration
#: triggers log writes to that column.
SOURCES = {
    ResidentOut: {"id": None, "household_id": ("resident", "household_id"),
                  "building_id": ("household", "building_id"), "nickname": ("resident", "nickname"),
                  "age_group": ("resident", "age_group"), "consent": ("resident", "consent"),
                  "anonymised": ("resident", "anonymised_at"),
                  "balance": ("points_entry", "amount")},
    CardOut: {"id": None, "resident_id": ("card", "resident_id"),
              "code_hash": ("card", "code_hash"), "status": ("card", "status"),
              "revoked_at": ("card", "revoked_at")},
    SiteOut: {"id": None, "name": ("site", "name"), "name_en": ("site", "name_en"),
              "household_target": ("site", "household_target")},
    PlotOut: {"id": None, "site_id": ("plot", "site_id"), "number": ("plot", "number")},
    BuildingOut: {"id": None, "plot_id": ("building", "plot_id"),
                  "number": ("building", "number")},
}


def test_every_roster_field_has_a_known_source() -> None:
    for model, sources in SOURCES.items():
        assert set(model.model_fields) == set(sources), model.__name__
    assert set(RosterChanges.model_fields) == {
        "cursor", "full", "generated_at", "sites", "plots", "buildings", "residents", "cards",
        "removed_cards"}


def test_plain_sql_writes_to_every_roster_column_are_logged(server, now: datetime) -> None:
    """Triggers, not services, log the changes: even SQL no service knows of is seen."""
    db, community = server
    r0, r1 = community.resident_ids[:2]
    card = community.card_ids[r0]
    with db.sessions() as s:
        other_site = Site(name="第二小区", household_target=1)
        other_plot = Plot(site=other_site, number=2)
        s.add_all([other_site, other_plot])
        s.flush()
        other = {"site": other_site.id, "plot": other_plot.id,
                 "household": s.get(Resident, r1).household_id}
        s.commit()
    values = {
        ("resident", "household_id"): other["household"], ("resident", "nickname"): "改名",
        ("resident", "age_group"): "elder", ("resident", "consent"): False,
        ("resident", "anonymised_at"): now, ("household", "building_id"): None,  # see below
        ("points_entry", "amount"): 99, ("card", "resident_id"): r1,
        ("card", "code_hash"): "f" * 64, ("card", "status"): "revoked",
        ("card", "revoked_at"): now, ("site", "name"): "改名小区", ("site", "name_en"): "X",
        ("site", "household_target"): 5, ("plot", "site_id"): other["site"],
        ("plot", "number"): 9, ("building", "plot_id"): other["plot"], ("building", "number"): 9,
    }
    with db.sessions() as s:
        points.add_entry(s, r0, 1, PointsReason.PLAY, now=now)
        s.commit()
    # r0's household, whichever it is by then (an earlier update moves r0 to another one).
    rows = {"resident": r0, "household": "(SELECT household_id FROM resident WHERE id = :r0)",
            "card": card, "points_entry": "(SELECT id FROM points_entry WHERE resident_id = :r0)",
            "site": None, "plot": None, "building": None}
    listed = {source for sources in SOURCES.values() for source in sources.values() if source}
    assert listed == set(values)
    for (table, column), value in values.items():
        cursor = pull(db, None, now).cursor
        with db.sessions() as s:
            row = rows[table]
            where = (f"id = {row}" if isinstance(row, str) else "id = :id" if row is not None
                     else f"id = (SELECT min(id) FROM {table})")
            if (table, column) == ("household", "building_id"):
                value = s.scalar(select(Building.id).where(Building.id != s.scalar(text(
                    f"SELECT building_id FROM household WHERE {where}"), {"r0": r0})))
            s.execute(text(f"UPDATE {table} SET {column} = :value WHERE {where}"),
                      {"value": value, "id": row, "r0": r0})
            s.commit()
        delta = pull(db, cursor, now)
        if table in ("resident", "household", "points_entry"):
            assert r0 in ids(delta.residents), (table, column)
        elif table == "card":
            assert card in ids(delta.cards), (table, column)
        else:
            assert delta.buildings, (table, column)


def test_the_triggers_exist_at_head(any_database: Database) -> None:
    """A later migration that rebuilds a table on SQLite drops its triggers: this notices."""
    expected = {f"roster_change_{table}_{event}"
                for table in ("resident", "card", "points_entry", "site", "plot", "building")
                for event in ("insert", "update", "delete")} | {"roster_change_household_update"}
    with any_database.engine.connect() as conn:
        if any_database.engine.dialect.name == "postgresql":
            names = set(conn.scalars(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
        else:
            names = set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    assert expected <= names


# -- never miss a change ----------------------------------------------------------------------


def test_a_change_committed_after_the_cursor_was_issued_is_delivered(server,
                                                                    now: datetime) -> None:
    """A points entry with an old timestamp, written before a pull but committed after it."""
    db, community = server
    r0 = community.resident_ids[0]
    first = pull(db, None, now)
    with db.engine.connect() as writer:
        late = writer.begin()
        writer.execute(insert(PointsEntry).values(
            id=new_uuid(), resident_id=r0, amount=11, reason=PointsReason.PLAY,
            created_at=now - timedelta(days=365)))
        during = pull(db, first.cursor, now)  # the write is not committed yet
        late.commit()
    assert_delta(db, during, set(), community_entries(community))
    assert {r.id: r.balance for r in during.residents}.get(r0, 0) == 0
    after = pull(db, during.cursor, now)
    assert r0 in ids(after.residents)
    assert {r.id: r.balance for r in after.residents}[r0] == 11


@pytest.mark.postgres
def test_transactions_committing_out_of_order_are_both_delivered(pg_database: Database,
                                                                 now: datetime) -> None:
    """T1 writes first and commits last: its seq is below T2's, so "after the largest seq
    seen" would skip it; the transaction-id cursor does not."""
    db = pg_database
    with db.sessions() as s:
        community = make_community(s, now, residents=2)
        s.commit()
    r0, r1 = community.resident_ids
    cursor = pull(db, None, now).cursor
    with db.engine.connect() as t1, db.engine.connect() as t2:
        first = t1.begin()
        t1.execute(insert(PointsEntry).values(id=new_uuid(), resident_id=r0, amount=3,
                                              reason=PointsReason.PLAY, created_at=now))
        with t2.begin():
            t2.execute(insert(PointsEntry).values(id=new_uuid(), resident_id=r1, amount=4,
                                                  reason=PointsReason.PLAY, created_at=now))
        middle = pull(db, cursor, now)
        first.commit()
    assert_delta(db, middle, entries({r1}), community_entries(community))
    assert {r.id: r.balance for r in middle.residents}.get(r0, 0) == 0  # T1 not seen yet
    with db.sessions() as s:
        seq = dict(s.execute(select(RosterChange.entity_id, RosterChange.seq)
                             .where(RosterChange.kind == "resident",
                                    RosterChange.entity_id.in_([r0, r1]))
                             .order_by(RosterChange.seq)).all())
    assert seq[r0] < seq[r1]  # what a naive max-seq cursor would have skipped
    last = pull(db, middle.cursor, now)
    assert r0 in ids(last.residents)


@pytest.mark.postgres
def test_a_transaction_in_another_database_makes_deltas_bigger_never_wrong(
        pg_database: Database, now: datetime) -> None:
    """The cursor is the cluster-wide ``xmin`` (a documented trade-off, see the export module):
    a transaction that has written in another database of the cluster holds it back, so deltas
    re-send what changed since it began, and still hold every new change."""
    db = pg_database
    with db.sessions() as s:
        community = make_community(s, now, residents=2)
        s.commit()
    r0, r1 = community.resident_ids
    elsewhere = create_engine(db.engine.url.set(database="postgres"))
    try:
        with elsewhere.connect() as other:
            other.begin()
            # An id, as any write would get; nothing else in this database needs touching.
            their_xid = int(other.scalar(text("SELECT pg_current_xact_id()::text")))
            with db.sessions() as s:
                points.add_entry(s, r0, 3, PointsReason.PLAY, now=now)
                s.commit()
            first = pull(db, None, now)
            with db.sessions() as s:
                points.add_entry(s, r1, 4, PointsReason.PLAY, now=now)
                s.commit()
            delta = pull(db, first.cursor, now)
            other.rollback()
    finally:
        elsewhere.dispose()
    assert export.RosterCursor.parse(first.cursor).position <= their_xid
    # r0 changed before the cursor was issued and is sent again, as it currently is.
    assert not delta.full and ids(delta.residents) == {r0, r1}
    assert {r.id: r.balance for r in delta.residents} == {r0: 3, r1: 4}


# -- cursors the server cannot serve ----------------------------------------------------------


def test_unservable_cursors_get_a_full_snapshot(server, now: datetime) -> None:
    db, community = server
    cursor = export.RosterCursor.parse(pull(db, None, now).cursor)
    assert cursor is not None
    for since in (None, "", "garbage", "0123456789abcdef0123456789abcdef",  # an old version
                  f"{'0' * 32}.{cursor.position}",  # another server's log
                  f"{cursor.log_id}.{cursor.position + 10**9}",  # from the future
                  f"{cursor.log_id}.{'9' * 19}", f"{cursor.log_id}.-1", f"{cursor.log_id}.１２"):
        answer = pull(db, since, now)
        assert answer.full and ids(answer.residents) == set(community.resident_ids), since
    assert not pull(db, str(cursor), now).full


def test_pruning_old_changes_sends_older_cursors_a_full_snapshot(server, now: datetime) -> None:
    db, community = server
    old_cursor = pull(db, None, now).cursor
    with db.sessions() as s:
        points.add_entry(s, community.resident_ids[0], 2, PointsReason.PLAY, now=now)
        s.commit()
    with db.sessions() as s:
        assert export.prune_roster_changes(s, now=now) == 0  # nothing old enough
        s.execute(update(RosterChange).values(changed_at=now - timedelta(days=40)))
        s.commit()
    with db.sessions() as s:
        pruned = export.prune_roster_changes(s, now=now)
        s.commit()
        assert pruned > 0 and s.scalar(select(func.count()).select_from(RosterChange)) == 0
        floor = s.get(RosterLog, 1).pruned_below
    old = export.RosterCursor.parse(old_cursor)
    assert old.position < floor
    assert pull(db, old_cursor, now).full
    # A cursor above every pruned position is still served, one just below is not. Built here
    # rather than issued: on PostgreSQL another database's transaction may hold an issued
    # cursor back below the floor (it then gets a full snapshot, as it should).
    at_floor = str(export.RosterCursor(old.log_id, floor))
    assert pull(db, str(export.RosterCursor(old.log_id, floor - 1)), now).full
    assert not pull(db, at_floor, now).full
    with db.sessions() as s:
        points.add_entry(s, community.resident_ids[1], 2, PointsReason.PLAY, now=now)
        s.commit()
    delta = pull(db, at_floor, now)  # every older row is gone: exact on both databases
    assert not delta.full and ids(delta.residents) == {community.resident_ids[1]}
    assert delta.cards == [] and delta.buildings == []


# -- the kiosk side ---------------------------------------------------------------------------


@pytest.fixture
def kiosk(tmp_path: Path) -> Database:
    db = open_replica(tmp_path / "kiosk")
    outbox.prepare_replica(db.engine)
    yield db
    db.dispose()


def apply(kiosk: Database, changes: RosterChanges) -> None:
    with kiosk.sessions() as s:
        replica.apply_roster_changes(s, changes)
        s.commit()


def test_unsent_kiosk_points_stay_on_top_of_a_delta(server, kiosk: Database,
                                                     now: datetime) -> None:
    db, community = server
    r0, r1 = community.resident_ids[:2]
    with db.sessions() as s:
        points.add_entry(s, r0, 10, PointsReason.PLAY, now=now)
        s.commit()
    cursor = pull(db, None, now)
    apply(kiosk, cursor)
    with kiosk.sessions() as s:
        assert points.balance(s, r0) == 10
        mine = points.add_entry(s, r0, 5, PointsReason.PLAY, now=now)  # not sent yet
        s.commit()
        mine_row = {c.key: getattr(mine, c.key) for c in PointsEntry.__table__.columns}
    with db.sessions() as s:  # another kiosk's points for the same resident
        points.add_entry(s, r0, 20, PointsReason.PLAY, now=now)
        points.add_entry(s, r1, 1, PointsReason.PLAY, now=now)
        s.commit()
    delta = pull(db, cursor.cursor, now)
    assert not delta.full and {r.id: r.balance for r in delta.residents}[r0] == 30
    apply(kiosk, delta)
    with kiosk.sessions() as s:
        assert points.balance(s, r0) == 35  # the server's 30 and the unsent 5
        assert points.balance(s, r1) == 1

    # The entry reaches the server and is acknowledged: the next delta names r0 again.
    with db.sessions() as s:
        s.execute(insert(PointsEntry).values(**mine_row))
        s.commit()
    with kiosk.sessions() as s:
        batch = outbox.collect_batch(s, sent_at=now, max_rows=100, max_sessions=10)
        outbox.acknowledge(s, batch)
        s.commit()
    again = pull(db, delta.cursor, now)
    assert_delta(db, again, entries({r0}), community_entries(community))
    apply(kiosk, again)
    with kiosk.sessions() as s:
        assert points.balance(s, r0) == 35 and outbox.pending_count(s) == 0


def _kiosk_roster(db: Database) -> dict[str, object]:
    """Everything a kiosk knows of the roster, balances included."""
    with db.sessions() as s:
        balances = dict(s.execute(select(PointsEntry.resident_id, func.sum(PointsEntry.amount))
                                  .group_by(PointsEntry.resident_id)).all())
        return {
            "sites": s.execute(select(Site.id, Site.name, Site.name_en, Site.household_target)
                               .order_by(Site.id)).all(),
            "plots": s.execute(select(Plot.id, Plot.site_id, Plot.number).order_by(Plot.id)).all(),
            "buildings": s.execute(select(Building.id, Building.plot_id, Building.number)
                                   .order_by(Building.id)).all(),
            "households": s.execute(select(Household.id, Household.building_id)
                                    .order_by(Household.id)).all(),
            "residents": s.execute(select(
                Resident.id, Resident.household_id, Resident.nickname, Resident.age_group,
                Resident.consent, Resident.anonymised_at.is_not(None)).order_by(Resident.id)).all(),
            "cards": s.execute(select(Card.id, Card.resident_id, Card.code_hash, Card.status,
                                      Card.revoked_at).order_by(Card.id)).all(),
            "balances": {k: v for k, v in balances.items() if v},
        }


def _random_change(s: Session, rng: random.Random, now: datetime, step: int) -> None:
    residents = s.scalars(select(Resident).where(Resident.anonymised_at.is_(None))
                          .order_by(Resident.id)).all()
    kind = rng.choice(["points", "points", "revoke", "reissue", "anonymise", "move", "new",
                       "nickname", "building"])
    resident = rng.choice(residents)
    if kind == "points":
        for chosen in rng.sample(residents, min(3, len(residents))):
            points.add_entry(s, chosen.id, rng.randint(1, 9), PointsReason.PLAY, now=now)
    elif kind == "revoke":
        card = s.scalars(select(Card).where(Card.status == CardStatus.ACTIVE)).first()
        if card is not None:
            revoke_card(s, card, reason="lost", now=now)
    elif kind == "reissue":
        issue_card(s, resident, now=now, rng=rng)
    elif kind == "anonymise" and len(residents) > 2:
        community_service.anonymise_resident(s, resident, now=now, actor_label="test")
    elif kind == "move":
        buildings = s.scalars(select(Building.id)).all()
        resident.household.building_id = rng.choice(buildings)
    elif kind == "new":
        household = Household(building_id=s.scalars(select(Building.id)).first(), unit=3,
                              room=f"9{s.scalar(select(func.count(Household.id)))}",
                              created_at=now)
        newcomer = Resident(household=household, nickname=f"新{step}", age_group=AgeGroup.CHILD,
                            consent=True, created_at=now)
        s.add_all([household, newcomer])
        s.flush()
        issue_card(s, newcomer, now=now, rng=rng)
    elif kind == "nickname":
        resident.nickname = f"昵称{step}"
    else:
        community_service.ensure_buildings(s, s.scalars(select(Site)).one(), {3: [step]})
    s.flush()


def test_snapshots_and_deltas_end_where_a_fresh_full_pull_does(server, tmp_path: Path,
                                                              now: datetime) -> None:
    db, _ = server
    rng = random.Random(42)
    kiosk = open_replica(tmp_path / "a")
    outbox.prepare_replica(kiosk.engine)
    cursor = None
    for step in range(1, 25):
        with db.sessions() as s:
            for _ in range(rng.randint(1, 3)):
                _random_change(s, rng, now, step)
            s.commit()
        # Mostly deltas; a snapshot now and then (a cursor lost, pruned or from elsewhere).
        changes = pull(db, None if step in (9, 17) else cursor, now)
        assert changes.full == (cursor is None or step in (9, 17))
        apply(kiosk, changes)
        cursor = changes.cursor
    fresh = open_replica(tmp_path / "b")
    outbox.prepare_replica(fresh.engine)
    apply(fresh, pull(db, None, now))
    assert _kiosk_roster(kiosk) == _kiosk_roster(fresh)
    with db.sessions() as s:
        server_balances = {r: points.balance(s, r) for r in s.scalars(select(Resident.id))}
    assert _kiosk_roster(kiosk)["balances"] == {k: v for k, v in server_balances.items() if v}
    with kiosk.engine.connect() as conn:  # the replica logs nothing itself
        assert conn.scalar(select(func.count()).select_from(RosterChange)) == 0
        assert not conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                    "AND name GLOB 'roster_change_*'"))
    kiosk.dispose()
    fresh.dispose()


def test_a_full_snapshot_stops_cards_the_server_does_not_list(server, kiosk: Database,
                                                               now: datetime) -> None:
    db, community = server
    apply(kiosk, pull(db, None, now))
    with kiosk.sessions() as s:  # a card this kiosk knows but the server never issued
        s.add(Card(id=9999, resident_id=community.resident_ids[0], code_hash="e" * 64,
                   status=CardStatus.ACTIVE, issued_at=now))
        s.commit()
    apply(kiosk, pull(db, None, now))
    with kiosk.sessions() as s:
        assert s.get(Card, 9999).status is CardStatus.REVOKED
        assert all(s.get(Card, c).status is CardStatus.ACTIVE
                   for c in community.card_ids.values())


# -- over HTTP, and the agent -----------------------------------------------------------------


def test_api_roster_changes_and_the_legacy_roster(settings: Settings, database: Database,
                                                  clock, now: datetime) -> None:
    with database.sessions() as s:
        community = make_community(s, now, residents=2)
        ticket = tokens.create_kiosk(s, "1号地块5栋架空层", now=now, rng=random.Random(1))
        s.commit()
    app = make_api_app(settings, clock)
    client = app.test_client()
    token = client.post("/api/v1/enrol", json={"code": ticket.code}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    full = client.get("/api/v1/roster/changes", headers=auth)
    assert full.status_code == 200 and full.json["full"] is True
    same = client.get("/api/v1/roster/changes", headers=auth,
                      query_string={"since": full.json["cursor"]})
    assert same.json["full"] is False and same.json["residents"] == []
    assert client.get("/api/v1/roster/changes", headers=auth,
                      query_string={"since": "x" * 201}).status_code == 400

    legacy = client.get("/api/v1/roster", headers=auth)
    version = legacy.json["version"]
    current = {**auth, "If-None-Match": f'"{version}"'}
    assert client.get("/api/v1/roster", headers=current).status_code == 304
    with database.sessions() as s:
        revoke_card(s, s.get(Card, community.card_ids[community.resident_ids[0]]), reason="lost",
                    now=now)
        s.commit()
    changed = client.get("/api/v1/roster", headers=current)
    assert changed.status_code == 200 and changed.json["version"] != version
    delta = client.get("/api/v1/roster/changes", headers=auth,
                       query_string={"since": same.json["cursor"]}).json
    assert [c["status"] for c in delta["cards"]] == ["revoked"]
    app.extensions["safezone"].database.dispose()


class OldServerClient(SyncClient):
    """A client talking to a server from before roster changes existed."""

    def roster_changes(self, since=None):  # type: ignore[override]
        raise Refused(404, "not_found", "The requested URL was not found on the server.")


@pytest.mark.parametrize("old_server", [False, True], ids=["changes", "old_server"])
def test_agent_pulls_changes_and_revoked_cards_stop_working(
        settings: Settings, database: Database, clock, tmp_path: Path, now: datetime,
        old_server: bool) -> None:
    with database.sessions() as s:
        community = make_community(s, now, residents=3)
        ticket = tokens.create_kiosk(s, "1号地块5栋架空层", now=now, rng=random.Random(1))
        s.commit()
    r0, r1, _ = community.resident_ids
    app = make_api_app(settings, clock)
    factory = OldServerClient if old_server else SyncClient
    with live_server(app) as http:
        kiosk = open_replica(tmp_path / "kiosk")
        enrol_replica(kiosk, http.url, ticket.code)
        agent = SyncAgent(kiosk, rng=random.Random(1), clock=lambda: now,
                          client_factory=lambda url, token: factory(url, token))
        assert agent.sync_once().roster_changed
        with kiosk.sessions() as s:
            first = outbox.get_state(s, ROSTER_VERSION)
            assert identify(s, community.codes[r0]).ok
        assert not agent.sync_once().roster_changed
        with database.sessions() as s:
            revoke_card(s, s.get(Card, community.card_ids[r0]), reason="lost", now=now)
            points.add_entry(s, r1, 12, PointsReason.PLAY, now=now)
            s.commit()
        report = agent.sync_once()
        assert report.roster_changed and report.revoked_cards >= 1
        with kiosk.sessions() as s:
            check = identify(s, community.codes[r0])
            assert not check.ok and check.reason == "revoked"
            assert identify(s, community.codes[r1]).ok and points.balance(s, r1) == 12
            assert outbox.get_state(s, ROSTER_VERSION) != first
        kiosk.dispose()
    app.extensions["safezone"].database.dispose()
