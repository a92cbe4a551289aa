"""sync: the kiosk outbox and the sync client's state

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28 03:30:14.941025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # AUTOINCREMENT on SQLite: an outbox sequence number is never reused, so acknowledging a
    # batch by its sequence numbers can never delete a record written after the batch was read.
    op.create_table('sync_outbox',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_sync_outbox')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_outbox_session_id'), ['session_id'], unique=False)

    op.create_table('sync_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sync_state'))
    )


def downgrade() -> None:
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_outbox_session_id'))
    op.drop_table('sync_outbox')
