"""the 2026 registration rules published, in force from 1 June 2026

legislation.gov.uk shows ESA 2008 s.92 as substituted by CWSA 2026 s.43 valid from
1 June 2026. A database made before this revision holds the 2026 rules as a draft: if that
draft still says what the default data said, it is published from that date. A draft an
admin has changed is left for the admin. An empty table is left alone (the default rules
are loaded by `flask load-framework` and `seed-demo`).

Revision ID: d41c7a2e9b10
Revises: 5a75346ac973
Create Date: 2026-12-01 11:45:00.000000

"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd41c7a2e9b10'
down_revision = '5a75346ac973'
branch_labels = None
depends_on = None

IN_FORCE = date(2026, 6, 1)
# The 2026 rules as the default data carries them (qa_app.registration.law.RULES_2026 at
# this revision), so the migration does not change when the code does.
RULES_2026 = {
    "law": "Children's Wellbeing and Schools Act 2026 s.43",
    "institution": "any institution",
    "full_time_hours_over": 18,
    "borderline_hours_from": 15,
    "full_time_weeks_from": 30,
    "pupil_threshold": 5,
    "single_pupil_statuses": ["ehc_plan", "looked_after", "sen"],
}

rules_table = sa.table(
    'registration_rules',
    sa.column('id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('title', sa.String),
    sa.column('rules', sa.JSON),
    sa.column('status', sa.String),
    sa.column('in_force_from', sa.Date),
    sa.column('created_at', sa.DateTime),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(rules_table.c.id, rules_table.c.name, rules_table.c.status, rules_table.c.rules)).all()
    if not rows:
        return
    by_name = {row.name: row for row in rows}
    row = by_name.get('2026')
    if row is None:
        connection.execute(
            rules_table.insert().values(
                name='2026',
                title=RULES_2026['law'],
                rules=RULES_2026,
                status='published',
                in_force_from=IN_FORCE,
                created_at=datetime.now(timezone.utc).replace(tzinfo=None),
            )
        )
    elif row.status == 'draft' and row.rules == RULES_2026:
        connection.execute(
            rules_table.update()
            .where(rules_table.c.id == row.id)
            .values(status='published', in_force_from=IN_FORCE)
        )


def downgrade():
    connection = op.get_bind()
    connection.execute(
        rules_table.update()
        .where(
            rules_table.c.name == '2026',
            rules_table.c.status == 'published',
            rules_table.c.in_force_from == IN_FORCE,
        )
        .values(status='draft', in_force_from=None)
    )
