"""points store: store items and redemptions (积分超市); a dashboard index on answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 03:21:18.423048
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=True),
    sa.Column('price_points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price_points >= 1', name=op.f('ck_store_item_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_store_item_stock_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_item')),
    sa.UniqueConstraint('name', name=op.f('uq_store_item_name'))
    )
    op.create_table('redemption',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('points_entry_id', sa.Uuid(), nullable=False),
    sa.Column('price_points', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['store_item.id'], name=op.f('fk_redemption_item_id_store_item')),
    sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'], name=op.f('fk_redemption_operator_id_staff_user')),
    sa.ForeignKeyConstraint(['points_entry_id'], ['points_entry.id'], name=op.f('fk_redemption_points_entry_id_points_entry')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_redemption_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemption')),
    sa.UniqueConstraint('points_entry_id', name=op.f('uq_redemption_points_entry_id'))
    )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redemption_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_redemption_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_redemption_resident_id'), ['resident_id'], unique=False)

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_resident_topic_answered', ['resident_id', 'topic', 'answered_at', 'correct'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_resident_topic_answered')

    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redemption_resident_id'))
        batch_op.drop_index(batch_op.f('ix_redemption_item_id'))
        batch_op.drop_index(batch_op.f('ix_redemption_created_at'))

    op.drop_table('redemption')
    op.drop_table('store_item')
