// The visit form's draft and the API's visit JSON (docs/domain.md §3), both ways, and
// which field each error is about. Pure functions (no DOM, storage or fetch): Node tests
// them and the bench queues visits with them.
//
// A draft keeps what was typed, as typed (numbers stay strings), judgements by criterion
// code, and: user_id, base_version (the server version it is in step with; null if the
// server has not seen it), dirty, server_errors ({field key: message}) and conflict.
// `labels` is the bundle's `labels`: the words come from the server, never a copy here.

const WEEKS_IF_BLANK = 38; // the API's default for a pupil's weeks a year

/** An empty registration check, as the form holds it. */
export function blankRegistration() {
  return { pupil_count: "", pupils: [], sites: "" };
}

/** A new draft for one of the officer's providers, or (with schoolId) for a school they
 * visit. Its uuid is made on the tablet, so a visit started with no signal has its id at once. */
export function newDraft({ userId, providerId, providerName, schoolId = null, schoolName = "", visitDate, visitType, frameworkVersion, uuid = crypto.randomUUID() }) {
  return {
    uuid,
    user_id: userId,
    ...(schoolId ? { school_id: schoolId, school_name: schoolName, placement_checks: {} } : { provider_id: providerId, provider_name: providerName }),
    visit_date: visitDate,
    visit_type: visitType,
    framework_version: frameworkVersion,
    status: "draft",
    base_version: null,
    dirty: true,
    people_met: "",
    pupils_seen: "",
    judgements: {},
    theme_notes: {},
    insufficient_reasons: {},
    strengths: "",
    pupil_voice: "",
    actions: [],
    action_outcomes: {},
    action_notes: {},
    registration: blankRegistration(),
    server_errors: {},
    conflict: null,
  };
}

/** A draft kept by an earlier version of the form (actions one a line, fewer fields) in
 * today's shape; a draft already in it comes back the same. */
export function upgradeDraft(draft) {
  const blank = newDraft({ uuid: draft.uuid, userId: draft.user_id, providerId: draft.provider_id, providerName: draft.provider_name, schoolId: draft.school_id, schoolName: draft.school_name, visitDate: draft.visit_date, visitType: draft.visit_type, frameworkVersion: draft.framework_version });
  const actions = typeof draft.actions === "string" ? draft.actions.split("\n").map((line) => line.trim()).filter(Boolean).map((description) => ({ description, owner: "", due: "" })) : draft.actions;
  return { ...blank, dirty: draft.base_version == null, ...draft, actions: actions ?? [], registration: draft.registration ?? blank.registration, server_errors: draft.server_errors ?? {} };
}

/** The draft of a visit as the server holds it (GET /api/visits/<uuid>, or the bundle). */
export function draftFromVisit(visit, userId) {
  return {
    ...newDraft({
      uuid: visit.uuid,
      userId,
      providerId: visit.provider_id,
      providerName: visit.provider_name,
      schoolId: visit.school_id,
      schoolName: visit.school_name,
      visitDate: visit.visit_date,
      visitType: visit.visit_type,
      frameworkVersion: visit.framework_version,
    }),
    status: visit.status,
    return_comment: visit.return_comment || "",
    base_version: visit.version ?? null,
    dirty: false,
    people_met: visit.people_met || "",
    pupils_seen: visit.pupils_seen == null ? "" : String(visit.pupils_seen),
    judgements: Object.fromEntries((visit.judgements || []).map((j) => [j.criterion, { rating: j.rating, evidence: j.evidence || "" }])),
    theme_notes: { ...(visit.theme_notes || {}) },
    insufficient_reasons: { ...(visit.insufficient_reasons || {}) },
    strengths: visit.strengths || "",
    pupil_voice: visit.pupil_voice || "",
    actions: (visit.actions || []).map((a) => ({ description: a.description, owner: a.owner, due: a.due || "" })),
    action_outcomes: Object.fromEntries(Object.entries(visit.action_outcomes || {}).filter(([, v]) => v)),
    action_notes: { ...(visit.action_notes || {}) },
    registration: registrationFromEvidence(visit.registration_evidence),
    ...(visit.school_id ? { placement_checks: structuredClone(visit.placement_checks || {}) } : {}),
  };
}

/** Who the draft visits, by name: its provider or its school. */
export const visitedName = (draft) => (draft.school_id ? draft.school_name : draft.provider_name);

/** A rejected submission made a draft again, with the server's messages beside its fields. */
export function draftFromRejected(row, labels) {
  const problem = row.problem || {};
  const draft = draftFromVisit({ ...row.payload, uuid: row.uuid, version: row.final_version ?? row.base_version, status: "draft" }, row.user_id);
  return { ...draft, ...(draft.school_id ? { school_name: row.school_name } : { provider_name: row.provider_name }), dirty: true, server_errors: fieldKeys(row.payload, problem.fields || {}, labels) };
}

const needsEvidence = (labels) => new Set(labels.ratings.filter((r) => r.evidence_required).map((r) => r.code));

