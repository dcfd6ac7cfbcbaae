"""The QA framework: the default 2025-2026 version and the administrators' editor."""

import pytest
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.forms import content_version
from qa_app.framework.defaults import DEFAULT_RULES
from qa_app.framework.documents import default_documents
from qa_app.framework.models import Criterion, FrameworkVersion, PublishedFrameworkError
from qa_app.framework.services import copy_version, current_version
from tests.factories import version_on_page

PUBLISHED = b"is published and cannot be changed"


@pytest.fixture
def draft(app):
    """A draft 2026-2027 copied from the default framework."""
    version = copy_version(current_version(), "2026-2027", "")
    db.session.commit()
    return version


def criterion(version, code):
    """The criterion of a version with this code."""
    return db.session.scalar(select(Criterion).filter_by(version=version, code=code))


def codes(version, theme):
    """The codes of a theme's criteria in order, retired ones included."""
    return [c.code for c in version.criteria_by_theme(include_retired=True)[theme]]


def url(version, path=""):
    return f"/admin/frameworks/{version.id}{path}"


def rules_data(**overrides):
    """Valid rules form data (the defaults); override any field."""
    data = {
        "theme_red_not_met_fraction": "0.5",
        "insufficient_not_seen_fraction": "0.5",
        "overall_red_if_theme_red": ["SG", "HS"],
        "overall_red_theme_count": "2",
        "valid_green": "365",
        "valid_amber": "182",
        "next_green": "365",
        "next_amber": "182",
        "next_red": "42",
    }
    return data | overrides


def snapshot(version):
    """Everything an edit could change in a version."""
    db.session.expire_all()
    rows = [(c.code, c.text, c.guidance, c.critical, c.retired, c.position) for c in version.criteria]
    return version.status, version.rules, rows


def test_default_framework_has_six_themes_in_order(app):
    """The default version has QE SG HS PD LM SE in that order, coded QE1, QE2, ..."""
    version = current_version()
    assert version.name == "2025-2026"
    themes = [c.theme for c in version.criteria]
    assert list(dict.fromkeys(themes)) == ["QE", "SG", "HS", "PD", "LM", "SE"]
    for theme, criteria in version.criteria_by_theme().items():
        assert [c.code for c in criteria] == [f"{theme}{n}" for n in range(1, len(criteria) + 1)]


def test_default_critical_criteria(app):
    """DBS, single central record, DSL, registration status and fire safety are critical."""
    version = current_version()
    assert {c.code for c in version.criteria if c.critical} == {
        "SG1",
        "SG2",
        "SG4",
        "SG9",
        "HS4",
    }
    assert "Registration status" in criterion(version, "SG9").text
    assert "Fire risk assessment" in criterion(version, "HS4").text


def test_admin_sees_the_versions(client, signed_in, draft):
    """The index lists both versions and says which one is in force."""
    signed_in("admin")
    response = client.get("/admin/frameworks")
    assert response.status_code == 200
    assert b"2025-2026" in response.data and b"2026-2027" in response.data
    assert b"In force" in response.data and b"Draft" in response.data


def test_published_version_page_has_no_edit_controls(client, signed_in):
    """A published version shows criteria, rules and the copy form, but nothing to edit."""
    signed_in("admin")
    page = client.get(url(current_version())).get_data(as_text=True)
    assert "Safeguarding" in page and "SG1" in page and "Critical" in page
    assert "This is the version in force" in page
    assert "or 2 or more themes are Red" in page
    assert "Copy into a new draft" in page
    controls = (
        "Change rules",
        "Add a criterion",
        "Move QE2 up",
        "Retire",
        "Publish 2025",
    )
    for control in controls:
        assert control not in page


def test_draft_page_has_edit_controls(client, signed_in, draft):
    """A draft shows the rules link, edit buttons per criterion and the publish button."""
    signed_in("admin")
    page = client.get(url(draft)).get_data(as_text=True)
    assert "Not in force yet" in page
    controls = (
        "Change rules",
        "Move QE2 up",
        "Move QE2 down",
        "Retire QE2",
        "Publish 2026",
    )
    for control in controls:
        assert control in page
    assert f'href="{url(draft, "/criteria/new?theme=SG")}"' in page


def test_copy_into_a_new_draft(client, signed_in):
    """Copying makes a draft with the same criteria and rules."""
    signed_in("admin")
    source = current_version()
    response = client.post(url(source, "/copy"), data={"name": "2026-2027", "title": ""})
    new = db.session.scalar(select(FrameworkVersion).filter_by(name="2026-2027"))
    assert response.headers["Location"] == url(new)
    assert new.status == "draft" and new.title == source.title and new.copied_from_id == source.id
    assert [c.code for c in new.criteria] == [c.code for c in source.criteria]
    assert new.rules == source.rules


