"""Rankings shown on the kiosk: buildings by points earned, and a roadshow's leaderboard.

Only nicknames and building labels leave this module (DESIGN.md decision 4: a card identifies,
the kiosk never shows a full name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safezone.labels import building_label
from safezone.models import (
    Building,
    Household,
    PlaySession,
    Plot,
    PointsEntry,
    PointsReason,
    Resident,
    RoadshowEvent,
)
from safezone.services.localtime import local_day_bounds, require_aware
from safezone.services.points import correctly_answered_ids


class RankingError(ValueError):
    """A ranking was asked with bad input."""


@dataclass(frozen=True)
class BuildingRank:
    """One building's standing: points its residents earned and how many of them played."""

    building_id: int
    label: str
    points: int
    players: int


@dataclass(frozen=True)
class LeaderRow:
    """One line of a roadshow leaderboard: nickname, building and best score."""

    nickname: str
    building_label: str
    score: int


def _positive_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise RankingError(f"limit must be a positive whole number, got {limit!r}")
    return limit


def building_ranking(
    session: Session,
    *,
    since: date | datetime | None = None,
    limit: int = 18,
    site_id: int | None = None,
) -> list[BuildingRank]:
    """Buildings ordered by points their residents earned (plays, check-ins, badges and staff
    adjustments; redemptions do not lower a building's standing), then by players.

    ``players`` counts distinct residents with a finished play. ``since`` (a local date or an
    aware instant) limits both to that time onwards. Every building is listed, reached or not.
    """
    limit = _positive_limit(limit)
    start: datetime | None
    if since is None:
        start = None
    elif isinstance(since, datetime):
        start = require_aware(since, "since")
    elif isinstance(since, date):
        start = local_day_bounds(since)[0]
    else:
        raise RankingError(f"since must be a date, an aware datetime or None, got {since!r}")

    earned = (
        select(
            Household.building_id.label("building_id"), func.sum(PointsEntry.amount).label("points")
        )
        .select_from(PointsEntry)
        .join(Resident, Resident.id == PointsEntry.resident_id)
        .join(Household, Household.id == Resident.household_id)
        .where(PointsEntry.reason != PointsReason.REDEEM)
        .group_by(Household.building_id)
    )
    played = (
        select(
            Household.building_id.label("building_id"),
            func.count(func.distinct(PlaySession.resident_id)).label("players"),
        )
        .select_from(PlaySession)
        .join(Resident, Resident.id == PlaySession.resident_id)
        .join(Household, Household.id == Resident.household_id)
        .where(PlaySession.finished_at.is_not(None))
        .group_by(Household.building_id)
    )
    if start is not None:
        earned = earned.where(PointsEntry.created_at >= start)
        played = played.where(PlaySession.started_at >= start)
    earned_q, played_q = earned.subquery(), played.subquery()
    points_col = func.coalesce(earned_q.c.points, 0)
    players_col = func.coalesce(played_q.c.players, 0)
    query = (
        select(Building.id, Plot.number, Building.number, points_col, players_col)
        .join(Plot, Plot.id == Building.plot_id)
        .outerjoin(earned_q, earned_q.c.building_id == Building.id)
        .outerjoin(played_q, played_q.c.building_id == Building.id)
        .order_by(points_col.desc(), players_col.desc(), Plot.number, Building.number, Building.id)
        .limit(limit)
    )
    if site_id is not None:
        query = query.where(Plot.site_id == site_id)
    return [
        BuildingRank(
            building_id=building_id,
            label=building_label(plot_number, number),
            points=int(points),
            players=int(players),
        )
        for building_id, plot_number, number, points, players in session.execute(query)
    ]


def event_leaderboard(session: Session, roadshow_id: UUID, limit: int = 10) -> list[LeaderRow]:
    """Best finished-session score per resident among sessions tagged with the roadshow, highest
    first; a tie goes to whoever reached the score first. Anonymised residents are left out."""
    limit = _positive_limit(limit)
    if session.get(RoadshowEvent, roadshow_id) is None:
        raise RankingError(f"unknown roadshow {roadshow_id}")
    ranked = (
        select(
            PlaySession.resident_id.label("resident_id"),
            PlaySession.score.label("score"),
            PlaySession.finished_at.label("finished_at"),
            func.row_number()
            .over(
                partition_by=PlaySession.resident_id,
                order_by=(PlaySession.score.desc(), PlaySession.finished_at, PlaySession.id),
            )
            .label("position"),
        )
        .where(
            PlaySession.roadshow_id == roadshow_id,
            PlaySession.resident_id.is_not(None),
            PlaySession.finished_at.is_not(None),
        )
        .subquery()
    )
    query = (
        select(Resident.nickname, Plot.number, Building.number, ranked.c.score)
        .select_from(ranked)
        .join(Resident, Resident.id == ranked.c.resident_id)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .join(Plot, Plot.id == Building.plot_id)
        .where(ranked.c.position == 1, Resident.anonymised_at.is_(None))
        .order_by(ranked.c.score.desc(), ranked.c.finished_at, Resident.nickname)
        .limit(limit)
    )
    return [
        LeaderRow(nickname=nickname, building_label=building_label(plot, number), score=int(score))
        for nickname, plot, number, score in session.execute(query)
    ]


def recent_question_ids(
    session: Session, resident_id: int, days: int = 30, *, now: datetime
) -> set[str]:
    """Question ids the resident answered correctly in the ``days`` before ``now``: a kiosk can
    prefer other questions (these now earn the repeat rate, ``POINTS_PER_REPEAT``)."""
    require_aware(now)
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise RankingError(f"days must be a positive whole number, got {days!r}")
    return correctly_answered_ids(
        session,
        resident_id,
        since=now - timedelta(days=days),
        before=now + timedelta(microseconds=1),
    )