/** What the tablet itself can see is wrong, as {field key: message}: a judgement that
 * needs evidence and has none, an action with no description. Such parts stay on the
 * tablet and are left out of what is sent as a draft. */
export function localProblems(draft, labels) {
  const problems = {};
  const evidence = needsEvidence(labels);
  for (const [code, j] of Object.entries(draft.judgements)) {
    if (j.rating && evidence.has(j.rating) && !j.evidence.trim()) problems[`criterion.${code}`] = `Enter the evidence for ${code}`;
  }
  draft.actions.forEach((action, i) => {
    if (!action.description.trim()) problems[`actions[${i}].description`] = "Describe the action";
    else if (action.due && draft.visit_date && action.due < draft.visit_date) problems[`actions[${i}].due`] = "An action cannot be due before the visit date";
  });
  if (draft.pupils_seen !== "" && !/^\d+$/.test(draft.pupils_seen.trim())) problems.pupils_seen = "Enter the number of pupils seen as a whole number";
  const registration = registrationProblems(draft.registration);
  registration.pupils.forEach((message, i) => {
    if (message) problems[`registration_evidence.pupils[${i}]`] = message;
  });
  if (registration.pupil_count) problems["registration_evidence.pupil_count"] = registration.pupil_count;
  return problems;
}

/** The body of PUT /api/visits/<uuid>. As a "draft" it leaves out what localProblems
 * finds, so everything valid still reaches the server; "submitted" sends it all. */
export function toPayload(draft, labels, status = "submitted") {
  const problems = status === "draft" ? localProblems(draft, labels) : {};
  const pupilsSeen = draft.pupils_seen.trim();
  const visited = draft.school_id ? { school_id: draft.school_id, placement_checks: placementChecks(draft.placement_checks) } : { provider_id: draft.provider_id };
  const body = {
    ...visited,
    visit_date: draft.visit_date,
    visit_type: draft.visit_type,
    framework_version: draft.framework_version,
    status,
    people_met: draft.people_met,
    pupils_seen: pupilsSeen === "" || problems.pupils_seen ? null : Number(pupilsSeen),
    judgements: Object.entries(draft.judgements)
      .filter(([code, j]) => j.rating && !problems[`criterion.${code}`])
      .map(([criterion, j]) => ({ criterion, rating: j.rating, evidence: j.evidence })),
    theme_notes: draft.theme_notes,
    insufficient_reasons: draft.insufficient_reasons,
    strengths: draft.strengths,
    pupil_voice: draft.pupil_voice,
    actions: draft.actions
      .map((a, i) => ({ description: a.description, owner: a.owner || defaultOwner(labels, draft), due: a.due && !problems[`actions[${i}].due`] ? a.due : null }))
      .filter((_, i) => !problems[`actions[${i}].description`]),
    action_outcomes: draft.action_outcomes,
    action_notes: Object.fromEntries(Object.entries(draft.action_notes || {}).filter(([, v]) => v.trim())),
  };
  // A school visit has no registration check (docs/domain.md §2.7).
  if (!draft.school_id) body.registration_evidence = registrationEvidence(status === "draft" ? validRegistration(draft.registration) : draft.registration);
  return body;
}

/** A school visit's placement checks as the API takes them: blank answers left out. */
export function placementChecks(checks = {}) {
  const sent = {};
  for (const [uuid, answers] of Object.entries(checks)) {
    const given = Object.fromEntries(Object.entries(answers).filter(([, value]) => value?.trim()));
    if (Object.keys(given).length) sent[uuid] = given;
  }
  return sent;
}

/** The registration check less the pupils with a problem (and a count that disagrees). */
function validRegistration(registration) {
  const problems = registrationProblems(registration);
  return {
    pupil_count: problems.pupil_count ? "" : registration.pupil_count,
    pupils: registration.pupils.filter((_, i) => !problems.pupils[i]),
    sites: registration.sites,
  };
}

/** Who may own an action: the school or the authority on a school visit, else the provider or the authority. */
export function ownerChoices(labels, draft = {}) {
  return labels.action_owners.filter((o) => (draft.school_id ? o.code !== "provider" : o.code !== "school"));
}

/** The owner a new action starts with: the school on a school visit, else the bundle's default. */
export function defaultOwner(labels, draft = {}) {
  if (draft.school_id) return "school";
  return labels.action_owners.find((o) => o.default)?.code ?? labels.action_owners[0].code;
}

/** The server's field paths (judgements[2].evidence) as the form's field keys
 * (criterion.SG1), counting judgements as `payload` listed them. */
export function fieldKeys(payload, fields) {
  const keys = {};
  for (const [path, message] of Object.entries(fields)) {
    const judged = /^judgements\[(\d+)\]/.exec(path);
    const code = judged && payload.judgements?.[Number(judged[1])]?.criterion;
    keys[code ? `criterion.${code}` : path] ??= message;
  }
  return keys;
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
