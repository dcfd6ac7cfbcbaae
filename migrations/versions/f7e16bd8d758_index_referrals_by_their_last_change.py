"""index referrals by their last change

Revision ID: f7e16bd8d758
Revises: 75d559ec8d4f
Create Date: 2026-12-07 15:16:02.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "f7e16bd8d758"
down_revision = "75d559ec8d4f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index("ix_referral_updated", ["updated_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_updated")
