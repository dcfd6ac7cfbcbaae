"""sign-off deputies named by the Head of Access

Revision ID: b7d1c4e2a9f0
Revises: 487b47b61baa
Create Date: 2026-12-01 08:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d1c4e2a9f0'
down_revision = '487b47b61baa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_off_deputy', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('sign_off_deputy')
