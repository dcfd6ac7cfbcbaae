"""Raising an escalation of possible unregistered provision (docs/domain.md §2.4): from a
visit's registration check, from the placements' test across schools, or from a concern
reported by anyone who may report one. At most one is open per provider.

These functions flush but never commit; the caller commits once.
"""

from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from qa_app.dates import add_working_days, long_date, utcnow
from qa_app.escalations import notify
from qa_app.escalations.models import Escalation
from qa_app.escalations.services import REVIEW_WORKING_DAYS, record
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.registration.law import BORDERLINE, KNOWN_REGISTERED, LIKELY, RESULT_LABELS, raises_escalation


def raise_from_visit(visit, user, today=None):
    """Escalate a submitted visit whose check says the provider may need to register.

    Once per visit: a resubmitted or replayed visit finds its escalation already there.
    """
    result = visit.registration_result or {}
    provider = visit.provider
    if provider is None or not raises_escalation(result.get("result"), provider.registration_status):
        return None
    existing = db.session.scalar(select(Escalation).where(Escalation.visit_id == visit.id))
    if existing is not None:
        return existing
    sites = (visit.registration_evidence or {}).get("sites") or []
    open_one = open_escalation_of(provider.id)
    if open_one is not None:
        return _add_visit_evidence(open_one, visit, user, result, sites)
    escalation = _new(
        user,
        today,
        source="registration_test",
        visit=visit,
        provider=provider,
        address=f"{provider.address}, {provider.postcode}",
        postcode=provider.postcode,
        description=f"Registration check: {RESULT_LABELS[result['result']]}. "
        + (f"Sites used: {'; '.join(sites)}." if sites else ""),
        how_known=f"QA visit on {long_date(visit.visit_date)}",
        estimated_pupils=len(result.get("full_time", [])) + len(result.get("possibly_full_time", [])),
        test_result=result,
    )
    visit.registration_result = {**result, "escalation_id": escalation.id}
    return escalation


def _add_visit_evidence(escalation, visit, user, result, sites):
    """The provider's open escalation, whatever raised it, takes this visit's evidence."""
    record(
        escalation,
        user,
        "evidence",
        f"The registration check of the QA visit on {long_date(visit.visit_date)}: "
        f"{RESULT_LABELS[result['result']]}. " + (f"Sites used: {'; '.join(sites)}." if sites else ""),
    )
    notify.further_concern(escalation)
    visit.registration_result = {**result, "escalation_id": escalation.id}
    return escalation


def open_escalation_of(provider_id):
    """The provider's open escalation, whatever raised it (there is at most one), or None."""
    if provider_id is None:
        return None
    return db.session.scalar(_OPEN_ESCALATION, {"provider_id": provider_id})


_OPEN_ESCALATION = select(Escalation).where(
    Escalation.provider_id == bindparam("provider_id"), Escalation.state != "closed"
)


def open_placements_escalation(provider_id):
    """The provider's open escalation, which the placements test adds to (whatever raised it)."""
    return open_escalation_of(provider_id)


def _placements_result_of(escalation):
    """The last placements test result an escalation holds: its own test result when the
    test raised it, else the one kept beside the evidence of whatever raised it."""
    result = escalation.test_result or {}
    return result if escalation.source == "placements" else result.get("placements_test") or {}


def _keep_placements_result(escalation, test_result):
    if escalation.source == "placements":
        escalation.test_result = test_result
    else:
        escalation.test_result = {**(escalation.test_result or {}), "placements_test": test_result}


# What makes a later run of the placements test news: not the day it ran.
_PLACEMENTS_TEST_KEYS = ("result", "limb", "rule_version", "placements")


def raise_from_placements(provider, reporter, run_test, how_known, today=None):
    """Escalate a provider whose placements across schools say it may need to register.

    `run_test()` gives the test's (result, description) on the placements as this
    transaction sees them; `reporter()` who raises or adds to the escalation (None: no one on
    the authority's side yet, and nothing is raised or added), asked only when something is
    (most saves change no result). Once per provider while one is open: a later run whose result
    differs is added to the open escalation's history (and the Head of Access told when it
    still points to registration). The unique index on open placements escalations makes
    two saves at the same moment raise one: the loser's insert waits for the winner, fails,
    runs the test again (now seeing the winner's placements) and adds to its escalation."""
    if provider.registration_status in KNOWN_REGISTERED:
        return None
    test_result, description = run_test()
    existing = open_placements_escalation(provider.id)
    if existing is None and test_result["result"] in (LIKELY, BORDERLINE):
        user = reporter()
        if user is None:
            return None
        try:
            with db.session.begin_nested():
                return _new(
                    user,
                    today,
                    source="placements",
                    provider=provider,
                    address=f"{provider.address}, {provider.postcode}",
                    postcode=provider.postcode,
                    description=description,
                    how_known=how_known,
                    estimated_pupils=len(test_result.get("placements", [])),
                    test_result=test_result,
                )
        except IntegrityError:
            existing = open_placements_escalation(provider.id)
            if existing is None:
                raise
            test_result, description = run_test()
    if existing is None:
        return None
    _add_placements_result(existing, reporter, test_result, description)
    return existing


