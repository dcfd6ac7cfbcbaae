"""Which visits, reports and actions a user may see and change: the SQL conditions views,
the API, the offline bundle and the reports add to their queries, and the same rules for one
visit already loaded. A visit outside a user's scope is fetched as if it did not exist (404)."""

from sqlalchemy import false, or_, true

from qa_app.auth.models import School
from qa_app.auth.permissions import can, is_deputy, provider_staff_of, sees_everything
from qa_app.providers.models import Provider
from qa_app.visits.models import Visit

EDITABLE_VISIT_STATES = ("draft", "returned")


def visits_visible_to(user):
    """SQL condition on Visit: an officer's own visits (and, for a deputy, those awaiting
    sign-off and those they signed off); every visit for the Head of Access."""

    if sees_everything(user):
        return true()
    if is_deputy(user):
        return or_(
            Visit.officer_id == user.id, Visit.status == "submitted", Visit.signed_off_by_id == user.id
        )
    if getattr(user, "role", None) == "officer":
        return Visit.officer_id == user.id
    if getattr(user, "role", None) == "school" and user.school_id is not None:
        # A school reads its own school visits once they are signed off (docs/domain.md §2.7).
        return (Visit.school_id == user.school_id) & (Visit.status == "signed_off")
    return false()


def may_open_visits(user):
    """Who may open a visit's page at all: caseworkers, and school staff (who see only their
    own school's signed-off school visits: visits_visible_to)."""
    return can(user, "visit.view") or getattr(user, "role", None) == "school"


def can_see_visit(user, visit):
    """The same rule as visits_visible_to, for one visit already loaded."""
    if visit.school_id is not None and getattr(user, "role", None) == "school":
        return visit.status == "signed_off" and visit.school_id == user.school_id
    if sees_everything(user):
        return True
    if getattr(user, "role", None) != "officer":
        return False
    if is_deputy(user) and (visit.status == "submitted" or visit.signed_off_by_id == user.id):
        return True
    return visit.officer_id == user.id


def may_sign_off(user, visit):
    """The Head of Access or a deputy signs off, and never a visit they made themselves."""
    return can(user, "visit.sign_off") and visit.officer_id != user.id


def visits_editable_by(user):
    """SQL condition on Visit: the same rule as can_edit_visit (own drafts and returned visits)."""

    return (Visit.officer_id == user.id) & Visit.status.in_(EDITABLE_VISIT_STATES)


def can_edit_visit(user, visit):
    """Only a visit's own officer changes it, and only while it is a draft or returned."""
    return visit.officer_id == user.id and visit.status in EDITABLE_VISIT_STATES


def may_start_visit(user):
    """Officers and the Head of Access start visits."""
    return can(user, "visit.start")


def may_add_photos(user, visit):
    """A visit's own officer adds its photos (a retried upload still lands once it is locked)."""
    return visit.officer_id == user.id


def may_resolve_conflict(user, conflict):
    """A kept copy belongs to the person whose save lost."""
    return conflict.user_id == user.id


def may_read_report(user, visit, edition="provider"):
    """Staff who may see the visit read both editions; schools read the provider edition of
    signed-off visits."""
    if can(user, "visit.view"):
        return can_see_visit(user, visit)
    if visit.school_id is not None:
        return edition == "provider" and can_see_visit(user, visit)
    if getattr(user, "role", None) == "provider":
        return (
            edition == "provider"
            and visit.status == "signed_off"
            and provider_staff_of(user, visit.provider_id)
        )
    return edition == "provider" and can(user, "report.provider_edition") and visit.status == "signed_off"


def reports_visible_to(user, edition):
    """SQL condition on Visit for the visits whose report in this edition the user may read."""

    if can(user, "visit.view"):
        return visits_visible_to(user)
    if edition == "provider" and getattr(user, "role", None) == "provider":
        # Provider staff: their own provider's signed-off visits only.
        return (Visit.status == "signed_off") & (Visit.provider_id == user.provider_id)
    if edition == "provider" and can(user, "report.provider_edition"):
        # Signed-off provider visits, and the school's own school visits.
        own_school = visits_visible_to(user) if getattr(user, "role", None) == "school" else false()
        return (Visit.status == "signed_off") & (Visit.provider_id.is_not(None) | own_school)
    return false()


def actions_visible_to(user):
    """SQL condition on Action outer-joined to its Visit, Provider and School: an officer sees
    those of their providers, of the schools they visit and of their own visits."""

    if getattr(user, "role", None) == "officer":
        return or_(Provider.officer_id == user.id, School.officer_id == user.id, Visit.officer_id == user.id)
    return true()


def may_visit_school(user, school):
    """The same rule as schools_visited_by, for one school: who may start its visit."""
    if not may_start_visit(user):
        return False
    return sees_everything(user) or school.officer_id == user.id
