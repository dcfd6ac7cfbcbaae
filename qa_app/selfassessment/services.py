"""Self-assessments: asking for one, answering it and its files (what a visit shows of one is
selfassessment/shown.py). These flush; the caller commits."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_app.auth.permissions import can, provider_staff_of
from qa_app.auth.services import active_emails
from qa_app.dates import long_date, utcnow
from qa_app.domain import Conflict, Forbidden, Invalid, Locked, NotFound, TooLarge, Unsupported
from qa_app.extensions import db
from qa_app.framework.rating import JUDGED
from qa_app.framework.services import current_version
from qa_app.notifications.outbox import queue_email
from qa_app.providers.models import Provider
from qa_app.providers.scopes import provider_of_theirs
from qa_app.row_locks import lock_row
from qa_app.selfassessment.models import SelfAssessment, SelfAssessmentAnswer, SelfAssessmentFile

# The programme offers a request for visits due within this many days.
OFFER_WITHIN = timedelta(weeks=6)
EVIDENCE_LIMIT = 5000
FILE_LIMIT = 5 * 1024 * 1024
FILENAME_LIMIT = 200
MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
LM_CODE = "LM3"


def may_request(user, provider):
    """The provider's officer, or the Head of Access."""
    return can(user, "visit.start") and provider_of_theirs(user, provider)


def open_request(provider_id):
    """The provider's self-assessment still to be sent, or None."""
    return db.session.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.provider_id == provider_id, SelfAssessment.status == "requested")
        .order_by(SelfAssessment.id.desc())
        .limit(1)
    )


def request_self_assessment(user, provider, deadline, today=None):
    """Ask the provider for a self-assessment against the framework version in force, by
    `deadline`; its staff are emailed. Returns it."""
    today = today or date.today()
    if not may_request(user, provider):
        raise Forbidden("Only the provider's officer or the Head of Access asks for its self-assessment.")
    if deadline is None or deadline < today:
        raise Invalid({"deadline": "The deadline must be today or later"})
    if deadline > today + timedelta(days=90):
        raise Invalid({"deadline": "The deadline must be within 90 days"})
    # A request sent twice at once (a double click, two tabs) waits here for the first, and
    # then finds it: one self-assessment to send at a time.
    lock_row(Provider, provider.id)
    if open_request(provider.id) is not None:
        raise Invalid({"deadline": f"{provider.name} already has a self-assessment to send"})
    assessment = SelfAssessment(
        provider_id=provider.id,
        framework_version=current_version(),
        deadline=deadline,
        requested_by=user,
        requested_at=utcnow(),
    )
    db.session.add(assessment)
    db.session.flush()
    staff = active_emails("provider", provider_id=provider.id)
    queue_email(
        staff,
        f"Self-assessment asked for by {long_date(deadline)}",
        f"{user.name} asks {provider.name} for a self-assessment before the next quality assurance "
        f"visit, by {long_date(deadline)}. Sign in to answer each criterion: your own judgement, "
        "your evidence and any documents. You can save and come back before sending it.\n",
    )
    return assessment


def self_assessments_of(user):
    """The provider staff's own provider's self-assessments, newest first."""
    return db.session.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.provider_id == user.provider_id)
        .order_by(SelfAssessment.requested_at.desc(), SelfAssessment.id.desc())
        .limit(50)
    ).all()


def find_for_staff(user, assessment_id):
    """One of the provider's own self-assessments with its answers, or NotFound."""
    assessment = db.session.scalar(
        select(SelfAssessment)
        .options(selectinload(SelfAssessment.answers))
        .where(SelfAssessment.id == assessment_id)
    )
    if assessment is None or not provider_staff_of(user, assessment.provider_id):
        raise NotFound("No such self-assessment.")
    return assessment


def criteria_of(assessment):
    """The criteria the self-assessment answers: the active ones of its framework version."""
    return assessment.framework_version.active_criteria()


def answers_by_code(assessment):
    return {a.criterion_code: a for a in assessment.answers}


def save_answers(user, assessment, answers, base_version, send=False, today=None):
    """Save the provider's answers {code: (rating or "", evidence)}; with send=True, every
    criterion must be answered (evidence for anything but "met") and it is sent. Nothing is
    stored when anything is refused."""
    if not provider_staff_of(user, assessment.provider_id):
        raise Forbidden("Only the provider's staff answer its self-assessment.")
    # Two saves at once (two tabs, a double click) take turns here; the second then reads
    # the version the first stored and is refused below, never half-written.
    lock_row(SelfAssessment, assessment.id)
    db.session.refresh(assessment)
    if assessment.status == "submitted":
        raise Locked("This self-assessment has been sent and can no longer be changed.")
    if base_version is None or base_version != assessment.version:
        raise Conflict(
            "Someone else saved this self-assessment since you opened it. Your answers were not saved."
        )
    cleaned = _checked_answers(criteria_of(assessment), answers, send)
    _store_answers(assessment, cleaned)
    assessment.updated_at = utcnow()
    if send:
        assessment.status = "submitted"
        assessment.submitted_at = utcnow()
        assessment.submitted_by = user
    db.session.flush()
    if send:
        _tell_the_officer(assessment)
    return assessment


