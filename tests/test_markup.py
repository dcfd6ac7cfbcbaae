"""Links and hidden words built in a template reach the page as HTML, never as text: a
value built with `~` from a string and an escaped name turns the whole value into text."""

import re
from pathlib import Path

import pytest
from flask import render_template_string, url_for

from qa_app import display
from qa_app.extensions import db
from qa_app.visits.models import Action
from tests.test_visits import start_visit

ROOT = Path(__file__).resolve().parent.parent
SHOWN_AS_TEXT = re.compile(r"&lt;(a|span|br|strong)\b")


def test_the_placement_page_links_to_the_provider(
    client, signed_in, make_user, make_provider, make_placement
):
    """The Provider row is a link, and a name with a "<" in it is still shown as typed."""
    school = make_user("school", school="Riverside Academy").school
    provider = make_provider(name="Bridge <Learning> Centre")
    placement = make_placement(school, provider)
    signed_in("head_of_access")
    page = client.get(f"/placements/{placement.uuid}").data.decode()
    assert SHOWN_AS_TEXT.search(page) is None
    assert f'href="/providers/{provider.id}">Bridge &lt;Learning&gt; Centre</a>' in page


def test_the_escalation_page_links_to_the_provider(client, signed_in, make_provider, make_escalation):
    """The "Provider on the register" row is a link followed by the registration status."""
    provider = make_provider(name="Bridge <Learning> Centre")
    escalation = make_escalation(provider=provider)
    signed_in("head_of_access")
    page = client.get(f"/escalations/{escalation.id}").data.decode()
    assert SHOWN_AS_TEXT.search(page) is None
    assert f'href="/providers/{provider.id}">Bridge &lt;Learning&gt; Centre</a> (' in page


def test_the_previous_actions_note_label_hides_the_action(
    client, signed_in, make_user, make_provider, make_visit
):
    """Each note's label names its action to a screen reader in a hidden span, not as text."""
    officer = make_user("officer")
    provider = make_provider(officer=officer)
    earlier = make_visit(provider, "amber", days_ago=200, officer=officer)
    db.session.add(Action(visit_id=earlier.id, provider_id=provider.id, description="Fix <the> door"))
    db.session.commit()
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/visits/{visit_uuid}/previous-actions").data.decode()
    assert SHOWN_AS_TEXT.search(page) is None
    assert '<span class="govuk-visually-hidden">: Fix &lt;the&gt; door</span>' in page


def test_no_template_joins_an_escaped_value_into_html_with_tildes():
    """`'<a ...>' ~ name | e ~ '</a>'` escapes the tags too: build such values in a
    `{% set %}` block instead."""
    joined = re.compile(r"""["']\s*~\s*\(?[\w.]+\s*\|\s*e\)?\s*~""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.joinpath("templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if '"html"' in line and joined.search(line)
    ]
    assert found == []


def test_every_table_scrolls_in_its_own_region_or_stacks_on_a_phone():
    """A table wider than a 390 px phone must not make the whole page scroll sideways: it sits
    in a focusable scrolling region (`app-table-scroll`), or its rows stack (`app-table-stack`)."""
    opening = re.compile(r"<table\b[^>]*>")
    found = []
    for path in ROOT.joinpath("templates").rglob("*.html"):
        text = path.read_text()
        for match in opening.finditer(text):
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if "app-table-stack" in match.group(0) or 'class="app-table-scroll"' in before:
                continue
            found.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert found == []


def test_templates_read_flags_and_decide_no_access():
    """Who may do what is decided in Python (can(), the scopes); a template reads the
    answer (`allowed["action"]` or a flag from its view) and tests no role itself. The
    signed-in user's role is written only into base.html's data attribute for the tablet."""
    rules = re.compile(r"\bcan\(|current_user\.role\b(?!_label)")
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            for match in rules.finditer(line):
                attribute = 'data-user-role="{{ current_user.role }}"'
                if (
                    template.name == "base.html"
                    and attribute in line
                    and match.group() == "current_user.role"
                ):
                    continue
                found.append(f"{template.relative_to(ROOT)}:{number}: {match.group()}")
    assert found == []


def test_an_action_no_role_has_is_an_error_in_a_template(app):
    """A mistyped action in a template fails loudly rather than hiding what it guards."""
    with app.test_request_context(), pytest.raises(ValueError, match="No such action"):
        render_template_string('{{ "shown" if allowed["visit.strat"] }}')


@pytest.mark.parametrize(
    ("endpoint", "key", "values"),
    [
        ("pages.provider_page", "provider_id", (1, 7, 123456)),
        ("pages.start_provider_visit", "provider_id", (1, 42)),
        ("pages.provider_self_assessment_request", "provider_id", (3,)),
        ("pages.school_page", "school_id", (2,)),
        ("visits.show", "visit_uuid", ("1f816acc-0651-4413-9957-3032032ac1c6",)),
    ],
)
def test_a_url_pattern_builds_what_url_for_builds(app, endpoint, key, values):
    """A long table's links are joined from a pattern made once (display.url_pattern), and
    each is the URL url_for gives for that row."""
    with app.test_request_context():
        made = display.url_pattern(endpoint, key)
        for value in values:
            assert made(value) == url_for(endpoint, **{key: value})
            in_a_template = "{% set link = url_pattern(endpoint, key) %}{{ link(value) }}"
            shown = render_template_string(in_a_template, endpoint=endpoint, key=key, value=value)
            assert shown == url_for(endpoint, **{key: value})
