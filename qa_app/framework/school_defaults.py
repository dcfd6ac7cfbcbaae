"""The framework for school visits as the app first publishes it (docs/domain.md §2.7): its
areas, rules and criteria. The provider framework is in framework/defaults.py."""

# Officers' visits to the schools that commission AP judge five areas with the same
# judgements and RAG rules as the provider framework. The areas travel in the version's
# rules ("themes"), so a new version may rename or reword them; a provider version
# without "themes" has the six of THEMES.

SCHOOL_VERSION_NAME = "schools-2026-2027"
SCHOOL_TITLE = "School visits: use of alternative provision 2026-2027"
SCHOOL_THEMES = (
    ("PR", "Placement records"),
    ("QR", "Use of quality-assured and registered providers"),
    ("AF", "Attendance follow-up"),
    ("RD", "Reintegration and destinations"),
    ("PV", "Pupil voice"),
)
SCHOOL_THEME_CODES = tuple(code for code, _ in SCHOOL_THEMES)

SCHOOL_RULES = {
    "themes": [list(theme) for theme in SCHOOL_THEMES],
    "theme_red_not_met_fraction": 0.5,
    "insufficient_not_seen_fraction": 0.5,
    # Placing pupils with providers that are not quality assured or registered is the
    # authority's first concern: that area alone makes the visit Red.
    "overall_red_if_theme_red": ["QR"],
    "overall_red_theme_count": 2,
    # A school is due a visit this long after its last signed-off one (docs/domain.md §2.7).
    "next_visit_days": {"green": 365, "amber": 365, "red": 365},
    "valid_days": {},
}

SCHOOL_CRITERIA = (
    (
        "PR",
        "A full record of every placement: plan, objectives and the commissioning agreement",
        "Each placement has a written plan with objectives, the provider's agreement and the start and planned end dates.",
        False,
    ),
    (
        "PR",
        "Placements reviewed at least every half term, with progress and achievements recorded",
        "Review notes for each placement within the last half term; decisions recorded and acted on.",
        False,
    ),
    (
        "QR",
        "The register is checked before placing, and pupils are placed only with quality-assured providers",
        "The provider's QA status on the day of placing; the school's reason where it placed with a provider that was not quality assured.",
        True,
    ),
    (
        "QR",
        "Written confirmation of the provider's safeguarding checks is held for every placement",
        "The provider's written confirmation of staff checks on file before the pupil started.",
        True,
    ),
    (
        "QR",
        "Full-time placements are only with registered providers",
        "No pupil full time (or looked after, or with an EHC plan) at a provider that should register and has not.",
        False,
    ),
    (
        "AF",
        "Attendance at the provider is received daily and absence followed up the same day",
        "Daily attendance returns; first-day calls; the school's attendance code used for each session.",
        False,
    ),
    (
        "AF",
        "Part-time timetables have a reason, are time limited and are reviewed",
        "A reason and a review date for each part-time timetable; the review held and recorded.",
        False,
    ),
    (
        "RD",
        "Every placement plans the pupil's next step: return to school, a new school or post-16",
        "A reintegration or transition plan from the start; destinations recorded when placements end.",
        False,
    ),
    (
        "RD",
        "Destinations of pupils who left AP are known and followed up",
        "Destinations of placements ended since the last visit, and what followed.",
        False,
    ),
    (
        "PV",
        "Each pupil's own view of the placement is sought and recorded at reviews and at the end",
        "The pupil's view in review notes and their own assessment at the end of the placement.",
        False,
    ),
    (
        "PV",
        "Parents and carers are involved in decisions about the placement",
        "Parents' views at reviews; their agreement to the placement.",
        False,
    ),
)
