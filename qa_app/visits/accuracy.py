"""Factual accuracy: a submitted visit's draft provider edition shared with the provider, the
provider's comments on matters of fact (criterion by criterion) or its "no comments", and
the officer's answer to each comment.

A shared draft holds sign-off back until its window has closed (or the provider has said it
has no comments) and every comment has its answer; `sign_off_blocker` says why."""

from sqlalchemy import select

from qa_app.dates import long_date, utcnow
from qa_app.extensions import db

OUTCOMES = {"accepted": "Accepted", "not_accepted": "Not accepted"}


class DraftShare(db.Model):
    """A visit's draft shared with its provider for comment on matters of fact, until the
    end of `deadline` (a number of working days after it was shared)."""

    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, unique=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    shared_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    shared_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    shared_on = db.Column(db.Date, nullable=False)
    deadline = db.Column(db.Date, nullable=False)
    no_comments_at = db.Column(db.DateTime)
    no_comments_by_id = db.Column(db.ForeignKey("user.id"))
    version = db.Column(db.Integer, nullable=False, default=1)

    visit = db.relationship("Visit")
    shared_by = db.relationship("User", foreign_keys=[shared_by_id])
    no_comments_by = db.relationship("User", foreign_keys=[no_comments_by_id])
    comments = db.relationship(
        "AccuracyComment", back_populates="share", cascade="all, delete-orphan", order_by="AccuracyComment.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def is_open(self, today):
        """The provider may still comment: the deadline has not passed and it has not said
        it has no comments."""
        return self.no_comments_at is None and today <= self.deadline

    def unanswered(self):
        return [c for c in self.comments if c.outcome is None]


class AccuracyComment(db.Model):
    """One comment from the provider on a matter of fact, about one criterion (or the report
    as a whole), and the officer's answer: accepted (the visit changed) or not (why)."""

    id = db.Column(db.Integer, primary_key=True)
    share_id = db.Column(db.ForeignKey("draft_share.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_code = db.Column(db.String(8), nullable=False, default="")
    text = db.Column(db.Text, nullable=False)
    made_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    made_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    outcome = db.Column(db.String(12))
    response = db.Column(db.Text, nullable=False, default="")
    answered_by_id = db.Column(db.ForeignKey("user.id"))
    answered_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)

    share = db.relationship(DraftShare, back_populates="comments")
    made_by = db.relationship("User", foreign_keys=[made_by_id])
    answered_by = db.relationship("User", foreign_keys=[answered_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.CheckConstraint(
            "outcome IS NULL OR outcome IN ('accepted', 'not_accepted')", name="outcome_known"
        ),
    )

    @property
    def outcome_label(self):
        return OUTCOMES.get(self.outcome, "Waiting for the officer")


def share_of(visit):
    """The visit's shared draft, or None."""
    if visit.id is None:
        return None
    return db.session.scalar(select(DraftShare).where(DraftShare.visit_id == visit.id))


def sign_off_blocker(visit, today):
    """Why a shared draft still holds sign-off back, in words; None when it does not."""
    share = share_of(visit)
    if share is None:
        return None
    if share.is_open(today):
        return (
            f"The provider has until the end of {long_date(share.deadline)} to comment on the draft's "
            "matters of fact: sign off after that, or once it says it has no comments."
        )
    waiting = share.unanswered()
    if waiting:
        count = f"{len(waiting)} of the provider's comments" if len(waiting) > 1 else "The provider's comment"
        return f"{count} on the draft {'need' if len(waiting) > 1 else 'needs'} an answer before sign-off."
    return None


def accuracy_counts(visit):
    """(comments received, accepted) on the visit's shared draft; None if never shared."""
    share = share_of(visit)
    if share is None:
        return None
    return len(share.comments), sum(1 for c in share.comments if c.outcome == "accepted")


def may_correct(user, visit):
    """Who answers the provider's comments, and changes the submitted visit when one is
    accepted: the visit's officer, or the Head of Access."""
    role = getattr(user, "role", None)
    return visit.provider_id is not None and (
        role == "head_of_access" or (role == "officer" and visit.officer_id == user.id)
    )
