"""Legal holds on their page: placed and released by the Head of Access or an administrator,
with a reason, validated on the server and safe against a stale page; the disposal log page."""

import pytest
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.retention.models import Disposal, LegalHold
from tests.factories import PASSWORD, version_on_page

HOLDS = "/admin/retention/holds"


def _hold(client, kind, reference, reason="A claim from the pupil's family"):
    return client.post(HOLDS, data={"record_kind": kind, "reference": reference, "reason": reason})


@pytest.mark.parametrize("role", ["head_of_access", "admin"])
def test_a_hold_is_placed_on_each_kind_of_record(
    client,
    signed_in,
    role,
    make_user,
    make_provider,
    make_placement,
    make_referral,
    make_escalation,
    make_visit,
):
    """Each kind of record is found by the reference people know it by, and held."""
    user = signed_in(role)
    provider = make_provider()
    placement = make_placement(make_user("school").school, provider)
    escalation = make_escalation()
    visit, referral = make_visit(provider), make_referral()
    # As people type them: any case, a referral's number, an escalation's ESC- reference.
    records = {
        "placement": (placement.id, placement.uuid.upper()),
        "visit": (visit.id, f" {visit.uuid} "),
        "escalation": (escalation.id, escalation.reference.lower()),
        "referral": (referral.id, str(referral.id)),
    }
    for kind, (_, typed) in records.items():
        response = _hold(client, kind, typed)
        assert response.status_code == 302, response.data.decode()[:2000]
    held = db.session.scalars(select(LegalHold).order_by(LegalHold.id)).all()
    assert [(hold.record_kind, hold.record_id) for hold in held] == [
        (kind, record_id) for kind, (record_id, _) in records.items()
    ]
    assert {hold.placed_by_id for hold in held} == {user.id}
    assert held[0].reference == placement.uuid and held[2].reference == escalation.reference
    page = client.get(HOLDS).data.decode()
    assert placement.uuid in page and "A claim from the pupil&#39;s family" in page


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"record_kind": "placement", "reference": "not-a-reference", "reason": "A claim"},
            "No placement has this reference",
        ),
        (
            {"record_kind": "escalation", "reference": "ESC-99999", "reason": "A claim"},
            "No escalation has this reference",
        ),
        (
            {"record_kind": "referral", "reference": "12abc", "reason": "A claim"},
            "No referral has this number",
        ),
        ({"record_kind": "visit", "reference": "", "reason": "A claim"}, "Enter the record&#39;s reference"),
        ({"record_kind": "sideboard", "reference": "1", "reason": "A claim"}, "Not a valid choice"),
        ({"reference": "1", "reason": "A claim"}, "Choose the kind of record"),
        ({"record_kind": "referral", "reference": "1", "reason": "   "}, "Say why the record must be kept"),
        (
            {"record_kind": "referral", "reference": "1", "reason": "x" * 2001},
            "Field cannot be longer than 2000",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_holds_nothing(client, signed_in, make_referral, data, message):
    """The page refuses what names no record, or has no reason, and says why."""
    make_referral()
    signed_in("head_of_access")
    response = client.post(HOLDS, data=data)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert db.session.scalars(select(LegalHold)).all() == []


def test_a_record_already_on_hold_is_not_held_twice(client, signed_in, make_escalation):
    """A second hold on the same record is refused (the first stands)."""
    escalation = make_escalation()
    signed_in("admin")
    assert _hold(client, "escalation", escalation.reference).status_code == 302
    again = _hold(client, "escalation", str(escalation.id))
    assert again.status_code == 400 and "This record is already on hold" in again.data.decode()
    assert len(db.session.scalars(select(LegalHold)).all()) == 1


def test_a_hold_is_released_with_a_reason_and_a_stale_page_changes_nothing(
    client, signed_in, make_escalation, make_user, app
):
    """The release needs a reason; a page opened before someone else released it saves nothing."""
    escalation = make_escalation()
    signed_in("head_of_access")
    _hold(client, "escalation", escalation.reference)
    hold = db.session.scalars(select(LegalHold)).one()
    url = f"{HOLDS}/{hold.id}/release"
    version = version_on_page(client, url)

    empty = client.post(url, data={"version": version, "release_reason": ""})
    assert empty.status_code == 400 and "Say why the record need no longer be kept" in empty.data.decode()
    # An administrator opens the same page and releases the hold first.
    other = app.test_client()
    assert (
        other.post("/login", data={"email": make_user("admin").email, "password": PASSWORD}).status_code
        == 302
    )
    released = other.post(
        url, data={"version": version_on_page(other, url), "release_reason": "The claim was settled"}
    )
    assert released.status_code == 302
    db.session.expire_all()
    hold = db.session.get(LegalHold, hold.id)
    assert hold.released_at is not None and hold.release_reason == "The claim was settled"

    stale = client.post(
        url, data={"version": version, "release_reason": "Released again"}, follow_redirects=True
    )
    assert "changed by someone else" in stale.data.decode()
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).release_reason == "The claim was settled"
    # Released, the record can be held again.
    assert _hold(client, "escalation", escalation.reference).status_code == 302


def test_the_disposal_log_page_shows_counts_and_nothing_else(client, signed_in):
    """Administrators see each disposal's kind, rule, time and count."""
    db.session.add(Disposal(record_kind="placement", rule="pupil_age_31_other", count=3))
    db.session.commit()
    signed_in("admin")
    page = client.get("/admin/retention/disposals").data.decode()
    assert "pupil age 31 other" in page and ">3<" in page


@pytest.mark.parametrize("role", ["officer", "school", "provider"])
def test_no_other_role_places_or_releases_a_hold(client, signed_in, make_user, make_escalation, role):
    """Officers, schools and provider staff can neither place nor release a hold."""
    escalation = make_escalation()
    signed_in("head_of_access")
    _hold(client, "escalation", escalation.reference)
    hold = db.session.scalars(select(LegalHold)).one()
    client.post("/logout")
    signed_in(role)
    assert _hold(client, "escalation", escalation.reference).status_code == 403
    release = client.post(f"{HOLDS}/{hold.id}/release", data={"version": "1", "release_reason": "No need"})
    assert release.status_code == 403
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).active
