"""Who may do what: roles and their permissions, the menu, and the rules about people that
every feature shares (a provider's own staff, a school's officer, the deputy who signs off).

`can(user, action)` answers role questions. Which records a user may see is said beside
each feature's tables, in its `scopes.py` (`visits.scopes.visits_visible_to(user)` and
friends): SQL conditions that views, the API, the offline bundle and the reports add to
their queries, and checks for one record already loaded. A record outside a user's scope is
fetched as if it did not exist (404). Templates get plain flags from their view.
"""

from collections.abc import Mapping

from flask import abort
from flask_login import current_user
from sqlalchemy import false, true

STAFF = frozenset({"officer", "head_of_access", "admin"})
CASEWORK = frozenset({"officer", "head_of_access"})

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
    if action == "visit.sign_off" and is_deputy(user):
        return True
    return user.role in PERMISSIONS[action]


class Allowed(Mapping):
    """What a user may do, as flags for templates: `allowed["visit.start"]`. The rules stay
    in can(); a template only reads the answer. An action no role has is an error, not a
    silent False (Jinja hides a KeyError, so it is a ValueError)."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, action):
        if action not in PERMISSIONS:
            raise ValueError(f"No such action: {action!r}")
        return can(self.user, action)

    def __iter__(self):
        return iter(PERMISSIONS)

    def __len__(self):
        return len(PERMISSIONS)


def is_deputy(user):
    """An officer who may also sign off visits (not their own)."""
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


def sees_everything(user):
    """The Head of Access sees every record of every feature."""
    return getattr(user, "role", None) == "head_of_access"


# -- schools and their officers -----------------------------------------------------------


def schools_visited_by(user):
    """SQL condition on School: the schools whose visits this user makes and sees (their
    link officer's schools for an officer; every school for the Head of Access)."""
    from qa_app.auth.models import School

    if sees_everything(user):
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
    return sees_everything(user)


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
    ("pages.dashboard", "Dashboard", "escalation.decide", None),
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
