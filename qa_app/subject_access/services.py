"""Logging subject access requests, listing them, and producing a request's pack. These flush;
the caller commits."""

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import School
from qa_app.dates import utcnow
from qa_app.domain import Invalid, NotFound
from qa_app.extensions import db
from qa_app.reports.pdf import build_subject_access_pack
from qa_app.subject_access.models import FORMATS, SubjectAccessProduction, SubjectAccessRequest
from qa_app.subject_access.pack import counts, gather

PAGE_SIZE = 25
PUPIL_REF_LENGTH = 20


def schools():
    """The schools a request may name, by name."""
    return db.session.scalars(select(School).order_by(func.lower(School.name))).all()


def log_request(user, data, today=None):
    """Log a request for the pupil `data["pupil_ref"]` at the school `data["school_id"]`,
    received on `data["received_on"]`; returns it (flushed).

    Raises Invalid naming each field that is missing or wrong: no such school, no reference
    (or a longer one than a school's reference can be), no date or a date still to come."""
    today = today or date.today()
    pupil_ref = " ".join((data.get("pupil_ref") or "").split())
    school_id, received_on = data.get("school_id"), data.get("received_on")
    problems = {}
    school = db.session.get(School, school_id) if isinstance(school_id, int) else None
    if school is None:
        problems["school_id"] = "Choose the pupil's school from the list"
    if not pupil_ref:
        problems["pupil_ref"] = "Enter the pupil's reference, as their school records it"
    elif len(pupil_ref) > PUPIL_REF_LENGTH:
        problems["pupil_ref"] = f"The pupil's reference must be {PUPIL_REF_LENGTH} characters or fewer"
    if received_on is None:
        problems["received_on"] = "Enter the date the request was received"
    elif received_on > today:
        problems["received_on"] = "The date the request was received must be today or in the past"
    if problems:
        raise Invalid(problems)
    request = SubjectAccessRequest(
        school=school, pupil_ref=pupil_ref, received_on=received_on, logged_by=user
    )
    db.session.add(request)
    db.session.flush()
    return request


def requests_page(page):
    """One page of requests, the most recently received first, each with its school."""
    query = (
        select(SubjectAccessRequest)
        .options(joinedload(SubjectAccessRequest.school))
        .order_by(SubjectAccessRequest.received_on.desc(), SubjectAccessRequest.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)


def get_request(request_id):
    """The request, with its school and productions; NotFound when there is none."""
    request = db.session.get(SubjectAccessRequest, request_id)
    if request is None:
        raise NotFound("No such subject access request")
    return request


def make_pack(request, user, authority, now=None):
    """The pack as produced now: what is held about the pupil, with the request and who made it."""
    now = now or utcnow()
    return {
        "request": {
            "reference": request.reference,
            "school": request.school.name,
            "pupil_ref": request.pupil_ref,
            "received_on": request.received_on,
            "due_on": request.due_on,
        },
        "authority": authority,
        "produced_at": now,
        "produced_by": user.name,
        **gather(request),
    }


def pack_json(pack):
    """The pack as UTF-8 JSON, dates and times in ISO 8601."""
    return json.dumps(pack, default=_iso, indent=2, ensure_ascii=False).encode("utf-8")


def _iso(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a pack")


def produce(request, user, fmt, authority, today=None):
    """Produce the request's pack as PDF or JSON bytes; record the production and, the first
    time, complete the request that day."""
    if fmt not in FORMATS:
        raise NotFound("No such format")
    pack = make_pack(request, user, authority)
    data = build_subject_access_pack(pack) if fmt == "pdf" else pack_json(pack)
    db.session.add(
        SubjectAccessProduction(
            request=request,
            produced_by=user,
            format=fmt,
            sha256=hashlib.sha256(data).hexdigest(),
            counts=counts(pack),
        )
    )
    if request.completed_on is None:
        request.completed_on = today or date.today()
    db.session.flush()
    return data


def pack_filename(request, fmt):
    """The file's name: the request's reference (never the pupil's)."""
    return f"subject-access-{request.reference}.{fmt}"
