"""Small things a user reads: nothing said twice, no doubled punctuation, and no form
control that puts its own name into the address."""

from qa_app.extensions import db


def test_a_provider_never_visited_says_so_once_before_placing(client, signed_in, make_user, make_provider):
    """The placing check's QA status says "Never visited"; no Last visit row repeats it."""
    provider = make_provider(name="Back Street Tuition")
    signed_in(make_user("school", school="Riverside Academy"))
    page = client.get(f"/placements/new?provider_id={provider.id}").data.decode()
    assert "placing-check" in page
    assert page.count("Never visited") == 1


def test_choosing_the_provider_puts_only_the_choice_in_the_address(
    client, signed_in, make_user, make_provider
):
    """ "Place a pupil" sends provider_id alone: its button has no name, so no submit=y."""
    make_provider(name="Greenway Centre")
    signed_in(make_user("school", school="Riverside Academy"))
    page = client.get("/placements/new").data.decode()
    assert 'name="submit"' not in page
    assert ">\n  Continue\n</button>" in page or "Continue</button>" in page


def test_a_suspension_reason_ends_with_one_full_stop(client, signed_in, make_provider, make_escalation):
    """A reason typed with its own full stop is not followed by a second one."""
    provider = make_provider(name="Northside Tuition")
    provider.suspended_reason = "Possible unregistered full-time provision at a second site."
    escalation = make_escalation(provider=provider, state="under_review")
    signed_in("head_of_access")
    page = client.get(f"/escalations/{escalation.id}").data.decode()
    assert "site.”." not in page
    assert "at a second site”." in page
    db.session.rollback()
