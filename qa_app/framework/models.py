"""Framework versions and their criteria. A published version never changes."""

from typing import NamedTuple

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from qa_app.dates import utcnow
from qa_app.domain import Locked
from qa_app.extensions import db
from qa_app.framework.defaults import KINDS, STANDARD_AREAS, themes_of


class FrameworkVersion(db.Model):
    """One school year's framework: its criteria and its rating rules.

    `kind` says what it is for: provider visits (the six themes) or school visits (the
    five areas of docs/domain.md §2.7, named in its rules).
    """

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(10), nullable=False, default="provider", server_default="provider")
    name = db.Column(db.String(40), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(10), nullable=False, default="draft")
    rules = db.Column(db.JSON, nullable=False)
    copied_from_id = db.Column(db.ForeignKey("framework_version.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    published_at = db.Column(db.DateTime)

    criteria = db.relationship(
        "Criterion",
        back_populates="version",
        order_by="[Criterion.theme_position, Criterion.position]",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        db.CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        db.CheckConstraint("kind IN ('provider', 'school')", name="kind_known"),
    )

    @property
    def is_published(self):
        return self.status == "published"

    @property
    def themes(self):
        """{code: name} of the version's themes (areas, for school visits), in order."""
        return themes_of(self.rules)

    @property
    def kind_label(self):
        return KINDS[self.kind]

    def active_criteria(self):
        """Criteria in use (not retired), in theme order."""
        return [c for c in self.criteria if not c.retired]

    def criterion_records(self):
        """Its criteria as read-only CriterionRecords, in framework order, for code that
        only reads them (a save's rules, ratings, answers): the loaded criteria when they
        are, else one query of their columns. A published version's are kept for the
        process, since it never changes (_published_versions_never_change)."""
        key = (self.id, self.name, self.published_at) if self.is_published and self.published_at else None
        records = _published_criteria.get(key) if key else None
        if records is not None:
            return records
        if "criteria" not in inspect(self).unloaded:
            records = tuple(
                CriterionRecord(*(getattr(c, f) for f in CriterionRecord._fields)) for c in self.criteria
            )
        else:
            columns = [getattr(Criterion, name) for name in CriterionRecord._fields]
            records = tuple(
                CriterionRecord(*row)
                for row in db.session.execute(
                    select(*columns)
                    .where(Criterion.framework_version_id == self.id)
                    .order_by(Criterion.theme_position, Criterion.position)
                )
            )
        if key:
            if len(_published_criteria) >= 32:  # a handful in a server's life; bounded all the same
                _published_criteria.clear()
            _published_criteria[key] = records
        return records

    def active_criterion_records(self):
        """criterion_records() in use (not retired)."""
        return [c for c in self.criterion_records() if not c.retired]

    def criteria_by_theme(self, include_retired=False):
        """{theme code: [criteria]} in framework order."""
        grouped = {code: [] for code in self.themes}
        for criterion in self.criteria:
            if include_retired or not criterion.retired:
                grouped[criterion.theme].append(criterion)
        return grouped

    def __repr__(self):
        return f"<FrameworkVersion {self.name} {self.status}>"


class Criterion(db.Model):
    """A criterion of one theme, with a stable code such as SG1."""

    id = db.Column(db.Integer, primary_key=True)
    framework_version_id = db.Column(db.ForeignKey("framework_version.id"), nullable=False, index=True)
    theme = db.Column(db.String(2), nullable=False)
    theme_position = db.Column(db.Integer, nullable=False)
    code = db.Column(db.String(8), nullable=False)
    text = db.Column(db.String(300), nullable=False)
    guidance = db.Column(db.Text, nullable=False, default="")
    critical = db.Column(db.Boolean, nullable=False, default=False)
    position = db.Column(db.Integer, nullable=False)
    retired = db.Column(db.Boolean, nullable=False, default=False)
    # The area of the DfE's voluntary national standards for non-school alternative
    # provision that this criterion evidences (STANDARD_AREAS); none for school visits' areas.
    standard_area = db.Column(db.String(30))

    version = db.relationship(FrameworkVersion, back_populates="criteria")

    __table_args__ = (
        db.UniqueConstraint("framework_version_id", "code", name="uq_criterion_version_code"),
        db.CheckConstraint(
            "standard_area IS NULL OR standard_area IN ('safeguarding_welfare', 'health_safety', "
            "'admissions_support_guidance', 'quality_of_education')",
            name="standard_area_known",
        ),
    )

    @property
    def standard_area_label(self):
        return STANDARD_AREAS.get(self.standard_area, "")

    @property
    def theme_name(self):
        return self.version.themes[self.theme]

    def __repr__(self):
        return f"<Criterion {self.code}>"


class CriterionRecord(NamedTuple):
    """What reading a criterion needs, without the ORM's bookkeeping (criterion_records)."""

    id: int
    code: str
    theme: str
    text: str
    critical: bool
    retired: bool


# {(version id, name, published_at): its CriterionRecords}: published versions never change.
_published_criteria = {}


class PublishedFrameworkError(Locked):
    """Raised when something tries to change a published framework version (a last guard,
    under the services' own checks)."""


def _was_published(version):
    """True when the version is published in the database (before this flush)."""
    state = db.inspect(version)
    if not state.persistent:
        return False
    history = state.attrs.status.history
    committed = (history.deleted or history.unchanged or [version.status])[0]
    return committed == "published"


@event.listens_for(Session, "before_flush")
def _published_versions_never_change(session, flush_context, instances):
    """Refuse any flush that would change a published version or its criteria."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Criterion):
            version = obj.version
        elif isinstance(obj, FrameworkVersion):
            version = obj
        else:
            continue
        changed = obj in session.new or obj in session.deleted or session.is_modified(obj)
        if version is not None and changed and _was_published(version):
            raise PublishedFrameworkError(f"Framework {version.name} is published and cannot change")
