"""`/referrals` a page at a time: the panel's queue (urgent first, then the longest waiting)
and the referrals it has dealt with, or a school's own, searchable by pupil reference or
school, each list in two queries (the page, with its school and provider, and its count)
however many referrals there are."""

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.referrals.models import Referral
from qa_app.referrals.scopes import referrals_visible_to
from qa_app.statements import PreparedPagination, built_once, viewer

PAGE_SIZE = 25
MAX_PAGE = 100_000
MAX_SEARCH = 100


def search_words(args):
    """The words searched for, spaces tidied, at most MAX_SEARCH characters."""
    return " ".join(args.get("q", "").split())[:MAX_SEARCH]


def _matching(user, words):
    """SQL: the referrals the user may see whose pupil reference or school holds the words."""
    condition = referrals_visible_to(user)
    if words:
        condition = condition & or_(
            Referral.pupil_ref.icontains(words, autoescape=True),
            Referral.school_id.in_(select(School.id).where(School.name.icontains(words, autoescape=True))),
        )
    return condition


def referral_page(user, words, page, waiting=None):
    """One page of the user's referrals: waiting for the panel (True, the queue's order), the
    rest (False, newest first) or all (None, waiting first)."""
    page = min(max(page or 1, 1), MAX_PAGE)
    return PreparedPagination(
        query=_page_query(viewer(user), words, waiting),
        page=page,
        per_page=PAGE_SIZE,
        max_per_page=PAGE_SIZE,
        error_out=False,
    )


@built_once
def _page_query(user, words, waiting):
    query = (
        select(Referral)
        .where(_matching(user, words))
        .options(joinedload(Referral.school), joinedload(Referral.provider))
    )
    newest = (Referral.updated_at.desc(), Referral.id.desc())
    if waiting is True:
        return query.where(Referral.status == "sent").order_by(
            Referral.urgent.desc(), Referral.sent_at, *newest
        )
    if waiting is False:
        # Newest first, from the index by update: the page's 25 without sorting them all.
        return query.where(Referral.status != "sent").order_by(*newest)
    sent = Referral.status == "sent"
    return query.order_by(
        case((sent, 0), else_=1),
        case((sent, Referral.urgent), else_=False).desc(),
        case((sent, Referral.sent_at)),
        *newest,
    )


def queue_counts(user, words=""):
    """(waiting, urgent, safeguarding concerns) among the referrals waiting for the panel."""
    row = db.session.execute(_queue_counts(viewer(user), words)).one()
    return tuple(n or 0 for n in row)


@built_once
def _queue_counts(user, words):
    waiting = Referral.status == "sent"
    return select(
        func.count(case((waiting, 1))),
        func.count(case((waiting & Referral.urgent, 1))),
        func.count(case((waiting & (Referral.caf == "refused") & Referral.caf_refusal_persistent, 1))),
    ).where(_matching(user, words))
