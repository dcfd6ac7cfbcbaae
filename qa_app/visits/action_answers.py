"""A provider's answers to its actions (what was done, with evidence files), the officer's
verification of each, and the notice sent once an action is overdue.

The tables live beside the actions so that the visit form can show, for each action from the
last visit, the provider's latest answer and its verification."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_app.dates import utcnow
from qa_app.extensions import db

VERIFICATIONS = {"done": "Done", "not_yet": "Not yet done"}


class ActionAnswer(db.Model):
    """One answer from the provider to one action; a later answer follows a "not yet"."""

    id = db.Column(db.Integer, primary_key=True)
    action_id = db.Column(db.ForeignKey("action.id", ondelete="CASCADE"), nullable=False, index=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    answered_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    answered_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    verification = db.Column(db.String(8))
    verification_reason = db.Column(db.Text, nullable=False, default="")
    verified_by_id = db.Column(db.ForeignKey("user.id"))
    verified_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)

    action = db.relationship("Action")
    answered_by = db.relationship("User", foreign_keys=[answered_by_id])
    verified_by = db.relationship("User", foreign_keys=[verified_by_id])
    evidence = db.relationship(
        "ActionEvidence", back_populates="answer", cascade="all, delete-orphan", order_by="ActionEvidence.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.CheckConstraint(
            "verification IS NULL OR verification IN ('done', 'not_yet')", name="verification_known"
        ),
    )

    @property
    def verification_label(self):
        return VERIFICATIONS.get(self.verification, "Waiting for the officer")

    def as_json(self):
        """What the visit form shows of the answer, on the tablet too."""
        return {
            "text": self.text,
            "answered_at": self.answered_at.date().isoformat(),
            "evidence": [e.filename for e in self.evidence],
            "verification": self.verification,
            "verification_label": self.verification_label,
            "verification_reason": self.verification_reason,
        }


def answer_lines(answer, owner):
    """What the visit form says of the provider's answer to an action from the last visit,
    in sentences (the server's page and the tablet's show the same)."""
    if answer is None:
        return ["The provider has not answered this action."] if owner == "provider" else []
    files = f" Evidence: {', '.join(e.filename for e in answer.evidence)}." if answer.evidence else ""
    reason = f": {answer.verification_reason}" if answer.verification_reason else ""
    return [
        f"The provider's answer ({answer.answered_at.date().isoformat()}): {answer.text}{files}",
        f"Verified: {answer.verification_label}{reason}",
    ]


class ActionEvidence(db.Model):
    """A file the provider gave as evidence with an answer (kept in the database)."""

    id = db.Column(db.Integer, primary_key=True)
    answer_id = db.Column(db.ForeignKey("action_answer.id", ondelete="CASCADE"), nullable=False, index=True)
    filename = db.Column(db.String(200), nullable=False)
    content_type = db.Column(db.String(40), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    data = db.deferred(db.Column(db.LargeBinary, nullable=False))

    answer = db.relationship(ActionAnswer, back_populates="evidence")


class ActionOverdueNotice(db.Model):
    """The email sent when an action passed its due date: once per action."""

    action_id = db.Column(
        db.ForeignKey("action.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)


def latest_answers(action_ids):
    """{action id: its latest answer} for these actions, in one query (with the files' names)."""
    if not action_ids:
        return {}
    answers = db.session.scalars(
        select(ActionAnswer)
        .options(selectinload(ActionAnswer.evidence))
        .where(ActionAnswer.action_id.in_(action_ids))
        .order_by(ActionAnswer.action_id, ActionAnswer.id)
    ).all()
    return {answer.action_id: answer for answer in answers}
