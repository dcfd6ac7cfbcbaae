"""Every text field of every HTML form is bounded, and by no more than the column (or the
visit schema's field) it is saved to, so that no form accepts what the database refuses.

PostgreSQL refuses text longer than a VARCHAR column where SQLite takes it, so a form
limit above its column is a 500 on PostgreSQL only (issue 11: a provider address of more
than 290 characters broke its escalations).
"""

import importlib
import pkgutil
import uuid

import pytest
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import Length

import qa_app
from qa_app.admin.forms import UserForm
from qa_app.alerts.models import AttendanceAlert
from qa_app.auth.mfa.models import Passkey
from qa_app.auth.models import School, User
from qa_app.documents.models import ProviderDocument
from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.framework.models import Criterion, FrameworkVersion
from qa_app.framework.services import current_version
from qa_app.placements.models import Placement, PlacementReview, SafeguardingConfirmation
from qa_app.portal.models import StaffInvitation
from qa_app.postcodes import normalise_postcode
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral
from qa_app.registration.models import RegistrationRules
from qa_app.retention.models import LegalHold
from qa_app.subject_access.models import SubjectAccessRequest
from qa_app.visits.accuracy import AccuracyComment
from qa_app.visits.action_answers import ActionAnswer
from qa_app.visits.forms import theme_form
from qa_app.visits.models import Action, Visit
from qa_app.visits.models import Judgement as JudgementRow
from qa_app.visits.schemas import ActionItem, Judgement, VisitBody

# Form class -> the model its fields are saved to under the same names.
FORM_MODELS = {
    "ProviderForm": Provider,
    "ConcernForm": Escalation,
    "CriterionForm": Criterion,
    "CopyVersionForm": FrameworkVersion,
    "CopyRulesForm": RegistrationRules,
    "StrengthsForm": Visit,
    "DetailsForm": Visit,
    "ActionForm": Action,
    "PlacementForm": Placement,
    "ReviewForm": PlacementReview,
    "EndForm": Placement,
    "SchoolForm": School,
    "ReferralForm": Referral,
    "DecisionForm": Referral,
    "SafeguardingConfirmationForm": SafeguardingConfirmation,
    "LegalHoldForm": LegalHold,
    "ReleaseHoldForm": LegalHold,
    "RequestForm": SubjectAccessRequest,
}
# (form, field) -> where it is saved, when the names differ (or the form has no model).
RENAMED = {
    # A passkey's name, and what a school did about an attendance alert.
    ("NewPasskeyForm", "name"): Passkey.name,
    ("FollowUpForm", "note"): AttendanceAlert.outcome_note,
    # This round's providers' forms: documents reviewed, actions answered and verified, and
    # comments on a draft report and their answers.
    ("ReviewForm", "reason"): ProviderDocument.rejection_reason,
    ("VerifyForm", "reason"): ActionAnswer.verification_reason,
    ("AnswerForm", "text"): ActionAnswer.text,
    ("CommentForm", "text"): AccuracyComment.text,
    ("AnswerCommentForm", "response"): AccuracyComment.response,
    ("AnswerCommentForm", "evidence"): JudgementRow.evidence,
    ("UserForm", "name"): User.name,
    ("UserForm", "email"): User.email,
    ("TransitionForm", "reason"): EscalationEvent.reason,
    ("TransitionForm", "ofsted_reference"): Escalation.ofsted_reference,
    ("TransitionForm", "outcome"): Escalation.outcome,
    ("SuspensionForm", "reason"): EscalationEvent.reason,
    ("ReturnForm", "comment"): Visit.return_comment,
    ("RulesForm", "title"): RegistrationRules.title,
    ("ThemeForm", "evidence"): JudgementRow.evidence,
    ("InvitationForm", "name"): StaffInvitation.name,
    ("InvitationForm", "email"): StaffInvitation.email,
}
# Kept in a JSON column: bounded by the form alone.
IN_JSON = {
    ("RulesForm", "institution"),
    # The documents a framework version lists, kept in its rules.
    ("DocumentsForm", "mandatory"),
    ("DocumentsForm", "other"),
    ("ThemeForm", "note"),
    ("ThemeForm", "insufficient_reason"),
    # The theme form's base, which the browser's form takes its words from as well.
    ("ThemeFields", "note"),
    ("ThemeFields", "insufficient_reason"),
}
# Never stored as typed.
# Never stored as typed (a password only as its hash, bounded by the password policy).
NOT_STORED = {
    ("SignInForm", "email"),
    ("SignInForm", "password"),
    ("UserForm", "password"),
    ("AcceptInvitationForm", "password"),
    ("AcceptInvitationForm", "confirm"),
    ("RegisterFilterForm", "q"),
    # A second factor's codes are checked, never kept as typed (recovery codes are hashed);
    # the read log's search is a query.
    ("CodeForm", "code"),
    ("RecoveryCodeForm", "code"),
    ("ReadSearchForm", "person"),
    ("ReadSearchForm", "record"),
}
# Stored only in their normal form, which is at most the column's length (checked below).
NORMALISED = {("ProviderForm", "postcode"), ("ConcernForm", "postcode")}
# (form, field) -> the visit schema's field the page's change goes through as well.
SCHEMA_FIELDS = {
    ("StrengthsForm", "strengths"): VisitBody.model_fields["strengths"],
    ("StrengthsForm", "pupil_voice"): VisitBody.model_fields["pupil_voice"],
    ("DetailsForm", "people_met"): VisitBody.model_fields["people_met"],
    ("ActionForm", "description"): ActionItem.model_fields["description"],
    ("ThemeForm", "evidence"): Judgement.model_fields["evidence"],
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def every_form(app):
    """One instance of every FlaskForm class in the app (the theme form built for a theme)."""
    for module in pkgutil.walk_packages(qa_app.__path__, "qa_app."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "search"):
            importlib.import_module(module.name)
    with app.test_request_context():
        classes = {cls.__name__: cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith("qa_app")}
        classes.pop("ThemeForm", None)  # made per theme: built below from the framework
        forms = [cls(meta={"csrf": False}) for cls in classes.values()]
        forms.append(theme_form(current_version().active_criteria()[:2]))
    return forms


def text_fields(form):
    """(name as the tables above say it, field) for each field a person types text into;
    the theme form's evidence_<code> fields are all "evidence"."""
    for name, field in form._fields.items():
        if isinstance(field, StringField) and not isinstance(field, HiddenField):
            yield "evidence" if name.startswith("evidence_") else name, field


def length_limit(field):
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(limits) if limits else None


def schema_limit(info):
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)