def _checked_answers(criteria, answers, send):
    """{code: (rating or None, evidence)} for every criterion, or Invalid naming each bad
    answer (to send, every criterion is judged, with evidence for anything but "met")."""
    errors = {}
    cleaned = {}
    for criterion in criteria:
        rating, evidence = answers.get(criterion.code, ("", ""))
        rating, evidence = (rating or "").strip(), (evidence or "").strip()
        errors.update(_answer_errors(criterion.code, rating, evidence, send))
        cleaned[criterion.code] = (rating or None, evidence)
    if errors:
        raise Invalid(errors)
    return cleaned


def _answer_errors(code, rating, evidence, send):
    errors = {}
    if rating and rating not in JUDGED:
        errors[f"rating_{code}"] = f"Choose a judgement for {code}"
    if len(evidence) > EVIDENCE_LIMIT:
        errors[f"evidence_{code}"] = f"Evidence must be {EVIDENCE_LIMIT} characters or fewer"
    if send and not rating:
        errors[f"rating_{code}"] = f"Give your own judgement on {code}"
    elif send and rating != "met" and not evidence:
        errors[f"evidence_{code}"] = f"Describe your evidence for {code}"
    return errors


def _store_answers(assessment, cleaned):
    """Write the answers over the stored ones; a criterion never answered and still blank
    gets no row."""
    stored = answers_by_code(assessment)
    for code, (rating, evidence) in cleaned.items():
        answer = stored.get(code)
        if answer is None:
            if rating is None and not evidence:
                continue
            answer = SelfAssessmentAnswer(criterion_code=code)
            assessment.answers.append(answer)
        answer.rating, answer.evidence = rating, evidence


def _tell_the_officer(assessment):
    provider = assessment.provider
    officer = provider.officer
    queue_email(
        [officer.email if officer and officer.active else None],
        f"{provider.name} sent its self-assessment",
        f"{provider.name} sent its self-assessment on {long_date(assessment.submitted_at.date())} "
        f"(deadline {long_date(assessment.deadline)}). Each criterion of your visit form shows its answers.\n",
    )


def sniffed_type(data):
    """The content type the file's first bytes show (PDF, PNG or JPEG), or None."""
    for magic, content_type in MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def add_file(user, assessment, criterion_code, filename, data):
    """Keep a document as evidence for one criterion; returns it. Only PDFs, PNGs and JPEGs,
    told by their first bytes (not their name), up to FILE_LIMIT."""
    if not provider_staff_of(user, assessment.provider_id):
        raise Forbidden("Only the provider's staff add documents to its self-assessment.")
    if assessment.status == "submitted":
        raise Locked("This self-assessment has been sent and can no longer be changed.")
    if criterion_code not in {c.code for c in criteria_of(assessment)}:
        raise Invalid({"criterion": "Choose a criterion of this self-assessment"})
    if not data:
        raise Invalid({"file": "Choose a file to upload"})
    if len(data) > FILE_LIMIT:
        raise TooLarge(f"The file must be {FILE_LIMIT // (1024 * 1024)} MB or smaller")
    content_type = sniffed_type(data)
    if content_type is None:
        raise Unsupported("The file must be a PDF, PNG or JPEG")
    name = (filename or "document").replace("\\", "/").rsplit("/", 1)[-1].strip()[
        :FILENAME_LIMIT
    ] or "document"
    stored = SelfAssessmentFile(
        self_assessment=assessment,
        criterion_code=criterion_code,
        filename=name,
        content_type=content_type,
        byte_size=len(data),
        data=data,
        uploaded_by_id=user.id,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def files_of(assessment):
    """{criterion code: [(id, filename, content type, size)]} without loading the files' bytes."""
    rows = db.session.execute(
        select(
            SelfAssessmentFile.id,
            SelfAssessmentFile.criterion_code,
            SelfAssessmentFile.filename,
            SelfAssessmentFile.content_type,
            SelfAssessmentFile.byte_size,
        )
        .where(SelfAssessmentFile.self_assessment_id == assessment.id)
        .order_by(SelfAssessmentFile.id)
    ).all()
    files = {}
    for row in rows:
        files.setdefault(row.criterion_code, []).append(row)
    return files


def overdue_requests(provider_ids, today):
    """{provider id: self-assessment} of those not sent by their deadline (one query)."""
    if not provider_ids:
        return {}
    rows = db.session.scalars(
        select(SelfAssessment).where(
            SelfAssessment.provider_id.in_(provider_ids),
            SelfAssessment.status == "requested",
            SelfAssessment.deadline < today,
        )
    ).all()
    return {row.provider_id: row for row in rows}


def open_requests(provider_ids):
    """{provider id: self-assessment still to be sent} (one query)."""
    if not provider_ids:
        return {}
    rows = db.session.scalars(
        select(SelfAssessment).where(
            SelfAssessment.provider_id.in_(provider_ids), SelfAssessment.status == "requested"
        )
    ).all()
    return {row.provider_id: row for row in rows}
