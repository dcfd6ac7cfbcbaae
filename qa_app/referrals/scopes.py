"""Which referrals to the Gateway panel a user may see, make and decide: a school its own,
the panel (an officer for the schools they visit, the Head of Access for all) those sent."""

from sqlalchemy import false, select

from qa_app.auth.models import School
from qa_app.auth.permissions import CASEWORK, can, schools_visited_by, sees_everything
from qa_app.referrals.models import Referral


def referrals_visible_to(user):
    """SQL condition on Referral: a school user's own school's; for the panel, those sent to it
    (a draft is the school's alone): an officer's visited schools', all for the Head of
    Access; none for anyone else."""

    role = getattr(user, "role", None)
    sent = Referral.status != "draft"
    if sees_everything(user):
        return sent
    if role == "officer":
        return sent & Referral.school_id.in_(select(School.id).where(schools_visited_by(user)))
    if role == "school" and user.school_id is not None:
        return Referral.school_id == user.school_id
    return false()


def can_see_referral(user, referral):
    """The same rule as referrals_visible_to, for one referral already loaded."""
    role = getattr(user, "role", None)
    if role in CASEWORK and referral.status == "draft":
        return False
    if sees_everything(user):
        return True
    if role == "officer":
        return referral.school is not None and referral.school.officer_id == user.id
    return role == "school" and user.school_id is not None and referral.school_id == user.school_id


def may_refer_for(user, school_id):
    """Only a school's own staff refer its pupils."""
    return (
        getattr(user, "role", None) == "school" and user.school_id is not None and user.school_id == school_id
    )


def may_decide_referral(user, referral):
    """The panel decides: an officer for the schools they visit, the Head of Access for any."""
    return can(user, "referral.decide") and can_see_referral(user, referral)
