// The offline visit form: pick a provider from the bundle, judge each criterion, and
// submit into the outbox. Everything lives in IndexedDB, so the page works with no
// signal; the form is built here from the framework in the bundle (the page itself is
// an empty shell that the service worker caches).
import * as store from "./db.js";
import { changed, lastResult, startSync, syncNow } from "./sync.js";
import { mountPhotos, photosOf } from "./photos.js";
import { registrationTest } from "../registration-test.js";

const $ = (selector, root = document) => root.querySelector(selector);
const RATINGS = [
  ["met", "Met"],
  ["partly_met", "Partly met"],
  ["not_met", "Not met"],
  ["not_seen", "Not seen"],
];
const FLAGS = [
  ["daytime", "Daytime", true],
  ["ehc_plan", "EHC plan", false],
  ["looked_after", "Looked after", false],
  ["sen", "SEN", false],
  ["main_education", "Main education", true],
];
const RESULT_LABELS = {
  likely_must_register: "Likely must register",
  borderline: "Borderline: needs review",
  not_indicated: "Registration not indicated",
};
const BLANK_REGISTRATION = { pupil_count: "", pupils: [], sites: "" };
const form = $("[data-visit-form]");
let user = null;
let bundle = null;
let draft = null; // the draft open in the form, null once submitted
let saveTimer = null;
let submitting = false;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function problem(message) {
  const box = $("[data-offline-problem]");
  box.hidden = !message;
  $("[data-offline-problem-text]").textContent = message || "";
  if (message) box.focus();
}

const providerName = (id) => bundle?.providers.find((p) => p.id === id)?.name ?? `Provider ${id}`;
const visitLabel = (d) => `${d.provider_name || providerName(d.provider_id)}, ${d.visit_date}`;

// ---- The start screen: drafts, and a new visit for one of the officer's providers ----

async function showStart() {
  $("[data-offline-loading]").hidden = true;
  form.hidden = true;
  const start = $("[data-offline-start]");
  start.hidden = false;
  const drafts = $("[data-offline-drafts]");
  if (!user) {
    drafts.replaceChildren(el("li", {}, "Sign in while online to get this tablet ready: ", el("a", { class: "govuk-link", href: "/login?next=/offline/visit", text: "sign in" })));
    $("[data-start-form]").hidden = true;
    return;
  }
  const mine = await store.draftsFor(user.id);
  drafts.replaceChildren(
    ...(mine.length ? mine.map((d) => el("li", {}, el("a", { class: "govuk-link", href: `?visit=${d.uuid}`, text: visitLabel(d) }))) : [el("li", { text: "No drafts on this tablet." })]),
  );
  const select = $("#offline-provider");
  $("[data-start-form]").hidden = !bundle?.providers.length;
  $("[data-no-bundle]").hidden = Boolean(bundle);
  select.replaceChildren(...(bundle?.providers ?? []).map((p) => el("option", { value: p.id, text: `${p.name}, ${p.postcode}` })));
  $("#offline-date").value ||= new Date().toISOString().slice(0, 10);
}

async function startVisit(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  const providerId = Number(data.get("provider_id"));
  draft = {
    uuid: crypto.randomUUID(), // made here, so a visit started offline has its id at once
    user_id: user.id,
    provider_id: providerId,
    provider_name: providerName(providerId),
    visit_date: data.get("visit_date"),
    visit_type: data.get("visit_type"),
    framework_version: bundle.framework.name,
    base_version: null,
    judgements: {},
    theme_notes: {},
    strengths: "",
    actions: "",
    registration: BLANK_REGISTRATION,
  };
  try {
    await store.putDraft(draft);
  } catch (error) {
    return problem(store.storageProblem(error));
  }
  history.pushState(null, "", `?visit=${draft.uuid}`);
  openForm();
}

// ---- The visit form ----

