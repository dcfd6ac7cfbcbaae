"""The one authorisation function: which role may do what."""

from flask import abort
from flask_login import current_user

STAFF = frozenset({"officer", "head_of_access", "admin"})
CASEWORK = frozenset({"officer", "head_of_access"})

# action -> roles allowed. Object-level rules (whose visit is it?) live in the
# feature's query helpers, which return 404 for records outside the user's scope.
PERMISSIONS = {
    "register.view": frozenset({"officer", "head_of_access", "school", "admin"}),
    "provider.view_internal": STAFF,
    "provider.edit": STAFF,
    "visit.view": CASEWORK,
    "visit.start": CASEWORK,
    "visit.sign_off": frozenset({"head_of_access"}),
    # Schools read the provider edition of signed-off visits; the internal edition is casework.
    "report.provider_edition": frozenset({"officer", "head_of_access", "school"}),
    "report.email": CASEWORK,
    "escalation.view": CASEWORK,
    "escalation.decide": frozenset({"head_of_access"}),
    "escalation.report": frozenset({"officer", "head_of_access", "school", "admin"}),
    "rules.manage": frozenset({"admin"}),
    "framework.manage": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
}


def can(user, action):
    """True when the user's role allows the action."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[action]


def authorize(action, user=None):
    """Abort with 403 unless the (current) user may do the action."""
    if not can(user or current_user, action):
        abort(403)


# The menu: (endpoint, label, action that shows it).
MENU = (
    ("visits.programme", "Visit programme", "visit.view"),
    ("providers.index", "Provider register", "register.view"),
    ("visits.sign_off_queue", "Sign-off", "visit.sign_off"),
    ("visits.overdue_actions", "Overdue actions", "visit.view"),
    ("dashboard.index", "Dashboard", "escalation.decide"),
    ("escalations.index", "Escalations", "escalation.view"),
    ("escalations.report", "Report a concern", "escalation.report"),
    ("admin.users", "Users", "users.manage"),
    ("framework.index", "QA framework", "framework.manage"),
    ("registration.rules_index", "Registration rules", "rules.manage"),
)


def navigation(user):
    """The menu items this user may open."""
    return [(endpoint, label) for endpoint, label, action in MENU if can(user, action)]
