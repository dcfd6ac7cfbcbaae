"""Daily totals of the providers' marks, per school and provider and for the whole authority,
kept by save_marks so that a year's attendance table reads a few hundred rows.

Revision ID: 8bafb0db2030
Revises: 6ab88f4bbe07
Create Date: 2026-12-06 10:26:07.832860

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8bafb0db2030'
down_revision = '6ab88f4bbe07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('authority_day_total',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('possible', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('unauthorised', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_authority_day_total'))
    )
    op.create_table('attendance_day_total',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('possible', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('unauthorised', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_attendance_day_total_provider_id_provider')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_attendance_day_total_school_id_school')),
    sa.PrimaryKeyConstraint('day', 'school_id', 'provider_id', name=op.f('pk_attendance_day_total'))
    )
    with op.batch_alter_table('attendance_day_total', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_day_total_provider_id'), ['provider_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attendance_day_total', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_day_total_provider_id'))

    op.drop_table('attendance_day_total')
    op.drop_table('authority_day_total')
