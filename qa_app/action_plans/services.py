"""Answering and verifying actions, and the overdue notices: the rules, never the request.
These functions flush but never commit."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.dates import long_date
from qa_app.documents.files import check_file, safe_filename
from qa_app.documents.reminders import provider_recipients
from qa_app.domain import Conflict, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.notifications.models import utcnow
from qa_app.notifications.outbox import queue_email
from qa_app.providers.models import Provider
from qa_app.providers.scopes import is_staff_of, reviews_for
from qa_app.visits.action_answers import ActionAnswer, ActionEvidence, ActionOverdueNotice, latest_answers
from qa_app.visits.models import Action, Visit

TEXT_LIMIT = 5000
MAX_FILES = 5


def actions_of(provider):
    """The provider's actions from its signed-off visits (open first, by due date), each with
    its latest answer: [(action, answer or None)]."""
    actions = db.session.scalars(
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .options(joinedload(Action.visit))
        .where(Action.provider_id == provider.id, Visit.status == "signed_off")
        .order_by(Action.status != "open", Action.due.is_(None), Action.due, Action.id)
    ).all()
    answers = latest_answers([a.id for a in actions])
    return [(action, answers.get(action.id)) for action in actions]


def find_action(provider, action_id):
    """One of the provider's actions from a signed-off visit, or None."""
    action = db.session.get(Action, action_id)
    if action is None or action.provider_id != provider.id or action.visit.status != "signed_off":
        return None
    return action


def answers_to(action):
    """Every answer to the action, newest first."""
    return db.session.scalars(
        select(ActionAnswer).where(ActionAnswer.action_id == action.id).order_by(ActionAnswer.id.desc())
    ).all()


def answer_action(user, provider, action, text, files):
    """The provider says what it did about an open action it owns, with evidence files
    [(filename, bytes)]; an answer waiting for verification, or verified done, cannot be
    answered again."""
    if not is_staff_of(user, provider):
        raise Forbidden("Only the provider's own staff answer its actions.")
    if action.status != "open" or action.owner != "provider":
        raise Locked("This action is not open for the provider to answer.")
    latest = latest_answers([action.id]).get(action.id)
    if latest is not None and latest.verification != "not_yet":
        raise Locked("This action is already answered: your officer checks the answer first.")
    text = (text or "").strip()
    checked, errors = _checked_evidence(files)
    if not text:
        errors["text"] = "Say what was done about the action"
    elif len(text) > TEXT_LIMIT:
        errors["text"] = f"The answer must be {TEXT_LIMIT} characters or fewer"
    if errors:
        raise Invalid(errors)
    answer = ActionAnswer(action_id=action.id, provider_id=provider.id, text=text, answered_by_id=user.id)
    answer.evidence = checked
    db.session.add(answer)
    db.session.flush()
    return answer


def _checked_evidence(files):
    """([ActionEvidence], {field: message}) of the files [(filename, bytes)] sent with an
    answer: at most MAX_FILES, each a file the app takes, told by its first bytes."""
    files = [(name, data) for name, data in files if name or data]
    if len(files) > MAX_FILES:
        return [], {"files": f"Attach at most {MAX_FILES} files"}
    checked = []
    for name, data in files:
        content_type, problem = check_file(data)
        if problem:
            return [], {"files": f"{name or 'A file'}: {problem[0].lower()}{problem[1:]}"}
        checked.append(
            ActionEvidence(
                filename=safe_filename(name, content_type),
                content_type=content_type,
                size=len(data),
                data=data,
            )
        )
    return checked, {}


def verify_answer(user, answer, verification, reason, version):
    """The provider's officer (or the Head of Access) verifies an answer: done, or not yet
    with the reason; `version` is the one the officer read."""
    if not reviews_for(user, db.session.get(Provider, answer.provider_id)):
        raise Forbidden("Only the provider's officer or the Head of Access verifies its answers.")
    if version != answer.version:
        raise Conflict("This answer changed after you opened it: read it again.")
    if answer.verification is not None:
        raise Locked("This answer is already verified.")
    reason = (reason or "").strip()
    if verification not in ("done", "not_yet"):
        raise Invalid({"verification": "Choose whether the action is done"})
    if verification == "not_yet" and not reason:
        raise Invalid({"reason": "Say what is still to do, so the provider can answer again"})
    if len(reason) > TEXT_LIMIT:
        raise Invalid({"reason": f"The reason must be {TEXT_LIMIT} characters or fewer"})
    answer.verification = verification
    answer.verification_reason = reason
    answer.verified_by_id = user.id
    answer.verified_at = utcnow()
    db.session.flush()
    return answer


def send_overdue_notices(today):
    """Email the provider's staff and its officer about each open provider action past its
    due date, once per action; returns how many were queued."""
    actions = db.session.scalars(
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .options(joinedload(Action.visit).joinedload(Visit.provider))
        .where(
            Action.provider_id.is_not(None),
            Action.owner == "provider",
            Action.open_from_signed_off(),
            Action.due < today,
            ~select(ActionOverdueNotice.action_id).where(ActionOverdueNotice.action_id == Action.id).exists(),
        )
        .order_by(Action.provider_id, Action.due, Action.id)
    ).all()
    answers = latest_answers([a.id for a in actions])
    queued = 0
    for action in actions:
        answer = answers.get(action.id)
        if answer is not None and answer.verification == "done":
            continue
        provider = action.visit.provider
        queue_email(
            provider_recipients(provider),
            f"Action overdue: {provider.name}",
            f"An action from the visit to {provider.name} on {long_date(action.visit.visit_date)} "
            f"was due on {long_date(action.due)}:\n\n{action.description}\n\n"
            "Answer it in the app: say what was done and add the evidence, so that the officer can verify it.\n",
        )
        db.session.add(ActionOverdueNotice(action_id=action.id))
        queued += 1
    db.session.flush()
    return queued
