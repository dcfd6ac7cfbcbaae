// The offline form's payload module (static/js/offline/payload.js) in Node.
// Run by tests/test_offline_payload.py, which passes the bundle's real labels in
// QA_FORM_LABELS (qa_app/offline/bundle.py form_labels), so no copy of them is kept here.
import assert from "node:assert/strict";
import test from "node:test";

import {
  blankRegistration,
  draftFromVisit,
  judgementProblems,
  newDraft,
  registrationEvidence,
  registrationFromEvidence,
  registrationProblems,
  toPayload,
} from "../../static/js/offline/payload.js";

const labels = JSON.parse(process.env.QA_FORM_LABELS);
const framework = { themes: [{ code: "SG", criteria: [{ code: "SG1" }, { code: "SG2" }, { code: "SG3" }] }] };
const pupil = (ref, hours, extra = {}) => ({ ref, hours, weeks: "", daytime: true, ehc_plan: false, looked_after: false, sen: false, main_education: true, ...extra });

function filledDraft() {
  const draft = newDraft({ userId: 7, providerId: 3, providerName: "Bridge Centre", visitDate: "2026-11-20", visitType: "scheduled", frameworkVersion: "2025-2026", uuid: "u-1" });
  draft.judgements = { SG1: { rating: "met", evidence: "" }, SG2: { rating: "not_met", evidence: "No DBS seen" }, SG3: { rating: "", evidence: "typed, not yet judged" } };
  draft.theme_notes = { SG: "DSL knowledgeable" };
  draft.strengths = "Calm lessons";
  draft.actions = "Update the SCR\n\n  Record the fire drill  \n";
  return draft;
}

test("a new draft becomes the API's JSON, unjudged criteria and blank lines left out", () => {
  assert.deepEqual(toPayload(filledDraft(), labels), {
    provider_id: 3,
    visit_date: "2026-11-20",
    visit_type: "scheduled",
    framework_version: "2025-2026",
    status: "submitted",
    judgements: [
      { criterion: "SG1", rating: "met", evidence: "" },
      { criterion: "SG2", rating: "not_met", evidence: "No DBS seen" },
    ],
    theme_notes: { SG: "DSL knowledgeable" },
    registration_evidence: null,
    strengths: "Calm lessons",
    actions: [
      { description: "Update the SCR", owner: "provider", due: null },
      { description: "Record the fire drill", owner: "provider", due: null },
    ],
  });
});

test("a server visit comes back with the fields the form does not edit, and its actions' owners and dates", () => {
  const visit = {
    uuid: "u-2",
    version: 4,
    provider_id: 3,
    visit_date: "2026-11-20",
    visit_type: "revisit",
    framework_version: "2025-2026",
    status: "draft",
    people_met: "The head",
    pupils_seen: null,
    judgements: [{ criterion: "SG1", rating: "partly_met", evidence: "Two of three" }],
    theme_notes: {},
    insufficient_reasons: { HS: "Site closed" },
    strengths: "",
    pupil_voice: "Pupils feel safe",
    actions: [{ description: "Fix the gate", owner: "authority", due: "2027-01-31" }],
    action_outcomes: { 12: "done" },
    registration_evidence: { pupil_count: 1, pupils: [{ ref: "P1", hours_per_week: 19.5, weeks_per_year: 38, daytime: true, ehc_plan: true, looked_after: false, sen: false, main_education: true }], sites: ["Hall"] },
  };
  const draft = draftFromVisit(visit, 7);
  assert.equal(draft.base_version, 4);
  assert.equal(draft.user_id, 7);
  assert.deepEqual(draft.registration, { pupil_count: "1", pupils: [pupil("P1", "19.5", { weeks: "38", ehc_plan: true })], sites: "Hall" });
  draft.actions += "\nA new one";
  const body = toPayload(draft, labels);
  assert.equal(body.people_met, "The head");
  assert.equal(body.pupil_voice, "Pupils feel safe");
  assert.ok(!("pupils_seen" in body), "a null field of the server's copy is not sent");
  assert.deepEqual(body.insufficient_reasons, { HS: "Site closed" });
  assert.deepEqual(body.action_outcomes, { 12: "done" });
  assert.deepEqual(body.actions, [
    { description: "Fix the gate", owner: "authority", due: "2027-01-31" },
    { description: "A new one", owner: "provider", due: null },
  ]);
  assert.deepEqual(body.registration_evidence, visit.registration_evidence);
  assert.deepEqual(body.judgements, visit.judgements);
});

test("registration evidence: numbers from the typed strings, blank rows dropped, weeks 38 if blank", () => {
  assert.equal(registrationEvidence(blankRegistration()), null);
  assert.equal(registrationEvidence(undefined), null);
  const evidence = registrationEvidence({ pupil_count: "2", pupils: [pupil("P1", "25"), pupil("", ""), pupil("P2", "", { weeks: "12" })], sites: " Hall \n\nField" });
  assert.deepEqual(evidence, {
    pupil_count: 2,
    pupils: [
      { ref: "P1", hours_per_week: 25, weeks_per_year: 38, daytime: true, ehc_plan: false, looked_after: false, sen: false, main_education: true },
      { ref: "P2", hours_per_week: null, weeks_per_year: 12, daytime: true, ehc_plan: false, looked_after: false, sen: false, main_education: true },
    ],
    sites: ["Hall", "Field"],
  });
  assert.deepEqual(registrationFromEvidence(null), blankRegistration());
  assert.deepEqual(registrationFromEvidence({ pupil_count: null, pupils: [], sites: [] }), blankRegistration());
});

test("every criterion must be judged, and a rating other than Met needs evidence", () => {
  const problems = judgementProblems({ SG1: { rating: "met", evidence: "" }, SG2: { rating: "not_seen", evidence: "  " } }, framework, labels);
  assert.deepEqual(problems, { SG1: "", SG2: "Enter the evidence for SG2", SG3: "Judge SG3" });
});

test("the registration check refuses what the server would, naming the pupil", () => {
  const { pupils, pupil_count: count } = registrationProblems({
    pupil_count: "4",
    pupils: [pupil("P1", "19"), pupil("P1", "19"), pupil("", ""), pupil("P3", "61"), pupil("P4", "10", { weeks: "52.5" }), pupil("", "5")],
    sites: "",
  });
  assert.deepEqual(pupils, [
    "",
    "P1 is listed twice",
    "",
    "Enter the hours a week for P3, from 0 to 60",
    "Enter the weeks a year for P4, a whole number from 0 to 52",
    "Give each pupil a reference such as P1 (never a name)",
  ]);
  assert.equal(count, "You said 4 pupils but 5 are listed: list each pupil");
  assert.equal(registrationProblems({ pupil_count: "1.5", pupils: [], sites: "" }).pupil_count, "Enter the number of pupils as a whole number");
  assert.deepEqual(registrationProblems(undefined), { pupils: [], pupil_count: "" });
});

test("the labels the form needs are in the bundle", () => {
  assert.deepEqual(labels.ratings.map((r) => r.code), ["met", "partly_met", "not_met", "not_seen"]);
  assert.equal(labels.action_owners.filter((o) => o.default).length, 1);
  assert.ok(labels.visit_types.length && labels.registration_results.length && labels.pupil_flags.length);
});
