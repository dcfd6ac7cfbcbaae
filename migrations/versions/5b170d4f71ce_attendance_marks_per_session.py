"""Attendance marks: one per placement, school day and session, and providers' CSV files
of marks waiting to be imported.

Revision ID: 5b170d4f71ce
Revises: c1d3e5f7a902
Create Date: 2026-12-06 09:57:57.768099

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b170d4f71ce'
down_revision = "c1d3e5f7a902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_attendance_import_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attendance_import_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_import')),
    sa.UniqueConstraint('token', name=op.f('uq_attendance_import_token'))
    )
    with op.batch_alter_table('attendance_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_import_user_id'), ['user_id'], unique=False)

    op.create_table('attendance_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=2), nullable=False),
    sa.Column('mark', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("mark IN ('present', 'late', 'absent_illness', 'absent_medical', 'absent_authorised', 'absent_unknown', 'not_expected')", name=op.f('ck_attendance_mark_mark_known')),
    sa.CheckConstraint("session IN ('am', 'pm')", name=op.f('ck_attendance_mark_session_known')),
    sa.CheckConstraint("source IN ('register', 'csv')", name=op.f('ck_attendance_mark_source_known')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_attendance_mark_placement_id_placement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_attendance_mark_provider_id_provider')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_attendance_mark_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_attendance_mark_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_mark')),
    sa.UniqueConstraint('placement_id', 'day', 'session', name='uq_attendance_mark_placement_day_session')
    )
    with op.batch_alter_table('attendance_mark', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_mark_day_mark', ['day', 'mark'], unique=False)
        batch_op.create_index('ix_attendance_mark_provider_day', ['provider_id', 'day'], unique=False)
        batch_op.create_index('ix_attendance_mark_school_day', ['school_id', 'day'], unique=False)



def downgrade():
    with op.batch_alter_table('attendance_mark', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_mark_school_day')
        batch_op.drop_index('ix_attendance_mark_provider_day')
        batch_op.drop_index('ix_attendance_mark_day_mark')

    op.drop_table('attendance_mark')
    with op.batch_alter_table('attendance_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_import_user_id'))

    op.drop_table('attendance_import')
