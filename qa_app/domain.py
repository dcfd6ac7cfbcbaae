"""How a service says no: one family of domain errors.

Services raise these and never know about HTTP. A form view puts them on its fields
(`qa_app.forms.show_errors`); the API maps each class to a status in one table
(`qa_app.api.errors.STATUS`). `fields` maps a field path (``visit_date``,
``judgements[3].evidence``, ``criterion.SG1``) to a message a person can act on.
"""

import uuid


def valid_uuid(value):
    """The UUID in canonical form, or None: every record the tablets and the API create is
    named by one (visits, placements, photos, referrals' forms, Idempotency-Keys)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


class DomainError(Exception):
    """Something a service refused to do; `fields` names what to fix, where it can."""

    code = "refused"

    def __init__(self, message="", fields=None, code=None):
        self.fields = dict(fields or {})
        if code:
            self.code = code  # a more precise machine-readable reason than the class's
        if not message and len(self.fields) == 1:
            message = next(iter(self.fields.values()))
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.fields.items()))

    @property
    def message(self):
        """The error's sentence for a person."""
        return str(self)


class Invalid(DomainError):
    """Bad input, or input that breaks a rule; nothing was saved."""

    code = "invalid"

    def __init__(self, fields, message="", code=None):
        super().__init__(message, fields, code)


class NotFound(DomainError):
    """No such record, or one this user may not see: both look the same from outside."""

    code = "not_found"


class Forbidden(DomainError):
    """The user may see the record but not do this to it."""

    code = "forbidden"


class Locked(DomainError):
    """The record is in a state where this can no longer happen (submitted, closed...)."""

    code = "locked"


class VersionRequired(DomainError):
    """An update that does not say which version of the record it changes."""

    code = "version_required"


class Conflict(DomainError):
    """The change was based on an old version; `kept` is the losing copy, kept for later."""

    code = "conflict"

    def __init__(self, message, record=None, kept=None, code=None):
        super().__init__(message, code=code)
        self.record = record
        self.kept = kept


class AlreadyOpen(DomainError):
    """A second of something there may be only one of at a time (an officer's open visit to
    one place); `uuid` is the one already open, for the caller to send the user to."""

    code = "already_open"

    def __init__(self, message, uuid):
        super().__init__(message)
        self.uuid = uuid


class Unsupported(DomainError):
    """Input of a kind the service does not take at all (a GIF where a JPEG is needed)."""

    code = "unsupported_media_type"


class TooLarge(DomainError):
    """Input over the size the service accepts."""

    code = "too_large"


class NotDelivered(DomainError):
    """Something that had to leave the service (an email, say) could not be sent."""

    code = "not_delivered"
