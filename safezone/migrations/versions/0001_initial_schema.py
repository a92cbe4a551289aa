"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosk',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('enrolment_code_hash', sa.String(length=64), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk')),
    sa.UniqueConstraint('enrolment_code_hash', name=op.f('uq_kiosk_enrolment_code_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_kiosk_token_hash'))
    )
    op.create_table('rollup_daily_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_daily_question')),
    sa.UniqueConstraint('day', 'question_id', 'building_id', name=op.f('uq_rollup_daily_question_day_question_id_building_id'))
    )
    with op.batch_alter_table('rollup_daily_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_daily_question_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_daily_question_question_id'), ['question_id'], unique=False)

    op.create_table('rollup_daily_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('age_group', sa.String(length=8), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_daily_topic')),
    sa.UniqueConstraint('day', 'building_id', 'topic', 'age_group', name=op.f('uq_rollup_daily_topic_day_building_id_topic_age_group'))
    )
    with op.batch_alter_table('rollup_daily_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_daily_topic_day'), ['day'], unique=False)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('household_target', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('name', name=op.f('uq_site_name'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'staff', 'volunteer', 'viewer', name='role', native_enum=False, length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('staff_card_hash', sa.String(length=64), nullable=True),
    sa.Column('kiosk_pin_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('staff_card_hash', name=op.f('uq_staff_user_staff_card_hash')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_audit_entry_actor_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)

    op.create_table('plot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_plot_site_id_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plot')),
    sa.UniqueConstraint('site_id', 'number', name=op.f('uq_plot_site_id_number'))
    )
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plot_site_id'), ['site_id'], unique=False)

    op.create_table('roadshow_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=120), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='roadshowstatus', native_enum=False, length=10), nullable=False),
    sa.Column('checkin_points', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_roadshow_event_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_event'))
    )
    with op.batch_alter_table('roadshow_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plot_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], name=op.f('fk_building_plot_id_plot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building')),
    sa.UniqueConstraint('plot_id', 'number', name=op.f('uq_building_plot_id_number'))
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_plot_id'), ['plot_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_household_building_id_building')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('building_id', 'unit', 'room', name=op.f('uq_household_building_id_unit_room'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_building_id'), ['building_id'], unique=False)

    op.create_table('resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=64), nullable=True),
    sa.Column('nickname', sa.String(length=32), nullable=False),
    sa.Column('age_group', sa.Enum('child', 'adult', 'elder', name='agegroup', native_enum=False, length=8), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_resident_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident'))
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_household_id'), ['household_id'], unique=False)

    op.create_table('card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('active', 'revoked', name='cardstatus', native_enum=False, length=8), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_card_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_card_code_hash'))
    )
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_resident_id'), ['resident_id'], unique=False)

    op.create_table('checkin',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('kiosk_id', sa.Uuid(), nullable=True),
    sa.Column('method', sa.Enum('scanner', 'camera', 'kiosk', 'manual', name='checkinmethod', native_enum=False, length=8), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['roadshow_event.id'], name=op.f('fk_checkin_event_id_roadshow_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_checkin_kiosk_id_kiosk')),
    sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'], name=op.f('fk_checkin_operator_id_staff_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_checkin_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin')),
    sa.UniqueConstraint('event_id', 'resident_id', name=op.f('uq_checkin_event_id_resident_id'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_resident_id'), ['resident_id'], unique=False)

    op.create_table('play_session',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kiosk_id', sa.Uuid(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('resident', 'guest', 'kids', name='playmode', native_enum=False), nullable=False),
    sa.Column('game_type', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('content_id', sa.String(length=80), nullable=True),
    sa.Column('roadshow_id', sa.Uuid(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('points_awarded', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_play_session_kiosk_id_kiosk')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_play_session_resident_id_resident')),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshow_event.id'], name=op.f('fk_play_session_roadshow_id_roadshow_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_play_session'))
    )
    with op.batch_alter_table('play_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_play_session_kiosk_id'), ['kiosk_id'], unique=False)
        batch_op.create_index('ix_play_session_resident_started', ['resident_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_play_session_roadshow_id'), ['roadshow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_play_session_started_at'), ['started_at'], unique=False)

    op.create_table('points_entry',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('play', 'checkin', 'badge', 'redeem', 'adjust', name='pointsreason', native_enum=False, length=8), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('kiosk_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_points_entry_kiosk_id_kiosk')),
    sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'], name=op.f('fk_points_entry_operator_id_staff_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_points_entry_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entry'))
    )
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.create_index('ix_points_entry_resident_created', ['resident_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entry_source_id'), ['source_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waitlisted', 'cancelled', name='registrationstatus', native_enum=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['roadshow_event.id'], name=op.f('fk_registration_event_id_roadshow_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_registration_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('event_id', 'resident_id', name=op.f('uq_registration_event_id_resident_id'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_resident_id'), ['resident_id'], unique=False)

    op.create_table('rollup_resident_activity',
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('first_played_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_played_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_rollup_resident_activity_resident_id_resident')),
    sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_rollup_resident_activity'))
    )
    with op.batch_alter_table('rollup_resident_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_resident_activity_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_resident_activity_household_id'), ['household_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('chosen', sa.JSON(), nullable=True),
    sa.Column('response_ms', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_answer_resident_id_resident')),
    sa.ForeignKeyConstraint(['session_id'], ['play_session.id'], name=op.f('fk_answer_session_id_play_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_question_answered', ['question_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_session_id'), ['session_id'], unique=False)

    op.create_table('badge_award',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('awarded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_badge_award_resident_id_resident')),
    sa.ForeignKeyConstraint(['session_id'], ['play_session.id'], name=op.f('fk_badge_award_session_id_play_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_award')),
    sa.UniqueConstraint('resident_id', 'badge_id', name=op.f('uq_badge_award_resident_id_badge_id'))
    )
    with op.batch_alter_table('badge_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_award_resident_id'), ['resident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('badge_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_award_resident_id'))

    op.drop_table('badge_award')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_session_id'))
        batch_op.drop_index(batch_op.f('ix_answer_resident_id'))
        batch_op.drop_index('ix_answer_question_answered')

    op.drop_table('answer')
    with op.batch_alter_table('rollup_resident_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_resident_activity_household_id'))
        batch_op.drop_index(batch_op.f('ix_rollup_resident_activity_building_id'))

    op.drop_table('rollup_resident_activity')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_resident_id'))
        batch_op.drop_index(batch_op.f('ix_registration_event_id'))

    op.drop_table('registration')
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_entry_source_id'))
        batch_op.drop_index('ix_points_entry_resident_created')

    op.drop_table('points_entry')
    with op.batch_alter_table('play_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_play_session_started_at'))
        batch_op.drop_index(batch_op.f('ix_play_session_roadshow_id'))
        batch_op.drop_index('ix_play_session_resident_started')
        batch_op.drop_index(batch_op.f('ix_play_session_kiosk_id'))

    op.drop_table('play_session')
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_resident_id'))
        batch_op.drop_index(batch_op.f('ix_checkin_event_id'))

    op.drop_table('checkin')
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_resident_id'))

    op.drop_table('card')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_household_id'))

    op.drop_table('resident')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_building_id'))

    op.drop_table('household')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_plot_id'))

    op.drop_table('building')
    with op.batch_alter_table('roadshow_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_event_starts_at'))

    op.drop_table('roadshow_event')
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plot_site_id'))

    op.drop_table('plot')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
    op.drop_table('staff_user')
    op.drop_table('site')
    with op.batch_alter_table('rollup_daily_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_daily_topic_day'))

    op.drop_table('rollup_daily_topic')
    with op.batch_alter_table('rollup_daily_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_daily_question_question_id'))
        batch_op.drop_index(batch_op.f('ix_rollup_daily_question_day'))

    op.drop_table('rollup_daily_question')
    op.drop_table('kiosk')
