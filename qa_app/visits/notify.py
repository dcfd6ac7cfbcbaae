"""Emails to an officer when the Head of Access decides on a submitted visit: signed off,
or returned with her comment. Written to the outbox with the decision, in the same
transaction, and sent by `flask send-notifications`. Links and ratings only: no pupils."""

from flask import current_app, url_for

from qa_app.dates import long_date
from qa_app.notifications.outbox import queue_email


def _link(visit):
    # Built against BASE_URL, as every emailed link is, so it works outside a request too.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("visits.show", visit_uuid=visit.uuid, _external=True)


def _place(visit):
    return visit.school.name if visit.is_school_visit else visit.provider.name


def signed_off(visit):
    """Tell the officer that the visit is signed off, and what it now rates."""
    queue_email(
        [visit.officer.email],
        f"Visit to {_place(visit)} signed off",
        f"{visit.signed_off_by.name} signed off your visit to {_place(visit)} on "
        f"{long_date(visit.visit_date)}. Overall rating: {(visit.overall_rag or 'not rated').title()}.\n\n"
        f"{_link(visit)}\n",
    )


def returned(visit, by):
    """Tell the officer that the visit came back to them, with the comment."""
    queue_email(
        [visit.officer.email],
        f"Visit to {_place(visit)} returned to you",
        f"{by.name} returned your visit to {_place(visit)} on {long_date(visit.visit_date)} "
        f"for changes:\n\n{visit.return_comment}\n\nChange it and submit it again:\n{_link(visit)}\n",
    )
