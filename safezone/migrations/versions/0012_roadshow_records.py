"""roadshow records: roadshow_record (summary) and roadshow_photo (JPEG, EXIF stripped)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 04:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roadshow_record',
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['roadshow_event.id'],
                                name=op.f('fk_roadshow_record_event_id_roadshow_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by'], ['staff_user.id'],
                                name=op.f('fk_roadshow_record_updated_by_staff_user')),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_roadshow_record')),
    )
    op.create_table(
        'roadshow_photo',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('caption', sa.String(length=100), nullable=False),
        sa.Column('jpeg', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['roadshow_event.id'],
                                name=op.f('fk_roadshow_photo_event_id_roadshow_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by'], ['staff_user.id'],
                                name=op.f('fk_roadshow_photo_uploaded_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_photo')),
    )
    op.create_index(op.f('ix_roadshow_photo_event_id'), 'roadshow_photo', ['event_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_roadshow_photo_event_id'), table_name='roadshow_photo')
    op.drop_table('roadshow_photo')
    op.drop_table('roadshow_record')
