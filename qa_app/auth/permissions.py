"""Who may do what, and which records each user may see: the one place that says so.

`can(user, action)` answers role questions. The scope functions answer "whose record is
it": `visits_visible_to(user)` and friends return SQL conditions that views, the API,
the offline bundle and the reports add to their queries, and `can_edit_visit(user, visit)`
and friends answer for one record already loaded. A record outside a user's scope is
fetched as if it did not exist (404). Templates get plain flags from their view.

This module reads the tables of the features it rules on (visits, providers,
escalations, placements, referrals), which is why it imports their models and nothing else of theirs.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_, select, true

STAFF = frozenset({"officer", "head_of_access", "admin"})
CASEWORK = frozenset({"officer", "head_of_access"})
EDITABLE_VISIT_STATES = ("draft", "returned")

# action -> roles allowed. Which records within that: the scope functions below.
PERMISSIONS = {
    "register.view": frozenset({"officer", "head_of_access", "school", "admin"}),
    "provider.view_internal": STAFF,
    "provider.edit": STAFF,
    # Whose provider it is decides who sees its escalations, so officers may not choose.
    "provider.assign_officer": frozenset({"head_of_access", "admin"}),
    "visit.view": CASEWORK,
    "visit.start": CASEWORK,
    # ... and officers the Head of Access names as her deputies (see can()).
    "visit.sign_off": frozenset({"head_of_access"}),
    "deputies.manage": frozenset({"head_of_access"}),
    # Schools read the provider edition of signed-off visits; the internal edition is casework.
    # Provider staff read their own provider's (reports_visible_to).
    "report.provider_edition": frozenset({"officer", "head_of_access", "school", "provider"}),
    "report.email": CASEWORK,
    "escalation.view": CASEWORK,
    "escalation.decide": frozenset({"head_of_access"}),
    # Anyone signed in may report premises that appear to be a school.
    "escalation.report": frozenset({"officer", "head_of_access", "school", "admin", "provider"}),
    "rules.manage": frozenset({"admin"}),
    "framework.manage": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    "schools.manage": frozenset({"admin"}),
    # The read log (who read pupil-level or safeguarding content): administrators.
    "audit.view": frozenset({"admin"}),
    # Legal holds keep a record past its retention date: the Head of Access or an administrator
    # places and releases them; the disposal log (no personal data) is the administrators'.
    "retention.hold": frozenset({"head_of_access", "admin"}),
    "retention.log": frozenset({"admin"}),
    # A school's page (its visits, placements and actions): the officers who visit it, the
    # Head of Access, and its own staff (which school: may_see_school).
    "school.view": frozenset({"officer", "head_of_access", "school"}),
    # Schools record their own placements; officers and the Head of Access any school's.
    "placement.view": frozenset({"officer", "head_of_access", "school"}),
    "placement.record": frozenset({"officer", "head_of_access", "school"}),
    # The authority's view across schools: every pupil in AP, counts, pupils and their
    # attendance at each provider, the list for its register of children not in school.
    "placement.authority_view": CASEWORK,
    # Gateway panel referrals: schools refer their own pupils; the panel (officers for the
    # schools they visit, the Head of Access for all) decides. Administrators see none.
    "referral.view": frozenset({"officer", "head_of_access", "school"}),
    "referral.make": frozenset({"school"}),
    "referral.decide": CASEWORK,
    # Attendance alerts (which ones: alerts.scopes): a school's own pupils', an officer's
    # providers' and schools', all for the Head of Access; the school records its follow-up.
    "alert.view": frozenset({"officer", "head_of_access", "school"}),
    # Provider staff: their own provider's pages (which provider: provider_staff_of).
    "portal.view": frozenset({"provider"}),
    # Subject access requests and the packs that answer them (everything held about a pupil).
    "subject_access.manage": frozenset({"head_of_access", "admin"}),
}


def can(user, action):
    """True when the user's role allows the action (a deputy officer may also sign off)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if action == "visit.sign_off" and _is_deputy(user):
        return True
    return user.role in PERMISSIONS[action]


def _is_deputy(user):
    return getattr(user, "role", None) == "officer" and bool(getattr(user, "sign_off_deputy", False))


