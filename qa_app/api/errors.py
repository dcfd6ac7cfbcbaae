"""The API's errors: one JSON shape, one table from domain errors to statuses."""

from flask import jsonify
from sqlalchemy.orm.exc import StaleDataError

from qa_app.api import bp
from qa_app.api.idempotency import KeyReused
from qa_app.domain import (
    AlreadyOpen,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Locked,
    NotDelivered,
    NotFound,
    TooLarge,
    Unsupported,
    VersionRequired,
)
from qa_app.extensions import db

STATUS = {
    Invalid: 400,
    Forbidden: 403,
    NotFound: 404,
    Locked: 409,
    Conflict: 409,
    AlreadyOpen: 409,
    TooLarge: 413,
    Unsupported: 415,
    KeyReused: 422,
    VersionRequired: 428,
    NotDelivered: 502,
}


CHANGED_MEANWHILE = "The visit was changed by another request at the same moment; fetch it and retry."


def error(status, code, message, **extra):
    """A JSON error answer: `{"error": code, "message": ..., ...}` with the status."""
    return jsonify(error=code, message=message, **extra), status


def status_of(problem):
    """The HTTP status for a domain error (the first class in its family that the table names)."""
    return next(STATUS[kind] for kind in type(problem).__mro__ if kind in STATUS)


def as_answer(problem, **extra):
    """(status, body) for a domain error, as the API sends it."""
    body = {"error": problem.code, "message": problem.message, **extra}
    if isinstance(problem, Invalid):
        body["fields"] = problem.fields
    if isinstance(problem, AlreadyOpen):
        body["open_uuid"] = problem.uuid
    return status_of(problem), body


@bp.errorhandler(DomainError)
def refused(problem):
    """Any refusal a route does not answer itself."""
    db.session.rollback()
    status, body = as_answer(problem)
    return jsonify(body), status


@bp.errorhandler(StaleDataError)
def changed_meanwhile(problem):
    """A write that lost a race with another request on the same row: a conflict, nothing kept."""
    return refused(Conflict(CHANGED_MEANWHILE))
