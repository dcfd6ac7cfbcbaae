"""The registration check in the browser: the JavaScript test agrees with the server's
on every case of the table, and the result shows as the officer types."""

import json

import pytest

from qa_app.registration.law import RULES_2008, RULES_2026, Pupil, registration_test
from tests.browser.conftest import screenshot, sign_in
from tests.test_registration import pupils

CASES = [
    (RULES_2008, pupils(5, 19)),
    (RULES_2008, pupils(4, 30)),
    (RULES_2008, pupils(1, 25, ehc_plan=True)),
    (RULES_2008, pupils(1, 12, looked_after=True)),
    (RULES_2008, pupils(5, 18)),
    (RULES_2008, pupils(1, 25, sen=True)),
    (RULES_2026, pupils(1, 25, sen=True)),
    (RULES_2008, pupils(1, 18, looked_after=True)),
    (RULES_2008, pupils(5, 25, daytime=False)),
    (RULES_2008, pupils(5, 25, main_education=False)),
    (RULES_2008, pupils(5, 25, weeks_per_year=12)),
    (RULES_2008, pupils(3, 25) + [Pupil("Q1", 16), Pupil("Q2", 16)]),
    (RULES_2008, []),
]


def test_javascript_and_server_agree(page, live_server):
    """For each case the browser's result and limb are the server's."""
    page.goto(f"{live_server}/login")
    for rules, group in CASES:
        data = [vars(p) for p in group]
        js = page.evaluate(
            "async ([pupils, rules]) => { const m = await import('/static/js/registration-test.js');"
            " const r = m.registrationTest(pupils, rules); return [r.result, r.limb]; }",
            [json.loads(json.dumps(data)), rules],
        )
        python = registration_test(group, rules)
        assert js == [python.result, python.limb], group


@pytest.mark.parametrize("count, expected", [(5, "Likely must register"), (4, "Registration not indicated")])
def test_result_shows_as_the_officer_types(page, live_server, count, expected):
    """Typing pupils into the check updates the result before saving."""
    sign_in(page, live_server, "officer@example.org")
    page.get_by_role("link", name="Start a visit").first.click()
    page.get_by_role("button", name="Start the visit").click()
    # The visit form drawn in the browser shows the result as pupils are typed.
    page.get_by_role("link", name="Registration check").click()
    for row in range(count):
        if row:
            page.get_by_role("button", name="Add a pupil").click()
        page.locator(f'[name="registration_evidence.pupils[{row}].ref"]').fill(f"P{row + 1}")
        page.locator(f'[name="registration_evidence.pupils[{row}].hours"]').fill("25")
    assert expected in page.locator("[data-registration-result]").inner_text()
    if count == 5:
        screenshot(page, "registration-check")
