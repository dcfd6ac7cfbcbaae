"""Adding and changing schools. These flush; the caller commits."""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import SCHOOL_PHASES, School, User
from qa_app.domain import Invalid
from qa_app.extensions import db

# The DfE's unique reference number of a school: six digits.
URN = re.compile(r"\d{6}")


def schools_with_staff():
    """Every school by name, with how many users belong to it: [(school, staff)] (one query)."""
    staff = select(func.count(User.id)).where(User.school_id == School.id).correlate(School).scalar_subquery()
    query = select(School, staff).options(joinedload(School.officer)).order_by(func.lower(School.name))
    return db.session.execute(query).all()


def officer_choices():
    """(id, name) of every active QA officer, by name, after "No link officer"."""
    officers = db.session.execute(
        select(User.id, User.name).where(User.role == "officer", User.active.is_(True)).order_by(User.name)
    ).all()
    return [(None, "No link officer"), *((row.id, row.name) for row in officers)]


def save_school(school, data):
    """Copy a school's name, URN, borough, phase and link officer onto it (new or existing) and flush.

    Raises Invalid when a field is wrong or the name or URN is another school's."""
    name = " ".join((data.get("name") or "").split())
    urn = (data.get("urn") or "").strip() or None
    borough = " ".join((data.get("borough") or "").split())
    phase = data.get("phase") or ""
    officer_id = data.get("officer_id")
    problems = {}
    if not name:
        problems["name"] = "Enter the school's name"
    elif len(name) > 200:
        problems["name"] = "The school's name must be 200 characters or fewer"
    if urn is not None and not URN.fullmatch(urn):
        problems["urn"] = "Enter the school's URN as 6 digits, like 100123"
    if len(borough) > 80:
        problems["borough"] = "The borough must be 80 characters or fewer"
    if phase not in SCHOOL_PHASES:
        problems["phase"] = "Choose the school's phase"
    if officer_id is not None and _officer(officer_id) is None:
        problems["officer_id"] = "Choose one of the QA officers listed"
    if not problems:
        problems.update(_clashes(school, name, urn))
    if problems:
        raise Invalid(problems)
    school.name, school.urn, school.borough, school.phase = name, urn, borough, phase
    school.officer_id = officer_id
    db.session.add(school)
    db.session.flush()
    return school


def _officer(user_id):
    """The active QA officer with this id, or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role == "officer" and user.active else None


def _clashes(school, name, urn):
    """{field: message} for a name or URN another school already has."""
    problems = {}
    others = select(School).where(School.id != school.id) if school.id else select(School)
    if db.session.scalar(others.where(func.lower(School.name) == name.lower()).limit(1)):
        problems["name"] = "A school with this name already exists"
    if urn and db.session.scalar(others.where(School.urn == urn).limit(1)):
        problems["urn"] = "Another school already has this URN"
    return problems
