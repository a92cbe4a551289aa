"""monthly rollups: rollup_monthly_topic, rollup_monthly_question, rollup_daily_question_total
and rollup_daily_total (one row per day, for the per-day chart), all filled from the existing
daily rollups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 04:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_daily_question_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_daily_question_total')),
    sa.UniqueConstraint('day', 'question_id', name=op.f('uq_rollup_daily_question_total_day_question_id'))
    )
    op.create_table('rollup_daily_total',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_rollup_daily_total'))
    )
    op.create_table('rollup_monthly_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_monthly_question')),
    sa.UniqueConstraint('month', 'question_id', name=op.f('uq_rollup_monthly_question_month_question_id'))
    )
    op.create_table('rollup_monthly_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('age_group', sa.String(length=8), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_monthly_topic')),
    sa.UniqueConstraint('month', 'building_id', 'topic', 'age_group', name=op.f('uq_rollup_monthly_topic_month_building_id_topic_age_group'))
    )
    # An existing database already has daily rollups: sum them into months here, so dashboards
    # are right straight after the upgrade (the same sums rollups.rebuild writes).
    if op.get_bind().dialect.name == 'postgresql':
        month = "CAST(date_trunc('month', CAST(day AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE)"
    else:
        month = "date(day, 'start of month')"
    op.execute(
        'INSERT INTO rollup_monthly_topic '
        '(month, building_id, topic, age_group, sessions, answers, correct) '
        f'SELECT {month}, building_id, topic, age_group, sum(sessions), sum(answers), sum(correct) '
        f'FROM rollup_daily_topic GROUP BY {month}, building_id, topic, age_group'
    )
    op.execute(
        'INSERT INTO rollup_monthly_question (month, question_id, topic, answers, correct) '
        f'SELECT {month}, question_id, min(topic), sum(answers), sum(correct) '
        f'FROM rollup_daily_question GROUP BY {month}, question_id'
    )
    op.execute(
        'INSERT INTO rollup_daily_question_total (day, question_id, topic, answers, correct) '
        'SELECT day, question_id, min(topic), sum(answers), sum(correct) '
        'FROM rollup_daily_question GROUP BY day, question_id'
    )
    op.execute(
        'INSERT INTO rollup_daily_total (day, sessions, answers, correct) '
        'SELECT day, sum(sessions), sum(answers), sum(correct) '
        'FROM rollup_daily_topic GROUP BY day'
    )


def downgrade() -> None:
    op.drop_table('rollup_monthly_topic')
    op.drop_table('rollup_monthly_question')
    op.drop_table('rollup_daily_total')
    op.drop_table('rollup_daily_question_total')