def authorize(action, user=None):
    """Abort with 403 unless the (current) user may do the action."""
    if not can(user or current_user, action):
        abort(403)


def provider_staff_of(user, provider_id):
    """True only for an active provider user who belongs to this provider."""
    return (
        getattr(user, "is_authenticated", False)
        and getattr(user, "role", None) == "provider"
        and bool(getattr(user, "active", False))
        and provider_id is not None
        and getattr(user, "provider_id", None) == provider_id
    )


def may_see_provider(user, provider_id):
    """Whether a signed-in user may see this provider named: provider staff their own only;
    everyone else who sees the register, any."""
    if getattr(user, "role", None) == "provider":
        return provider_staff_of(user, provider_id)
    return getattr(user, "is_authenticated", False)


def _sees_everything(user):
    return getattr(user, "role", None) == "head_of_access"


# -- visits ------------------------------------------------------------------------------


def visits_visible_to(user):
    """SQL condition on Visit: an officer's own visits (and, for a deputy, those awaiting
    sign-off and those they signed off); every visit for the Head of Access."""
    from qa_app.visits.models import Visit

    if _sees_everything(user):
        return true()
    if _is_deputy(user):
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
    if _sees_everything(user):
        return True
    if getattr(user, "role", None) != "officer":
        return False
    if _is_deputy(user) and (visit.status == "submitted" or visit.signed_off_by_id == user.id):
        return True
    return visit.officer_id == user.id


def may_sign_off(user, visit):
    """The Head of Access or a deputy signs off, and never a visit they made themselves."""
    return can(user, "visit.sign_off") and visit.officer_id != user.id


def visits_editable_by(user):
    """SQL condition on Visit: the same rule as can_edit_visit (own drafts and returned visits)."""
    from qa_app.visits.models import Visit

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
    from qa_app.visits.models import Visit

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


# -- schools and their officers -----------------------------------------------------------


def schools_visited_by(user):
    """SQL condition on School: the schools whose visits this user makes and sees (their
    link officer's schools for an officer; every school for the Head of Access)."""
    from qa_app.auth.models import School

    if _sees_everything(user):
        return true()
    if getattr(user, "role", None) == "officer":
        return School.officer_id == user.id
    return false()


def may_see_school(user, school):
    """A school's page: the officer who visits it, the Head of Access, and its own staff."""
    role = getattr(user, "role", None)
    if role == "school":
        return user.school_id is not None and user.school_id == school.id
    if role == "officer":
        return school.officer_id == user.id
    return _sees_everything(user)


def may_visit_school(user, school):
    """The same rule as schools_visited_by, for one school: who may start its visit."""
    if not may_start_visit(user):
        return False
    return _sees_everything(user) or school.officer_id == user.id


# -- providers and their officers -----------------------------------------------------------


def providers_of(user):
    """SQL condition on Provider: an officer's own providers; all for everyone else on staff."""
    from qa_app.providers.models import Provider

    if getattr(user, "role", None) == "officer":
        return Provider.officer_id == user.id
    return true()


def actions_visible_to(user):
    """SQL condition on Action outer-joined to its Visit, Provider and School: an officer sees
    those of their providers, of the schools they visit and of their own visits."""
    from qa_app.auth.models import School
    from qa_app.providers.models import Provider
    from qa_app.visits.models import Visit

    if getattr(user, "role", None) == "officer":
        return or_(Provider.officer_id == user.id, School.officer_id == user.id, Visit.officer_id == user.id)
    return true()


# -- escalations -------------------------------------------------------------------------


def escalations_visible_to(user):
    """SQL condition on Escalation: all for the Head of Access; an officer's own reports and
    those about their providers; none for anyone else (schools see only their receipt)."""
    from qa_app.escalations.models import Escalation
    from qa_app.providers.models import Provider

    if _sees_everything(user):
        return true()
    if getattr(user, "role", None) == "officer":
        mine = select(Provider.id).where(Provider.officer_id == user.id)
        return or_(Escalation.reported_by_id == user.id, Escalation.provider_id.in_(mine))
    return false()


