"""`/referrals` a page at a time: the panel's queue (urgent first, then the longest waiting)
and the referrals it has dealt with, or a school's own, searchable by pupil reference or
school, each list in two queries (the page, with its school and provider, and its count)
however many referrals there are."""

from sqlalchemy import case, func, or_, select

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.providers.models import Provider
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
    """One page of the user's referrals (rows of the columns in SHOWN): waiting for the panel
    (True, the queue's order), the rest (False, newest first) or all (None, waiting first)."""
    page = min(max(page or 1, 1), MAX_PAGE)
    return PreparedPagination(
        query=_page_query(viewer(user), words, waiting),
        rows=True,
        page=page,
        per_page=PAGE_SIZE,
        max_per_page=PAGE_SIZE,
        error_out=False,
    )


# What a row of the lists shows of its referral, read as columns with its school's and
# provider's names: a page of whole referrals with their schools and providers built three
# objects a row to show these.
SHOWN = (
    Referral.id,
    Referral.pupil_ref,
    Referral.year_group,
    Referral.ehc_plan,
    Referral.sen_support,
    Referral.looked_after,
    Referral.asked_for,
    Referral.status,
    Referral.sent_at,
    Referral.urgent,
    Referral.safeguarding_concern.label("safeguarding_concern"),
    Referral.outcome,
    Referral.information_needed,
    Referral.signposted_to,
    Referral.decision_reason,
    School.name.label("school_name"),
    Provider.name.label("provider_name"),
)


@built_once
def _page_query(user, words, waiting):
    query = (
        select(*SHOWN)
        .join(School, School.id == Referral.school_id)
        .outerjoin(Provider, Provider.id == Referral.provider_id)
        .where(_matching(user, words))
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
        func.count(case((waiting & Referral.safeguarding_concern, 1))),
    ).where(_matching(user, words))
