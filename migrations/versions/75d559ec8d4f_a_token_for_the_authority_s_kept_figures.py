"""a token for the authority's kept figures

Revision ID: 75d559ec8d4f
Revises: 8ca045d46757
Create Date: 2026-12-07 14:54:41.704759

"""

import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "75d559ec8d4f"
down_revision = "8ca045d46757"
branch_labels = None
depends_on = None


def upgrade():
    token = op.create_table(
        "figures_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures_token")),
    )
    # Its one row; every commit that changes a watched table replaces the token
    # (qa_app/kept_figures.py).
    op.bulk_insert(token, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("figures_token")
