"""Schools in the visit programme (docs/domain.md §2.7): when each school the user visits is
due its next visit, and why.

A school with open placements at a provider that is not quality assured, or not known to
be registered, is due first; otherwise its visit falls due `next_visit_days` (for the last
visit's RAG, in the school rules in force) after its last signed-off school visit; a school
never visited is due now. Placements stand above visits, so the placements feature
answers the `schools_of_concern` signal with the schools of concern.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from qa_app.auth.models import School, User
from qa_app.auth.permissions import schools_visited_by
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.signals import answers, schools_of_concern
from qa_app.statements import built_once, viewer
from qa_app.visits.models import Visit

# Schools a page of the programme lists, due first.
SCHOOLS_LIMIT = 25


@dataclass
class SchoolDue:
    """A school in the programme: when it is due a visit, and why."""

    school: object  # a row: id, name, borough, officer_name
    due: object  # a date, or None: due now
    reason: str
    last_visit: object = None  # the date of its last signed-off school visit
    last_rag: str = None
    first: bool = False  # due first: pupils at providers of concern


def school_due(last_visit, last_rag, rules, concern):
    """(due date or None for now, why it is due now): a school with pupils at providers of
    concern is due first; otherwise `next_visit_days` for the last visit's RAG after its last
    signed-off visit (the school rules in force); never visited, now."""
    if concern:
        return None, concern
    if last_visit is None:
        return None, "Never visited"
    days = (rules.get("next_visit_days") or {}).get(last_rag)
    if days is None:
        return None, "The last visit has no rating to set the next one"
    return last_visit + timedelta(days=days), ""


def schools_due(user, today, words=""):
    """[SchoolDue] of the schools this user visits (their names containing `words`), those
    due first at the top, then by due date: a fixed number of queries. The programme pages
    them SCHOOLS_LIMIT at a time; an authority has tens of schools, not thousands."""
    schools_query, visits_query = _statements(viewer(user), words)
    schools = db.session.execute(schools_query).all()
    last = {school_id: (visit_date, rag) for school_id, visit_date, rag in db.session.execute(visits_query)}
    concerns = {}
    for found in answers(schools_of_concern, {school.id for school in schools}, today=today):
        concerns.update(found)
    version = current_version("school")
    rules = version.rules if version is not None else {}
    rows = []
    for school in schools:
        visit_date, rag = last.get(school.id, (None, None))
        due, reason = school_due(visit_date, rag, rules, concerns.get(school.id))
        rows.append(SchoolDue(school, due, reason, visit_date, rag, first=school.id in concerns))
    rows.sort(
        key=lambda r: (not r.first, r.due is not None, r.due or today, r.school.name.lower(), r.school.id)
    )
    return rows


@built_once
def _statements(user, words):
    """The schools (with their link officer's name) whose names hold the words, and the last
    signed-off visit of each (one row a school, however many visits the years bring)."""
    visited = schools_visited_by(user)
    if words:
        visited = and_(visited, School.name.icontains(words, autoescape=True))
    # Each school's last signed-off visit, found from the index by school, state and date.
    last = aliased(Visit)
    latest = (
        select(last.id)
        .where(last.school_id == School.id, last.status == "signed_off")
        .order_by(last.visit_date.desc(), last.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    officer = aliased(User)
    return (
        select(School.id, School.name, School.borough, officer.name.label("officer_name"))
        .outerjoin(officer, officer.id == School.officer_id)
        .where(visited),
        select(Visit.school_id, Visit.visit_date, Visit.overall_rag)
        .select_from(School)
        .join(Visit, Visit.id == latest)
        .where(visited),
    )
