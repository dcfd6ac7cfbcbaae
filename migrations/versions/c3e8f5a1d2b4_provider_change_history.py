"""history of changes to providers (who, when, which fields from and to)

Revision ID: c3e8f5a1d2b4
Revises: b7d1c4e2a9f0
Create Date: 2026-12-01 09:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e8f5a1d2b4'
down_revision = 'b7d1c4e2a9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_change_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_provider_change_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_change'))
    )
    with op.batch_alter_table('provider_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_change_provider_id'), ['provider_id'], unique=False)


def downgrade():
    with op.batch_alter_table('provider_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_change_provider_id'))
    op.drop_table('provider_change')
