"""enrolment code expiry: kiosk.enrolment_code_issued_at

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolment_code_issued_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # A code issued before this upgrade has no issue time: count it from the upgrade, so a
    # kiosk about to enrol still can, and the code still expires like any other.
    op.execute('UPDATE kiosk SET enrolment_code_issued_at = CURRENT_TIMESTAMP '
               'WHERE enrolment_code_hash IS NOT NULL')


def downgrade() -> None:
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_column('enrolment_code_issued_at')