function criterionField(criterion) {
  const name = `rating_${criterion.code}`;
  const radios = RATINGS.map(([value, label]) => {
    const id = `${name}_${value}`;
    return el("div", { class: "govuk-radios__item" }, el("input", { class: "govuk-radios__input", id, name, type: "radio", value }), el("label", { class: "govuk-label govuk-radios__label", for: id, text: label }));
  });
  const hint = `${criterion.critical ? "Critical. " : ""}${criterion.guidance}`;
  return el(
    "div",
    { class: "govuk-form-group app-criterion", id: `criterion-${criterion.code}`, "data-criterion": criterion.code },
    el("fieldset", { class: "govuk-fieldset" }, el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: `${criterion.code} ${criterion.text}` }), el("div", { class: "govuk-hint", text: hint }), el("p", { class: "govuk-error-message", hidden: true }), el("div", { class: "govuk-radios govuk-radios--small govuk-radios--inline" }, ...radios)),
    el("label", { class: "govuk-label", for: `evidence_${criterion.code}`, text: `Evidence for ${criterion.code}` }),
    el("textarea", { class: "govuk-textarea", id: `evidence_${criterion.code}`, name: `evidence_${criterion.code}`, rows: 2 }),
  );
}

function themeSection(theme) {
  return el(
    "section",
    { class: "app-offline-theme", "data-theme": theme.code },
    el("h2", { class: "govuk-heading-m", text: theme.name }),
    ...theme.criteria.map(criterionField),
    el("label", { class: "govuk-label", for: `note_${theme.code}`, text: `Notes on ${theme.name}` }),
    el("textarea", { class: "govuk-textarea", id: `note_${theme.code}`, name: `note_${theme.code}`, rows: 2 }),
  );
}

function fillForm() {
  for (const [code, judgement] of Object.entries(draft.judgements)) {
    const radio = form.querySelector(`input[name="rating_${code}"][value="${judgement.rating}"]`);
    if (radio) radio.checked = true;
    const evidence = form.elements[`evidence_${code}`];
    if (evidence) evidence.value = judgement.evidence || "";
  }
  for (const [code, note] of Object.entries(draft.theme_notes)) {
    if (form.elements[`note_${code}`]) form.elements[`note_${code}`].value = note;
  }
  form.elements.strengths.value = draft.strengths;
  form.elements.actions.value = draft.actions;
  const reg = draft.registration || BLANK_REGISTRATION;
  form.elements.pupil_count.value = reg.pupil_count;
  form.elements.sites.value = reg.sites;
  const pupils = reg.pupils.length ? reg.pupils : [{}];
  $("[data-pupils]").replaceChildren(...pupils.map(pupilRow));
  showRegistrationResult();
}

// ---- The registration check: pupils by reference only, as strings until the payload ----

function pupilRow(pupil, i) {
  const input = (key, label, attrs) => [el("label", { class: "govuk-label", for: `pupil-${key}-${i}`, text: label }), el("input", { class: "govuk-input govuk-input--width-5", id: `pupil-${key}-${i}`, name: `pupil-${key}-${i}`, value: pupil[key] ?? "", ...attrs })];
  const boxes = FLAGS.map(([flag, label, initial]) => el("div", { class: "govuk-checkboxes__item" }, el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: `pupil-${flag}-${i}`, name: `pupil-${flag}-${i}`, checked: pupil[flag] ?? initial }), el("label", { class: "govuk-label govuk-checkboxes__label", for: `pupil-${flag}-${i}`, text: label })));
  return el(
    "fieldset",
    { class: "govuk-fieldset govuk-form-group", "data-pupil": i },
    el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: `Pupil ${i + 1}` }),
    el("p", { class: "govuk-error-message", hidden: true }),
    ...input("ref", "Reference (never a name)", { maxlength: 20 }),
    ...input("hours", "Hours a week", { type: "number", min: 0, max: 60, step: "any", inputmode: "decimal" }),
    ...input("weeks", "Weeks a year", { type: "number", min: 0, max: 52, inputmode: "numeric", value: pupil.weeks ?? "38" }),
    el("div", { class: "govuk-checkboxes govuk-checkboxes--small" }, ...boxes),
  );
}

function readRegistration() {
  const value = (name) => form.elements[name].value.trim();
  const pupils = [...form.querySelectorAll("[data-pupil]")].map(({ dataset: { pupil: i } }) => ({
    ref: value(`pupil-ref-${i}`),
    hours: value(`pupil-hours-${i}`),
    weeks: value(`pupil-weeks-${i}`),
    ...Object.fromEntries(FLAGS.map(([flag]) => [flag, form.elements[`pupil-${flag}-${i}`].checked])),
  }));
  return { pupil_count: value("pupil_count"), pupils, sites: form.elements.sites.value };
}

