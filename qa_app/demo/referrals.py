"""Demo referrals to the Gateway panel (docs/domain.md §2.8): one urgent and one with a persistent
refusal of a CAF waiting for the panel, one returned for more information, one accepted
for outreach and a draft, from the two demo schools. Saved and decided through
referrals.services, as the app does it."""

from qa_app.referrals.rules import Decision, ReferralChange
from qa_app.referrals.services import decide, save_referral

GOOD = {
    "year_group": 9,
    "sen_support": True,
    "needs": "Anxiety and anger in lessons; finds changes of routine very hard.",
    "what_has_happened": "Two suspensions this term; attendance has fallen to 71%.",
    "isat_involved": True,
    "ep_assessment": "commitment",
    "caf": "opened",
    "senco_involved": True,
    "interventions": "Daily check-in with a key adult, a mentor, and a reduced timetable for two weeks.",
}
# (school user, reference, fields over GOOD, send, decision by (email, Decision) or None)
REFERRALS = (
    (
        "school@example.org",
        "RA-GW-0101",
        {
            "senco_involved": False,
            "urgent": True,
            "urgent_reason": "Assaulted a member of staff on Monday; further suspension likely.",
            "isat_advice": "ISAT advised an urgent referral for a place while the evidence is gathered.",
            "asked_for": "place",
        },
        True,
        None,
    ),
    (
        "school2@example.org",
        "EB-GW-0207",
        {
            "caf": "refused",
            "caf_refusal_evidence": "The parents refused a CAF in writing in September and again in November.",
            "caf_refusal_actions": "Two home visits by the designated safeguarding lead; early help offered again.",
            "caf_refusal_persistent": True,
        },
        True,
        None,
    ),
    (
        "school@example.org",
        "RA-GW-0094",
        {"year_group": 8},
        True,
        (
            "officer@example.org",
            Decision(
                "more_information",
                information_needed="The educational psychologist's report, once it is written.",
            ),
        ),
    ),
    (
        "school2@example.org",
        "EB-GW-0188",
        {"year_group": 10, "ep_assessment": "done"},
        True,
        (
            "head@example.org",
            Decision(
                "outreach",
                decision_reason="Two sessions a week of outreach support in school for a half term.",
            ),
        ),
    ),
    ("school@example.org", "RA-GW-0112", {"isat_involved": False, "interventions": ""}, False, None),
)


def add_referrals(users):
    """Save, send and decide the demo referrals."""
    for email, ref, fields, send, decision in REFERRALS:
        change = ReferralChange(pupil_ref=ref, **(GOOD | fields))
        referral = save_referral(users[email], None, change, send=send)
        if decision is not None:
            decider, outcome = decision
            decide(users[decider], referral, outcome)
