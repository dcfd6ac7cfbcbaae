"""Who may see a provider's own records (its documents, its answers to actions, its draft
reports), and who works on them: its own staff upload and answer; its officer and the Head of
Access review. Anyone else is told the records do not exist (404)."""

from sqlalchemy import or_, select, true

from qa_app.auth.models import School
from qa_app.auth.permissions import provider_staff_of
from qa_app.providers.models import Provider


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def is_staff_of(user, provider):
    """The user is a member of this provider's staff."""
    return provider_staff_of(user, provider.id)


def reviews_for(user, provider):
    """The user reviews this provider's documents and answers: its officer, the Head of Access."""
    role = _role(user)
    return role == "head_of_access" or (role == "officer" and provider.officer_id == user.id)


def may_see_documents(user, provider):
    """The provider's staff and those who review for it."""
    return is_staff_of(user, provider) or reviews_for(user, provider)


def own_provider_id(user):
    """The provider a member of provider staff belongs to; None for anyone else."""
    provider_id = getattr(user, "provider_id", None)
    return provider_id if provider_staff_of(user, provider_id) else None


def providers_of(user):
    """SQL condition on Provider: an officer's own providers; all for everyone else on staff."""

    if getattr(user, "role", None) == "officer":
        return Provider.officer_id == user.id
    return true()


def may_invite(user, provider):
    """Who invites the provider's staff to sign in: its own officer, or an administrator."""
    role = _role(user)
    return role == "admin" or (role == "officer" and provider.officer_id == user.id)


def provider_of_theirs(user, provider):
    """The rule of providers_of for one provider already loaded."""
    return _role(user) != "officer" or provider.officer_id == user.id


def officer_reaches(user, provider_column, school_column):
    """SQL condition for an officer: rows at the providers they look after or at the schools
    they visit as link officer (placements, alerts and registers are scoped so). The school
    is tested first: the lists that read most rows (a school visit's placements, the offline
    bundle's) are of the officer's own schools, whose rows pass on it alone."""
    return or_(
        school_column.in_(select(School.id).where(School.officer_id == user.id)),
        provider_column.in_(select(Provider.id).where(Provider.officer_id == user.id)),
    )
