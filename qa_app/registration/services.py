"""Registration rule versions (load, copy, edit, publish) and a visit's registration result.

These functions flush but never commit; the caller commits once.
"""

import copy
from datetime import date

from sqlalchemy import bindparam, select

from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.registration import law
from qa_app.registration.models import RegistrationRules
from qa_app.signals import rules_published

# -- rule versions ---------------------------------------------------------------------


# legislation.gov.uk shows ESA 2008 s.92 as originally enacted in force from 26 November
# 2008, and as substituted by CWSA 2026 s.43 valid from 1 June 2026.
IN_FORCE_2008 = date(2008, 11, 26)
IN_FORCE_2026 = date(2026, 6, 1)


def load_default_rules():
    """Both versions of the law, each published and in force from the day it was commenced:
    the 2008 rules before 1 June 2026, the 2026 rules from that day."""
    if db.session.scalar(select(RegistrationRules.id).limit(1)) is None:
        db.session.add_all(
            [
                RegistrationRules(
                    name="2008",
                    title=law.RULES_2008["law"],
                    rules=copy.deepcopy(law.RULES_2008),
                    status="published",
                    in_force_from=IN_FORCE_2008,
                ),
                RegistrationRules(
                    name="2026",
                    title=law.RULES_2026["law"],
                    rules=copy.deepcopy(law.RULES_2026),
                    status="published",
                    in_force_from=IN_FORCE_2026,
                ),
            ]
        )
        db.session.flush()


def rules_in_force(on_date=None):
    """The rule version in force on a date: the latest published one already commenced."""
    return db.session.scalar(_RULES_IN_FORCE, {"on_date": on_date or date.today()})


_RULES_IN_FORCE = (
    select(RegistrationRules)
    .where(
        RegistrationRules.status == "published",
        RegistrationRules.in_force_from <= bindparam("on_date", type_=db.Date),
    )
    .order_by(RegistrationRules.in_force_from.desc(), RegistrationRules.id.desc())
    .limit(1)
)


def copy_rules(source, name):
    """Copy a rule version into a new draft."""
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise Invalid({"name": "Enter a name for the new version, like 2027"})
    if db.session.scalar(select(RegistrationRules.id).where(RegistrationRules.name == name)):
        raise Invalid({"name": f"A version called {name} already exists"})
    draft = RegistrationRules(
        name=name, title=source.title, rules=copy.deepcopy(source.rules), status="draft"
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def update_rules(version, title, rules):
    """Change a draft's thresholds; a published version never changes."""
    if version.is_published:
        raise Invalid({"rules": "This version is published and cannot change. Copy it into a new draft."})
    version.title = title
    version.rules = rules
    db.session.flush()


def publish_rules(version, in_force_from):
    """Publish a draft to come into force on the date it is commenced; returns it."""
    if version.is_published:
        raise Invalid({"in_force_from": "This version is already published"})
    if in_force_from is None:
        raise Invalid({"in_force_from": "Enter the date the law comes into force"})
    version.status = "published"
    version.in_force_from = in_force_from
    db.session.flush()
    rules_published.send(version)
    return version


# -- the registration check on a visit ---------------------------------------------------


def pupils_from(evidence):
    """The Pupil records of a visit's registration evidence."""
    return [law.Pupil(**pupil) for pupil in (evidence or {}).get("pupils", [])]


def check_visit(visit):
    """Run the registration test on a visit's evidence with the rules in force on its date."""
    evidence = visit.registration_evidence or {}
    if not evidence.get("pupils"):
        visit.registration_result = None
        return None
    version = rules_in_force(visit.visit_date)
    if version is None:  # no rules loaded yet (see `flask load-framework`)
        visit.registration_result = None
        return None
    outcome = law.registration_test(pupils_from(evidence), version.rules)
    # An escalation already raised from this visit stays linked to it.
    escalation_id = (visit.registration_result or {}).get("escalation_id")
    visit.registration_result = {**outcome.as_dict(version.name), "escalation_id": escalation_id}
    return outcome
