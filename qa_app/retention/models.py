"""Legal holds, the disposal log and the anonymised counts kept of disposed placements."""

from qa_app.dates import utcnow
from qa_app.extensions import db, known_values

# The kinds of record a rule disposes of and a hold can keep.
KINDS = {
    "placement": "Placement",
    "referral": "Referral",
    "escalation": "Escalation",
    "visit": "Visit",
}
# One active hold per record: two people placing the same hold at once make one.
ONE_ACTIVE_HOLD = "released_at IS NULL"


class LegalHold(db.Model):
    """A record kept whatever its retention date says (a claim, an inquiry, a complaint),
    until someone releases the hold. `reference` is how the record is named to people
    (a placement's or visit's UUID, ESC-00012, a referral's number); never a pupil's."""

    id = db.Column(db.Integer, primary_key=True)
    record_kind = db.Column(db.String(20), nullable=False)
    record_id = db.Column(db.Integer, nullable=False)
    reference = db.Column(db.String(40), nullable=False)
    reason = db.Column(db.Text, nullable=False)
    placed_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    placed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    release_reason = db.Column(db.Text, nullable=False, default="")
    released_by_id = db.Column(db.ForeignKey("user.id"))
    released_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)

    placed_by = db.relationship("User", foreign_keys=[placed_by_id])
    released_by = db.relationship("User", foreign_keys=[released_by_id])

    __table_args__ = (
        known_values("record_kind", KINDS),
        db.Index(
            "uq_legal_hold_active",
            "record_kind",
            "record_id",
            unique=True,
            sqlite_where=db.text(ONE_ACTIVE_HOLD),
            postgresql_where=db.text(ONE_ACTIVE_HOLD),
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def active(self):
        """Not released yet."""
        return self.released_at is None


class Disposal(db.Model):
    """One rule's disposal in one run: what kind of record, which rule, when, how many.
    Nothing else: no ids, no references, no pupil."""

    id = db.Column(db.Integer, primary_key=True)
    record_kind = db.Column(db.String(20), nullable=False)
    rule = db.Column(db.String(40), nullable=False)
    disposed_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    count = db.Column(db.Integer, nullable=False)


class DisposedPlacementCount(db.Model):
    """How many placements that started in an academic year, for a reason, have been
    disposed of: the authority's yearly figures of placements by reason stay whole after
    the placements themselves are gone."""

    academic_year = db.Column(db.String(7), primary_key=True)
    reason = db.Column(db.String(30), primary_key=True)
    count = db.Column(db.Integer, nullable=False, default=0)
