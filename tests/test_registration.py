"""Table tests of the registration test (DESIGN.md 2.3): each limb and its edges."""

import pytest

from qa_app.registration.law import (
    BORDERLINE,
    LIKELY,
    NOT_INDICATED,
    RULES_2008,
    RULES_2026,
    Pupil,
    registration_test,
)


def pupils(count, hours, **status):
    return [Pupil(f"P{n}", hours, **status) for n in range(1, count + 1)]


@pytest.mark.parametrize(
    "rules, group, result, limb",
    [
        (RULES_2008, pupils(5, 19), LIKELY, "five_or_more_full_time"),
        (RULES_2008, pupils(4, 30), NOT_INDICATED, None),
        (RULES_2008, pupils(1, 25, ehc_plan=True), LIKELY, "one_pupil_with_status"),
        (RULES_2008, pupils(1, 12, looked_after=True), NOT_INDICATED, None),
        (RULES_2008, pupils(5, 18), BORDERLINE, "five_or_more_full_time"),
        (RULES_2008, pupils(1, 25, sen=True), NOT_INDICATED, None),
        (RULES_2026, pupils(1, 25, sen=True), LIKELY, "one_pupil_with_status"),
        (RULES_2008, pupils(1, 25, looked_after=True), LIKELY, "one_pupil_with_status"),
        (RULES_2008, pupils(1, 18, looked_after=True), BORDERLINE, "one_pupil_with_status"),
        (RULES_2008, pupils(5, 25, daytime=False), BORDERLINE, "five_or_more_full_time"),
        (RULES_2008, pupils(5, 25, main_education=False), BORDERLINE, "five_or_more_full_time"),
        (RULES_2008, pupils(5, 25, weeks_per_year=12), BORDERLINE, "five_or_more_full_time"),
        (RULES_2008, pupils(5, 10), NOT_INDICATED, None),
        (RULES_2008, [], NOT_INDICATED, None),
        (RULES_2008, pupils(3, 25) + pupils(2, 16), BORDERLINE, "five_or_more_full_time"),
    ],
)
def test_registration_test(rules, group, result, limb):
    """Each row: the pupils seen give the expected result and deciding limb."""
    outcome = registration_test(group, rules)
    assert (outcome.result, outcome.limb) == (result, limb)


def test_explanation_names_pupils_by_reference():
    """The explanation names the pupils that counted, by reference only."""
    outcome = registration_test(pupils(5, 19), RULES_2008)
    assert outcome.explanation[0].startswith(
        "5 pupils of compulsory school age receive full-time education here (P1, P2, P3, P4, P5)"
    )
    assert "Education and Skills Act 2008 s.92" in outcome.explanation[0]
    assert "P1: 19 hours a week, daytime, main education" in outcome.explanation


def test_thresholds_are_data():
    """A version with a 16-hour line makes 17-hour pupils full-time, with no code change."""
    stricter = {**RULES_2008, "full_time_hours_over": 16, "borderline_hours_from": 14}
    assert registration_test(pupils(5, 17), RULES_2008).result == BORDERLINE
    assert registration_test(pupils(5, 17), stricter).result == LIKELY