def may_see_receipt(user, escalation):
    """Whoever reported a concern sees the receipt for it, and so does whoever's report was
    added to it (one open escalation per provider takes every report about it)."""
    from qa_app.escalations.models import EscalationEvent
    from qa_app.extensions import db

    if escalation.reported_by_id == user.id:
        return True
    added = select(EscalationEvent.id).where(
        EscalationEvent.escalation_id == escalation.id,
        EscalationEvent.user_id == user.id,
        EscalationEvent.action == "concern",
    )
    return db.session.scalar(added.limit(1)) is not None


# -- placements -------------------------------------------------------------------------


def placements_visible_to(user):
    """SQL condition on Placement: a school user's own school's; an officer's, those at their
    providers (the providers they are assigned to, as their programme and offline bundle
    have them) and at the schools they visit (as link officer); all for the Head of Access;
    those at their own provider for provider staff; none for anyone else."""
    from qa_app.auth.models import School
    from qa_app.placements.models import Placement
    from qa_app.providers.models import Provider

    role = getattr(user, "role", None)
    if _sees_everything(user):
        return true()
    if role == "officer":
        return or_(
            Placement.provider_id.in_(select(Provider.id).where(Provider.officer_id == user.id)),
            Placement.school_id.in_(select(School.id).where(School.officer_id == user.id)),
        )
    if role == "school" and user.school_id is not None:
        return Placement.school_id == user.school_id
    if role == "provider" and user.provider_id is not None:
        return Placement.provider_id == user.provider_id
    return false()


def placement_in_scope(user, school_id, provider_id):
    """The rule of placements_visible_to for a placement's school and provider ids (one
    loaded, or one about to be saved)."""
    from qa_app.auth.models import School
    from qa_app.extensions import db
    from qa_app.providers.models import Provider

    role = getattr(user, "role", None)
    if _sees_everything(user):
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
    from qa_app.auth.models import School

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


# -- referrals to the Gateway panel --------------------------------------------------------


def referrals_visible_to(user):
    """SQL condition on Referral: a school user's own school's; for the panel, those sent to it
    (a draft is the school's alone): an officer's visited schools', all for the Head of
    Access; none for anyone else."""
    from qa_app.referrals.models import Referral

    role = getattr(user, "role", None)
    sent = Referral.status != "draft"
    if _sees_everything(user):
        return sent
    if role == "officer":
        from qa_app.auth.models import School

        return sent & Referral.school_id.in_(select(School.id).where(schools_visited_by(user)))
    if role == "school" and user.school_id is not None:
        return Referral.school_id == user.school_id
    return false()


def can_see_referral(user, referral):
    """The same rule as referrals_visible_to, for one referral already loaded."""
    role = getattr(user, "role", None)
    if role in CASEWORK and referral.status == "draft":
        return False
    if _sees_everything(user):
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


# -- the menu ------------------------------------------------------------------------------

# (endpoint, label, action that shows it, action that hides it). Labels are short so that
# every role's menu fits one row on a 768 px tablet; those who see the escalations report a
# concern from that page (and from each provider's page) rather than from the menu.
MENU = (
    ("portal.home", "Your provider", "portal.view", None),
    ("visits.programme", "Visits", "visit.view", None),
    # The Head of Access finds her own visits in the programme, which shows them all.
    ("visits.mine", "Your visits", "visit.start", "deputies.manage"),
    ("providers.index", "Providers", "register.view", None),
    ("placements.index", "Placements", "placement.view", None),
    ("referrals.index", "Referrals", "referral.view", None),
    ("visits.sign_off_queue", "Sign-off", "visit.sign_off", None),
    ("visits.overdue_actions", "Actions", "visit.view", None),
    ("escalations.index", "Escalations", "escalation.view", None),
    ("dashboard.index", "Dashboard", "escalation.decide", None),
    ("escalations.report", "Report a concern", "escalation.report", "escalation.view"),
    ("admin.users", "Users", "users.manage", None),
    ("schools.index", "Schools", "schools.manage", None),
    ("framework.index", "Framework", "framework.manage", None),
    ("registration.rules_index", "Registration rules", "rules.manage", None),
)


def navigation(user):
    """The menu items this user may open."""
    return [
        (endpoint, label)
        for endpoint, label, action, hidden_by in MENU
        if can(user, action) and not (hidden_by and can(user, hidden_by))
    ]
