"""Migration 0005 fills the new monthly and total rollups from an existing database's daily
ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from service_helpers import Community, PlayRound
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from test_rollups import days_of_topics, months_of_questions, months_of_topics, snapshot

from safezone.app_context import Database
from safezone.db.migrate import alembic_config, upgrade
from safezone.models import AgeGroup, PlayMode

MONTHLY = "0005"


def _downgrade(database: Database, revision: str) -> None:
    cfg = alembic_config()
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_upgrade_sums_existing_daily_rollups_into_months(
    any_database: Database, db: Session, community: Community, play_round: PlayRound
) -> None:
    amy = community.resident("阿美")
    grandma = community.resident("王奶奶", building=1, age_group=AgeGroup.ELDER)
    start = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)
    for i in range(12):  # September to November, some across local midnight
        at = start + timedelta(days=6 * i, hours=5 * i)
        who = (amy, grandma, None)[i % 3]
        play_round(who, [(f"fire-{i % 4}", i % 2 == 0), ("home-1", i % 3 == 0)], now=at,
                   mode=PlayMode.KIDS if i % 6 == 5 else None)
    db.commit()
    before = snapshot(db)
    assert len({m for m, *_ in before["monthly_topic"]}) == 3
    db.close()

    previous = ScriptDirectory.from_config(alembic_config()).get_revision(MONTHLY).down_revision
    assert isinstance(previous, str)
    _downgrade(any_database, previous)
    tables = set(inspect(any_database.engine).get_table_names())
    assert "rollup_monthly_topic" not in tables and "rollup_daily_topic" in tables
    assert "rollup_daily_total" not in tables
    upgrade(any_database.engine, MONTHLY)

    with any_database.sessions() as fresh:
        after = snapshot(fresh)
    assert after == before
    assert after["monthly_topic"] == months_of_topics(after["topic"])
    assert after["monthly_question"] == months_of_questions(after["question"])
    assert after["question_total"] == months_of_questions(after["question"], by_day=True)
    assert after["total"] == days_of_topics(after["topic"])
    assert len(after["total"]) == 12  # every round on its own local day
