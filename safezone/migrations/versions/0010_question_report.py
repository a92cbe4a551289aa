"""question reports: question_report (staff report a wrong question; withdrawn until reviewed)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'question_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reported_by_id', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['reported_by_id'], ['staff_user.id'],
                                name=op.f('fk_question_report_reported_by_id_staff_user')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['staff_user.id'],
                                name=op.f('fk_question_report_resolved_by_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_report')),
    )
    op.create_index(op.f('ix_question_report_question_id'), 'question_report', ['question_id'])
    op.create_index('ix_question_report_open', 'question_report', ['question_id', 'resolved_at'])


def downgrade() -> None:
    op.drop_index('ix_question_report_open', table_name='question_report')
    op.drop_index(op.f('ix_question_report_question_id'), table_name='question_report')
    op.drop_table('question_report')
