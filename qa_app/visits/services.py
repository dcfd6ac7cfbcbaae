"""Visit rules shared by the forms, the API, the demo data and the tests.

These functions flush but never commit; the caller commits once.
"""

from qa_app.auth.models import utcnow
from qa_app.extensions import db
from qa_app.framework.rating import rate_visit
from qa_app.visits.models import Judgement, Visit


def rate(visit):
    """Store the visit's theme RAGs, overall RAG and why, from its judgements and rules."""
    version = visit.framework_version
    ratings = {j.criterion.code: j.rating for j in visit.judgements}
    themes, overall, why = rate_visit(version.active_criteria(), ratings, version.rules)
    visit.theme_rags = {code: rating.as_dict() for code, rating in themes.items()}
    visit.overall_rag = overall
    visit.overall_why = why
    return themes


def record_visit(*, uuid, provider, officer, version, visit_date, ratings, evidence=None,
                 visit_type="scheduled", status="draft", theme_notes=None, strengths="",
                 signed_off_by=None):
    """Create a visit with its judgements ({code: rating}) and rate it."""
    criteria = {c.code: c for c in version.criteria}
    visit = Visit(
        uuid=uuid, provider=provider, officer=officer, framework_version=version,
        visit_date=visit_date, visit_type=visit_type, status=status,
        theme_notes=theme_notes or {}, strengths=strengths,
    )
    evidence = evidence or {}
    for code, rating in ratings.items():
        visit.judgements.append(
            Judgement(criterion=criteria[code], rating=rating, evidence=evidence.get(code, ""))
        )
    rate(visit)
    if status in ("submitted", "signed_off"):
        visit.submitted_at = utcnow()
    if status == "signed_off":
        visit.signed_off_at = utcnow()
        visit.signed_off_by = signed_off_by
    db.session.add(visit)
    db.session.flush()
    return visit
