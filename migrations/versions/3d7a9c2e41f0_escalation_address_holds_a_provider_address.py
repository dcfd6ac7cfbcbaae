"""the escalation's address holds a provider's address, ", " and its postcode (320)

Revision ID: 3d7a9c2e41f0
Revises: c3e8f5a1d2b4
Create Date: 2026-12-01 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d7a9c2e41f0'
down_revision = 'c3e8f5a1d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.alter_column('address',
               existing_type=sa.String(length=300),
               type_=sa.String(length=320),
               existing_nullable=False)


def downgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.alter_column('address',
               existing_type=sa.String(length=320),
               type_=sa.String(length=300),
               existing_nullable=False)
