"""The school's follow-up of an attendance alert (docs/domain.md §2.10): what it did, in a
choice and a note, and the alert in a sentence for its page."""

from qa_app.alerts.models import KINDS, OUTCOMES, SESSION_WORDS
from qa_app.dates import long_date, utcnow
from qa_app.domain import Invalid
from qa_app.extensions import db

NOTE_LIMIT = 2000


def record_outcome(alert, user, outcome, note):
    """Record what the school did about an alert; Invalid ({field: message}) for a choice
    not offered or a note too long. Flushes, never commits."""
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = "Select what your school did"
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = f"What you did must be {NOTE_LIMIT} characters or fewer"
    if errors:
        raise Invalid(errors)
    alert.outcome, alert.outcome_note = outcome, note
    alert.outcome_by_id, alert.outcome_at = user.id, utcnow()
    db.session.flush()
    return alert


def describe(alert):
    """The alert in a sentence, for its page."""
    when = SESSION_WORDS[alert.session].replace("this ", "in the ")
    return f"{KINDS[alert.kind]}, {when} of {long_date(alert.day)}"
