"""The provider's self-assessment on the tablet: once synced, the visit form shows the
provider's own judgement and evidence beside each criterion with no signal, and LM3 comes
pre-filled with whether the self-assessment came in on time."""

import re
import uuid as uuid_module
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.extensions import db
from tests.browser.conftest import sign_in, wait_for_service_worker, wait_until
from tests.browser.test_officers_day import (
    OFFICER,
    back_to_tasks,
    idb,
    section,
    server,  # noqa: F401 (a fixture)
    tablet,  # noqa: F401 (a fixture)
)

EVIDENCE = "Enhanced DBS for all six staff, renewed in September"


def test_the_tablet_shows_the_self_assessment_beside_each_criterion_offline(tablet, server, live_app):  # noqa: F811
    from flask_login import login_user

    from qa_app.auth.models import User
    from qa_app.demo.providers import demo_provider
    from qa_app.schemas import read
    from qa_app.selfassessment.models import SelfAssessment
    from qa_app.selfassessment.services import save_answers
    from qa_app.submission.services import save
    from qa_app.visits.schemas import VisitBody

    visit_uuid = str(uuid_module.uuid4())
    with live_app.test_request_context():
        provider = demo_provider()
        asked = db.session.scalar(select(SelfAssessment).where(SelfAssessment.provider_id == provider.id))
        staff = db.session.scalar(select(User).where(User.email == "provider@example.org"))
        answers = {c.code: ("met", "") for c in asked.framework_version.active_criteria()}
        answers["SG1"] = ("partly_met", EVIDENCE)
        save_answers(staff, asked, answers, asked.version, send=True)
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        login_user(officer)
        body = {"provider_id": provider.id, "visit_date": (date.today() + timedelta(days=1)).isoformat()}
        save(officer, visit_uuid, read(VisitBody, body).to_change(), None)
        db.session.commit()

    page = tablet.open()
    sign_in(page, server.url, OFFICER)
    page.goto(f"{server.url}/programme")
    wait_for_service_worker(page)
    wait_until(
        page,
        """async (uuid) => new Promise((resolve) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const get = open.result.transaction("drafts").objectStore("drafts").get(uuid);
              get.onsuccess = () => resolve(Boolean(get.result));
            };
        })""",
        visit_uuid,
    )
    wait_until(
        page, "async () => !(await navigator.locks.query()).held.some((lock) => lock.name === 'qa-sync')"
    )
    assert idb(page, "bundle")
    server.stop()
    page.goto(f"{server.url}/visits/{visit_uuid}")
    section(page, "Safeguarding")
    own = page.locator('[data-self-assessment="SG1"]')
    expect(own).to_contain_text("The provider's self-assessment")
    expect(own).to_contain_text("Partly met")
    expect(own).to_contain_text(EVIDENCE)
    expect(page.locator("[data-self-assessment-sent]")).to_contain_text("sent its self-assessment")
    back_to_tasks(page)
    section(page, "Leadership and Management")
    lm3 = page.locator("#criterion-LM3")
    expect(lm3.get_by_label("Met", exact=True)).to_be_checked()
    expect(page.get_by_label("Evidence for LM3", exact=True)).to_have_value(re.compile("sent on time"))
