"""provider staff: users who belong to one provider

Revision ID: a7c4e1f09b32
Revises: c6d2e8a4f913
Create Date: 2026-12-06 06:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c4e1f09b32'
down_revision = 'c6d2e8a4f913'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_provider_id'), ['provider_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_provider_id_provider'), 'provider', ['provider_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_role_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_user_role_known'),
            "role IN ('officer', 'head_of_access', 'school', 'admin', 'provider')",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_user_provider_staff_have_provider'),
            "role != 'provider' OR provider_id IS NOT NULL",
        )


def downgrade():
    op.execute("DELETE FROM \"user\" WHERE role = 'provider'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_provider_staff_have_provider'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_role_known'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_user_role_known'), "role IN ('officer', 'head_of_access', 'school', 'admin')"
        )
        batch_op.drop_constraint(batch_op.f('fk_user_provider_id_provider'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_provider_id'))
        batch_op.drop_column('provider_id')
