"""What a visit shows of a provider's self-assessment (docs/domain.md §2.9): the latest one asked
for, the pre-fill of criterion LM3 and each criterion's answer in words, as plain data that
the pages and the offline bundle share."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_app.dates import long_date
from qa_app.extensions import db
from qa_app.framework.rating import RATINGS
from qa_app.selfassessment.models import SelfAssessment, SelfAssessmentFile
from qa_app.selfassessment.services import LM_CODE, files_of


def latest_request(provider_id, before=None):
    """The provider's most recent self-assessment, sent or not (asked for by `before`, a
    datetime, when given), with its answers, or None."""
    query = (
        select(SelfAssessment)
        .options(selectinload(SelfAssessment.answers))
        .where(SelfAssessment.provider_id == provider_id)
    )
    if before is not None:
        query = query.where(SelfAssessment.requested_at <= before)
    return db.session.scalar(
        query.order_by(SelfAssessment.requested_at.desc(), SelfAssessment.id.desc()).limit(1)
    )


def lm_prefill(assessment, today):
    """(rating, evidence) that pre-fill criterion LM3 "provider self-assessment": whether the
    latest one asked for came in by its deadline. None when none was asked for."""
    if assessment is None:
        return None
    asked = f"Self-assessment asked for on {long_date(assessment.requested_at.date())}, deadline {long_date(assessment.deadline)}"
    if assessment.status == "submitted" and assessment.submitted_on_time():
        return "met", f"{asked}: sent on time, on {long_date(assessment.submitted_at.date())}."
    if assessment.status == "submitted":
        return "partly_met", f"{asked}: sent late, on {long_date(assessment.submitted_at.date())}."
    if assessment.overdue(today):
        return "not_met", f"{asked}: not sent by the deadline."
    return None


def shown_for_providers(provider_ids, today=None):
    """{provider id: as_shown of its latest self-assessment} for many providers, in three
    queries whatever their number (the offline bundle's)."""
    if not provider_ids:
        return {}
    rows = db.session.scalars(
        select(SelfAssessment)
        .options(selectinload(SelfAssessment.answers))
        .where(SelfAssessment.provider_id.in_(provider_ids))
        .order_by(SelfAssessment.requested_at.desc(), SelfAssessment.id.desc())
    ).all()
    latest = {}
    for row in rows:
        latest.setdefault(row.provider_id, row)
    sent = [a.id for a in latest.values() if a.status == "submitted"]
    files = {}
    if sent:
        for row in db.session.execute(
            select(
                SelfAssessmentFile.id,
                SelfAssessmentFile.self_assessment_id,
                SelfAssessmentFile.criterion_code,
                SelfAssessmentFile.filename,
            )
            .where(SelfAssessmentFile.self_assessment_id.in_(sent))
            .order_by(SelfAssessmentFile.id)
        ):
            files.setdefault(row.self_assessment_id, {}).setdefault(row.criterion_code, []).append(row)
    return {pid: as_shown(a, today, files.get(a.id, {})) for pid, a in latest.items()}


def answer_text(answer, filenames):
    """The provider's answer on one criterion in words, as the visit form shows it."""
    text = f"The provider's self-assessment: {RATINGS.get(answer.rating, 'no judgement')}"
    if answer.evidence:
        text += f". {answer.evidence}"
    if filenames:
        text += f". Documents: {', '.join(filenames)}"
    return text


def as_shown(assessment, today=None, files=None):
    """What a visit form shows of a provider's self-assessment, as plain data (the offline
    bundle carries the same): its dates, the LM3 pre-fill and each criterion's answer."""
    if assessment is None:
        return None
    today = today or date.today()
    if files is None:
        files = files_of(assessment) if assessment.status == "submitted" else {}
    prefill = lm_prefill(assessment, today)
    return {
        "id": assessment.id,
        "summary": _summary(assessment),
        "status": assessment.status,
        "deadline": assessment.deadline.isoformat(),
        "deadline_text": long_date(assessment.deadline),
        "submitted_at": assessment.submitted_at.date().isoformat() if assessment.submitted_at else None,
        "submitted_text": long_date(assessment.submitted_at.date()) if assessment.submitted_at else None,
        "on_time": assessment.submitted_on_time(),
        "lm_prefill": {"criterion": LM_CODE, "rating": prefill[0], "evidence": prefill[1]}
        if prefill
        else None,
        "answers": _answers(assessment, files) if assessment.status == "submitted" else {},
    }


def _summary(assessment):
    """Whether the provider sent its self-assessment, and when, in a sentence."""
    if assessment.status != "submitted":
        return (
            f"The provider's self-assessment has not been sent (deadline {long_date(assessment.deadline)})."
        )
    late = "" if assessment.submitted_on_time() else " (after its deadline)"
    sent = long_date(assessment.submitted_at.date())
    return (
        f"The provider sent its self-assessment on {sent}{late}: its answers are shown beside each criterion."
    )


def _answers(assessment, files):
    """{criterion code: the provider's answer, its documents and the answer in words}."""
    answers = {}
    for a in assessment.answers:
        kept = files.get(a.criterion_code, [])
        names = [f.filename for f in kept]
        answers[a.criterion_code] = {
            "rating": a.rating,
            "evidence": a.evidence,
            "files": names,
            # Each document's id, for its download link on the server's pages.
            "documents": [{"id": f.id, "filename": f.filename} for f in kept],
            "text": answer_text(a, names),
        }
    return answers
