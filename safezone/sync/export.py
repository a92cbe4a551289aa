"""Server side of pull: the roster, the content pack and upcoming roadshows for kiosks.

The roster carries what a kiosk needs to recognise a card and greet its holder — card hashes,
nickname, building, balance, revocations — and nothing more (no full names, phones or flats).
Each payload has a version (a hash of its content) so an unchanged one costs a 304.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
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
    SiteOut,
)

#: Most roadshows sent to a kiosk.
ROADSHOW_LIMIT = 50


class ContentPackError(Exception):
    """The server's content folder cannot be packed; the message names the file."""


def _digest(payload: object) -> str:
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def build_roster(session: Session, *, now: datetime) -> Roster:
    """The roster as of now: every site, plot, building, resident (with balance) and card."""
    require_aware(now)
    sites = [SiteOut(id=s.id, name=s.name, name_en=s.name_en, household_target=s.household_target)
             for s in session.scalars(select(Site).order_by(Site.id))]
    plots = [PlotOut(id=p.id, site_id=p.site_id, number=p.number)
             for p in session.scalars(select(Plot).order_by(Plot.id))]
    buildings = [BuildingOut(id=b.id, plot_id=b.plot_id, number=b.number)
                 for b in session.scalars(select(Building).order_by(Building.id))]
    balances = dict(session.execute(
        select(PointsEntry.resident_id, func.sum(PointsEntry.amount))
        .group_by(PointsEntry.resident_id)
    ).all())
    residents = [
        ResidentOut(id=rid, household_id=hid, building_id=bid, nickname=nick,
                    age_group=age.value, consent=bool(consent),
                    anonymised=anonymised_at is not None, balance=int(balances.get(rid) or 0))
        for rid, hid, bid, nick, age, consent, anonymised_at in session.execute(
            select(Resident.id, Resident.household_id, Household.building_id, Resident.nickname,
                   Resident.age_group, Resident.consent, Resident.anonymised_at)
            .join(Household, Household.id == Resident.household_id)
            .order_by(Resident.id)
        )
    ]
    cards = [
        CardOut(id=cid, resident_id=rid, code_hash=code_hash, status=status.value,
                revoked_at=revoked_at)
        for cid, rid, code_hash, status, revoked_at in session.execute(
            select(Card.id, Card.resident_id, Card.code_hash, Card.status, Card.revoked_at)
            .order_by(Card.id)
        )
    ]
    body = {
        "sites": [s.model_dump(mode="json") for s in sites],
        "plots": [p.model_dump(mode="json") for p in plots],
        "buildings": [b.model_dump(mode="json") for b in buildings],
        "residents": [r.model_dump(mode="json") for r in residents],
        "cards": [c.model_dump(mode="json") for c in cards],
    }
    return Roster(version=_digest(body), generated_at=now, sites=sites, plots=plots,
                  buildings=buildings, residents=residents, cards=cards)


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
