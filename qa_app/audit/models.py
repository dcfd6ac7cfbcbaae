"""The read log: one row per view, download or export of pupil-level or safeguarding content.

The table is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL),
so not even the app's own database role can rewrite what was read (docs/domain.md §2.11).
The migration that makes the table installs the same triggers.
"""

from sqlalchemy import DDL, event

from qa_app.dates import utcnow
from qa_app.extensions import db

ACTIONS = {"view": "Viewed", "download": "Downloaded", "export": "Exported"}

# What was read: the kind of record (or list) and how the log names it.
KINDS = {
    "placement": "Placement",
    "placement_list": "List of placements",
    "school": "School's placements",
    "attendance": "Attendance of pupils in AP",
    "referral": "Referral",
    "referral_list": "List of referrals",
    "escalation": "Escalation",
    "escalation_list": "List of escalations",
    "visit": "Visit",
    "offline_bundle": "Offline bundle",
    "read_log": "Read log",
    "attendance_alert": "Attendance alert",
    "attendance_alert_list": "List of attendance alerts",
    "register": "Provider's daily register",
    "subject_access": "Subject access request",
    "subject_access_list": "List of subject access requests",
}


class ReadEvent(db.Model):
    """Someone read pupil-level or safeguarding content: who (and in what role), what they
    did, which record, when (UTC) and from which address."""

    __tablename__ = "read_event"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    role = db.Column(db.String(20), nullable=False)
    action = db.Column(db.String(10), nullable=False)
    object_kind = db.Column(db.String(30), nullable=False)
    object_id = db.Column(db.String(64))
    # The address the page was asked for (its query too: which filter of a list was read).
    path = db.Column(db.String(500), nullable=False)
    address = db.Column(db.String(45), nullable=False, default="")

    user = db.relationship("User")

    __table_args__ = (
        db.Index("ix_read_event_user_at", "user_id", "at"),
        db.Index("ix_read_event_object", "object_kind", "object_id", "at"),
    )


REFUSE_MESSAGE = "read_event is append-only"

POSTGRES_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION read_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSE_MESSAGE}: % refused', TG_OP;
END
$$""",
    """CREATE TRIGGER read_event_append_only BEFORE UPDATE OR DELETE ON read_event
FOR EACH ROW EXECUTE FUNCTION read_event_refuse_change()""",
    """CREATE TRIGGER read_event_no_truncate BEFORE TRUNCATE ON read_event
FOR EACH STATEMENT EXECUTE FUNCTION read_event_refuse_change()""",
]
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER read_event_no_update BEFORE UPDATE ON read_event
BEGIN SELECT RAISE(ABORT, '{REFUSE_MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER read_event_no_delete BEFORE DELETE ON read_event
BEGIN SELECT RAISE(ABORT, '{REFUSE_MESSAGE}: DELETE refused'); END""",
]

# Tables made by create_all (the tests, a first run) get the triggers the migration installs.
# (DDL formats its text with %: the message's % is doubled to stay one.)
for _statement in POSTGRES_TRIGGERS:
    _ddl = DDL(_statement.replace("%", "%%"))
    event.listen(ReadEvent.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))
for _statement in SQLITE_TRIGGERS:
    event.listen(ReadEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
