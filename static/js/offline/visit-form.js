// The offline visit form: pick a provider from the bundle, judge each criterion, and
// submit into the outbox. Everything lives in IndexedDB, so the page works with no
// signal; the form is built here from the framework and labels in the bundle (the page
// itself is an empty shell that the service worker caches). payload.js turns the draft
// into the API's JSON and back.
import * as api from "./api.js";
import * as store from "./db.js";
import { changed, el, onChange, plural, storageProblem, syncMessage } from "./page.js";
import { blankRegistration, draftFromVisit, judgementProblems, newDraft, registrationEvidence, registrationProblems, toPayload } from "./payload.js";
import { mountPhotos } from "./photos.js";
import { lastResult, startSync, syncNow } from "./sync.js";
import { registrationTest } from "../registration-test.js";

const $ = (selector, root = document) => root.querySelector(selector);
const form = $("[data-visit-form]");
let user = null;
let bundle = null;
let draft = null; // the draft open in the form, null once submitted
let saveTimer = null;
let submitting = false;

/** Show the error summary with `message` ("" hides it). */
function problem(message) {
  const box = $("[data-offline-problem]");
  box.hidden = !message;
  $("[data-offline-problem-text]").textContent = message || "";
  if (message) box.focus();
}

const providerName = (id) => bundle?.providers.find((p) => p.id === id)?.name ?? `Provider ${id}`;
const visitLabel = (d) => `${d.provider_name || providerName(d.provider_id)}, ${d.visit_date}`;
const label = (list, code) => list.find((item) => item.code === code)?.label ?? code;

/** The signed-in officer and their bundle. A bundle from before the bundle carried the
 * form's labels counts as none, until the next sync replaces it. */
async function load() {
  user = await store.currentUser();
  const stored = user ? await store.bundleFor(user.id) : null;
  bundle = stored?.labels ? stored : null;
}

// ---- The start screen: drafts, and a new visit for one of the officer's providers ----

/** Replace a select's options, keeping the choice made if it is still there. */
function fillSelect(select, options) {
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, text]) => el("option", { value, text })));
  if (options.some(([value]) => String(value) === chosen)) select.value = chosen;
}

/** The start screen: the officer's drafts, and the form to start a visit. */
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
  $("[data-start-form]").hidden = !bundle?.providers.length;
  $("[data-no-bundle]").hidden = Boolean(bundle);
  fillSelect($("#offline-provider"), (bundle?.providers ?? []).map((p) => [p.id, `${p.name}, ${p.postcode}`]));
  fillSelect($("#offline-type"), (bundle?.labels.visit_types ?? []).map((t) => [t.code, t.label]));
  $("#offline-date").value ||= new Date().toISOString().slice(0, 10);
}

/** Start a draft for the chosen provider and open it. */
async function startVisit(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  const providerId = Number(data.get("provider_id"));
  draft = newDraft({
    userId: user.id,
    providerId,
    providerName: providerName(providerId),
    visitDate: data.get("visit_date"),
    visitType: data.get("visit_type"),
    frameworkVersion: bundle.framework.name,
  });
  try {
    await store.putDraft(draft);
  } catch (error) {
    return problem(storageProblem(error));
  }
  history.pushState(null, "", `?visit=${draft.uuid}`);
  openForm();
}

// ---- The visit form ----

