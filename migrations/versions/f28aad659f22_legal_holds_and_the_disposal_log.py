"""legal holds, the disposal log and disposed placement counts

Revision ID: f28aad659f22
Revises: d7e2b9c4a150
Create Date: 2026-12-06 13:27:32.117548

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f28aad659f22'
down_revision = 'd7e2b9c4a150'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('disposed_at', sa.DateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposal'))
    )
    with op.batch_alter_table('disposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposal_disposed_at'), ['disposed_at'], unique=False)

    op.create_table('disposed_placement_count',
    sa.Column('academic_year', sa.String(length=7), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('academic_year', 'reason', name=op.f('pk_disposed_placement_count'))
    )
    op.create_table('legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('release_reason', sa.Text(), nullable=False),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("record_kind IN ('placement', 'referral', 'escalation', 'visit')", name=op.f('ck_legal_hold_record_kind_known')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user.id'], name=op.f('fk_legal_hold_placed_by_id_user')),
    sa.ForeignKeyConstraint(['released_by_id'], ['user.id'], name=op.f('fk_legal_hold_released_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index('uq_legal_hold_active', ['record_kind', 'record_id'], unique=True, sqlite_where=sa.text('released_at IS NULL'), postgresql_where=sa.text('released_at IS NULL'))



def downgrade():
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index('uq_legal_hold_active', sqlite_where=sa.text('released_at IS NULL'), postgresql_where=sa.text('released_at IS NULL'))

    op.drop_table('legal_hold')
    op.drop_table('disposed_placement_count')
    with op.batch_alter_table('disposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposal_disposed_at'))

    op.drop_table('disposal')
