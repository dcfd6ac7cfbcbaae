"""Words users should not see: record versions, "Rules version", a framework named twice,
and WTForms' "Not a valid integer value." that does not say which field."""

from pathlib import Path

import pytest

from tests.test_visits import start_visit

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "words",
    ["of this record", "Rules version", "(version {{ version.name }})", "(version {{ current.version }})"],
)
def test_no_template_shows_internal_versions(words):
    """The templates and the reports never show an internal version number."""
    sources = [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("qa_app", "reports").rglob("*.py")]
    assert [str(p) for p in sources if words in p.read_text()] == []


def test_start_page_names_the_framework_once(client, signed_in, make_provider):
    """ "Framework 2025-2026 (version 2025-2026)" says the same thing twice."""
    officer = signed_in("officer")
    provider = make_provider(officer=officer)
    page = client.get(f"/providers/{provider.id}/visits/new").data.decode()
    assert "(version 2025-2026)" not in page and "2025-2026" in page


def test_a_number_that_is_not_one_names_its_field(client, signed_in, make_provider):
    """Letters in a number field say which field and what to enter."""
    officer = signed_in("officer")
    response = start_visit(client, make_provider(officer=officer), pupils_seen="six")
    page = response.data.decode()
    assert response.status_code == 400
    assert "Not a valid integer value" not in page
    assert "Number of pupils seen must be a whole number, like 12" in page


def test_every_whole_number_field_has_a_message_naming_it():
    """No form uses WTForms' IntegerField directly."""
    forms = [p for p in ROOT.joinpath("qa_app").rglob("forms.py") if p.parent.name != "qa_app"]
    assert [str(p) for p in forms if "IntegerField(" in p.read_text()] == []