@pytest.mark.parametrize(
    "name, message",
    [
        ("2025-2026", b"A framework version called 2025-2026 already exists"),
        ("", b"Enter a name for the new version"),
        ("../2026", b"Enter a version name such as 2026-2027"),
    ],
)
def test_copy_refuses_a_taken_or_bad_name(client, signed_in, name, message):
    """A duplicate or malformed name is an error on the form, and nothing is created."""
    signed_in("admin")
    response = client.post(url(current_version(), "/copy"), data={"name": name})
    assert response.status_code == 400
    assert message in response.data and b"There is a problem" in response.data
    assert db.session.scalar(select(func.count(FrameworkVersion.id))) == 2  # the provider and school versions


def test_edit_a_criterion(client, signed_in, draft):
    """Text, guidance and the critical flag of a draft criterion can be changed."""
    signed_in("admin")
    sg1 = criterion(draft, "SG1")
    opened_at = version_on_page(client, url(draft, f"/criteria/{sg1.id}"))
    response = client.post(
        url(draft, f"/criteria/{sg1.id}"),
        data={"text": "New text", "guidance": "Look here", "version": opened_at},
    )
    assert response.status_code == 302
    assert (sg1.text, sg1.guidance, sg1.critical) == ("New text", "Look here", False)
    assert criterion(current_version(), "SG1").critical  # the published original is untouched


def test_edit_a_criterion_needs_text(client, signed_in, draft):
    """An empty criterion is a form error."""
    signed_in("admin")
    qe1 = criterion(draft, "QE1")
    response = client.post(url(draft, f"/criteria/{qe1.id}"), data={"text": ""})
    assert response.status_code == 400 and b"Enter the criterion" in response.data


def test_added_criterion_gets_the_next_code_never_a_retired_one(client, signed_in, draft):
    """After retiring QE6, a new Quality of Education criterion is QE7, not QE6."""
    signed_in("admin")
    client.post(url(draft, f"/criteria/{criterion(draft, 'QE6').id}/retire"))
    response = client.post(
        url(draft, "/criteria/new"),
        data={"theme": "QE", "text": "Reading is taught", "critical": "y"},
    )
    assert response.status_code == 302
    assert codes(draft, "QE") == ["QE1", "QE2", "QE3", "QE4", "QE5", "QE6", "QE7"]
    qe7 = criterion(draft, "QE7")
    assert qe7.critical and not qe7.retired and criterion(draft, "QE6").retired
    assert b"QE7 added." in client.get(url(draft)).data


def test_adding_needs_a_theme(client, signed_in, draft):
    """Adding without a theme is an error on the form, and nothing is added."""
    signed_in("admin")
    response = client.post(url(draft, "/criteria/new"), data={"theme": "", "text": "Something"})
    assert response.status_code == 400 and b"Choose a theme" in response.data
    assert len(draft.criteria) == len(current_version().criteria)


def test_retire_and_restore(client, signed_in, draft):
    """Retiring takes a criterion out of use; the same button brings it back."""
    signed_in("admin")
    pd2 = criterion(draft, "PD2")
    client.post(url(draft, f"/criteria/{pd2.id}/retire"))
    assert pd2.retired and pd2 not in draft.active_criteria()
    assert b"Restore" in client.get(url(draft)).data
    client.post(url(draft, f"/criteria/{pd2.id}/retire"))
    assert not pd2.retired


def test_move_up_and_down(client, signed_in, draft):
    """Moving swaps a criterion with its neighbour in the theme."""
    signed_in("admin")
    qe2 = criterion(draft, "QE2")
    client.post(url(draft, f"/criteria/{qe2.id}/move"), data={"direction": "-1"})
    assert codes(draft, "QE")[:3] == ["QE2", "QE1", "QE3"]
    client.post(url(draft, f"/criteria/{qe2.id}/move"), data={"direction": "1"})
    client.post(url(draft, f"/criteria/{qe2.id}/move"), data={"direction": "1"})
    assert codes(draft, "QE")[:3] == ["QE1", "QE3", "QE2"]


def test_move_needs_a_direction(client, signed_in, draft):
    """A move other than -1 or 1 is refused."""
    signed_in("admin")
    qe2 = criterion(draft, "QE2")
    assert client.post(url(draft, f"/criteria/{qe2.id}/move"), data={"direction": "5"}).status_code == 400
    assert codes(draft, "QE")[:2] == ["QE1", "QE2"]