/** The registration evidence of the visit's JSON, or null if nothing was entered. */
function registrationEvidence(reg = BLANK_REGISTRATION) {
  const pupils = reg.pupils
    .filter((p) => p.ref || p.hours)
    .map((p) => ({ ref: p.ref, hours_per_week: p.hours === "" ? null : Number(p.hours), weeks_per_year: p.weeks === "" ? 38 : Number(p.weeks), ...Object.fromEntries(FLAGS.map(([flag]) => [flag, p[flag]])) }));
  const sites = reg.sites.split("\n").map((line) => line.trim()).filter(Boolean);
  const count = reg.pupil_count === "" ? null : Number(reg.pupil_count);
  return count === null && !pupils.length && !sites.length ? null : { pupil_count: count, pupils, sites };
}

function showRegistrationResult() {
  const rules = bundle.registration_rules?.rules;
  const pupils = registrationEvidence(readRegistration())?.pupils ?? [];
  const result = rules && pupils.length ? RESULT_LABELS[registrationTest(pupils, rules).result] : "";
  $("[data-registration-result]").textContent = result;
}

/** The registration section's problems, as on the server: {element: message}. */
function registrationProblems() {
  const problems = new Map();
  const reg = draft.registration || BLANK_REGISTRATION;
  const refs = new Set();
  let listed = 0;
  reg.pupils.forEach((p, i) => {
    if (!p.ref && !p.hours) return;
    listed += 1;
    const hours = Number(p.hours);
    const weeks = p.weeks === "" ? 38 : Number(p.weeks);
    let message = "";
    if (!p.ref) message = "Give each pupil a reference such as P1 (never a name)";
    else if (refs.has(p.ref)) message = `${p.ref} is listed twice`;
    else if (p.hours === "" || !(hours >= 0 && hours <= 60)) message = `Enter the hours a week for ${p.ref}, from 0 to 60`;
    else if (!Number.isInteger(weeks) || weeks < 0 || weeks > 52) message = `Enter the weeks a year for ${p.ref}, a whole number from 0 to 52`;
    refs.add(p.ref);
    problems.set(form.querySelector(`[data-pupil="${i}"]`), message);
  });
  const count = reg.pupil_count === "" ? null : Number(reg.pupil_count);
  let countMessage = "";
  if (count !== null && !(Number.isInteger(count) && count >= 0)) countMessage = "Enter the number of pupils as a whole number";
  else if (count !== null && count !== listed) countMessage = `You said ${count} pupils but ${listed} are listed: list each pupil`;
  problems.set($("[data-pupil-count-group]"), countMessage);
  return problems;
}

function readForm() {
  const judgements = {};
  const notes = {};
  for (const theme of bundle.framework.themes) {
    for (const { code } of theme.criteria) {
      const rating = form.querySelector(`input[name="rating_${code}"]:checked`)?.value || "";
      const evidence = form.elements[`evidence_${code}`].value;
      if (rating || evidence) judgements[code] = { rating, evidence };
    }
    if (form.elements[`note_${theme.code}`].value) notes[theme.code] = form.elements[`note_${theme.code}`].value;
  }
  Object.assign(draft, { judgements, theme_notes: notes, strengths: form.elements.strengths.value, actions: form.elements.actions.value, registration: readRegistration() });
}

