"""Table tests of the registration test (docs/domain.md §2.3): each limb and its edges."""

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


@pytest.mark.parametrize(
    "day, name",
    [
        ("2008-11-25", None),
        ("2008-11-26", "2008"),
        ("2026-05-31", "2008"),
        ("2026-06-01", "2026"),
        ("2027-01-01", "2026"),
    ],
)
def test_default_rules_follow_the_dates(app, day, name):
    """The default data: 2008 rules from 26 November 2008, the 2026 rules from 1 June 2026."""
    from datetime import date

    from qa_app.registration.services import rules_in_force

    version = rules_in_force(date.fromisoformat(day))
    assert (version.name if version else None) == name
    if version is not None:
        assert (
            version.is_published
            and version.rules["single_pupil_statuses"]
            == (RULES_2026 if name == "2026" else RULES_2008)["single_pupil_statuses"]
        )


def test_an_older_database_gets_the_2026_rules_in_force_from_june_2026(make_app):
    """Upgrading a database whose 2026 rules are the old default draft publishes them from
    1 June 2026; a downgrade puts the draft back."""
    import copy
    from datetime import date

    from flask_migrate import downgrade, upgrade

    from qa_app.extensions import db
    from qa_app.registration.models import RegistrationRules
    from qa_app.registration.services import rules_in_force

    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision="5a75346ac973")
        db.session.add_all(
            [
                RegistrationRules(
                    name="2008",
                    title="2008",
                    rules=copy.deepcopy(RULES_2008),
                    status="published",
                    in_force_from=date(2008, 11, 26),
                ),
                RegistrationRules(name="2026", title="2026", rules=copy.deepcopy(RULES_2026)),
            ]
        )
        db.session.commit()
        upgrade(revision="d41c7a2e9b10")
        db.session.expire_all()
        assert rules_in_force(date(2026, 5, 31)).name == "2008"
        assert rules_in_force(date(2026, 6, 1)).name == "2026"
        downgrade(revision="5a75346ac973")
        db.session.expire_all()
        assert rules_in_force(date(2026, 6, 1)).name == "2008"
        db.session.remove()
