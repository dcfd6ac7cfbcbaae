"""Attendance alerts: one row per alert, unique by its key so each is raised and emailed
once, with what the school did about it.

Revision ID: 6ab88f4bbe07
Revises: 5b170d4f71ce
Create Date: 2026-12-06 10:04:29.270544

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6ab88f4bbe07'
down_revision = '5b170d4f71ce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=2), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('to_head_of_access', sa.Boolean(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('outcome_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'register_not_marked') = (placement_id IS NULL)", name=op.f('ck_attendance_alert_pupil_alerts_name_the_placement')),
    sa.CheckConstraint("kind IN ('absent_unknown', 'not_marked', 'register_not_marked')", name=op.f('ck_attendance_alert_kind_known')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('contacted_home', 'pupil_safe', 'referred')", name=op.f('ck_attendance_alert_outcome_known')),
    sa.CheckConstraint("session IN ('am', 'pm')", name=op.f('ck_attendance_alert_session_known')),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['user.id'], name=op.f('fk_attendance_alert_outcome_by_id_user')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_attendance_alert_placement_id_placement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_attendance_alert_provider_id_provider')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_attendance_alert_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_alert')),
    sa.UniqueConstraint('key', name=op.f('uq_attendance_alert_key'))
    )
    with op.batch_alter_table('attendance_alert', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_alert_day', ['day', 'session'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_alert_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_alert_school_id'), ['school_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attendance_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_alert_school_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_alert_placement_id'))
        batch_op.drop_index('ix_attendance_alert_day')

    op.drop_table('attendance_alert')
