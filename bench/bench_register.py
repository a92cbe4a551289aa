"""Household register (台账) import at district scale: 20,000 flats from a GBK CSV, ≤ 10 s.

Times what ``safezone community register FILE`` does end to end — read and decode the GBK file,
check every row against the site, write the flats, commit — on SQLite (and PostgreSQL when the
server at 127.0.0.1:5432 answers), then proves all-or-nothing: the same file with 200 bad rows
spread through it is refused with all 200 reported and not one flat written.

    .venv/bin/python -m bench register        (or: .venv/bin/python -m bench.bench_register)
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from safezone.app_context import open_database
from safezone.config import Settings
from safezone.importing import REGISTER_COLUMNS, apply_register, plan_register, read_table
from safezone.models import Household
from safezone.services.community import ensure_buildings, ensure_site

TARGET_SECONDS = 10.0
ROWS = 20_000
BAD_ROWS = 200
PLOTS, BUILDINGS, UNITS, FLOORS, DOORS = 5, 20, 4, 25, 2  # 5 x 20 x 4 x 25 x 2 = 20,000 flats
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def write_register(path: Path, bad_every: int | None = None) -> None:
    """The register as Excel in China saves it: GBK CSV, one flat a row."""
    lines = ["地块,楼栋,单元,门牌"]
    for plot in range(1, PLOTS + 1):
        for building in range(1, BUILDINGS + 1):
            for unit in range(1, UNITS + 1):
                for floor in range(1, FLOORS + 1):
                    for door in range(1, DOORS + 1):
                        lines.append(f"{plot},{building},{unit},{floor}{door:02d}")
    if bad_every:
        for index in range(1, len(lines), bad_every):
            plot, building, unit, room = lines[index].split(",")
            lines[index] = f"{plot},{int(building) + 50},{unit},{room}"  # building not set up
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def run(settings: Settings, csv: Path, bad_csv: Path) -> tuple[float, float, int, int]:
    """(seconds for the good file, seconds to refuse the bad one, errors reported, flats)."""
    db = open_database(settings, migrate=True)
    try:
        with db.sessions() as session:
            site = ensure_site(session, "区级基准小区", ROWS)
            ensure_buildings(session, site, {p: range(1, BUILDINGS + 1) for p in range(1, PLOTS + 1)},
                             units=UNITS)
            session.commit()

        with db.sessions() as session:
            start = time.perf_counter()
            plan = plan_register(session, read_table(bad_csv, REGISTER_COLUMNS))
            refused = time.perf_counter() - start
            errors = len(plan.errors)
            session.rollback()

        with db.sessions() as session:
            start = time.perf_counter()
            plan = plan_register(session, read_table(csv, REGISTER_COLUMNS))
            assert plan.ok, plan.errors[:3]
            apply_register(session, plan, now=NOW, actor_label="bench")
            session.commit()
            elapsed = time.perf_counter() - start
            flats = session.scalar(select(func.count()).select_from(Household)) or 0
        return elapsed, refused, errors, flats
    finally:
        db.dispose()


def _pg_settings(tmp: Path) -> Settings | None:
    try:
        import psycopg
    except ImportError:
        return None
    name = f"sz_bench_register_{os.getpid()}"
    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                             connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return Settings(data_dir=tmp / "pg",
                    database_url=f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")


def main() -> None:
    """Print the figures and the ratio to the 10 s target for each engine."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        csv, bad = tmp / "register.csv", tmp / "register-bad.csv"
        write_register(csv)
        write_register(bad, bad_every=ROWS // BAD_ROWS)
        print(f"register: {ROWS:,} flats, GBK CSV {csv.stat().st_size / 1e6:.1f} MB")
        engines = [("sqlite", Settings(data_dir=tmp / "sqlite"))]
        pg = _pg_settings(tmp)
        if pg is not None:
            engines.append(("postgresql", pg))
        else:
            print("postgresql: not reachable, skipped")
        for engine, settings in engines:
            elapsed, refused, errors, flats = run(settings, csv, bad)
            print(f"{engine}: import {elapsed:.2f} s ({flats:,} flats written), "
                  f"ratio to target {elapsed / TARGET_SECONDS:.2f}; bad file refused in "
                  f"{refused:.2f} s with {errors} of {BAD_ROWS} bad rows reported, nothing written")
            assert flats == ROWS and errors == BAD_ROWS
        if pg is not None:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                                 autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg.database_url.rsplit("/", 1)[1]}"')


if __name__ == "__main__":
    main()
