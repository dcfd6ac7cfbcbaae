"""The registration test (docs/domain.md §2.3): should this setting be registered as a school?

A pure function over versioned rule data, so that the law in force is data an admin
chooses (and edits in a new version), never code. Pupils are named only by reference.
"""

from dataclasses import dataclass, field

LIKELY, BORDERLINE, NOT_INDICATED = "likely_must_register", "borderline", "not_indicated"
RESULT_LABELS = {
    LIKELY: "Likely must register",
    BORDERLINE: "Borderline: needs review",
    NOT_INDICATED: "Registration not indicated",
}
# A provider registered as an independent school is already what the test asks about.
KNOWN_REGISTERED = ("registered_independent",)


def raises_escalation(result, registration_status):
    """Whether a submitted visit with this registration check result raises an escalation
    about a provider with this registration status."""
    return result in (LIKELY, BORDERLINE) and registration_status not in KNOWN_REGISTERED


LIMB_LABELS = {
    "five_or_more_full_time": "Five or more full-time pupils",
    "one_pupil_with_status": "One full-time pupil with an EHC plan, looked after (or with SEN, where the rules say so)",
}
STATUS_LABELS = {
    "ehc_plan": "has an EHC plan",
    "looked_after": "is looked after",
    "sen": "has special educational needs",
}

# Education Act 1996 s.463 and Education and Skills Act 2008 s.92, with the DfE's
# reading of "full-time" (more than 18 hours of daytime provision, weighed with weeks
# per year, time of day and whether this is the child's main education).
RULES_2008 = {
    "law": "Education and Skills Act 2008 s.92 (Education Act 1996 s.463)",
    "institution": "independent educational institution",
    "full_time_hours_over": 18,
    "borderline_hours_from": 15,
    "full_time_weeks_from": 30,
    "pupil_threshold": 5,
    "single_pupil_statuses": ["ehc_plan", "looked_after"],
}
# Children's Wellbeing and Schools Act 2026 s.43, once commenced: any institution, and one
# pupil who is looked after or has special educational needs. Regulations may set the hours.
RULES_2026 = {
    **RULES_2008,
    "law": "Children's Wellbeing and Schools Act 2026 s.43",
    "institution": "any institution",
    "single_pupil_statuses": ["ehc_plan", "looked_after", "sen"],
}


@dataclass(frozen=True)
class Pupil:
    """What the test needs to know of one pupil of compulsory school age."""

    ref: str
    hours_per_week: float
    weeks_per_year: int = 38
    daytime: bool = True
    ehc_plan: bool = False
    looked_after: bool = False
    sen: bool = False
    main_education: bool = True

    def statuses(self):
        """The statuses this pupil has (EHC plan, looked after, SEN)."""
        return [name for name in ("ehc_plan", "looked_after", "sen") if getattr(self, name)]


@dataclass
class RegistrationResult:
    """The result, the limb that decided it, and a plain-English explanation."""

    result: str
    limb: str | None
    explanation: list[str] = field(default_factory=list)
    full_time: list[str] = field(default_factory=list)
    possibly_full_time: list[str] = field(default_factory=list)

    def as_dict(self, rule_version=None):
        """The result as stored on the visit, with the rule version that gave it."""
        return {
            "result": self.result,
            "limb": self.limb,
            "explanation": self.explanation,
            "full_time": self.full_time,
            "possibly_full_time": self.possibly_full_time,
            "rule_version": rule_version,
        }


def classify(pupil, rules):
    """'full_time', 'possibly' (borderline) or 'part_time', with the reason."""
    over = pupil.hours_per_week > rules["full_time_hours_over"]
    near = pupil.hours_per_week >= rules["borderline_hours_from"]
    doubts = []
    if not pupil.daytime:
        doubts.append("not in the daytime")
    if not pupil.main_education:
        doubts.append("not their main education")
    if pupil.weeks_per_year < rules["full_time_weeks_from"]:
        doubts.append(f"only {pupil.weeks_per_year} weeks a year")
    hours = f"{pupil.hours_per_week:g} hours a week"
    if over and not doubts:
        return "full_time", f"{pupil.ref}: {hours}, daytime, main education"
    if over:
        return "possibly", f"{pupil.ref}: {hours} but " + ", ".join(doubts)
    if near and pupil.daytime:
        return (
            "possibly",
            f"{pupil.ref}: {hours}, at or just under the {rules['full_time_hours_over']:g}-hour line",
        )
    return "part_time", f"{pupil.ref}: {hours}, part-time"


def _single_pupils(refs, pupils, rules):
    """The pupils among `refs` with a status that is enough on its own under these rules."""
    statuses = set(rules["single_pupil_statuses"])
    return [p for p in pupils if p.ref in refs and statuses & set(p.statuses())]


def registration_test(pupils, rules):
    """Apply the rules to the pupils seen; returns a RegistrationResult."""
    kinds = {p.ref: classify(p, rules) for p in pupils}
    full = [p.ref for p in pupils if kinds[p.ref][0] == "full_time"]
    possible = [p.ref for p in pupils if kinds[p.ref][0] == "possibly"]
    threshold = rules["pupil_threshold"]
    statuses = " or ".join(STATUS_LABELS[s] for s in rules["single_pupil_statuses"])
    result = RegistrationResult(NOT_INDICATED, None, full_time=full, possibly_full_time=possible)
    result.explanation = [reason for _, reason in kinds.values()]

    single = _single_pupils(set(full), pupils, rules)
    single_possible = _single_pupils(set(possible), pupils, rules)
    if len(full) >= threshold:
        result.result, result.limb = LIKELY, "five_or_more_full_time"
        summary = f"{len(full)} pupils of compulsory school age receive full-time education here ({', '.join(full)}): the line is {threshold}."
    elif single:
        result.result, result.limb = LIKELY, "one_pupil_with_status"
        summary = f"{', '.join(p.ref for p in single)} receives full-time education here and {statuses}: one such pupil is enough."
    elif len(full) + len(possible) >= threshold:
        result.result, result.limb = BORDERLINE, "five_or_more_full_time"
        summary = (
            f"{len(full)} pupils are full-time and {len(possible)} may be ({', '.join(full + possible)}): "
            f"together they reach the line of {threshold}. Weigh the hours, weeks and time of day."
        )
    elif single_possible:
        result.result, result.limb = BORDERLINE, "one_pupil_with_status"
        summary = f"{', '.join(p.ref for p in single_possible)} {statuses} and may be receiving full-time education here."
    else:
        summary = (
            f"{len(full)} full-time pupil{'s' if len(full) != 1 else ''} (the line is {threshold}), "
            f"and none full-time who {statuses}."
        )
    result.explanation.insert(0, f"{summary} Rules: {rules['law']}.")
    return result
