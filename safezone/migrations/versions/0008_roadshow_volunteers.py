"""roadshow volunteers: roadshow_volunteer (which volunteer may check in at which roadshow)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:30:00.000000

Volunteers check people in only at the roadshows they are assigned to. Nobody is assigned by
this upgrade: until staff assign them, volunteers can check in nowhere (staff and
administrators still can everywhere), which is the safe reading of "assigned only".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roadshow_volunteer',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['roadshow_event.id'], name=op.f('fk_roadshow_volunteer_event_id_roadshow_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_roadshow_volunteer_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('event_id', 'staff_id', name=op.f('pk_roadshow_volunteer'))
    )
    with op.batch_alter_table('roadshow_volunteer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_volunteer_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('roadshow_volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_volunteer_staff_id'))
    op.drop_table('roadshow_volunteer')
