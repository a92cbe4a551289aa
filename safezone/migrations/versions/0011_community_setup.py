"""community set-up and every touchpoint: building.units, door_visit, rollup_household_touch

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 04:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): the roster triggers of 0007 on ``building`` must survive.
    op.add_column('building', sa.Column('units', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'door_visit',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('visitor', sa.String(length=64), nullable=False),
        sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('topic', sa.String(length=16), nullable=True),
        sa.Column('outcome', sa.Enum('talked', 'material', 'not_home', 'refused',
                                     name='visitoutcome', native_enum=False, length=10),
                  nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('operator_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_door_visit_household_id_household')),
        sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'],
                                name=op.f('fk_door_visit_operator_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_door_visit')),
    )
    op.create_index('ix_door_visit_household_visited', 'door_visit', ['household_id', 'visited_at'])
    op.create_table(
        'rollup_household_touch',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_rollup_household_touch_household_id_household')),
        sa.PrimaryKeyConstraint('household_id', 'kind', name=op.f('pk_rollup_household_touch')),
    )
    op.create_index(op.f('ix_rollup_household_touch_building_id'), 'rollup_household_touch',
                    ['building_id'])
    # Plays and check-ins made before this upgrade count as touchpoints at once.
    op.execute(
        "INSERT INTO rollup_household_touch (household_id, kind, building_id, first_at, last_at, count) "
        "SELECT household_id, 'kiosk', building_id, MIN(first_played_at), MAX(last_played_at), "
        "SUM(sessions) FROM rollup_resident_activity WHERE building_id != 0 "
        "GROUP BY household_id, building_id"
    )
    op.execute(
        "INSERT INTO rollup_household_touch (household_id, kind, building_id, first_at, last_at, count) "
        "SELECT h.id, 'checkin', h.building_id, MIN(c.checked_in_at), MAX(c.checked_in_at), COUNT(*) "
        "FROM checkin c JOIN resident r ON r.id = c.resident_id JOIN household h ON h.id = r.household_id "
        "GROUP BY h.id, h.building_id"
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_rollup_household_touch_building_id'), table_name='rollup_household_touch')
    op.drop_table('rollup_household_touch')
    op.drop_index('ix_door_visit_household_visited', table_name='door_visit')
    op.drop_table('door_visit')
    # Plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): a batch copy of ``building`` would fail on
    # the tables that reference it and lose the roster triggers of 0007.
    op.execute('ALTER TABLE building DROP COLUMN units')