def _add_placements_result(existing, reporter, test_result, description):
    """A later run of the placements' test, added to the open escalation's history when its
    result differs (and the Head of Access told when it still points to registration)."""
    before = _placements_result_of(existing)
    news = {key: test_result.get(key) for key in _PLACEMENTS_TEST_KEYS}
    indicated = test_result["result"] in (LIKELY, BORDERLINE)
    if not before and not indicated:
        return  # raised by something else; the placements add nothing to it
    if news == {key: before.get(key) for key in _PLACEMENTS_TEST_KEYS}:
        return
    user = reporter()
    if user is None:
        return
    _keep_placements_result(existing, test_result)
    if indicated and existing.source == "placements":
        existing.estimated_pupils = len(test_result.get("placements", []))
    action = "retest" if before or existing.source == "placements" else "evidence"
    record(existing, user, action, description)
    if indicated:
        notify.further_concern(existing)


def escalation_of_visit(visit):
    """The escalation raised from this visit, if there is one (there is at most one)."""
    if visit is None or visit.id is None:
        return None
    return db.session.scalar(select(Escalation).where(Escalation.visit_id == visit.id))


def report_concern(user, data, today=None):
    """Record a concern reported by anyone signed in (a school too), or from a visit.

    A visit has one escalation at most: a concern reported from a visit whose escalation is
    open is added to it, with all its text, rather than lost. When that escalation is
    closed, the concern is a new escalation of its own (naming the visit), so that someone
    acts on it."""
    existing = escalation_of_visit(data.get("visit"))
    if existing is None or not existing.is_open:
        # One open escalation per provider: a report about it is added to the open one.
        existing = open_escalation_of(data.get("provider_id")) or existing
    if existing is not None and existing.is_open:
        record(existing, user, "concern", _concern_text(data))
        notify.further_concern(existing)
        return existing
    if existing is not None:
        visit = data["visit"]
        how_known = (data.get("how_known") or "").strip()
        data = {
            **data,
            "visit": None,
            "how_known": f"{how_known} (reported from the visit of {long_date(visit.visit_date)}; "
            f"its escalation {existing.reference} is closed)".strip(),
        }
    provider = db.session.get(Provider, data["provider_id"]) if data.get("provider_id") else None
    return _new(
        user,
        today,
        source="officer" if data.get("visit") else "report",
        provider=provider,
        visit=data.get("visit"),
        address=data["address"].strip(),
        postcode=data.get("postcode") or "",
        description=data["description"].strip(),
        how_known=data.get("how_known", "").strip(),
        estimated_pupils=data.get("estimated_pupils"),
        estimated_hours=data.get("estimated_hours"),
        dates_seen=(data.get("dates_seen") or "").strip(),
    )


def _concern_text(data):
    """Everything a further report says, as the text of one event on the escalation."""
    lines = [
        data["description"].strip(),
        f"How known: {(data.get('how_known') or '').strip()}",
        f"Address: {data['address'].strip()} {data.get('postcode') or ''}".rstrip(),
    ]
    for label, key in (("Children", "estimated_pupils"), ("Hours a week", "estimated_hours")):
        if data.get(key) is not None:
            lines.append(f"{label}: {data[key]:g}")
    if (data.get("dates_seen") or "").strip():
        lines.append(f"When: {data['dates_seen'].strip()}")
    return "\n".join(lines)


def _new(user, today, **fields):
    today = today or date.today()
    escalation = Escalation(
        reported_by_id=user.id,
        review_due=add_working_days(today, REVIEW_WORKING_DAYS),
        state="raised",
        # A backdated concern (demo data, tests) is raised on its day, at this time of day.
        created_at=datetime.combine(today, utcnow().time()) if today != date.today() else utcnow(),
        **fields,
    )
    db.session.add(escalation)
    db.session.flush()
    # Raised when it says it was, so the caption and the history agree.
    record(escalation, user, "raise", to_state="raised", at=escalation.created_at)
    notify.raised(escalation)
    return escalation
