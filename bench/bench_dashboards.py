"""Dashboard latency at district scale: 5,000 residents (``--residents 70000`` for a district),
1,000,000 answers, and reach through all three touchpoints (kiosk plays, roadshow check-ins,
door-to-door visits) with the per-building door-knocking sheet.

Builds the data set on SQLite (a temporary file) and on PostgreSQL (127.0.0.1:5432, trust auth,
database ``test`` — skipped with a message when no server answers), rebuilds the rollups with the
set-based :func:`safezone.services.rollups.rebuild`, then times every dashboard function
(p50/p95 over ``--runs`` calls, each in a fresh session) against the 100 ms target, and then
every JSON endpoint of the admin's dashboard page the same way, through the real Flask app with a
logged-in viewer (routing, login check, the dashboards call and ``jsonify``), since that is what
the target is about.

    .venv/bin/python bench/bench_dashboards.py [--runs 30] [--answers 1000000] [--only sqlite]
        [--residents 70000] [--case plays_over_time] [--case reach ...]

``--case`` (repeatable) times only the dashboards whose name contains one of the given texts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from safezone.db.engine import make_engine, make_session_factory
from safezone.db.migrate import upgrade
from safezone.models import (
    Answer,
    Building,
    CheckInMethod,
    Household,
    PlaySession,
    Plot,
    Resident,
    RoadshowEvent,
    Site,
    VisitOutcome,
)
from safezone.services import dashboards, reach, roadshows, rollups

TARGET_MS = 100.0
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "safezone_bench_dashboards"
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
DAYS = 365
RESIDENTS = 5_000
HOUSEHOLDS = 1_462
ANSWERS_PER_SESSION = 5
QUESTIONS_PER_TOPIC = 60
TOPICS = ("fire", "home", "traffic", "cyber")
AGE_GROUPS = ("child", "adult", "elder")
EVENTS = 12
ATTENDEES = 60
#: Password of the viewer account the endpoint phase logs in with.
PASSWORD = "bench viewer password"


def log(message: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# data set


def _uuid7(ms: int, rng: random.Random) -> uuid.UUID:
    """A UUID v7 for a given millisecond (fast, deterministic; same layout as uuid6.uuid7)."""
    value = (
        (ms & ((1 << 48) - 1)) << 80
        | 0x7 << 76
        | rng.getrandbits(12) << 64
        | 0b10 << 62
        | rng.getrandbits(62)
    )
    return uuid.UUID(int=value)


def build_community(session: Session, rng: random.Random) -> list[tuple[int, int]]:
    """Site, plots of 6 buildings (18 buildings for the compound, ~100 flats a building for a
    district), HOUSEHOLDS households, RESIDENTS residents; returns (resident id, household id)."""
    site = Site(name="锦秀城三期", household_target=HOUSEHOLDS)
    count = max(18, HOUSEHOLDS // 100)
    plots = [Plot(site=site, number=p) for p in range(1, -(-count // 6) + 1)]
    buildings = [Building(plot=plots[i // 6], number=1 + i % 6) for i in range(count)]
    session.add(site)
    session.add_all(buildings)
    session.flush()
    households = [
        {
            "building_id": buildings[i % count].id,
            "unit": 1 + (i // count) % 3,
            "room": f"{1 + (i // (3 * count)) % 33}{1 + (i // (99 * count)) % 4:02d}",
            "created_at": NOW,
        }
        for i in range(HOUSEHOLDS)
    ]
    session.execute(insert(Household), households)
    household_ids = [h for (h,) in session.execute(text("SELECT id FROM household ORDER BY id"))]
    residents = [
        {
            "household_id": household_ids[i % HOUSEHOLDS],
            "full_name": f"居民{i}",
            "nickname": f"居民{i}",
            "age_group": rng.choice(AGE_GROUPS),
            "consent": True,
            "created_at": NOW,
        }
        for i in range(RESIDENTS)
    ]
    session.execute(insert(Resident), residents)
    session.flush()
    return [
        (r, h)
        for r, h in session.execute(text("SELECT id, household_id FROM resident ORDER BY id"))
    ]


def generate_plays(
    people: list[tuple[int, int]], answers: int, rng: random.Random
) -> tuple[list[tuple], list[tuple]]:
    """Sessions and answers over the last year: 70% card holders (a fifth of the residents never
    play, so some households stay unreached), 30% guests; answer topics follow the session."""
    players = [pid for pid, _ in people[: int(len(people) * 0.8)]]
    questions = {t: [f"{t}-{n:03d}" for n in range(QUESTIONS_PER_TOPIC)] for t in TOPICS}
    difficulty = {q: 0.45 + 0.5 * rng.random() for qs in questions.values() for q in qs}
    sessions: list[tuple] = []
    answer_rows: list[tuple] = []
    start = NOW - timedelta(days=DAYS)
    span_ms = DAYS * 86_400_000
    base_ms = int(start.timestamp() * 1000)
    for _ in range(answers // ANSWERS_PER_SESSION):
        offset = rng.randrange(span_ms)
        started = start + timedelta(milliseconds=offset)
        sid = _uuid7(base_ms + offset, rng)
        resident = rng.choice(players) if rng.random() < 0.7 else None
        topic = rng.choice(TOPICS)
        right = 0
        for i in range(ANSWERS_PER_SESSION):
            q = rng.choice(questions[topic])
            ok = rng.random() < difficulty[q]
            right += ok
            at = started + timedelta(seconds=12 * (i + 1))
            answer_rows.append(
                (_uuid7(base_ms + offset + 12_000 * (i + 1), rng), sid, resident, q, topic, ok, at)
            )
        sessions.append(
            (
                sid,
                resident,
                "resident" if resident else "guest",
                "quiz",
                topic,
                started,
                started + timedelta(minutes=2),
                right,
                ANSWERS_PER_SESSION,
            )
        )
    # Kiosks write in time order; inserting in key order keeps the B-tree loads sequential.
    sessions.sort(key=lambda row: row[0])
    answer_rows.sort(key=lambda row: row[0])
    return sessions, answer_rows


_SESSION_COLS = (
    "id",
    "resident_id",
    "mode",
    "game_type",
    "topic",
    "started_at",
    "finished_at",
    "score",
    "max_score",
)
_ANSWER_COLS = ("id", "session_id", "resident_id", "question_id", "topic", "correct", "answered_at")


def _sqlite_time(value: datetime) -> str:
    # The text UTCDateTime stores on SQLite (naive UTC, microseconds).
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def bulk_insert(engine: Engine, sessions: list[tuple], answers: list[tuple]) -> None:
    """Raw driver bulk load: executemany on SQLite, COPY on PostgreSQL."""
    extra_s = ("language", "points_awarded")
    # Secondary indexes are dropped for the load and rebuilt once afterwards: the usual way to
    # bulk-load, and many times faster than maintaining them row by row.
    indexes = [*PlaySession.__table__.indexes, *Answer.__table__.indexes]
    with engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        if engine.dialect.name == "sqlite":
            cur = driver.cursor()
            # A big page cache keeps index pages in memory instead of spilling them to the WAL.
            cur.execute("PRAGMA cache_size=-262144")
            cur.executemany(
                f"INSERT INTO play_session ({', '.join(_SESSION_COLS + extra_s)}) "
                f"VALUES ({', '.join('?' * (len(_SESSION_COLS) + 2))})",
                (
                    (
                        s[0].hex,
                        s[1],
                        s[2],
                        s[3],
                        s[4],
                        _sqlite_time(s[5]),
                        _sqlite_time(s[6]),
                        s[7],
                        s[8],
                        "zh-CN",
                        0,
                    )
                    for s in sessions
                ),
            )
            cur.executemany(
                f"INSERT INTO answer ({', '.join(_ANSWER_COLS)}) VALUES ({', '.join('?' * 7)})",
                (
                    (a[0].hex, a[1].hex, a[2], a[3], a[4], int(a[5]), _sqlite_time(a[6]))
                    for a in answers
                ),
            )
        else:
            cur = driver.cursor()
            with cur.copy(
                f"COPY play_session ({', '.join(_SESSION_COLS + extra_s)}) FROM STDIN"
            ) as copy:
                for s in sessions:
                    copy.write_row((*s, "zh-CN", 0))
            with cur.copy(f"COPY answer ({', '.join(_ANSWER_COLS)}) FROM STDIN") as copy:
                for a in answers:
                    copy.write_row(a)
    with engine.begin() as conn:
        for index in indexes:
            index.create(conn)


def add_roadshows(
    session: Session, people: list[tuple[int, int]], rng: random.Random
) -> list[RoadshowEvent]:
    """A roadshow a month with 60 checked-in attendees each (through the real service)."""
    events = []
    residents = {r.id: r for r in session.query(Resident).all()}
    for n in range(EVENTS):
        start = NOW - timedelta(days=30 * (n + 1) - 3)
        event = roadshows.create_event(
            session,
            title=f"安全路演 {n + 1}",
            place="5栋架空层",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            topics=rng.sample(TOPICS, 2),
            now=start - timedelta(days=7),
        )
        for pid, _ in rng.sample(people[:4000], ATTENDEES):
            roadshows.check_in(
                session,
                event,
                residents[pid],
                method=CheckInMethod.SCANNER,
                now=start + timedelta(minutes=rng.randrange(100)),
            )
        events.append(event)
    # Door-to-door visits to one household in 20 (every fifth finds nobody home).
    households = session.query(Household).all()
    for n, household in enumerate(rng.sample(households, len(households) // 20)):
        at = NOW - timedelta(days=rng.randrange(1, 80))
        reach.record_visit(session, household, visitor="志愿者", visited_at=at,
                           outcome=VisitOutcome.NOT_HOME if n % 5 == 0 else VisitOutcome.TALKED,
                           topic=rng.choice(TOPICS), note=None, now=NOW, actor_label="bench")
    return events


def build(engine: Engine, answers: int, seed: int = 20261128) -> list[Any]:
    """Migrate, fill and roll up one database; returns the roadshow event ids."""
    rng = random.Random(seed)
    upgrade(engine)
    factory = make_session_factory(engine)
    t0 = time.perf_counter()
    with factory() as session:
        people = build_community(session, rng)
        events = add_roadshows(session, people, rng)
        session.commit()
        event_ids = [e.id for e in events]
    sessions, answer_rows = generate_plays(people, answers, rng)
    log(
        f"  generated {len(sessions):,} sessions / {len(answer_rows):,} answers "
        f"in {time.perf_counter() - t0:.1f}s"
    )
    t1 = time.perf_counter()
    bulk_insert(engine, sessions, answer_rows)
    log(f"  bulk insert {time.perf_counter() - t1:.1f}s")
    t2 = time.perf_counter()
    with factory() as session:
        counts = rollups.rebuild(session)
        session.commit()
    log(
        f"  rollup rebuild {time.perf_counter() - t2:.1f}s "
        f"(daily: {counts.topic_rows:,} topic / {counts.question_rows:,} question rows; "
        f"monthly: {counts.monthly_topic_rows:,} topic / {counts.monthly_question_rows:,} "
        f"question rows; {counts.question_total_rows:,} day x question totals; "
        f"{counts.total_rows:,} day totals; "
        f"{counts.residents:,} residents)"
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Fresh statistics (and on PostgreSQL a visibility map, so covering indexes are read
        # alone), as `PRAGMA optimize` / autovacuum would have on a live system.
        conn.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
    return event_ids


# ---------------------------------------------------------------------------------------------
# timing


def cases(event_ids: list[Any]) -> list[tuple[str, Callable[[Session], Any]]]:
    """Every dashboard call the admin's JSON endpoints make, with realistic arguments."""
    today = NOW.date()
    month, quarter = today - timedelta(days=30), today - timedelta(days=90)
    # The worst case for the monthly split: the 2nd of a month leaves 29-30 days to read from
    # the daily rollups (the 30d/90d cases above happen to fall near a month's end).
    worst = (today.replace(day=1) - timedelta(days=1)).replace(day=2)
    middle = event_ids[len(event_ids) // 2]

    def impact(s: Session) -> Any:
        return dashboards.roadshow_impact(s, s.get(RoadshowEvent, middle), window_days=30, now=NOW)

    return [
        ("reach", dashboards.reach),
        ("reach via visit", lambda s: dashboards.reach(s, ["visit"])),
        ("unreached_sheet one building", lambda s: reach.unreached_sheet(s, 1, personal=True)),
        ("plays_over_time 30d", lambda s: dashboards.plays_over_time(s, 30, NOW)),
        ("plays_over_time 365d", lambda s: dashboards.plays_over_time(s, 365, NOW)),
        ("topics all", lambda s: dashboards.topics(s)),
        ("topics 30d", lambda s: dashboards.topics(s, since=month)),
        ("age_groups all", lambda s: dashboards.age_groups(s)),
        ("accuracy_by_topic all", lambda s: dashboards.accuracy_by_topic(s)),
        ("question_stats all", lambda s: dashboards.question_stats(s)),
        ("question_stats 90d", lambda s: dashboards.question_stats(s, since=quarter)),
        ("weakest_questions all", lambda s: dashboards.weakest_questions(s)),
        ("weakest_questions 30d", lambda s: dashboards.weakest_questions(s, since=month)),
        ("weakest_questions 2nd", lambda s: dashboards.weakest_questions(s, since=worst)),
        ("question_stats 2nd", lambda s: dashboards.question_stats(s, since=worst)),
        ("age_groups 2nd", lambda s: dashboards.age_groups(s, since=worst)),
        ("accuracy_by_building all", lambda s: dashboards.accuracy_by_building(s)),
        ("accuracy_by_building 2nd", lambda s: dashboards.accuracy_by_building(s, since=worst)),
        ("roadshow_impact", impact),
        ("unreached_households", lambda s: dashboards.unreached_households(s)),
    ]


def select_cases(
    all_cases: list[tuple[str, Callable[[Session], Any]]], wanted: list[str] | None
) -> list[tuple[str, Callable[[Session], Any]]]:
    """The cases whose name contains one of ``wanted`` (all of them when ``wanted`` is empty);
    an unknown text is an error naming the cases there are, before any data is built."""
    if not wanted:
        return all_cases
    unknown = [w for w in wanted if not any(w in name for name, _call in all_cases)]
    if unknown:
        names = ", ".join(name for name, _call in all_cases)
        raise SystemExit(f"no dashboard case matches {', '.join(unknown)}; cases: {names}")
    return [(name, call) for name, call in all_cases if any(w in name for w in wanted)]


def time_all(
    factory: sessionmaker[Session], event_ids: list[Any], runs: int, wanted: list[str] | None = None
) -> list[tuple[str, float, float]]:
    """(name, p50 ms, p95 ms) per case; each call in a fresh session, after one warm-up call."""
    results = []
    for name, call in select_cases(cases(event_ids), wanted):
        samples = []
        for i in range(runs + 1):
            with factory() as session:
                t = time.perf_counter()
                call(session)
                elapsed = (time.perf_counter() - t) * 1000
            if i:  # the first call warms caches and prepared statements
                samples.append(elapsed)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        results.append((name, statistics.median(samples), p95))
    return results


def print_table(engine_name: str, results: list[tuple[str, float, float]]) -> None:
    """The figures, with p95 as a ratio of the 100 ms target."""
    print(f"\n{engine_name}: {'dashboard':<30} {'p50 ms':>8} {'p95 ms':>8} {'p95/target':>10}")
    for name, p50, p95 in results:
        flag = "" if p95 <= TARGET_MS else "  OVER"
        print(
            f"{'':{len(engine_name) + 1}} {name:<30} {p50:8.1f} {p95:8.1f} {p95 / TARGET_MS:10.2f}{flag}"
        )
    worst = max(p95 for _n, _p, p95 in results)
    print(
        f"{'':{len(engine_name) + 1}} worst p95 {worst:.1f} ms = {worst / TARGET_MS:.2f} x target"
        f"; load average after timing: {load_average()}"
    )


def load_average() -> str:
    """The 1/5/15-minute load averages (Linux), since a busy machine inflates every figure."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def pg_engine(name: str = PG_BENCH_DB) -> Engine | None:
    """A fresh, empty benchmark database on the local PostgreSQL server, or None (with a
    message) when no server answers."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server here"
        print(f"\nPostgreSQL: skipped, no server at {PG_ADMIN_URL} ({exc.__class__.__name__})")
        return None
    finally:
        admin.dispose()
    return make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)


