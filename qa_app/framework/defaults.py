"""The authority's default framework, "Alternative Provision Quality Assurance Framework
2025-2026": six themes and their criteria (text, guidance, critical flag), and the
default rating rules. Loaded into the database as version "2025-2026"."""

from qa_app.framework.provider_criteria import CRITERIA
from qa_app.framework.school_defaults import (
    SCHOOL_CRITERIA,
    SCHOOL_RULES,
    SCHOOL_THEME_CODES,
    SCHOOL_THEMES,
    SCHOOL_TITLE,
    SCHOOL_VERSION_NAME,
)

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


KINDS = {"provider": "Provider visits", "school": "School visits"}

DEFAULTS = {
    "provider": (DEFAULT_VERSION_NAME, DEFAULT_TITLE, DEFAULT_RULES, CRITERIA, THEMES),
    "school": (SCHOOL_VERSION_NAME, SCHOOL_TITLE, SCHOOL_RULES, SCHOOL_CRITERIA, SCHOOL_THEMES),
}
ALL_THEME_CODES = THEME_CODES + SCHOOL_THEME_CODES


def themes_of(rules):
    """{code: name} of the themes (or, for school visits, areas) of a version's rules."""
    return dict(rules.get("themes") or THEMES)
