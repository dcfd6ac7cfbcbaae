"""Which attendance alerts a user may see, and who may record a school's follow-up.

A school's staff see their own school's pupils' alerts; an officer those at the providers
they look after (their registers too) and at the schools they visit; the Head of Access all.
Administrators and provider staff see none."""

from sqlalchemy import false, true

from qa_app.alerts.models import AttendanceAlert
from qa_app.providers.scopes import officer_reaches


def alerts_visible_to(user):
    """SQL condition on AttendanceAlert: the alerts this user may see."""
    role = getattr(user, "role", None)
    if role == "head_of_access":
        return true()
    if role == "officer":
        return officer_reaches(user, AttendanceAlert.provider_id, AttendanceAlert.school_id)
    if role == "school" and user.school_id is not None:
        return AttendanceAlert.school_id == user.school_id
    return false()


def may_follow_up(user, alert):
    """The school's own staff record what they did about their pupil's alert."""
    return (
        getattr(user, "role", None) == "school"
        and alert.about_a_pupil
        and user.school_id is not None
        and alert.school_id == user.school_id
    )