async function save() {
  clearTimeout(saveTimer);
  if (!draft || submitting) return;
  readForm();
  draft.saved_at = new Date().toISOString();
  try {
    await store.putDraft(draft);
    $("[data-save-state]").textContent = `Saved on this tablet at ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    problem(store.storageProblem(error));
  }
}

/** An existing visit from the server, taken onto the tablet to edit (online only). */
async function draftFromServer(uuid) {
  const response = await fetch(`/api/visits/${uuid}`, { headers: { Accept: "application/json" }, redirect: "manual" }).catch(() => null);
  if (!response?.ok) return null;
  const visit = await response.json();
  const judgements = Object.fromEntries(visit.judgements.map((j) => [j.criterion, { rating: j.rating, evidence: j.evidence }]));
  const fresh = { uuid, user_id: user.id, provider_id: visit.provider_id, provider_name: visit.provider_name, visit_date: visit.visit_date, visit_type: visit.visit_type, framework_version: visit.framework_version, base_version: visit.version, judgements, theme_notes: visit.theme_notes || {}, strengths: visit.strengths || "", actions: (visit.actions || []).map((a) => a.description).join("\n"), registration: registrationFromServer(visit.registration_evidence), server_copy: visit };
  await store.putDraft(fresh);
  return fresh;
}

function registrationFromServer(evidence) {
  if (!evidence) return BLANK_REGISTRATION;
  const pupils = (evidence.pupils || []).map((p) => ({ ref: p.ref, hours: String(p.hours_per_week), weeks: String(p.weeks_per_year), ...Object.fromEntries(FLAGS.map(([flag]) => [flag, p[flag]])) }));
  return { pupil_count: evidence.pupil_count == null ? "" : String(evidence.pupil_count), pupils, sites: (evidence.sites || []).join("\n") };
}

async function openForm() {
  const uuid = new URLSearchParams(location.search).get("visit");
  draft = await store.getDraft(uuid);
  if (draft && draft.user_id !== user?.id) draft = null; // another officer's: never shown
  if (!draft && user) draft = await draftFromServer(uuid);
  if (!draft) {
    history.replaceState(null, "", location.pathname);
    await showStart();
    return problem("That visit is not on this tablet. It may already be waiting to sync.");
  }
  $("[data-offline-loading]").hidden = true;
  $("[data-offline-start]").hidden = true;
  $("[data-visit-caption]").textContent = visitLabel(draft);
  $("[data-themes]").replaceChildren(...bundle.framework.themes.map(themeSection));
  fillForm();
  mountPhotos(form, draft, problem, changed);
  form.hidden = false;
  $("[data-save-state]").textContent = draft.saved_at ? "Saved on this tablet" : "";
  // One tab at a time on a draft: a second tab would race the first one's autosave.
  navigator.locks?.request(`draft-${uuid}`, { ifAvailable: true }, (lock) => {
    if (lock) return new Promise(() => {}); // held until this page closes
    form.querySelectorAll("input, textarea, button").forEach((field) => (field.disabled = true));
    draft = null;
    problem("This visit is open in another tab. Carry on there, or close that tab and reload this one.");
    return null;
  });
}

function check() {
  let first = null;
  let count = 0;
  for (const group of form.querySelectorAll("[data-criterion]")) {
    const judgement = draft.judgements[group.dataset.criterion] || {};
    let message = "";
    if (!judgement.rating) message = `Judge ${group.dataset.criterion}`;
    else if (judgement.rating !== "met" && !judgement.evidence?.trim()) message = `Enter the evidence for ${group.dataset.criterion}`;
    const error = $(".govuk-error-message", group);
    error.textContent = message;
    error.hidden = !message;
    group.classList.toggle("govuk-form-group--error", Boolean(message));
    if (message) count += 1;
    first ||= message ? group : null;
  }
  const registration = [];
  for (const [group, message] of registrationProblems()) {
    const error = $(".govuk-error-message", group);
    error.textContent = message;
    error.hidden = !message;
    group.classList.toggle("govuk-form-group--error", Boolean(message));
    if (message) registration.push(message);
    first ||= message ? group : null;
  }
  const messages = [];
  if (count) {
    const which = count === 1 ? "1 criterion needs" : `${count} criteria need`;
    messages.push(`${which} a judgement or evidence (evidence is needed for anything but Met).`);
  }
  if (registration.length) messages.push(`Registration check: ${registration.join("; ")}.`);
  if (messages.length) {
    problem(messages.join(" "));
    first.scrollIntoView();
  }
  return messages.length === 0;
}

// Fields of a server visit that this form does not edit: they go back unchanged.
const KEPT_FIELDS = ["people_met", "pupils_seen", "pupil_voice", "insufficient_reasons", "action_outcomes"];

function toPayload(d) {
  const kept = KEPT_FIELDS.filter((name) => d.server_copy?.[name] != null).map((name) => [name, d.server_copy[name]]);
  return {
    ...Object.fromEntries(kept),
    provider_id: d.provider_id,
    visit_date: d.visit_date,
    visit_type: d.visit_type,
    framework_version: d.framework_version,
    status: "submitted",
    judgements: Object.entries(d.judgements)
      .filter(([, j]) => j.rating)
      .map(([criterion, j]) => ({ criterion, rating: j.rating, evidence: j.evidence || "" })),
    theme_notes: d.theme_notes,
    registration_evidence: registrationEvidence(d.registration),
    strengths: d.strengths,
    actions: d.actions
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((description) => ({ description, owner: "provider", due: null })),
  };
}

async function submit(event) {
  event.preventDefault();
  if (submitting || !draft) return; // a double click submits once
  await save();
  if (!check()) return;
  submitting = true;
  if (event.submitter) event.submitter.disabled = true;
  try {
    await store.submitDraft(draft.uuid, toPayload);
  } catch (error) {
    submitting = false;
    return problem(store.storageProblem(error));
  }
  draft = null;
  submitting = false;
  problem("");
  history.replaceState(null, "", location.pathname);
  changed();
  await showStart();
  $("[data-sync-message]").textContent = "Visit submitted. It is waiting to sync.";
  syncNow();
}

// ---- The outbox: waiting, conflicts, rejections ----

async function showOutbox() {
  if (!user) return;
  const rows = await store.outboxFor(user.id);
  for (const row of rows) row.photos_waiting = (await photosOf(row.uuid)).length;
  $("[data-outbox-list]").replaceChildren(...rows.map(outboxItem));
  const message = {
    signed_out: "Sign in to sync. Nothing is lost: the visits stay on this tablet.",
    offline: "Offline. The visits will be sent when the tablet is back online.",
    server_error: "The server did not answer. The tablet will try again.",
  }[lastResult.state];
  if (message) $("[data-sync-message]").textContent = message;
  else if (lastResult.state === "done" && lastResult.sent) $("[data-sync-message]").textContent = `Synced: ${lastResult.sent} sent.`;
}

function outboxItem(row) {
  const label = visitLabel({ ...row.payload, provider_name: providerName(row.payload.provider_id) });
  if (row.state === "conflict") {
    const href = row.problem.conflict_id ? `/visits/${row.uuid}/conflicts/${row.problem.conflict_id}` : `/visits/${row.uuid}`;
    return el("li", { class: "app-offline-conflict", "data-conflict": row.uuid }, el("strong", { text: `Conflict: ${label}. ` }), "The visit changed on the server after you took your copy. Both copies are kept. ", el("a", { class: "govuk-link", href, text: "Compare the two and choose" }));
  }
  if (row.state === "rejected") {
    const fields = Object.values(row.problem.fields || {}).join("; ");
    return el("li", {}, el("strong", { text: `Not accepted: ${label}. ` }), `${row.problem.message || ""} ${fields}`);
  }
  const photos = row.photos_waiting ? `, ${row.photos_waiting} photo${row.photos_waiting === 1 ? "" : "s"} waiting` : "";
  return el("li", { "data-waiting": row.uuid, text: `${label}: waiting to sync${photos}${row.attempts ? ` (tried ${row.attempts} times)` : ""}` });
}

async function main() {
  try {
    user = await store.currentUser();
    bundle = user ? await store.bundleFor(user.id) : null;
  } catch (error) {
    $("[data-offline-loading]").hidden = true;
    return problem(store.storageProblem(error));
  }
  if (new URLSearchParams(location.search).get("visit") && bundle) await openForm();
  else await showStart();
  showOutbox();
  window.addEventListener("qa-offline-change", async () => {
    // The sync may have found a (new) officer or a new bundle: refresh what is shown.
    const before = user?.id;
    user = await store.currentUser();
    bundle = user ? await store.bundleFor(user.id) : null;
    if (user?.id !== before && draft) location.reload();
    if (!draft) await showStart();
    showOutbox();
  });
  startSync();
}

form.addEventListener("input", () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 300);
});
form.addEventListener("submit", submit);
form.addEventListener("change", (event) => {
  if (event.target.closest("[data-registration]")) showRegistrationResult();
});
form.addEventListener("input", (event) => {
  if (event.target.closest("[data-registration]")) showRegistrationResult();
});
$("[data-add-pupil]").addEventListener("click", () => {
  const i = form.querySelectorAll("[data-pupil]").length;
  $("[data-pupils]").append(pupilRow({}, i));
  $(`#pupil-ref-${i}`).focus();
  save();
});
window.addEventListener("pagehide", save);
window.addEventListener("popstate", () => location.reload());
$("[data-start-form]").addEventListener("submit", startVisit);
$("[data-sync-now]").addEventListener("click", () => syncNow());
main();
