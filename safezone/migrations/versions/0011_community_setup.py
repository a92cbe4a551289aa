"""community set-up: building.units

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-06 04:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): the roster triggers of 0007 on ``building`` must survive.
    op.add_column('building', sa.Column('units', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_column('units')
