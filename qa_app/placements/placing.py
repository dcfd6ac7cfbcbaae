"""Before placing a pupil (docs/domain.md §2.6): with a provider that is not quality assured, or
not known to be registered, the school must give a reason, and the provider's officer and the
Head of Access are told in one email."""

from qa_app.auth.services import active_emails
from qa_app.dates import long_date
from qa_app.framework.rating import ASSURED, QA_STATUSES
from qa_app.notifications.outbox import queue_email
from qa_app.providers.models import REGISTRATION_STATUSES

# Registration statuses that need a reason to place with, whatever the QA status.
NOT_KNOWN_REGISTERED = ("unregistered", "not_known")


def placing_check(provider, today):
    """None when a school may place with the provider without more; else why it needs a
    reason: {status, status_label, reason, last_visit_date} (docs/domain.md §2.6)."""
    qa, qa_reason = provider.qa_status(today)
    registration = provider.registration_status
    if qa in ASSURED and registration not in NOT_KNOWN_REGISTERED:
        return None
    reasons = [] if qa in ASSURED else [qa_reason]
    if registration in NOT_KNOWN_REGISTERED:
        reasons.append(f"Registration: {REGISTRATION_STATUSES[registration].lower()}")
    status = qa if qa not in ASSURED else registration
    label = QA_STATUSES.get(status) or REGISTRATION_STATUSES[status]
    if qa not in ASSURED and registration in NOT_KNOWN_REGISTERED:
        label = f"{label}, {REGISTRATION_STATUSES[registration].lower()}"
    return {
        "status": status,
        "status_label": label,
        "reason": "; ".join(reasons),
        "last_visit_date": provider.rating_visit_date,
    }


def placing_warning(provider, check):
    """The sentence that says why placing with this provider needs a reason."""
    visited = (
        f"last visited {long_date(check['last_visit_date'])}" if check["last_visit_date"] else "never visited"
    )
    return f"{provider.name} is {check['status_label'].lower()} ({check['reason']}; {visited})"


def reason_needed(provider, check):
    """The message when a placement that needs the school's reason has none."""
    return f"{placing_warning(provider, check)}: give the school's reason for placing the pupil there"


def notify_placing(placements, check):
    """Tell the provider's officer and the Head of Access, in one email, of placements with
    one provider that needed the school's reason (one for a save, all of an import's)."""
    heads = active_emails("head_of_access")
    first = placements[0]
    provider, officer = first.provider, first.provider.officer
    to = list(dict.fromkeys([officer.email if officer and officer.active else None, *heads]))
    placed = "\n\n".join(
        f"{p.school.name} has placed pupil {p.pupil_ref} with {provider.name}, starting "
        f"{long_date(p.start_date)}.\nThe school's reason for going ahead:\n{p.placing_reason}"
        for p in placements
    )
    count = f"{len(placements)} pupils placed" if len(placements) > 1 else "Pupil placed"
    queue_email(
        to,
        f"{count} with {provider.name}: {check['status_label'].lower()}",
        f"{placing_warning(provider, check)}.\n\n{placed}\n",
    )
