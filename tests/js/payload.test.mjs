// The visit form's payload module (static/js/offline/payload.js) in Node.
// Run by tests/test_offline_payload.py, which passes the bundle's real labels in
// QA_FORM_LABELS (qa_app/offline/bundle.py form_labels), so no copy of them is kept here.
import assert from "node:assert/strict";
import test from "node:test";

import {
  blankRegistration,
  draftFromRejected,
  draftFromVisit,
  fieldKeys,
  localProblems,
  defaultOwner,
  newDraft,
  ownerChoices,
  placementChecks,
  registrationEvidence,
  registrationFromEvidence,
  registrationProblems,
  toPayload,
  upgradeDraft,
  visitedName,
} from "../../static/js/offline/payload.js";

const labels = JSON.parse(process.env.QA_FORM_LABELS);
const pupil = (ref, hours, extra = {}) => ({ ref, hours, weeks: "", daytime: true, ehc_plan: false, looked_after: false, sen: false, main_education: true, ...extra });

function filledDraft() {
  const draft = newDraft({ userId: 7, providerId: 3, providerName: "Bridge Centre", visitDate: "2026-11-20", visitType: "scheduled", frameworkVersion: "2025-2026", uuid: "u-1" });
  draft.judgements = { SG1: { rating: "met", evidence: "" }, SG2: { rating: "not_met", evidence: "No DBS seen" }, SG3: { rating: "", evidence: "typed, not yet judged" } };
  draft.theme_notes = { SG: "DSL knowledgeable" };
  draft.insufficient_reasons = { HS: "Site closed" };
  draft.strengths = "Calm lessons";
  draft.pupil_voice = "Pupils feel safe";
  draft.people_met = "The head";
  draft.pupils_seen = "12";
  draft.actions = [{ description: "Update the SCR", owner: "provider", due: "" }, { description: "Record the fire drill", owner: "authority", due: "2026-12-01" }];
  draft.action_outcomes = { 12: "done" };
  draft.action_notes = { 12: "Policy seen", 13: "  " };
  return draft;
}

test("a new draft becomes the API's JSON with every field, unjudged criteria left out", () => {
  assert.deepEqual(toPayload(filledDraft(), labels), {
    provider_id: 3,
    visit_date: "2026-11-20",
    visit_type: "scheduled",
    framework_version: "2025-2026",
    status: "submitted",
    people_met: "The head",
    pupils_seen: 12,
    judgements: [
      { criterion: "SG1", rating: "met", evidence: "" },
      { criterion: "SG2", rating: "not_met", evidence: "No DBS seen" },
    ],
    theme_notes: { SG: "DSL knowledgeable" },
    insufficient_reasons: { HS: "Site closed" },
    strengths: "Calm lessons",
    pupil_voice: "Pupils feel safe",
    actions: [
      { description: "Update the SCR", owner: "provider", due: null },
      { description: "Record the fire drill", owner: "authority", due: "2026-12-01" },
    ],
    action_outcomes: { 12: "done" },
    action_notes: { 12: "Policy seen" },
    registration_evidence: null,
  });
});

