"""Card printing for the whole compound: 1,462 households, one resident each, one PDF.

Times what ``safezone cards print`` does — choose residents, issue 1,462 cards, write the vector
PDF, commit — against the 10 s target, then proves every card works: renders each page at 150 dpi,
decodes every QR with zxing-cpp and identifies every code against the database.

    .venv/bin/python -m bench cards        (or: .venv/bin/python -m bench.bench_cards)
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from safezone.app_context import open_database
from safezone.cards.printing import issue_and_print, residents_for_cards
from safezone.cards.service import identify
from safezone.config import Settings
from safezone.models import AgeGroup, Building, Household, Plot, Resident, Site

TARGET_SECONDS = 10.0
HOUSEHOLDS = 1_462
#: 锦秀城三期: 3 plots, 18 buildings.
BUILDINGS_PER_PLOT = {1: 6, 2: 6, 3: 6}
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
DPI = 150


def populate(session: Session) -> None:
    """One site, 18 buildings, 1,462 households with one resident each (bulk inserts)."""
    site = Site(name="锦秀城三期", household_target=HOUSEHOLDS)
    session.add(site)
    buildings: list[Building] = []
    for plot_number, count in BUILDINGS_PER_PLOT.items():
        plot = Plot(site=site, number=plot_number)
        session.add(plot)
        for number in range(1, count + 1):
            building = Building(plot=plot, number=number)
            session.add(building)
            buildings.append(building)
    session.flush()
    households = [
        {
            "building_id": buildings[index % len(buildings)].id,
            "unit": 1 + (index // len(buildings)) % 3,
            "room": f"{1 + index // (3 * len(buildings)):02d}{1 + index % 4:02d}",
            "created_at": NOW,
        }
        for index in range(HOUSEHOLDS)
    ]
    session.execute(insert(Household), households)
    household_ids = session.scalars(select(Household.id).order_by(Household.id)).all()
    session.execute(
        insert(Resident),
        [
            {
                "household_id": household_id,
                "nickname": f"邻居{number:04d}",
                "age_group": AgeGroup.ADULT,
                "consent": True,
                "created_at": NOW,
            }
            for number, household_id in enumerate(household_ids, start=1)
        ],
    )
    session.commit()


def decode_all(pdf: Path) -> list[str]:
    """Every QR text in ``pdf``, rendering each page at ``DPI``."""
    document = pdfium.PdfDocument(pdf)
    try:
        codes: list[str] = []
        for page in document:
            image = page.render(scale=DPI / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            codes.extend(barcode.text for barcode in found)
        return codes
    finally:
        document.close()


def main() -> None:
    """Run the benchmark and print its figures; raises if any card fails to scan or verify."""
    with tempfile.TemporaryDirectory(prefix="safezone-bench-cards-") as folder:
        settings = Settings(data_dir=Path(folder) / "var")
        database = open_database(settings, migrate=True)
        out = Path(folder) / "cards.pdf"
        try:
            with database.sessions() as session:
                populate(session)

            marks: dict[str, tuple[float, float]] = {}

            def mark(name: str) -> None:
                marks.setdefault(name, (time.perf_counter(), time.process_time()))

            load_before = os.getloadavg()[0]
            mark("start")
            with database.sessions() as session:
                residents = residents_for_cards(session)
                mark("selected")
                pages = issue_and_print(
                    session,
                    residents,
                    out,
                    now=NOW,
                    actor_label="bench",
                    progress=lambda done, total: mark("issued"),
                )
                mark("written")
                session.commit()
            mark("committed")
            elapsed = marks["committed"][0] - marks["start"][0]
            cpu_used = marks["committed"][1] - marks["start"][1]
            size = out.stat().st_size

            print(f"cards: {len(residents)} residents, {pages} pages, {size / 1024:.0f} KiB")
            print(
                f"issue + print + commit: {elapsed:.2f} s wall ({cpu_used:.2f} s CPU), "
                f"target {TARGET_SECONDS:.0f} s, ratio {elapsed / TARGET_SECONDS:.2f} "
                f"(load average {load_before:.1f} on {os.cpu_count()} CPUs)"
            )
            phases = ["start", "selected", "issued", "written", "committed"]
            names = ["select", "issue", "pdf", "commit"]
            print(
                "  "
                + " · ".join(
                    f"{name} {marks[end][0] - marks[begin][0]:.2f} s "
                    f"({marks[end][1] - marks[begin][1]:.2f} CPU)"
                    for name, begin, end in zip(names, phases[:-1], phases[1:], strict=True)
                )
            )

            started = time.perf_counter()
            decoded = decode_all(out)
            decode_time = time.perf_counter() - started
            expected = {resident.id for resident in residents}
            with database.sessions() as session:
                holders = set()
                for code in decoded:
                    check = identify(session, code)
                    if check.ok and check.resident is not None:
                        holders.add(check.resident.id)
            verified = len(holders & expected)
            print(
                f"decoded {len(set(decoded))}/{len(residents)}, verified {verified}/{len(residents)}"
                f" ({decode_time:.1f} s to render and decode at {DPI} dpi)"
            )
            if verified != len(residents) or len(decoded) != len(residents):
                raise RuntimeError("not every printed card scanned back to its resident")
        finally:
            database.dispose()


if __name__ == "__main__":
    main()