def test_change_rules(client, signed_in, draft):
    """The rating thresholds of a draft can be changed."""
    signed_in("admin")
    response = client.post(
        url(draft, "/rules"),
        data=rules_data(
            theme_red_not_met_fraction="0.4",
            overall_red_if_theme_red=["SG"],
            next_red="28",
            version=version_on_page(client, url(draft, "/rules")),
        ),
    )
    assert response.status_code == 302
    assert draft.rules["theme_red_not_met_fraction"] == 0.4
    assert draft.rules["overall_red_if_theme_red"] == ["SG"]
    assert draft.rules["next_visit_days"] == {"green": 365, "amber": 182, "red": 28}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("theme_red_not_met_fraction", "1.5", b"Number must be between 0.01 and 1"),
        ("theme_red_not_met_fraction", "half", b"Not a valid decimal value"),
        ("insufficient_not_seen_fraction", "sNaN", b"Enter a share between 0 and 1"),
        ("overall_red_theme_count", "0", b"Number must be between 1 and 6"),
        ("overall_red_if_theme_red", ["XX"], b"is not a valid choice"),
        ("next_red", "", b"Enter a number of days"),
    ],
)
def test_invalid_rules_are_form_errors(client, signed_in, draft, field, value, message):
    """A bad threshold is shown on the form and nothing is saved."""
    signed_in("admin")
    response = client.post(url(draft, "/rules"), data=rules_data(**{field: value}))
    assert response.status_code == 400 and message in response.data
    assert draft.rules == {**DEFAULT_RULES, "documents": default_documents()}


def test_publish_brings_a_draft_into_force(client, signed_in, draft):
    """Publishing makes the draft the current version."""
    signed_in("admin")
    response = client.post(url(draft, "/publish"))
    assert response.headers["Location"] == url(draft)
    assert draft.is_published and draft.published_at is not None
    assert current_version() == draft
    assert b"This is the version in force" in client.get(url(draft)).data


def test_publish_needs_criteria_in_every_theme(client, signed_in, draft):
    """A draft with a theme whose criteria are all retired cannot be published."""
    signed_in("admin")
    for c in draft.criteria_by_theme()["LM"]:
        client.post(url(draft, f"/criteria/{c.id}/retire"))
    response = client.post(url(draft, "/publish"), follow_redirects=True)
    assert b"Leadership and Management has no criteria in use" in response.data
    assert not draft.is_published


EDITS = {
    "edit criterion": ("/criteria/{id}", {"text": "Changed", "critical": "y"}),
    "add criterion": ("/criteria/new", {"theme": "QE", "text": "New"}),
    "move": ("/criteria/{id}/move", {"direction": "1"}),
    "retire": ("/criteria/{id}/retire", {}),
    "rules": ("/rules", rules_data(next_red="7")),
    "publish again": ("/publish", {}),
}


@pytest.mark.parametrize("edit", EDITS)
def test_published_version_refuses_every_edit(client, signed_in, draft, edit):
    """Once published, each edit route answers with a message and changes nothing."""
    signed_in("admin")
    client.post(url(draft, "/publish"))
    before = snapshot(draft)
    path, data = EDITS[edit]
    # The form as it was opened before the version was published.
    if edit == "rules":
        data = data | {"version": content_version(draft, ("rules",))}
    if edit == "edit criterion":
        data = data | {"version": content_version(criterion(draft, "QE1"), ("text", "guidance", "critical"))}
    response = client.post(
        url(draft, path.format(id=criterion(draft, "QE1").id)),
        data=data,
        follow_redirects=True,
    )
    assert PUBLISHED in response.data
    assert snapshot(draft) == before


@pytest.mark.parametrize("path", ["/criteria/new", "/criteria/{id}", "/rules"])
def test_published_version_edit_pages_show_no_form(client, signed_in, path):
    """The edit pages of a published version say why instead of showing a form."""
    signed_in("admin")
    version = current_version()
    response = client.get(url(version, path.format(id=version.criteria[0].id)))
    assert (
        b"is published, so its" in response.data and b'<form method="post" novalidate>' not in response.data
    )


def test_published_criteria_cannot_change_even_in_code(app):
    """The before_flush guard stops code that edits a published criterion directly."""
    version = current_version()
    criterion(version, "SG1").critical = False
    with pytest.raises(PublishedFrameworkError):
        db.session.flush()
    db.session.rollback()
    version.criteria.append(Criterion(theme="QE", theme_position=0, code="QE99", text="x", position=99))
    with pytest.raises(PublishedFrameworkError):
        db.session.flush()
    db.session.rollback()
    assert criterion(version, "SG1").critical and criterion(version, "QE99") is None


@pytest.mark.parametrize("role", ["officer", "head_of_access", "school"])
@pytest.mark.parametrize("path", ["", "/{id}", "/{id}/rules"])
def test_other_roles_are_forbidden(client, signed_in, role, path):
    """Only administrators may open the framework editor."""
    signed_in(role)
    response = client.get("/admin/frameworks" + path.format(id=current_version().id))
    assert response.status_code == 403


def test_other_roles_cannot_publish(client, signed_in, draft):
    """A QA officer's publish request is refused and the draft stays a draft."""
    signed_in("officer")
    assert client.post(url(draft, "/publish")).status_code == 403
    assert not draft.is_published


def test_anonymous_is_sent_to_sign_in(client, app):
    """Signed-out visitors are sent to the sign-in page."""
    response = client.get("/admin/frameworks")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
