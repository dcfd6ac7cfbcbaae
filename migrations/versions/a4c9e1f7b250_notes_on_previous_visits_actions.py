"""notes on the previous visit's actions, beside whether each was done

Revision ID: a4c9e1f7b250
Revises: f2a9d6b4c813
Create Date: 2026-12-01 13:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c9e1f7b250'
down_revision = 'f2a9d6b4c813'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_notes', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('action_notes')
