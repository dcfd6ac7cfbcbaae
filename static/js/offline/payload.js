// The offline form's draft and the API's visit JSON (DESIGN.md section 3), both ways, and
// the checks the page makes before a draft may be submitted. Pure functions: no DOM, no
// storage, no fetch, so that Node tests them and the bench queues visits with them.
//
// A draft keeps what the officer typed, as typed: numbers stay strings, actions are one a
// line, until toPayload makes the API's JSON. A draft of a visit taken from the server
// keeps that copy (`server_copy`) for the fields this form does not edit.
//
// `labels` is the bundle's `labels` (qa_app/offline/bundle.py): the ratings, the action
// owners and the pupil flags come from the server, never from a copy kept here.

// Fields of a server visit that this form does not edit: they go back unchanged.
const KEPT_FIELDS = ["people_met", "pupils_seen", "pupil_voice", "insufficient_reasons", "action_outcomes"];
const WEEKS_IF_BLANK = 38; // the API's default for a pupil's weeks a year

/** An empty registration check, as the form holds it. */
export function blankRegistration() {
  return { pupil_count: "", pupils: [], sites: "" };
}

/** A new draft for one of the officer's providers. Its uuid is made on the tablet, so a
 * visit started with no signal has its id at once. */
export function newDraft({ userId, providerId, providerName, visitDate, visitType, frameworkVersion, uuid = crypto.randomUUID() }) {
  return {
    uuid,
    user_id: userId,
    provider_id: providerId,
    provider_name: providerName,
    visit_date: visitDate,
    visit_type: visitType,
    framework_version: frameworkVersion,
    base_version: null,
    judgements: {},
    theme_notes: {},
    strengths: "",
    actions: "",
    registration: blankRegistration(),
  };
}

/** The draft of a visit fetched from the server (GET /api/visits/<uuid>), to edit here. */
export function draftFromVisit(visit, userId) {
  return {
    uuid: visit.uuid,
    user_id: userId,
    provider_id: visit.provider_id,
    provider_name: visit.provider_name,
    visit_date: visit.visit_date,
    visit_type: visit.visit_type,
    framework_version: visit.framework_version,
    base_version: visit.version,
    judgements: Object.fromEntries(visit.judgements.map((j) => [j.criterion, { rating: j.rating, evidence: j.evidence }])),
    theme_notes: visit.theme_notes || {},
    strengths: visit.strengths || "",
    actions: (visit.actions || []).map((a) => a.description).join("\n"),
    registration: registrationFromEvidence(visit.registration_evidence),
    server_copy: visit,
  };
}

/** The body of PUT /api/visits/<uuid> for a submitted draft. */
export function toPayload(draft, labels) {
  const server = draft.server_copy;
  const kept = KEPT_FIELDS.filter((name) => server?.[name] != null).map((name) => [name, server[name]]);
  return {
    ...Object.fromEntries(kept),
    provider_id: draft.provider_id,
    visit_date: draft.visit_date,
    visit_type: draft.visit_type,
    framework_version: draft.framework_version,
    status: "submitted",
    judgements: Object.entries(draft.judgements)
      .filter(([, j]) => j.rating)
      .map(([criterion, j]) => ({ criterion, rating: j.rating, evidence: j.evidence || "" })),
    theme_notes: draft.theme_notes,
    registration_evidence: registrationEvidence(draft.registration),
    strengths: draft.strengths,
    actions: actionsPayload(draft.actions, server?.actions, labels),
  };
}

/** One action a line. A line that is an action of the server's copy keeps its owner and
 * due date (this form does not edit them); a new line gets the default owner. */
function actionsPayload(text, serverActions = [], labels) {
  const before = new Map(serverActions.map((action) => [action.description, action]));
  const owner = labels.action_owners.find((o) => o.default).code;
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((description) => ({ description, owner: before.get(description)?.owner ?? owner, due: before.get(description)?.due ?? null }));
}

/** The registration evidence of the visit's JSON, or null if nothing was entered. */
export function registrationEvidence(registration = blankRegistration()) {
  const pupils = registration.pupils
    .filter((p) => p.ref || p.hours)
    .map(({ ref, hours, weeks, ...flags }) => ({
      ref,
      hours_per_week: hours === "" ? null : Number(hours),
      weeks_per_year: weeks === "" ? WEEKS_IF_BLANK : Number(weeks),
      ...flags,
    }));
  const sites = registration.sites
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const count = registration.pupil_count === "" ? null : Number(registration.pupil_count);
  return count === null && !pupils.length && !sites.length ? null : { pupil_count: count, pupils, sites };
}

/** The form's registration check from the visit's JSON (null: nothing entered yet). */
export function registrationFromEvidence(evidence) {
  if (!evidence) return blankRegistration();
  const pupils = (evidence.pupils || []).map(({ ref, hours_per_week: hours, weeks_per_year: weeks, ...flags }) => ({
    ref,
    hours: String(hours),
    weeks: String(weeks),
    ...flags,
  }));
  return { pupil_count: evidence.pupil_count == null ? "" : String(evidence.pupil_count), pupils, sites: (evidence.sites || []).join("\n") };
}

/** What stops each criterion of the framework being submitted: {code: message}, "" when
 * nothing does. Every criterion is judged; a rating that needs evidence has some. */
export function judgementProblems(judgements, framework, labels) {
  const needsEvidence = new Set(labels.ratings.filter((r) => r.evidence_required).map((r) => r.code));
  const problems = {};
  for (const theme of framework.themes) {
    for (const { code } of theme.criteria) {
      const judgement = judgements[code] || {};
      problems[code] = "";
      if (!judgement.rating) problems[code] = `Judge ${code}`;
      else if (needsEvidence.has(judgement.rating) && !judgement.evidence?.trim()) problems[code] = `Enter the evidence for ${code}`;
    }
  }
  return problems;
}

/** The registration check's problems, in the server's words: {pupils: [message for each
 * row, "" when fine], pupil_count: message}. Blank rows are ignored, as on the server. */
export function registrationProblems(registration = blankRegistration()) {
  const refs = new Set();
  let listed = 0;
  const pupils = registration.pupils.map((p) => {
    if (!p.ref && !p.hours) return "";
    listed += 1;
    const hours = Number(p.hours);
    const weeks = p.weeks === "" ? WEEKS_IF_BLANK : Number(p.weeks);
    let message = "";
    if (!p.ref) message = "Give each pupil a reference such as P1 (never a name)";
    else if (refs.has(p.ref)) message = `${p.ref} is listed twice`;
    else if (p.hours === "" || !(hours >= 0 && hours <= 60)) message = `Enter the hours a week for ${p.ref}, from 0 to 60`;
    else if (!Number.isInteger(weeks) || weeks < 0 || weeks > 52) message = `Enter the weeks a year for ${p.ref}, a whole number from 0 to 52`;
    refs.add(p.ref);
    return message;
  });
  const count = registration.pupil_count === "" ? null : Number(registration.pupil_count);
  let countMessage = "";
  if (count !== null && !(Number.isInteger(count) && count >= 0)) countMessage = "Enter the number of pupils as a whole number";
  else if (count !== null && count !== listed) countMessage = `You said ${count} pupils but ${listed} are listed: list each pupil`;
  return { pupils, pupil_count: countMessage };
}
