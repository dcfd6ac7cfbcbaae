"""The rules of a Gateway panel referral (docs/domain.md §2.8, seed 000), as plain functions of a
referral's values: what a good referral still lacks, whether it may be sent, and whether
a decision says enough. They read any object with the referral's attributes (a stored
Referral or a ReferralChange) and touch no database, so they are tested alone."""

from dataclasses import dataclass
from datetime import date

from qa_app.referrals.models import CAF_STATES, EP_ASSESSMENTS, OUTCOMES, REQUESTS

# The parts of a decision kept on the referral as they are (the provider is kept as a row;
# the place's dates and hours go to its placement).
DECISION_FIELDS = ("outcome", "decision_reason", "information_needed", "signposted_to")


@dataclass(frozen=True)
class ReferralChange:
    """A referral as the school fills it in: every field it may change."""

    pupil_ref: str
    year_group: int
    ehc_plan: bool = False
    sen_support: bool = False
    looked_after: bool = False
    asked_for: str = "outreach"
    needs: str = ""
    what_has_happened: str = ""
    isat_involved: bool = False
    isat_advice: str = ""
    ep_assessment: str = "neither"
    social_care_involved: bool = False
    caf: str = "not_opened"
    caf_refusal_evidence: str = ""
    caf_refusal_actions: str = ""
    caf_refusal_persistent: bool = False
    senco_involved: bool = False
    interventions: str = ""
    urgent: bool = False
    urgent_reason: str = ""


CHANGE_FIELDS = tuple(ReferralChange.__dataclass_fields__)
# Each field in the words the history shows ("Changed: year group, the SENCO").
CHANGE_LABELS = {
    "pupil_ref": "the pupil's reference",
    "year_group": "year group",
    "ehc_plan": "EHC plan",
    "sen_support": "SEN support",
    "looked_after": "looked after",
    "asked_for": "what the school asks for",
    "needs": "the pupil's needs",
    "what_has_happened": "what has happened",
    "isat_involved": "ISAT involved",
    "isat_advice": "ISAT's advice",
    "ep_assessment": "educational psychologist's assessment",
    "social_care_involved": "social care involved",
    "caf": "CAF",
    "caf_refusal_evidence": "evidence of the CAF refusal",
    "caf_refusal_actions": "what the school did about the refusal",
    "caf_refusal_persistent": "persistent refusal of a CAF",
    "senco_involved": "SENCO involved",
    "interventions": "interventions in place",
    "urgent": "urgent",
    "urgent_reason": "why it is urgent",
}


@dataclass(frozen=True)
class Decision:
    """The panel's decision on a referral, with what that outcome needs."""

    outcome: str
    decision_reason: str = ""
    information_needed: str = ""
    signposted_to: str = ""
    provider_id: int | None = None
    start_date: date | None = None
    planned_end_date: date | None = None
    days_per_week: int | None = None
    hours_per_week: float | None = None


def _blank(text):
    return not (text or "").strip()


def missing_items(referral):
    """What a good referral still lacks, as [(field, message)] in the form's order; empty
    when it holds everything seed 000 asks for."""
    missing = []
    if not referral.isat_involved:
        missing.append(("isat_involved", "Involve ISAT to assess the pupil's underlying needs"))
    if referral.ep_assessment not in ("done", "commitment"):
        missing.append(
            (
                "ep_assessment",
                "Get an educational psychologist's assessment, or commit to refer the pupil "
                "to one when one is available",
            )
        )
    if not referral.social_care_involved:
        if referral.caf == "refused":
            if _blank(referral.caf_refusal_evidence) or _blank(referral.caf_refusal_actions):
                missing.append(
                    (
                        "caf_refusal_evidence",
                        "Give the evidence of why the parents or carers refused a CAF, and what the school did",
                    )
                )
        elif referral.caf != "opened":
            missing.append(("caf", "Open a CAF, unless social care is involved"))
    if not referral.senco_involved:
        missing.append(("senco_involved", "Involve the school's SENCO"))
    if _blank(referral.interventions):
        missing.append(
            (
                "interventions",
                "Describe the interventions in place for the pupil's SEMH needs (the graduated approach)",
            )
        )
    return missing


def complex_needs_message(spoc):
    """What a school is told when it tries to send a referral for a pupil with an EHC plan."""
    return (
        f"This pupil has an EHC plan: contact {spoc} first. A referral for a pupil with an "
        "EHC plan is not sent to the Gateway panel."
    )


def sending_errors(referral, spoc):
    """Why the referral may not be sent yet, as {field: message}; empty when it may go.

    A pupil with an EHC plan goes to the Complex Needs Team first. Otherwise every missing
    item stops it, unless the case is urgent, its urgency explained and ISAT's advice recorded."""
    if referral.ehc_plan:
        return {"ehc_plan": complex_needs_message(spoc)}
    errors = {}
    if referral.urgent:
        if _blank(referral.urgent_reason):
            errors["urgent_reason"] = "Say why the case is urgent"
        if _blank(referral.isat_advice):
            errors["isat_advice"] = "Record the advice ISAT gave: an urgent case needs ISAT's advice first"
        if not errors:
            return {}
    for field, message in missing_items(referral):
        errors.setdefault(field, message)
    return errors


def change_errors(change):
    """The values a referral may not hold, as {field: message} (the form checks these too)."""
    errors = {}
    if change.asked_for not in REQUESTS:
        errors["asked_for"] = "Choose whether the school asks for outreach or a place"
    if change.ep_assessment not in EP_ASSESSMENTS:
        errors["ep_assessment"] = "Choose what has happened about an educational psychologist's assessment"
    if change.caf not in CAF_STATES:
        errors["caf"] = "Choose whether a CAF has been opened"
    if not isinstance(change.year_group, int) or not 0 <= change.year_group <= 14:
        errors["year_group"] = "Year group must be between 0 and 14"
    return errors


def decision_errors(decision):
    """What the decision lacks, as {field: message}; empty when it may be recorded.

    Each outcome needs its reason: a place needs the provider, the start and planned end
    dates and the days and hours a week; more information says what; not accepted says
    why; signposted says where."""
    outcome = decision.outcome
    if outcome not in OUTCOMES:
        return {"outcome": "Choose the panel's decision"}
    if outcome == "place":
        return {name: message for name, message in PLACE_NEEDS.items() if getattr(decision, name) is None}
    name, message = REASON_NEEDED.get(outcome, (None, None))
    if name and _blank(getattr(decision, name)):
        return {name: message}
    return {}


# What a place needs, each with its message when missing.
PLACE_NEEDS = {
    "provider_id": "Choose the provider on the register that offers the place",
    "start_date": "Enter the date the place starts",
    "planned_end_date": "Enter the planned end date: every placement is time-limited",
    "days_per_week": "Enter the days a week of the place",
    "hours_per_week": "Enter the hours a week of the place",
}
# The field each other outcome must fill in, and its message when blank.
REASON_NEEDED = {
    "outreach": ("decision_reason", "Say what outreach the panel agreed"),
    "more_information": ("information_needed", "Say what information the panel needs from the school"),
    "not_accepted": ("decision_reason", "Say why the panel did not accept the referral"),
    "signposted": ("signposted_to", "Say where the panel signposted the school"),
}
