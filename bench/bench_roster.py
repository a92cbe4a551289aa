"""Roster pull at district scale: what one kiosk's 30-second roster poll costs the server and
the kiosk.

A district on its own PostgreSQL database (``safezone_bench_roster`` on 127.0.0.1:5432, trust
auth, dropped afterwards): 20 sites with 3 plots of 6 buildings each, 24,000 households, 70,000
residents, 70,000 cards (3 % revoked), 1,000,000 points entries. The server is the real admin
app in this process (Flask test client: routing, token check, the roster, JSON); the kiosk is a
SQLite replica in a temporary folder.

Printed, for the roster changes a kiosk pulls (``/api/v1/roster/changes``) and for the whole
roster (``/api/v1/roster``, what every poll cost before roster changes existed): server time of
a request when the kiosk is current (unchanged), when it is new (full), and after 500
residents' balances changed and 20 cards were revoked (through the services); the response
sizes; the kiosk's time to parse and apply a full roster and the changes. Server times are the
median of ``--runs`` requests.

    .venv/bin/python -m bench roster
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from safezone.app_context import Database, open_database
from safezone.cards.service import revoke_card
from safezone.config import Settings
from safezone.models import Card, CardStatus, PointsReason
from safezone.services import points
from safezone.sync import outbox, replica, tokens
from safezone.sync.schemas import Roster, RosterChanges

BASE_URL = os.environ.get("SAFEZONE_TEST_PG_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = "safezone_bench_roster"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SITES, PLOTS_PER_SITE, BUILDINGS_PER_PLOT = 20, 3, 6
HOUSEHOLDS = 24_000
RESIDENTS = 70_000
REVOKED_SHARE = 0.03
POINTS_ENTRIES = 1_000_000
CHANGED_BALANCES = 500
REVOCATIONS = 20


def log(message: str) -> None:
    """Progress on stderr, so the figures on stdout stay clean."""
    print(message, file=sys.stderr, flush=True)


def _recreate(name: str) -> str:
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def _drop(name: str) -> None:
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy(engine: Engine, table: str, columns: tuple[str, ...], rows) -> None:
    """Load ``rows`` with PostgreSQL's COPY (the district is big; INSERTs would take minutes)."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def build_district(engine: Engine, rng: random.Random) -> list[int]:
    """Sites, plots, buildings, households, residents, cards and the points ledger; returns the
    resident ids."""
    building_ids = []
    with engine.begin() as conn:
        for s in range(1, SITES + 1):
            site_id = conn.execute(text(
                "INSERT INTO site (name, name_en, household_target) VALUES (:n, :e, :t) "
                "RETURNING id"), {"n": f"小区{s:02d}", "e": f"Compound {s}",
                                   "t": HOUSEHOLDS // SITES}).scalar_one()
            for p in range(1, PLOTS_PER_SITE + 1):
                plot_id = conn.execute(text(
                    "INSERT INTO plot (site_id, number) VALUES (:s, :p) RETURNING id"),
                    {"s": site_id, "p": p}).scalar_one()
                for b in range(1, BUILDINGS_PER_PLOT + 1):
                    building_ids.append(conn.execute(text(
                        "INSERT INTO building (plot_id, number) VALUES (:p, :b) RETURNING id"),
                        {"p": plot_id, "b": b}).scalar_one())
    _copy(engine, "household", ("id", "building_id", "unit", "room", "created_at"),
          ((h, building_ids[h % len(building_ids)], 1 + h % 4, f"{h // 4 % 3000:04d}", NOW)
           for h in range(1, HOUSEHOLDS + 1)))
    ages = ("child", "adult", "adult", "elder")
    _copy(engine, "resident", ("id", "household_id", "full_name", "nickname", "age_group",
                               "consent", "created_at"),
          ((r, 1 + r % HOUSEHOLDS, f"居民{r}", f"小{r}", ages[r % 4], r % 10 != 0, NOW)
           for r in range(1, RESIDENTS + 1)))
    revoked_at = NOW - timedelta(days=30)
    _copy(engine, "card", ("id", "resident_id", "code_hash", "status", "issued_at",
                           "revoked_at", "revoked_reason"),
          ((r, r, f"{rng.getrandbits(256):064x}",
            "revoked" if (gone := rng.random() < REVOKED_SHARE) else "active",
            NOW - timedelta(days=60), revoked_at if gone else None, "lost" if gone else None)
           for r in range(1, RESIDENTS + 1)))
    reasons = ("play", "play", "play", "checkin", "badge")
    _copy(engine, "points_entry", ("id", "resident_id", "amount", "reason", "created_at"),
          ((uuid.UUID(int=rng.getrandbits(128)), rng.randint(1, RESIDENTS), rng.randint(1, 30),
            rng.choice(reasons), NOW - timedelta(minutes=rng.randint(0, 525_600)))
           for _ in range(POINTS_ENTRIES)))
    with engine.begin() as conn:
        for table in ("household", "resident", "card"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE"))
    return list(range(1, RESIDENTS + 1))


def change_district(database: Database, rng: random.Random, residents: list[int],
                    at: datetime) -> None:
    """500 residents earn points and 20 active cards are revoked, through the services."""
    with database.sessions() as s:
        for resident_id in rng.sample(residents, CHANGED_BALANCES):
            points.add_entry(s, resident_id, rng.randint(1, 30), PointsReason.PLAY, now=at)
        active = s.scalars(select(Card).where(Card.status == CardStatus.ACTIVE)
                           .order_by(Card.id).limit(5000)).all()
        for card in rng.sample(active, REVOCATIONS):
            revoke_card(s, card, reason="lost", now=at)
        s.commit()


def timed(call: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time (s) of ``runs`` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def kiosk_apply(kiosk: Database, raw: bytes, model: type[Roster | RosterChanges]
                ) -> tuple[float, float]:
    """(parse seconds, apply seconds) of one pulled roster or roster changes on a replica."""
    started = time.perf_counter()
    pulled = model.model_validate_json(raw)
    parsed = time.perf_counter()
    with kiosk.sessions() as s:
        if isinstance(pulled, RosterChanges):
            replica.apply_roster_changes(s, pulled)
        else:
            replica.apply_roster(s, pulled)
        s.commit()
    return parsed - started, time.perf_counter() - parsed


def main() -> None:
    """Build the district, run the cases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="requests per server case")
    args = parser.parse_args()
    rng = random.Random(2026)
    load_before = os.getloadavg()
    url = _recreate(DB_NAME)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp) / "server", database_url=url,
                                secret_key="bench")
            server = open_database(settings, migrate=True)
            log("building the district ...")
            started = time.perf_counter()
            residents = build_district(server.engine, rng)
            log(f"district built in {time.perf_counter() - started:.0f} s")
            with server.sessions() as s:
                ticket = tokens.create_kiosk(s, "bench kiosk", now=NOW)
                s.commit()
            figures = run_cases(settings, server, residents, ticket.code, Path(tmp), args.runs,
                                rng)
            server.dispose()
    finally:
        _drop(DB_NAME)
    for line in figures:
        print(line)
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs")


def _client(settings: Settings, code: str) -> tuple[FlaskClient, dict[str, str], Callable]:
    from admin.api import register
    from admin.app import create_app

    clock = [NOW]
    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "bench", "CLOCK": lambda: clock[0]})
    if "api" not in app.blueprints:
        register(app)
    client = app.test_client()
    token = client.post("/api/v1/enrol", json={"code": code}).json["token"]
    return client, {"Authorization": f"Bearer {token}"}, app.extensions["safezone"].database.dispose


def _replica(folder: Path) -> Database:
    db = open_database(Settings(data_dir=folder), migrate=True)
    outbox.prepare_replica(db.engine)
    return db


def run_cases(settings: Settings, server: Database, residents: list[int], code: str,
              tmp: Path, runs: int, rng: random.Random) -> list[str]:
    """The measured cases; returns the lines to print.

    "Whole roster" is ``GET /api/v1/roster`` without a version: the same work every poll cost
    before roster changes existed (build, dump, send everything), and what a kiosk that does
    not pull changes yet still gets after any change. "Changes" is ``GET
    /api/v1/roster/changes``, what kiosks use now.
    """
    client, auth, close = _client(settings, code)
    kiosk = _replica(tmp / "kiosk")  # pulls changes
    legacy_kiosk = _replica(tmp / "legacy-kiosk")  # applies the whole roster each time
    try:
        def get(path: str, etag: str | None = None, since: str | None = None):
            headers = {**auth, **({"If-None-Match": f'"{etag}"'} if etag else {})}
            response = client.get(path, headers=headers,
                                  query_string={"since": since} if since else None)
            assert response.status_code in (200, 304), response.status_code
            return response

        log("whole roster (legacy endpoint) ...")
        whole_s, whole = timed(lambda: get("/api/v1/roster"), runs)
        version = whole.json["version"]
        legacy_full = kiosk_apply(legacy_kiosk, whole.data, Roster)
        legacy_same_s, legacy_same = timed(lambda: get("/api/v1/roster", etag=version), runs)
        assert legacy_same.status_code == 304

        log("changes: new kiosk (full) ...")
        full_s, full = timed(lambda: get("/api/v1/roster/changes"), runs)
        assert full.json["full"] is True
        cursor = full.json["cursor"]
        full_apply = kiosk_apply(kiosk, full.data, RosterChanges)
        log("changes: kiosk current (unchanged) ...")
        same_s, same = timed(lambda: get("/api/v1/roster/changes", since=cursor), runs)
        assert same.json["full"] is False and not same.json["residents"]

        change_district(server, rng, residents, NOW + timedelta(hours=1))
        log(f"after {CHANGED_BALANCES} balances + {REVOCATIONS} revocations ...")
        delta_s, delta = timed(lambda: get("/api/v1/roster/changes", since=cursor), runs)
        body = delta.json
        assert body["full"] is False and len(body["residents"]) >= CHANGED_BALANCES
        delta_apply = kiosk_apply(kiosk, delta.data, RosterChanges)
        whole_after_s, whole_after = timed(lambda: get("/api/v1/roster", etag=version), runs)
        assert whole_after.status_code == 200
        legacy_changed = kiosk_apply(legacy_kiosk, whole_after.data, Roster)
    finally:
        kiosk.dispose()
        legacy_kiosk.dispose()
        close()

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"

    def apply_text(parse_apply: tuple[float, float]) -> str:
        parse, applied = parse_apply
        return f"parse {ms(parse)} + apply {ms(applied)} = {ms(parse + applied)}"

    return [
        (f"district: {RESIDENTS} residents, {HOUSEHOLDS} households, {RESIDENTS} cards "
         f"({REVOKED_SHARE:.0%} revoked), {POINTS_ENTRIES} points entries on PostgreSQL; "
         f"server figures are the median of {runs} requests (Flask app in process)"),
        (f"whole roster (every poll before; legacy endpoint now): {ms(whole_s)}, "
         f"{len(whole.data)} bytes; after the changes: {ms(whole_after_s)}, "
         f"{len(whole_after.data)} bytes"),
        f"legacy endpoint, kiosk current: {ms(legacy_same_s)}, HTTP 304",
        (f"changes, kiosk current (unchanged): {ms(same_s)}, {len(same.data)} bytes "
         f"({whole_s / same_s:.0f}x less server time than the whole roster)"),
        f"changes, new kiosk (full snapshot): {ms(full_s)}, {len(full.data)} bytes",
        (f"changes, after {CHANGED_BALANCES} balances + {REVOCATIONS} revocations: "
         f"{ms(delta_s)}, {len(delta.data)} bytes, {len(body['residents'])} residents + "
         f"{len(body['cards'])} cards ({whole_after_s / delta_s:.0f}x less server time, "
         f"{len(whole_after.data) / len(delta.data):.0f}x fewer bytes than the whole roster)"),
        (f"kiosk, whole roster first time: {apply_text(legacy_full)}; "
         f"full snapshot: {apply_text(full_apply)}"),
        (f"kiosk, after the changes: whole roster {apply_text(legacy_changed)}; "
         f"delta {apply_text(delta_apply)} "
         f"({sum(legacy_changed) / sum(delta_apply):.0f}x faster)"),
        (f"per 30 s round, 50 kiosks, after a change: whole roster {50 * whole_after_s:.1f} s "
         f"of server time and {50 * len(whole_after.data) / 1e6:.1f} MB; changes "
         f"{50 * delta_s:.2f} s and {50 * len(delta.data) / 1e6:.2f} MB; nothing changed: "
         f"changes {50 * same_s:.2f} s"),
    ]


if __name__ == "__main__":
    main()
