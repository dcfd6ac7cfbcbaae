"""Users: sign-in checks, creation and changes. These flush; the caller commits."""

from sqlalchemy import bindparam, func, select

from qa_app.auth.models import ROLES, School, User
from qa_app.auth.passwords import check_password, dummy_hash, hash_password, needs_rehash
from qa_app.dates import utcnow
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.statements import built_once


def normalise_email(email):
    """Emails compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email):
    """The user with this email, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email, password):
    """The active user with these credentials, or None (same answer for every failure).
    A hash made with older parameters is remade with the app's own."""
    user = find_user_by_email(email)
    if user is None:
        check_password(dummy_hash(), password)
        return None
    if not check_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = utcnow()
    return user


def school_named(name):
    """The school with this name, created on first use."""
    name = " ".join(name.split())
    school = db.session.scalar(select(School).where(func.lower(School.name) == name.lower()))
    if school is None:
        school = School(name=name)
        db.session.add(school)
    return school


def schools_by_name():
    """Every school, by name: the list a school user's school is chosen from."""
    return db.session.scalars(select(School).order_by(func.lower(School.name))).all()


def _school_for(role, school_id, school_name):
    """The school a user of this role belongs to: the chosen one (by id), or the one named
    (created on first use, for create-user); None for other roles. Invalid if missing."""
    if role != "school":
        return None
    if school_id:
        school = db.session.get(School, school_id)
        if school is None:
            raise Invalid({"school": "Choose a school from the list"})
        return school
    if (school_name or "").strip():
        return school_named(school_name)
    raise Invalid({"school": "Choose the school this person works for"})


def _provider_for(role, provider_id):
    """The provider a user of this role belongs to; None for other roles. Invalid if missing."""
    if role != "provider":
        return None
    if not provider_id:
        raise Invalid(
            {"provider": "Provider staff are invited from their provider's page, which names their provider"}
        )
    return provider_id


def provider_id_named(name):
    """The id of the provider called `name` (case and spacing aside), or None. Provider
    staff made from the command line name their provider."""
    name = " ".join((name or "").split())
    provider = db.metadata.tables["provider"]
    return db.session.scalar(
        select(provider.c.id).where(func.lower(provider.c.name) == name.lower()).order_by(provider.c.id)
    )


def create_user(email, name, role, password, school_name=None, active=True, school_id=None, provider_id=None):
    """Add a user; raises Invalid when the email is taken, the role is unknown, a school
    user has no school or a provider user no provider."""
    user = User(password_hash="")
    apply_user_changes(
        user,
        email=email,
        name=name,
        role=role,
        password=password,
        school_name=school_name,
        school_id=school_id,
        provider_id=provider_id,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def apply_user_changes(
    user, *, email, name, role, active, school_name=None, school_id=None, provider_id=None, password=None
):
    """Change a user's details; disabling or a new password ends their sessions.

    A school user belongs to the school `school_id` (the admin form's list) or, failing
    that, the one called `school_name` (create-user, the demo data); provider staff to the
    provider `provider_id` (kept when not given)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise Invalid({"role": "Choose a role"})
    clash = find_user_by_email(email)
    if clash is not None and clash is not user:
        raise Invalid({"email": "A user with this email address already exists"})
    if user.id is None and not password:
        raise Invalid({"password": "Enter a password for the new user"})
    school = _school_for(role, school_id, school_name)
    user.provider_id = _provider_for(role, provider_id or user.provider_id)
    user.email = email
    user.name = name.strip()
    user.role = role
    user.school = school
    if password:
        user.password_hash = hash_password(password)
        user.end_sessions()
    if user.active and not active:
        user.end_sessions()
    user.active = active
    return user


def sign_out(user):
    """End every session of this user, so a copied cookie stops working too."""
    user.end_sessions()


def active_officers():
    """Active QA officers, by name."""
    return db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True)).order_by(User.name)
    ).all()


def set_deputies(officers, chosen_ids):
    """Make exactly the chosen officers sign-off deputies; returns those named."""
    chosen = set(chosen_ids or [])
    for officer in officers:
        officer.sign_off_deputy = officer.id in chosen
    db.session.flush()
    return [o for o in officers if o.sign_off_deputy]


def active_emails(role, school_id=None, provider_id=None):
    """The addresses of the active users with this role, in order: a school's staff
    (school_id) or a provider's (provider_id) only, never everyone's."""
    if (role == "school") != (school_id is not None) or (role == "provider") != (provider_id is not None):
        raise ValueError("school staff are asked for by school_id, provider staff by provider_id")
    params = {"role": role, "school_id": school_id, "provider_id": provider_id}
    return db.session.scalars(_active_emails(school_id is not None, provider_id is not None), params).all()


@built_once
def _active_emails(of_school, of_provider):
    """active_emails's statement, built once for each shape (every placing asks for it)."""
    query = select(User.email).where(User.role == bindparam("role"), User.active.is_(True))
    if of_school:
        query = query.where(User.school_id == bindparam("school_id"))
    if of_provider:
        query = query.where(User.provider_id == bindparam("provider_id"))
    return query.order_by(User.email)
