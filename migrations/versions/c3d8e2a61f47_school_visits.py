"""school visits: a visit is to a provider or to a school, framework versions for each

Revision ID: c3d8e2a61f47
Revises: a4c9e1f7b250
Create Date: 2026-12-01 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d8e2a61f47'
down_revision = 'a4c9e1f7b250'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('officer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_school_officer_id'), ['officer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_school_officer_id_user'), 'user', ['officer_id'], ['id'])

    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='provider', nullable=False))
        batch_op.create_check_constraint(op.f('ck_framework_version_kind_known'), "kind IN ('provider', 'school')")

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('placement_checks', sa.JSON(), server_default='{}', nullable=False))
        batch_op.alter_column('provider_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_visit_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_visit_school_status_date', ['school_id', 'status', 'visit_date'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visit_school_id_school'), 'school', ['school_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_visit_visit_provider_or_school'), "(provider_id IS NULL) <> (school_id IS NULL)"
        )

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.alter_column('provider_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_action_school_id'), ['school_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_school_id_school'), 'school', ['school_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_action_owner_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_owner_known'), "owner IN ('provider', 'authority', 'school')")
        batch_op.create_check_constraint(
            op.f('ck_action_action_provider_or_school'), "(provider_id IS NULL) <> (school_id IS NULL)"
        )


def downgrade():
    op.execute("DELETE FROM action WHERE school_id IS NOT NULL")
    op.execute("DELETE FROM visit WHERE school_id IS NOT NULL")
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_action_provider_or_school'), type_='check')
        batch_op.drop_constraint(op.f('ck_action_owner_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_owner_known'), "owner IN ('provider', 'authority')")
        batch_op.drop_constraint(batch_op.f('fk_action_school_id_school'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_school_id'))
        batch_op.alter_column('provider_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('school_id')

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visit_visit_provider_or_school'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_visit_school_id_school'), type_='foreignkey')
        batch_op.drop_index('ix_visit_school_status_date')
        batch_op.drop_index(batch_op.f('ix_visit_school_id'))
        batch_op.alter_column('provider_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('placement_checks')
        batch_op.drop_column('school_id')

    op.execute("DELETE FROM criterion WHERE framework_version_id IN (SELECT id FROM framework_version WHERE kind = 'school')")
    op.execute("DELETE FROM framework_version WHERE kind = 'school'")
    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_framework_version_kind_known'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_school_officer_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_school_officer_id'))
        batch_op.drop_column('officer_id')
