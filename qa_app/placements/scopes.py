"""Which placements a user may see, change and record: a school its own pupils', an officer
those at their providers and the schools they visit, provider staff their own provider's, the
Head of Access all. Outside the scope a placement is fetched as if it did not exist (404)."""

from dataclasses import dataclass

from sqlalchemy import and_, false, true

from qa_app.auth.models import School
from qa_app.auth.permissions import CASEWORK, can, provider_staff_of, sees_everything
from qa_app.domain import NotFound
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.providers.scopes import officer_reaches


def placements_visible_to(user):
    """SQL condition on Placement: a school user's own school's; an officer's, those at their
    providers (the providers they are assigned to, as their programme and offline bundle
    have them) and at the schools they visit (as link officer); all for the Head of Access;
    those at their own provider for provider staff; none for anyone else."""

    role = getattr(user, "role", None)
    if sees_everything(user):
        return true()
    if role == "officer":
        return officer_reaches(user, Placement.provider_id, Placement.school_id)
    if role == "school" and user.school_id is not None:
        return Placement.school_id == user.school_id
    if role == "provider" and user.provider_id is not None:
        return Placement.provider_id == user.provider_id
    return false()


def scope_key(user):
    """What placements_visible_to depends on for this user, as a key for kept figures: the
    same key, the same placements (an officer's reach also depends on the schools and
    providers they are linked to, which kept_figures watches)."""
    role = getattr(user, "role", None)
    if sees_everything(user):
        return ("all",)
    if role == "officer":
        return ("officer", user.id)
    if role == "school":
        return ("school", user.school_id)
    if role == "provider":
        return ("provider", user.provider_id)
    return ("none",)


def placement_in_scope(user, school_id, provider_id):
    """The rule of placements_visible_to for a placement's school and provider ids (one
    loaded, or one about to be saved)."""

    role = getattr(user, "role", None)
    if sees_everything(user):
        return True
    if role == "officer":
        school = db.session.get(School, school_id) if school_id is not None else None
        provider = db.session.get(Provider, provider_id) if provider_id is not None else None
        return bool(
            (school is not None and school.officer_id == user.id)
            or (provider is not None and provider.officer_id == user.id)
        )
    if role == "provider":
        return provider_staff_of(user, provider_id)
    return role == "school" and user.school_id is not None and user.school_id == school_id


def can_see_placement(user, placement):
    """The same rule as placements_visible_to, for one placement already loaded."""
    return placement_in_scope(user, placement.school_id, placement.provider_id)


def can_edit_placement(user, placement):
    """Whoever may see a placement may change it (a school its own; an officer those in
    their scope; the Head of Access any)."""
    return can(user, "placement.record") and can_see_placement(user, placement)


def schools_placeable_by(user):
    """SQL condition on School: the schools this user may record placements for (an officer
    any school, at one of their providers: may_place_for then checks the pair)."""

    role = getattr(user, "role", None)
    if role in CASEWORK:
        return true()
    if role == "school" and user.school_id is not None:
        return School.id == user.school_id
    return false()


def may_place_for(user, school_id, provider_id=None):
    """Whether this user may record a placement of this school (with this provider): a
    school its own pupils; an officer within their placement scope; the Head of Access any."""
    role = getattr(user, "role", None)
    if role == "officer":
        return placement_in_scope(user, school_id, provider_id)
    if role in CASEWORK:
        return True
    return role == "school" and user.school_id is not None and user.school_id == school_id


@dataclass(frozen=True)
class Scope:
    """Whose attendance: a SQL condition on Placement, a title, the query-string arguments
    that ask for it again, a short name for file names, and whether it is every placement
    of the authority (the Head of Access's, not narrowed)."""

    condition: object
    title: str
    arguments: dict
    slug: str
    whole_authority: bool = False


def attendance_scope(user, school_id=None, provider_id=None):
    """The placements the user may see, narrowed to a school and/or a provider.

    A school user is always narrowed to their own school; asking for another school, or
    for a school or provider that does not exist, raises NotFound."""
    if getattr(user, "role", None) == "school":
        if school_id not in (None, user.school_id):
            raise NotFound("No such school")
        school_id = user.school_id
    conditions, names, arguments = [placements_visible_to(user)], [], {}
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None:
            raise NotFound("No such school")
        conditions.append(Placement.school_id == school.id)
        names.append(school.name)
        arguments["school_id"] = school.id
    if provider_id is not None:
        provider = db.session.get(Provider, provider_id)
        if provider is None:
            raise NotFound("No such provider")
        conditions.append(Placement.provider_id == provider.id)
        names.append(f"at {provider.name}" if names else provider.name)
        arguments["provider_id"] = provider.id
    slug = "-".join(f"{key.split('_')[0]}-{value}" for key, value in arguments.items()) or "authority"
    title = " ".join(names) or "Every pupil in AP"
    whole = getattr(user, "role", None) == "head_of_access" and not arguments
    return Scope(and_(*conditions), title, arguments, slug, whole)


def provider_scope(user, provider_id):
    """SQL condition on Placement: the user's placements at one provider."""
    return and_(placements_visible_to(user), Placement.provider_id == provider_id)