test("a server visit becomes a draft in step with its version, and goes back the same", () => {
  const visit = {
    uuid: "u-2",
    version: 4,
    provider_id: 3,
    provider_name: "Bridge Centre",
    visit_date: "2026-11-20",
    visit_type: "revisit",
    framework_version: "2025-2026",
    status: "returned",
    return_comment: "Add the evidence for HS4",
    people_met: "The head",
    pupils_seen: null,
    judgements: [{ criterion: "SG1", rating: "partly_met", evidence: "Two of three" }],
    theme_notes: {},
    insufficient_reasons: { HS: "Site closed" },
    strengths: "",
    pupil_voice: "Pupils feel safe",
    actions: [{ description: "Fix the gate", owner: "authority", due: "2027-01-31" }],
    action_outcomes: { 12: "done" },
    action_notes: { 12: "Policy seen" },
    registration_evidence: { pupil_count: 1, pupils: [{ ref: "P1", hours_per_week: 19.5, weeks_per_year: 38, daytime: true, ehc_plan: true, looked_after: false, sen: false, main_education: true }], sites: ["Hall"] },
  };
  const draft = draftFromVisit(visit, 7);
  assert.equal(draft.base_version, 4);
  assert.equal(draft.user_id, 7);
  assert.equal(draft.dirty, false);
  assert.equal(draft.return_comment, "Add the evidence for HS4");
  assert.deepEqual(draft.registration, { pupil_count: "1", pupils: [pupil("P1", "19.5", { weeks: "38", ehc_plan: true })], sites: "Hall" });
  const body = toPayload(draft, labels);
  for (const key of ["people_met", "pupils_seen", "pupil_voice", "insufficient_reasons", "action_outcomes", "action_notes", "actions", "registration_evidence", "judgements"]) {
    assert.deepEqual(body[key], visit[key], key);
  }
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

test("a judgement that needs evidence and has none stays on the tablet: left out of a draft sent, with its message", () => {
  const draft = filledDraft();
  draft.judgements.SG3 = { rating: "not_seen", evidence: "  " };
  draft.actions.push({ description: "", owner: "provider", due: "" }, { description: "Fix the gate", owner: "authority", due: "2026-11-01" });
  assert.deepEqual(localProblems(draft, labels), {
    "criterion.SG3": "Enter the evidence for SG3",
    "actions[2].description": "Describe the action",
    "actions[3].due": "An action cannot be due before the visit date",
  });
  const sent = toPayload(draft, labels, "draft");
  assert.equal(sent.status, "draft");
  assert.deepEqual(sent.judgements.map((j) => j.criterion), ["SG1", "SG2"]);
  assert.deepEqual(sent.actions.map((a) => [a.description, a.due]), [["Update the SCR", null], ["Record the fire drill", "2026-12-01"], ["Fix the gate", null]]);
  // Submitted, everything goes: the server is the judge of what blocks it.
  assert.equal(toPayload(draft, labels).judgements.length, 3);
});

test("the server's field paths become the form's keys, judgements by their criterion", () => {
  const payload = { judgements: [{ criterion: "SG1" }, { criterion: "HS4" }] };
  assert.deepEqual(fieldKeys(payload, { "judgements[1].evidence": "Enter the evidence for HS4", "criterion.QE1": "Judge QE1", visit_date: "is required" }), {
    "criterion.HS4": "Enter the evidence for HS4",
    "criterion.QE1": "Judge QE1",
    visit_date: "is required",
  });
});

test("a refused submission is a draft again, from the version the server has, with its messages", () => {
  const draft = filledDraft();
  const payload = toPayload(draft, labels);
  const row = { op_uuid: "k", uuid: "u-1", user_id: 7, base_version: 2, final_version: 3, payload, provider_name: "Bridge Centre", problem: { status: 400, fields: { "judgements[1].evidence": "Enter the evidence for SG2" } } };
  const back = draftFromRejected(row, labels);
  assert.equal(back.base_version, 3);
  assert.equal(back.dirty, true);
  assert.equal(back.status, "draft");
  assert.deepEqual(back.server_errors, { "criterion.SG2": "Enter the evidence for SG2" });
  assert.deepEqual(toPayload(back, labels), payload);
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


// -- School visits (docs/domain.md §2.7) --------------------------------------------------------

const P1 = "0b5b1f4e-1111-4aaa-8aaa-000000000001";
const P2 = "0b5b1f4e-2222-4aaa-8aaa-000000000002";

function schoolDraft() {
  const draft = newDraft({ userId: 7, schoolId: 5, schoolName: "Hill School", visitDate: "2026-11-20", visitType: "scheduled", frameworkVersion: "schools-2026-2027", uuid: "s-1" });
  draft.judgements = { PR1: { rating: "met", evidence: "" } };
  draft.placement_checks = { [P1]: { record_complete: "yes", provider_qa_when_placed: "", note: "  " }, [P2]: { record_complete: "", note: "" } };
  draft.actions = [{ description: "Record the reviews", owner: "", due: "" }];
  return draft;
}

test("a school draft sends its school and its placement checks, no provider and no registration check", () => {
  const payload = toPayload(schoolDraft(), labels);
  assert.equal(payload.school_id, 5);
  assert.equal("provider_id" in payload, false);
  assert.equal("registration_evidence" in payload, false);
  assert.deepEqual(payload.placement_checks, { [P1]: { record_complete: "yes" } });
  assert.equal(payload.actions[0].owner, "school");
  assert.equal(visitedName(schoolDraft()), "Hill School");
  assert.deepEqual(toPayload(schoolDraft(), labels, "draft").placement_checks, payload.placement_checks);
});

test("blank placement answers are left out, a note is kept", () => {
  assert.deepEqual(placementChecks({ [P1]: { record_complete: "no", note: "Plan missing" }, [P2]: { part_time_reviewed: "" } }), { [P1]: { record_complete: "no", note: "Plan missing" } });
});

test("a school visit's actions are the school's or the authority's", () => {
  const draft = schoolDraft();
  assert.deepEqual(ownerChoices(labels, draft).map((o) => o.code).sort(), ["authority", "school"]);
  assert.equal(ownerChoices(labels, filledDraft()).some((o) => o.code === "school"), false);
  assert.equal(defaultOwner(labels, draft), "school");
  assert.equal(defaultOwner(labels, filledDraft()), "provider");
});

test("a server school visit becomes a draft with its checks, and a rejected one keeps them", () => {
  const visit = { ...toPayload(schoolDraft(), labels), uuid: "s-1", version: 3, school_name: "Hill School", status: "draft" };
  const draft = draftFromVisit(visit, 7);
  assert.equal(draft.school_id, 5);
  assert.equal(draft.school_name, "Hill School");
  assert.equal(draft.provider_id, undefined);
  assert.deepEqual(draft.placement_checks, { [P1]: { record_complete: "yes" } });
  assert.deepEqual(toPayload(draft, labels).placement_checks, visit.placement_checks);
  assert.deepEqual(upgradeDraft(draft), draft);
  const row = { uuid: "s-1", user_id: 7, base_version: 3, payload: toPayload(schoolDraft(), labels), school_name: "Hill School", problem: { fields: { [`placement_checks.${P1}`]: "is not one of this school's placements on this visit" } } };
  const back = draftFromRejected(row, labels);
  assert.equal(back.school_id, 5);
  assert.equal(back.school_name, "Hill School");
  assert.deepEqual(back.placement_checks, { [P1]: { record_complete: "yes" } });
  assert.equal(back.server_errors[`placement_checks.${P1}`], "is not one of this school's placements on this visit");
  assert.equal(back.dirty, true);
});
