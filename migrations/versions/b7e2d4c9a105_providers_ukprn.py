"""Providers carry their UKPRN beside the URN.

Revision ID: b7e2d4c9a105
Revises: b9d4f6a2c815
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2d4c9a105"
down_revision = "b9d4f6a2c815"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("provider") as batch:
        batch.add_column(sa.Column("ukprn", sa.String(length=8), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("provider") as batch:
        batch.drop_column("ukprn")