/** A criterion's ratings (from the bundle's labels) and its evidence box. */
function criterionField(criterion) {
  const name = `rating_${criterion.code}`;
  const radios = bundle.labels.ratings.map(({ code: value, label: text }) => {
    const id = `${name}_${value}`;
    return el("div", { class: "govuk-radios__item" }, el("input", { class: "govuk-radios__input", id, name, type: "radio", value }), el("label", { class: "govuk-label govuk-radios__label", for: id, text }));
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

/** A theme's criteria and its notes box. */
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

/** Put the open draft into the form's fields. */
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
  const reg = draft.registration || blankRegistration();
  form.elements.pupil_count.value = reg.pupil_count;
  form.elements.sites.value = reg.sites;
  const pupils = reg.pupils.length ? reg.pupils : [{}];
  $("[data-pupils]").replaceChildren(...pupils.map(pupilRow));
  showRegistrationResult();
}

// ---- The registration check: pupils by reference only, as strings until the payload ----

/** Row `i` of the registration check: reference, hours, weeks and the pupil flags. */
function pupilRow(pupil, i) {
  const input = (key, text, attrs) => [el("label", { class: "govuk-label", for: `pupil-${key}-${i}`, text }), el("input", { class: "govuk-input govuk-input--width-5", id: `pupil-${key}-${i}`, name: `pupil-${key}-${i}`, value: pupil[key] ?? "", ...attrs })];
  const boxes = bundle.labels.pupil_flags.map(({ code, label: text, default: initial }) => el("div", { class: "govuk-checkboxes__item" }, el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: `pupil-${code}-${i}`, name: `pupil-${code}-${i}`, checked: pupil[code] ?? initial }), el("label", { class: "govuk-label govuk-checkboxes__label", for: `pupil-${code}-${i}`, text })));
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

/** The registration check as typed, strings and all. */
function readRegistration() {
  const value = (name) => form.elements[name].value.trim();
  const pupils = [...form.querySelectorAll("[data-pupil]")].map(({ dataset: { pupil: i } }) => ({
    ref: value(`pupil-ref-${i}`),
    hours: value(`pupil-hours-${i}`),
    weeks: value(`pupil-weeks-${i}`),
    ...Object.fromEntries(bundle.labels.pupil_flags.map(({ code }) => [code, form.elements[`pupil-${code}-${i}`].checked])),
  }));
  return { pupil_count: value("pupil_count"), pupils, sites: form.elements.sites.value };
}

/** The registration test's result as the officer types (the bundle's rules and labels). */
function showRegistrationResult() {
  const rules = bundle.registration_rules?.rules;
  const pupils = registrationEvidence(readRegistration())?.pupils ?? [];
  const result = rules && pupils.length ? label(bundle.labels.registration_results, registrationTest(pupils, rules).result) : "";
  $("[data-registration-result]").textContent = result;
}

/** Read the form's fields into the open draft. */
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

/** Autosave the open draft to the tablet. */
async function save() {
  clearTimeout(saveTimer);
  if (!draft || submitting) return;
  readForm();
  draft.saved_at = new Date().toISOString();
  try {
    await store.putDraft(draft);
    $("[data-save-state]").textContent = `Saved on this tablet at ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    problem(storageProblem(error));
  }
}

/** An existing visit from the server, taken onto the tablet to edit (online only). */
async function draftFromServer(uuid) {
  const answer = await api.visit(uuid);
  if (!answer.ok) return null;
  const fresh = draftFromVisit(answer.body, user.id);
  await store.putDraft(fresh);
  return fresh;
}

/** Open the draft named in the address (?visit=uuid), from the tablet or the server. */
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
  mountPhotos(form, draft, problem);
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

/** Mark a form group with its problem ("" clears it); true when there is one. */
function mark(group, message) {
  const error = $(".govuk-error-message", group);
  error.textContent = message;
  error.hidden = !message;
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  return Boolean(message);
}

/** The page's own check before submitting, as the server's rules: true when it passes. */
function check() {
  const marked = [];
  const criteria = judgementProblems(draft.judgements, bundle.framework, bundle.labels);
  let count = 0;
  for (const group of form.querySelectorAll("[data-criterion]")) {
    if (mark(group, criteria[group.dataset.criterion] ?? "")) {
      count += 1;
      marked.push(group);
    }
  }
  const registration = registrationProblems(draft.registration);
  const groups = registration.pupils.map((message, i) => [form.querySelector(`[data-pupil="${i}"]`), message]);
  groups.push([$("[data-pupil-count-group]"), registration.pupil_count]);
  const found = [];
  for (const [group, message] of groups) {
    if (group && mark(group, message)) {
      found.push(message);
      marked.push(group);
    }
  }
  const messages = [];
  if (count) {
    const which = count === 1 ? "1 criterion needs" : `${count} criteria need`;
    messages.push(`${which} a judgement or evidence (evidence is needed for anything but Met).`);
  }
  if (found.length) messages.push(`Registration check: ${found.join("; ")}.`);
  if (messages.length) {
    problem(messages.join(" "));
    marked[0].scrollIntoView();
  }
  return messages.length === 0;
}

/** Check the draft and move it into the outbox, then sync. */
async function submit(event) {
  event.preventDefault();
  if (submitting || !draft) return; // a double click submits once
  await save();
  if (!check()) return;
  submitting = true;
  if (event.submitter) event.submitter.disabled = true;
  try {
    await store.submitDraft(draft.uuid, (d) => toPayload(d, bundle.labels));
  } catch (error) {
    submitting = false;
    return problem(storageProblem(error));
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

/** The officer's rows waiting to sync, and what the last sync said. */
async function showOutbox() {
  if (!user) return;
  const rows = await store.outboxFor(user.id);
  for (const row of rows) row.photos_waiting = (await store.photosOf(row.uuid)).length;
  $("[data-outbox-list]").replaceChildren(...rows.map(outboxItem));
  const message = syncMessage(lastResult);
  if (message) $("[data-sync-message]").textContent = message;
}

/** One outbox row: waiting, a conflict to resolve, or not accepted. */
function outboxItem(row) {
  const caption = visitLabel({ ...row.payload, provider_name: providerName(row.payload.provider_id) });
  if (row.state === "conflict") {
    const href = row.problem.conflict_id ? `/visits/${row.uuid}/conflicts/${row.problem.conflict_id}` : `/visits/${row.uuid}`;
    return el("li", { class: "app-offline-conflict", "data-conflict": row.uuid }, el("strong", { text: `Conflict: ${caption}. ` }), "The visit changed on the server after you took your copy. Both copies are kept. ", el("a", { class: "govuk-link", href, text: "Compare the two and choose" }));
  }
  if (row.state === "rejected") {
    const fields = Object.values(row.problem.fields || {}).join("; ");
    return el("li", {}, el("strong", { text: `Not accepted: ${caption}. ` }), `${row.problem.message || ""} ${fields}`);
  }
  const photos = row.photos_waiting ? `, ${plural(row.photos_waiting, "photo")} waiting` : "";
  return el("li", { "data-waiting": row.uuid, text: `${caption}: waiting to sync${photos}${row.attempts ? ` (tried ${row.attempts} times)` : ""}` });
}

/** Load the officer and bundle, show the form or the start screen, and start syncing. */
async function main() {
  try {
    await load();
  } catch (error) {
    $("[data-offline-loading]").hidden = true;
    return problem(storageProblem(error));
  }
  if (new URLSearchParams(location.search).get("visit") && bundle) await openForm();
  else await showStart();
  showOutbox();
  onChange(async () => {
    // The sync may have found a (new) officer or a new bundle: refresh what is shown.
    const before = user?.id;
    await load();
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
