"""Table tests of the rating rules (docs/domain.md §2.2 and 2.5), pure functions only."""

from datetime import date, timedelta

import pytest

from qa_app.framework.defaults import DEFAULT_RULES, THEME_CODES
from qa_app.framework.provider_criteria import CRITERIA as DEFAULT_CRITERIA
from qa_app.framework.rating import (
    CriterionView,
    ThemeRating,
    next_visit_due,
    qa_status,
    qa_valid_until,
    rate_overall,
    rate_theme,
    ratings_shown,
    theme_shown,
)

RULES = DEFAULT_RULES
# A theme of six criteria; C1 is critical.
CRITERIA = [CriterionView(f"C{n}", f"Criterion {n}", critical=(n == 1)) for n in range(1, 7)]


def ratings(*values):
    """Ratings for C1.. in order; None leaves a criterion unjudged."""
    return {f"C{n}": v for n, v in enumerate(values, start=1) if v is not None}


@pytest.mark.parametrize(
    "values, rag, insufficient",
    [
        (("met",) * 6, "green", False),
        (("met", "met", "met", "met", "met", "not_seen"), "green", False),
        (("met", "partly_met", "met", "met", "met", "met"), "amber", False),
        (("met", "not_met", "met", "met", "met", "met"), "amber", False),
        # A critical criterion not met is Red on its own.
        (("not_met", "met", "met", "met", "met", "met"), "red", False),
        # Half or more of the judged criteria not met is Red.
        (("met", "not_met", "not_met", "not_met", "met", "met"), "red", False),
        (("met", "not_met", "not_met", "met", "met", "met"), "amber", False),
        # Half of the *judged* ones: not_seen ones do not count.
        (("met", "not_met", "not_met", "not_seen", "not_seen", "met"), "red", False),
        # More than half not seen: insufficient evidence (exactly half is not).
        (("met", "met", "met", "not_seen", "not_seen", "not_seen"), "green", False),
        # ... which is never a colour: "nothing was seen" must not read as safe.
        (("met", "met", "not_seen", "not_seen", "not_seen", "not_seen"), None, True),
        # ... unless what was seen makes it Red.
        (("not_met", "met", "not_seen", "not_seen", "not_seen", "not_seen"), "red", True),
        # A critical criterion not seen keeps the theme from Green.
        (("not_seen", "met", "met", "met", "met", "met"), "amber", False),
        (("not_seen",) * 6, None, True),
        ((), None, False),
        (("met", "met", None, None, None, None), "green", False),
    ],
)
def test_theme_rag(values, rag, insufficient):
    """Each row of the theme rules gives the expected RAG and evidence flag."""
    result = rate_theme("SG", CRITERIA, ratings(*values), RULES)
    assert (result.rag, result.insufficient_evidence) == (rag, insufficient)


def test_theme_why_names_the_deciding_criteria():
    """The why of a Red theme names the critical criterion and the share not met."""
    result = rate_theme("SG", CRITERIA, ratings("not_met", "not_met", "not_met", "met"), RULES)
    assert result.why[0] == "C1 Criterion 1: critical criterion not met"
    assert result.why[1] == "3 of 4 judged criteria not met (C1, C2, C3)"
    amber = rate_theme("SG", CRITERIA, ratings("met", "partly_met"), RULES)
    assert amber.why == ["C2 Criterion 2: partly met"]


def test_theme_thresholds_come_from_the_rules():
    """A version with a stricter threshold turns the same judgements Red."""
    values = ratings("met", "not_met", "met", "met", "met", "met")
    strict = dict(RULES, theme_red_not_met_fraction=0.1)
    assert rate_theme("QE", CRITERIA, values, RULES).rag == "amber"
    assert rate_theme("QE", CRITERIA, values, strict).rag == "red"


def themes(**rags):
    """{theme: ThemeRating} with every theme Green unless given."""
    return {code: ThemeRating(code, rags.get(code, "green")) for code in THEME_CODES}


@pytest.mark.parametrize(
    "rags, overall",
    [
        ({}, "green"),
        ({"QE": "amber"}, "amber"),
        ({"QE": "red"}, "amber"),
        ({"SG": "red"}, "red"),
        ({"HS": "red"}, "red"),
        ({"QE": "red", "PD": "red"}, "red"),
        ({"QE": "red", "PD": "amber", "LM": "amber"}, "amber"),
        ({"SE": None}, None),
        ({"SE": None, "SG": "red"}, "red"),
        ({"SE": None, "QE": "amber"}, "amber"),
    ],
)
def test_overall_rag(rags, overall):
    """Each row of the overall rules gives the expected RAG."""
    assert rate_overall(themes(**rags), RULES)[0] == overall


def test_overall_why():
    """The overall why names the themes that decided it."""
    assert rate_overall(themes(SG="red"), RULES)[1] == ["Safeguarding is Red"]
    rag, why = rate_overall(themes(QE="red", LM="red"), RULES)
    assert why == ["2 themes are Red: Quality of Education, Leadership and Management"]
    assert rate_overall(themes(), RULES)[1] == ["All six themes are Green"]


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "rag, visited, suspended, status",
    [
        (None, None, False, "not_quality_assured"),
        ("red", 10, False, "not_quality_assured"),
        ("green", 10, False, "quality_assured"),
        ("green", 365, False, "quality_assured"),
        ("green", 366, False, "expired"),
        ("amber", 182, False, "quality_assured"),
        ("amber", 183, False, "expired"),
        ("green", 10, True, "suspended"),
        (None, None, True, "suspended"),
    ],
)
def test_qa_status(rag, visited, suspended, status):
    """QA status from the latest signed-off RAG, its age and suspension."""
    visit_date = TODAY - timedelta(days=visited) if visited is not None else None
    valid_until = qa_valid_until(rag, visit_date, RULES) if rag else None
    assert qa_status(rag, valid_until, suspended, TODAY)[0] == status


