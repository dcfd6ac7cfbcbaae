"""a referral remembers the new-referral form that made it

Revision ID: b9d4f6a2c815
Revises: a7c3e5f1d902
Create Date: 2026-12-06 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b9d4f6a2c815'
down_revision = 'a7c3e5f1d902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uuid', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_referral_uuid', ['uuid'])


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint('uq_referral_uuid', type_='unique')
        batch_op.drop_column('uuid')
