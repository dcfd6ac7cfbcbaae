"""The authority's default framework, "Alternative Provision Quality Assurance Framework
2025-2026": six themes and their criteria (text, guidance, critical flag), and the
default rating rules. Loaded into the database as version "2025-2026"."""

DEFAULT_VERSION_NAME = "2025-2026"
DEFAULT_TITLE = "Alternative Provision Quality Assurance Framework 2025-2026"

THEMES = (
    ("QE", "Quality of Education"),
    ("SG", "Safeguarding"),
    ("HS", "Health and Safety"),
    ("PD", "Personal Development and Behaviour"),
    ("LM", "Leadership and Management"),
    ("SE", "Student Entitlement"),
)
THEME_NAMES = dict(THEMES)
THEME_CODES = tuple(code for code, _ in THEMES)

# The rating rules of the framework version (docs/domain.md §2.2 and 2.5). A new version
# may change any of these numbers without a code change.
DEFAULT_RULES = {
    # Theme: Red if half or more of the judged criteria are not met.
    "theme_red_not_met_fraction": 0.5,
    # Theme: insufficient evidence if more than this fraction is not seen.
    "insufficient_not_seen_fraction": 0.5,
    # Overall: Red if any of these themes is Red ...
    "overall_red_if_theme_red": ["SG", "HS"],
    # ... or if this many themes or more are Red.
    "overall_red_theme_count": 2,
    # QA status validity and next visit due, in days, by overall RAG.
    "valid_days": {"green": 365, "amber": 182},
    "next_visit_days": {"green": 365, "amber": 182, "red": 42},
}

# The four areas of the DfE's voluntary national standards for non-school alternative
# provision (August 2025), in their order.
STANDARD_AREAS = {
    "safeguarding_welfare": "Safeguarding and welfare",
    "health_safety": "Health and safety",
    "admissions_support_guidance": "Admissions, support and guidance",
    "quality_of_education": "Quality of education",
}
# The area each default criterion evidences, by code; a theme's criteria share its area
# unless named here.
THEME_STANDARD_AREAS = {
    "QE": "quality_of_education",
    "SG": "safeguarding_welfare",
    "HS": "health_safety",
    "PD": "admissions_support_guidance",
    "LM": "admissions_support_guidance",
    "SE": "admissions_support_guidance",
}
CRITERION_STANDARD_AREAS = {
    "PD2": "quality_of_education",  # relationships and sex education is taught
    "PD6": "safeguarding_welfare",  # links with CAMHS, youth offending and social care
    "LM3": "quality_of_education",  # the provider's own evaluation of its provision
    "LM5": "quality_of_education",  # staff training
    "LM6": "health_safety",  # every site used is known
    "SE4": "safeguarding_welfare",  # the full record of needs
}


def standard_area_of(code):
    """The national standard area a default provider criterion evidences."""
    return CRITERION_STANDARD_AREAS.get(code) or THEME_STANDARD_AREAS.get(code[:2])


