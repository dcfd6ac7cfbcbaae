"""referrals to the Gateway panel with their history

Revision ID: c6d2e8a4f913
Revises: c3d8e2a61f47
Create Date: 2026-12-01 15:09:50.309804

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6d2e8a4f913'
down_revision = 'c3d8e2a61f47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pupil_ref', sa.String(length=20), nullable=False),
    sa.Column('year_group', sa.Integer(), nullable=False),
    sa.Column('ehc_plan', sa.Boolean(), nullable=False),
    sa.Column('sen_support', sa.Boolean(), nullable=False),
    sa.Column('looked_after', sa.Boolean(), nullable=False),
    sa.Column('asked_for', sa.String(length=10), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('what_has_happened', sa.Text(), nullable=False),
    sa.Column('isat_involved', sa.Boolean(), nullable=False),
    sa.Column('isat_advice', sa.Text(), nullable=False),
    sa.Column('ep_assessment', sa.String(length=12), nullable=False),
    sa.Column('social_care_involved', sa.Boolean(), nullable=False),
    sa.Column('caf', sa.String(length=12), nullable=False),
    sa.Column('caf_refusal_evidence', sa.Text(), nullable=False),
    sa.Column('caf_refusal_actions', sa.Text(), nullable=False),
    sa.Column('caf_refusal_persistent', sa.Boolean(), nullable=False),
    sa.Column('senco_involved', sa.Boolean(), nullable=False),
    sa.Column('interventions', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('urgent_reason', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('information_needed', sa.Text(), nullable=False),
    sa.Column('signposted_to', sa.Text(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("asked_for IN ('outreach', 'place')", name=op.f('ck_referral_asked_for_known')),
    sa.CheckConstraint("caf IN ('opened', 'refused', 'not_opened')", name=op.f('ck_referral_caf_known')),
    sa.CheckConstraint("ep_assessment IN ('done', 'commitment', 'neither')", name=op.f('ck_referral_ep_assessment_known')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('outreach', 'place', 'more_information', 'not_accepted', 'signposted')", name=op.f('ck_referral_outcome_known')),
    sa.CheckConstraint("status IN ('draft', 'sent', 'more_information', 'accepted', 'not_accepted', 'signposted')", name=op.f('ck_referral_status_known')),
    sa.CheckConstraint('year_group >= 0 AND year_group <= 14', name=op.f('ck_referral_year_group_in_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_referral_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_referral_decided_by_id_user')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_referral_placement_id_placement')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_referral_provider_id_provider')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_referral_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_queue', ['status', 'urgent', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_school_id'), ['school_id'], unique=False)

    op.create_table('referral_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('created', 'changed', 'sent', 'resent', 'safeguarding_concern', 'more_information', 'accepted', 'not_accepted', 'signposted', 'placement_created')", name=op.f('ck_referral_event_action_known')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_event_referral_id_referral'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_referral_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_event'))
    )
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_event_referral_id'), ['referral_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_event_referral_id'))

    op.drop_table('referral_event')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_school_id'))
        batch_op.drop_index('ix_referral_queue')

    op.drop_table('referral')
