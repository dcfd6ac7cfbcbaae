"""The visit form's payload module (static/js/offline/payload.js), run by Node: its own
tests, and a round trip through the real API, so the JSON the tablet sends can never
drift from what the server accepts."""

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from qa_app.offline.labels import form_labels

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
# Node reads payload.js as an ES module (it has no package.json "type"); that is expected.
QUIET = "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON"

# Read {bundle, user_id} or {visit, labels, user_id} on stdin, print the payload.js result.
ROUND_TRIP_JS = """
import * as payload from "./static/js/offline/payload.js";
let text = "";
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);
if (input.bundle) {
  const { bundle } = input;
  const provider = bundle.providers[0];
  const draft = payload.newDraft({
    userId: input.user_id, providerId: provider.id, providerName: provider.name,
    visitDate: input.visit_date, visitType: bundle.labels.visit_types[0].code,
    frameworkVersion: bundle.framework.name,
  });
  for (const theme of bundle.framework.themes) {
    theme.criteria.forEach(({ code }, n) => {
      draft.judgements[code] = n === 0 ? { rating: "partly_met", evidence: `Seen for ${code}` } : { rating: "met", evidence: "" };
    });
    draft.theme_notes[theme.code] = `Notes on ${theme.code}`;
  }
  draft.strengths = "Calm lessons";
  draft.actions = [{ description: "Update the SCR", owner: "provider", due: "" }, { description: "Record the fire drill", owner: "provider", due: "" }];
  const flags = Object.fromEntries(bundle.labels.pupil_flags.map((f) => [f.code, f.default]));
  draft.registration = {
    pupil_count: "2",
    pupils: [{ ref: "P1", hours: "19", weeks: "", ...flags }, { ref: "P2", hours: "12.5", weeks: "30", ...flags }],
    sites: "Main hall\\nSports field",
  };
  const problems = payload.localProblems(draft, bundle.labels);
  const registration = payload.registrationProblems(draft.registration);
  process.stdout.write(JSON.stringify({ payload: payload.toPayload(draft, bundle.labels), problems, registration }));
} else {
  const draft = payload.draftFromVisit(input.visit, input.user_id);
  process.stdout.write(JSON.stringify({ payload: payload.toPayload(draft, input.labels) }));
}
"""


def node(*args, stdin=None, env=None):
    """Run node in the repository root; its completed process (output as text)."""
    assert NODE, "node is needed for the offline client's tests (it builds the front end too)"
    return subprocess.run(
        [NODE, QUIET, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_payload_module_passes_its_node_tests():
    """tests/js/payload.test.mjs, with the bundle's real labels."""
    env = {**os.environ, "QA_FORM_LABELS": json.dumps(form_labels())}
    result = node("--test", "tests/js/payload.test.mjs", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout


def run_round_trip(data):
    result = node("--input-type=module", "-e", ROUND_TRIP_JS, stdin=json.dumps(data))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def officer(make_user, make_provider, login):
    user = make_user("officer")
    make_provider(name="Bridge Centre", officer_id=user.id)
    login(user)
    return user


def test_the_api_accepts_what_the_payload_module_makes_and_gives_it_back(client, officer):
    """A complete draft built from the real bundle becomes JSON the API saves as it is
    (201, every criterion, the pupils and the actions); the saved visit read back
    through draftFromVisit makes the same JSON again."""
    bundle = client.get("/api/offline-bundle").get_json()
    made = run_round_trip({"bundle": bundle, "user_id": officer.id, "visit_date": bundle["generated_at"]})
    assert not any(made["problems"].values()), made["problems"]
    assert not any(made["registration"]["pupils"]) and not made["registration"]["pupil_count"]
    body = made["payload"]

    visit_uuid = str(uuid.uuid4())
    response = client.put(
        f"/api/visits/{visit_uuid}", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()
    assert saved["status"] == "submitted"
    assert (
        len(saved["judgements"])
        == len(body["judgements"])
        == sum(len(t["criteria"]) for t in bundle["framework"]["themes"])
    )
    assert saved["registration_evidence"]["pupils"][0]["weeks_per_year"] == 38
    assert [(a["description"], a["owner"]) for a in saved["actions"]] == [
        ("Update the SCR", "provider"),
        ("Record the fire drill", "provider"),
    ]

    again = run_round_trip({"visit": saved, "labels": bundle["labels"], "user_id": officer.id})["payload"]
    by_criterion = lambda judgements: sorted(judgements, key=lambda j: j["criterion"])  # noqa: E731
    assert by_criterion(again.pop("judgements")) == by_criterion(body.pop("judgements"))
    assert {key: again[key] for key in body} == body


def test_offline_pages_write_dates_as_the_server_does():
    """tests/js/page.test.mjs: "6 Dec 2026", never "2026-12-06", in captions and lists."""
    result = node("--test", "tests/js/page.test.mjs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout


def test_offline_captions_use_the_servers_date_format():
    """Every caption and list of the offline form writes its dates through shortDate."""
    sources = {
        name: (ROOT / "static/js/offline" / name).read_text()
        for name in ("sections.js", "check.js", "visits-list.js")
    }
    raw = re.compile(r"\$\{[\w.?]*(visit_date|\.due|start_date|ended_on|last_review)\}")
    assert {name: raw.findall(text) for name, text in sources.items() if raw.search(text)} == {}
