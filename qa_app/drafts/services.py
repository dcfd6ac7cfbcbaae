"""Sharing a draft, the provider's comments or its "no comments", and the officer's answers.
An accepted comment changes the visit through the one save path, with the reason in its
history. These functions never read the request; they flush but never commit."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from qa_app.dates import add_working_days, long_date
from qa_app.documents.reminders import provider_recipients
from qa_app.domain import Conflict, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.framework.rating import RATINGS
from qa_app.notifications.models import utcnow
from qa_app.notifications.outbox import queue_email
from qa_app.providers.scopes import is_staff_of
from qa_app.visits.accuracy import AccuracyComment, DraftShare, may_correct, share_of
from qa_app.visits.audit import record_event
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import Judgement, VisitChange
from qa_app.visits.services import judged_of

TEXT_LIMIT = 5000
# The refusals a draft's pages show as a message (not beside a field).
REFUSED = (Conflict, Locked, Forbidden)


def window_days():
    return current_app.config["FACTUAL_ACCURACY_WORKING_DAYS"]


def deadline_for(shared_on):
    """The last day the provider may comment: so many working days after the day shared."""
    return add_working_days(shared_on, window_days())


def share_draft(user, visit, today=None):
    """Share a submitted provider visit's draft with the provider for comment, and tell its staff."""
    today = today or date.today()
    if visit.provider_id is None or not may_correct(user, visit):
        raise Forbidden("The visit's officer or the Head of Access shares its draft.")
    if visit.status != "submitted":
        raise Locked("Only a submitted visit's draft can be shared.")
    if share_of(visit) is not None:
        raise Locked("The draft is already shared with the provider.")
    share = DraftShare(
        visit_id=visit.id,
        provider_id=visit.provider_id,
        shared_by_id=user.id,
        shared_on=today,
        deadline=deadline_for(today),
    )
    db.session.add(share)
    db.session.flush()
    record_event(
        visit, user, "share_draft", comment=f"Comments on matters of fact until {long_date(share.deadline)}"
    )
    provider = visit.provider
    queue_email(
        provider_recipients(provider),
        f"Draft report to check: {provider.name}",
        f"The draft report of the visit to {provider.name} on {long_date(visit.visit_date)} is ready.\n\n"
        f"Sign in to read it and to comment on any matter of fact, criterion by criterion, by the end of "
        f"{long_date(share.deadline)}; or tell us you have no comments.\n",
    )
    return share


def shares_of(provider):
    """The drafts shared with the provider, newest first."""
    return db.session.scalars(
        select(DraftShare).where(DraftShare.provider_id == provider.id).order_by(DraftShare.shared_at.desc())
    ).all()


def _open_for(user, share, today):
    if not is_staff_of(user, share.visit.provider):
        raise Forbidden("Only the provider's own staff comment on its draft.")
    if not share.is_open(today):
        raise Locked("The time to comment on this draft has ended.")


def add_comment(user, share, criterion_code, text, today=None):
    """The provider comments on a matter of fact about one criterion."""
    today = today or date.today()
    _open_for(user, share, today)
    codes = {c.code for c in share.visit.framework_version.active_criteria()}
    text = (text or "").strip()
    errors = {}
    if criterion_code not in codes:
        errors["criterion"] = "Choose the criterion your comment is about"
    if not text:
        errors["text"] = "Say what is not accurate, and what is"
    elif len(text) > TEXT_LIMIT:
        errors["text"] = f"The comment must be {TEXT_LIMIT} characters or fewer"
    if errors:
        raise Invalid(errors)
    comment = AccuracyComment(share=share, criterion_code=criterion_code, text=text, made_by_id=user.id)
    db.session.add(comment)
    db.session.flush()
    return comment


def confirm_no_comments(user, share, today=None):
    """The provider says it has no (more) comments: the window closes now."""
    _open_for(user, share, today or date.today())
    share.no_comments_at = utcnow()
    share.no_comments_by_id = user.id
    db.session.flush()


def answer_comment(user, comment, outcome, response, version, rating=None, evidence=None):
    """The officer answers a comment: accepted, with the criterion's judgement as it now should
    be (saved through the one save path, the history saying why), or not accepted, with why."""
    visit = comment.share.visit
    if not may_correct(user, visit):
        raise Forbidden("The visit's officer or the Head of Access answers the provider's comments.")
    if version != comment.version:
        raise Conflict("This comment changed after you opened it: read it again.")
    if comment.outcome is not None:
        raise Locked("This comment already has its answer.")
    if visit.status != "submitted":
        raise Locked("The visit is no longer awaiting sign-off.")
    response = (response or "").strip()
    errors = _answer_errors(outcome, response, rating)
    if errors:
        raise Invalid(errors)
    if outcome == "accepted":
        _correct(user, visit, comment, rating, evidence or "", response)
    comment.outcome = outcome
    comment.response = response
    comment.answered_by_id = user.id
    comment.answered_at = utcnow()
    db.session.flush()
    return comment


def _answer_errors(outcome, response, rating):
    """What the officer's answer lacks: an outcome; why, when not accepted; the judgement as
    it should now be, when accepted."""
    errors = {}
    if outcome not in ("accepted", "not_accepted"):
        errors["outcome"] = "Choose whether the comment is accepted"
    elif outcome == "not_accepted" and not response:
        errors["response"] = "Say why the comment is not accepted"
    elif outcome == "accepted" and rating not in RATINGS:
        errors["rating"] = "Choose the judgement as it should now be"
    if len(response) > TEXT_LIMIT:
        errors["response"] = f"The answer must be {TEXT_LIMIT} characters or fewer"
    return errors


def _correct(user, visit, comment, rating, evidence, response):
    """Change the commented criterion's judgement through save_visit (its theme's judgements,
    the others as they are)."""
    code = comment.criterion_code
    theme = code.rstrip("0123456789")
    judged = judged_of(visit)
    if judged.get(code) == (rating, evidence.strip()):
        raise Invalid(
            {"rating": "Change the judgement or its evidence to accept the comment, or do not accept it"}
        )
    judged[code] = (rating, evidence.strip())
    judgements = [
        Judgement(criterion=c, rating=r, evidence=e)
        for c, (r, e) in sorted(judged.items())
        if c.startswith(theme)
    ]
    change = VisitChange(judgements=judgements, judged_themes=frozenset({theme}))
    why = f"The provider's comment on {code} was accepted: {comment.text}"
    if response:
        why += f" (the officer: {response})"
    try:
        save_visit(user, visit.uuid, change, base_version=visit.version, correction=why[:2000])
    except Invalid as problem:
        raise Invalid({"evidence": next(iter(problem.fields.values()), str(problem))}) from problem