def test_every_text_field_is_bounded_by_its_column(app):
    """Each typed text field has a Length(max) no longer than where it is saved."""
    problems, seen = [], set()
    for form in every_form(app):
        kind = type(form).__name__
        for name, field in text_fields(form):
            key = (kind, name)
            seen.add(key)
            limit = length_limit(field)
            if limit is None and not isinstance(field, PasswordField):
                problems.append(f"{kind}.{name} has no Length(max)")
            if key in NOT_STORED or key in NORMALISED or key in IN_JSON:
                pass
            elif key in RENAMED or kind in FORM_MODELS:
                column = RENAMED.get(key) or getattr(FORM_MODELS[kind], name, None)
                if column is None:
                    problems.append(f"{kind}.{name}: no column {FORM_MODELS[kind].__name__}.{name}")
                    continue
                width = column.property.columns[0].type.length
                if width is not None and limit is not None and limit > width:
                    problems.append(f"{kind}.{name} allows {limit} characters; {column} holds {width}")
            else:
                problems.append(f"{kind}.{name}: say where it is saved (FORM_MODELS or RENAMED)")
            if key in SCHEMA_FIELDS and limit is not None and limit > schema_limit(SCHEMA_FIELDS[key]):
                problems.append(f"{kind}.{name} allows more than the visit schema's {key[1]}")
    assert problems == [], "\n".join(problems)
    listed = set(RENAMED) | NOT_STORED | NORMALISED | IN_JSON | set(SCHEMA_FIELDS)
    assert listed <= seen, f"listed but no longer on a form: {listed - seen}"


def test_escalation_address_holds_a_provider_address_and_postcode():
    """An escalation raised from a visit stores "<provider address>, <postcode>"."""
    width = Escalation.address.property.columns[0].type.length
    provider = Provider.address.property.columns[0].type.length + len(", ")
    assert width >= provider + Provider.postcode.property.columns[0].type.length


@pytest.mark.parametrize("typed", ["sw1a1aa", "  SW1A   1AA ", "ec1a 1bb", "W1A 0AX"])
def test_a_normalised_postcode_fits_its_columns(typed):
    """Postcodes are stored normalised, which fits the 8-character columns."""
    assert len(normalise_postcode(typed)) <= Provider.postcode.property.columns[0].type.length
    assert len(normalise_postcode(typed)) <= Escalation.postcode.property.columns[0].type.length


def test_the_user_form_is_walked(app):
    """The walk finds the forms of every package (a check of the test itself)."""
    assert any(isinstance(form, UserForm) for form in every_form(app))


def test_a_long_provider_address_escalates_on_postgresql_too(client, signed_in, make_provider):
    """A provider with the longest address the form allows can be escalated from a visit."""
    from tests.test_api import full_visit, put
    from tests.test_escalations import evidence

    officer = signed_in("officer")
    provider = make_provider(address="A" * 300, postcode="SW1A 1AA", officer_id=officer.id)
    body = full_visit(provider.id, status="submitted", registration_evidence=evidence(1, 25, ehc_plan=True))
    response = put(client, str(uuid.uuid4()), body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["registration_test"]["escalation_id"] is not None
    concern = client.get(f"/escalations/report?provider_id={provider.id}")
    assert concern.status_code == 200
    form = {"address": "A" * 300 + ", SW1A 1AA", "description": "Seen", "how_known": "Visit"}
    assert client.post("/escalations/report", data=form).status_code == 302
