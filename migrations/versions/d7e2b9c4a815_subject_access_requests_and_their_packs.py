"""subject access requests and each production of their packs

Revision ID: d7e2b9c4a815
Revises: f28aad659f22
Create Date: 2026-12-06 13:55:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7e2b9c4a815'
down_revision = 'f28aad659f22'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subject_access_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('pupil_ref', sa.String(length=20), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('logged_by_id', sa.Integer(), nullable=False),
        sa.Column('logged_at', sa.DateTime(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['logged_by_id'], ['user.id'], name=op.f('fk_subject_access_request_logged_by_id_user')),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_subject_access_request_school_id_school')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_request')),
    )
    with op.batch_alter_table('subject_access_request', schema=None) as batch_op:
        batch_op.create_index('ix_subject_access_request_received', ['received_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_access_request_school_id'), ['school_id'], unique=False)

    op.create_table(
        'subject_access_production',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('produced_by_id', sa.Integer(), nullable=False),
        sa.Column('produced_at', sa.DateTime(), nullable=False),
        sa.Column('format', sa.String(length=4), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.CheckConstraint("format IN ('pdf', 'json')", name=op.f('ck_subject_access_production_format_known')),
        sa.ForeignKeyConstraint(['produced_by_id'], ['user.id'], name=op.f('fk_subject_access_production_produced_by_id_user')),
        sa.ForeignKeyConstraint(
            ['request_id'],
            ['subject_access_request.id'],
            name=op.f('fk_subject_access_production_request_id_subject_access_request'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_production')),
    )
    with op.batch_alter_table('subject_access_production', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_access_production_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('subject_access_production', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_access_production_request_id'))
    op.drop_table('subject_access_production')
    with op.batch_alter_table('subject_access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_access_request_school_id'))
        batch_op.drop_index('ix_subject_access_request_received')
    op.drop_table('subject_access_request')