@pytest.mark.parametrize(
    "rag, due_in_days",
    [("green", 365), ("amber", 182), ("red", 42)],
)
def test_next_visit_due(rag, due_in_days):
    """Next visit: 12 months after Green, 6 after Amber, 6 weeks after Red."""
    assert next_visit_due(rag, TODAY, RULES, TODAY) == TODAY + timedelta(days=due_in_days)


def test_never_visited_is_due_now():
    """A provider never visited is due today."""
    assert next_visit_due(None, None, RULES, TODAY) == TODAY


# -- what is shown while a visit is in progress -------------------------------------------


@pytest.mark.parametrize(
    "values, state, rag, label",
    [
        ((), "not_started", None, "Not yet rated"),
        # A critical criterion still to judge: never "Green so far".
        (
            (None, "met", "met", "met", "met", "met"),
            "withheld",
            None,
            "Not yet rated: C1 (critical) not judged",
        ),
        ((None, "partly_met", "met"), "withheld", None, "Not yet rated: C1 (critical) not judged"),
        (
            (None, "not_met", "not_met", "not_met"),
            "withheld",
            None,
            "Not yet rated: C1 (critical) not judged",
        ),
        # Only criteria that are not critical left to judge: the rating so far.
        (("met", "met", None, None, "met", "met"), "provisional", "green", "Green so far"),
        (("met", "partly_met"), "provisional", "amber", "Amber so far"),
        # A critical criterion not met is Red whatever comes later.
        (("not_met",), "provisional", "red", "Red so far"),
        (("met",) * 6, "rated", "green", "Green so far"),
        (("met", "not_met", "not_met", "not_met", "met", "met"), "rated", "red", "Red so far"),
        (("not_seen",) * 6, "insufficient", None, "Insufficient evidence"),
        (("not_seen", "not_seen"), "not_rated", None, "Not yet rated"),
    ],
)
def test_theme_shown(values, state, rag, label):
    """Each row of the rule for what a theme shows while its criteria are being judged."""
    given = ratings(*values)
    shown = theme_shown(rate_theme("SG", CRITERIA, given, RULES), CRITERIA, given)
    assert (shown["state"], shown["rag"], shown["label"]) == (state, rag, label)


def test_a_withheld_theme_names_every_critical_criterion_left_and_shows_no_why():
    """Every unjudged critical criterion is named; the why of a rating not shown is not shown."""
    criteria = [CriterionView(f"C{n}", f"Criterion {n}", critical=n in (1, 3)) for n in range(1, 5)]
    given = {"C2": "partly_met"}
    shown = theme_shown(rate_theme("SG", criteria, given, RULES), criteria, given)
    assert shown["label"] == "Not yet rated: C1, C3 (critical) not judged"
    assert shown["unjudged_critical"] == ["C1", "C3"] and shown["why"] == [] and shown["unjudged"] == 3


def default_criteria():
    """The default framework's criteria as the rules see them (codes as loaded)."""
    numbers, criteria = {}, []
    for theme, text, _, critical in DEFAULT_CRITERIA:
        numbers[theme] = numbers.get(theme, 0) + 1
        criteria.append(CriterionView(f"{theme}{numbers[theme]}", text, critical, theme))
    return criteria


def test_no_overall_rating_until_every_theme_is_judged():
    """The overall rating is held back while any criterion of any theme is unjudged, even
    when the rules could already decide it; it names the themes still to judge."""
    criteria = default_criteria()
    everything = {c.code: "met" for c in criteria}
    red_but_unfinished = {**everything, "SG1": "not_met"}
    del red_but_unfinished["HS2"], red_but_unfinished["LM1"]
    shown = ratings_shown(criteria, red_but_unfinished, RULES)
    assert shown["overall"] == {
        "shown": False,
        "rag": None,
        "why": [],
        "label": "No overall rating until every theme is rated: still to judge in Health and Safety, "
        "Leadership and Management",
    }
    assert shown["themes"]["SG"]["rag"] == "red" and shown["themes"]["HS"]["label"] == "Green so far"
    done = ratings_shown(criteria, {**everything, "SG1": "not_met"}, RULES)["overall"]
    assert done == {"shown": True, "rag": "red", "why": ["Safeguarding is Red"], "label": "Red"}


def test_the_overall_of_a_finished_visit_with_a_theme_not_seen():
    """Every criterion judged but one theme entirely not seen: the overall is shown, and it
    is not Green while that theme has insufficient evidence."""
    criteria = default_criteria()
    given = {c.code: "not_seen" if c.theme == "SE" else "met" for c in criteria}
    overall = ratings_shown(criteria, given, RULES)["overall"]
    assert overall == {
        "shown": True,
        "rag": "amber",
        "why": ["Student Entitlement has insufficient evidence"],
        "label": "Amber",
    }