# (theme, text, guidance, critical)
CRITERIA = (
    (
        "QE",
        "Clear educational purpose, with rigorous tracking of each pupil's progress",
        "Curriculum intent statement; progress tracker with starting points and current attainment; evidence it is reviewed and acted on.",
        False,
    ),
    (
        "QE",
        "Baseline assessment and an individual learning plan at induction",
        "Baseline results (literacy, numeracy, reading age) on file within the first weeks; learning plans that use them and are shared with the home school.",
        False,
    ),
    (
        "QE",
        "English, maths and science or IT taught at a level comparable with mainstream, unless taught elsewhere",
        "Timetable showing core subjects; schemes of work; agreement with the home school where core subjects are taught there.",
        False,
    ),
    (
        "QE",
        "Suitable accredited qualifications taught by suitably qualified staff",
        "Awarding body centre number or partner centre; qualification list; staff qualifications and subject expertise.",
        False,
    ),
    (
        "QE",
        "Curriculum fits the home school's timetable and qualification route",
        "Placement agreements; evidence that entries and courses match what the pupil is studying at the home school.",
        False,
    ),
    (
        "QE",
        "Pupils' views on teaching are sampled",
        "Pupil surveys or interviews; what changed as a result.",
        False,
    ),
    (
        "SG",
        "Enhanced DBS checks for all staff and proprietors",
        "Certificates or update service checks seen for every member of staff, volunteer and proprietor, including barred list checks where in regulated activity.",
        True,
    ),
    (
        "SG",
        "Single central record: identity, qualifications, right to work, prohibition and s.128 checks, agency staff",
        "Single central record sampled against personnel files; agency confirmation letters; dates of each check.",
        True,
    ),
    (
        "SG",
        "Written confirmation of staff checks given to the commissioner",
        "Copy of the letter or email confirming checks, sent to commissioning schools.",
        False,
    ),
    (
        "SG",
        "Named, trained designated safeguarding lead",
        "DSL and deputy named; training certificates within two years; DSL available whenever pupils are on site.",
        True,
    ),
    (
        "SG",
        "Child protection policy, and a procedure for allegations against staff",
        "Policy reviewed within 12 months, in line with KCSIE; LADO referral route known; record of concerns and actions.",
        False,
    ),
    (
        "SG",
        "Staff code of conduct",
        "Code of conduct signed by staff; covers online contact and professional boundaries.",
        False,
    ),
    (
        "SG",
        "Site secure; pupils never leave unaccompanied",
        "Entry control; signing in and out; procedure for a pupil who leaves the site.",
        False,
    ),
    (
        "SG",
        "Physical intervention policy",
        "Policy, staff training, a log of incidents reviewed by leaders, and parents and commissioners informed.",
        False,
    ),
    (
        "SG",
        "Registration status checked: should this setting be registered?",
        "Number of pupils of compulsory school age, their hours, EHC plans and looked-after status; DfE URN if registered. Record the evidence in the registration check.",
        True,
    ),
    (
        "HS",
        "Health and safety policy",
        "Policy signed by the proprietor and reviewed within 12 months; named responsible person.",
        False,
    ),
    (
        "HS",
        "Risk assessments for the site, activities and individual pupils",
        "Current site and activity risk assessments; individual risk assessments for pupils who need them, shared with staff.",
        False,
    ),
    (
        "HS",
        "First aiders, stocked kits, and accident and incident reporting",
        "First aid certificates in date; kits checked; accident book and incident log reviewed.",
        False,
    ),
    (
        "HS",
        "Fire risk assessment reviewed within 12 months, evacuation plan and drills",
        "Fire risk assessment dated within 12 months; evacuation plan displayed; drill log for each term.",
        True,
    ),
    (
        "HS",
        "Employer's and public liability insurance in date",
        "Insurance certificates with expiry dates; cover for the activities offered.",
        False,
    ),
    (
        "HS",
        "Policy for visits and outings",
        "Policy, trip risk assessments, consent forms and staff ratios.",
        False,
    ),
    (
        "HS",
        "Premises checks in date: electrical testing, legionella, asbestos survey",
        "Certificates with dates: fixed wiring, portable appliance testing, legionella risk assessment, asbestos register where applicable.",
        False,
    ),
    (
        "HS",
        "Support for pupils' medical needs",
        "Medical needs policy; individual health care plans; medicines stored and logged.",
        False,
    ),
    (
        "PD",
        "Behaviour policy, including anti-bullying and drugs",
        "Policy in use; behaviour logs; how incidents are followed up and shared with the home school.",
        False,
    ),
    (
        "PD",
        "Relationships and sex education",
        "RSE policy and scheme of work appropriate to pupils' ages and needs.",
        False,
    ),
    (
        "PD",
        "Attendance taken every session, coded per DfE guidance, absence followed up the same day with the commissioner",
        "Registers for a sample of days; correct codes; records of same-day calls or emails to schools.",
        False,
    ),
    (
        "PD",
        "Social and emotional development, and pupil voice",
        "Personal development programme; pupil council or surveys; examples of pupils' views acted on.",
        False,
    ),
    (
        "PD",
        "Impartial careers guidance",
        "Careers programme, qualified adviser, destinations tracked.",
        False,
    ),
    (
        "PD",
        "Links with CAMHS, youth offending and social care",
        "Named contacts; referrals made; joint meetings recorded.",
        False,
    ),
    (
        "LM",
        "Governance and financial standing",
        "Company or charity registration; accounts; oversight by directors or trustees.",
        False,
    ),
    (
        "LM",
        "Admissions, attendance, equality and data protection policies",
        "Policies in date; ICO registration; privacy notice; data sharing agreements with commissioners.",
        False,
    ),
    (
        "LM",
        "Provider self-assessment",
        "A current self-assessment against this framework, with an improvement plan.",
        False,
    ),
    (
        "LM",
        "Agreed reporting to commissioners",
        "Regular progress and attendance reports to schools, as agreed in placement contracts.",
        False,
    ),
    (
        "LM",
        "Staff training and continuing professional development",
        "Training matrix; induction records; supervision arrangements.",
        False,
    ),
    (
        "LM",
        "A record of every site used",
        "List of all addresses where pupils are taught, with risk assessments for each.",
        False,
    ),
    (
        "SE",
        "Each pupil's total education is full-time across all settings, or a documented part-time timetable",
        "Timetables across settings; written agreement and review date for any part-time timetable.",
        False,
    ),
    (
        "SE",
        "Pupil stays on the home school's roll",
        "Admission register status confirmed with the home school; dual registration coded correctly.",
        False,
    ),
    (
        "SE",
        "Personalised plan with a reintegration timeline, reviewed at least half-termly",
        "Plans with targets and a return or next-step date; review notes each half term.",
        False,
    ),
    (
        "SE",
        "Full record of needs: EHC plan, health care plan, exclusions",
        "Records received from the home school and the local authority before or at placement.",
        False,
    ),
    (
        "SE",
        "Pupils take part in decisions about their placement",
        "Pupil views recorded at planning and review meetings.",
        False,
    ),
    (
        "SE",
        "Each pupil's hours and attendance pattern recorded",
        "Hours per week and attendance pattern for each pupil, matched to commissioning agreements.",
        False,
    ),
)


# -- School visits (docs/domain.md §2.7) -----------------------------------------------------
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
KINDS = {"provider": "Provider visits", "school": "School visits"}

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
DEFAULTS = {
    "provider": (DEFAULT_VERSION_NAME, DEFAULT_TITLE, DEFAULT_RULES, CRITERIA, THEMES),
    "school": (SCHOOL_VERSION_NAME, SCHOOL_TITLE, SCHOOL_RULES, SCHOOL_CRITERIA, SCHOOL_THEMES),
}
ALL_THEME_CODES = THEME_CODES + SCHOOL_THEME_CODES


def themes_of(rules):
    """{code: name} of the themes (or, for school visits, areas) of a version's rules."""
    return dict(rules.get("themes") or THEMES)
