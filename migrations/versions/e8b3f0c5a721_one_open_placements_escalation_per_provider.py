"""one open escalation from the placements test per provider

Revision ID: e8b3f0c5a721
Revises: d41c7a2e9b10
Create Date: 2026-12-01 11:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8b3f0c5a721'
down_revision = 'd41c7a2e9b10'
branch_labels = None
depends_on = None

ONE_OPEN_PER_PROVIDER = "source = 'placements' AND state != 'closed'"


def upgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index(
            'uq_escalation_open_placements',
            ['provider_id'],
            unique=True,
            sqlite_where=sa.text(ONE_OPEN_PER_PROVIDER),
            postgresql_where=sa.text(ONE_OPEN_PER_PROVIDER),
        )


def downgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('uq_escalation_open_placements')