def drop_pg(name: str = PG_BENCH_DB) -> None:
    """Remove the benchmark database again."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def endpoints(event_ids: list[Any]) -> list[str]:
    """Every URL the dashboard page fetches, for each time window it offers."""
    middle = event_ids[len(event_ids) // 2]
    urls = ["/dashboards/api/reach", "/dashboards/api/plays?days=30", "/dashboards/api/plays?days=365",
            f"/dashboards/api/roadshow-impact/{middle}", "/dashboards/api/unreached",
            "/dashboards/reach", "/dashboards/reach?via=checkin&via=visit",
            "/dashboards/unreached?building=1"]
    for days in (30, 0):
        urls += [f"/dashboards/api/{name}?days={days}" for name in ("topics", "age-groups", "buildings", "weakest")]
    return urls


def time_endpoints(
    engine: Engine, event_ids: list[Any], runs: int, wanted: list[str] | None = None
) -> list[tuple[str, float, float]]:
    """(url, p50 ms, p95 ms) per JSON endpoint, through the admin app's test client logged in as a
    viewer, after one warm-up request each. ``wanted`` filters URLs by substring."""
    from admin import create_app
    from safezone.config import Settings
    from safezone.models import Role
    from safezone.services.staff import create_staff_user

    url = engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url=url)
        with make_session_factory(engine)() as s:
            create_staff_user(s, username="bench-viewer", display_name="看板", role=Role.VIEWER,
                              password=PASSWORD, now=NOW)
            s.commit()
        app = create_app(settings, {"SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
                                    "WTF_CSRF_ENABLED": False, "CLOCK": lambda: NOW})
        try:
            client = app.test_client()
            login = client.post("/login", data={"username": "bench-viewer", "password": PASSWORD})
            if login.status_code != 302:
                raise SystemExit(f"bench viewer could not log in (HTTP {login.status_code})")
            results = []
            for path in endpoints(event_ids):
                if wanted and not any(w in path for w in wanted):
                    continue
                samples = []
                for i in range(runs + 1):
                    t = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - t) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {response.status_code}")
                    if i:
                        samples.append(elapsed)
                samples.sort()
                p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
                name = path.removeprefix("/dashboards/api/").removeprefix("/dashboards/").replace(str(event_ids[len(event_ids) // 2]), "<event>")
                results.append((name, statistics.median(samples), p95))
        finally:
            app.extensions["safezone"].database.dispose()
    return results


def run(
    engine: Engine, label: str, answers: int, runs: int, wanted: list[str] | None = None
) -> list[tuple[str, float, float]]:
    """Build one engine's data set and time it (only the ``wanted`` cases, if given): first the
    dashboards functions, then the admin's JSON endpoints over them."""
    log(f"{label}: building {RESIDENTS:,} residents / {answers:,} answers ...")
    t0 = time.perf_counter()
    event_ids = build(engine, answers)
    log(f"  built in {time.perf_counter() - t0:.1f}s; timing {runs} runs per dashboard ...")
    results = time_all(make_session_factory(engine), event_ids, runs, wanted)
    print_table(label, results)
    http = time_endpoints(engine, event_ids, runs, wanted)
    if http:
        print_table(f"{label} HTTP", http)
    return results + http


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when any p95 is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=5_000,
                        help="residents (households: one per 3.4, as in the compound)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--case", action="append", metavar="TEXT",
                        help="time only dashboards whose name contains TEXT (repeatable)")
    args = parser.parse_args(argv)
    global RESIDENTS, HOUSEHOLDS
    if args.residents != 5_000:
        RESIDENTS, HOUSEHOLDS = args.residents, round(args.residents / 3.42)
    # Checked before the (minutes-long) build, with placeholder event ids.
    select_cases(cases([None] * EVENTS), args.case)
    worst = 0.0
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            results = run(engine, "SQLite", args.answers, args.runs, args.case)
            worst = max(worst, *(p95 for _n, _p, p95 in results))
            engine.dispose()
    if args.only in (None, "postgresql"):
        engine = pg_engine()
        if engine is not None:
            try:
                results = run(engine, "PostgreSQL", args.answers, args.runs, args.case)
                worst = max(worst, *(p95 for _n, _p, p95 in results))
            finally:
                engine.dispose()
                drop_pg()
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
