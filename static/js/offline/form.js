// The visit form, drawn in the browser from IndexedDB: the one form an officer uses,
// online and offline. Online, a server page of a visit this officer may change carries
// the mount point ([data-visit-app data-visit-uuid]); offline, the service worker answers
// with the cached shell and the address names the visit and section. Every change is
// saved on the tablet and, with a signal, sent as a draft (If-Match, a fresh
// Idempotency-Key); a part the server would refuse stays here with its message.
import * as api from "./api.js";
import * as store from "./db.js";
import { check, themesShown } from "./check.js";
import { showErrors } from "./fields.js";
import { el, onChange, storageProblem } from "./page.js";
import { defaultOwner, draftFromRejected, fieldKeys, localProblems, toPayload, upgradeDraft } from "./payload.js";
import { mountPhotos } from "./photos.js";
import * as sections from "./sections.js";
import { visitsList } from "./visits-list.js";
import { syncNow } from "./sync.js";

const mount = document.querySelector("[data-visit-app]");
const CASEWORK = new Set(["officer", "head_of_access"]);
const VISIT_PATH = /^\/visits\/([0-9a-f-]{36})(?:\/(details|registration|placements|strengths|actions|previous-actions|check|themes\/([A-Z]{2})))?\/?$/;
const state = { user: null, bundle: null, draft: null, saveTimer: null, pushing: null, again: false, token: null };

/** The visit and section named by the address (no uuid: the list of visits). */
function where() {
  const found = VISIT_PATH.exec(location.pathname);
  if (!found) return { uuid: null };
  const [, uuid, section = "", theme] = found;
  return { uuid, section: theme ? "theme" : section || "tasks", theme };
}

/** Everything a section is drawn from. */
function context() {
  const { draft, bundle } = state;
  const framework = bundle.frameworks?.[draft.framework_version] || bundle.framework;
  const provider = bundle.providers.find((p) => p.id === draft.provider_id);
  // A school visit's placements: its own once the server has it, else those of a visit today.
  const schoolOf = draft.school_id ? (bundle.schools || []).find((s) => s.id === draft.school_id) : null;
  const school = draft.school_id ? { placements: (bundle.visits || []).find((v) => v.uuid === draft.uuid)?.placements ?? schoolOf?.placements ?? [], checks: bundle.labels.placement_checks } : null;
  let notice = "";
  if (draft.conflict) {
    const href = draft.conflict.conflict_id ? `/visits/${draft.uuid}/conflicts/${draft.conflict.conflict_id}` : `/visits/${draft.uuid}`;
    notice = el("div", { class: "govuk-warning-text", "data-conflict": draft.uuid }, el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true", text: "!" }), el("strong", { class: "govuk-warning-text__text" }, "This visit changed on the server after the tablet took its copy. Both copies are kept. ", el("a", { class: "govuk-link", href, text: "Compare the copies and choose" })));
  } else if (draft.status === "returned" && draft.return_comment) {
    notice = el("div", { class: "govuk-inset-text", "data-return-comment": true }, el("strong", { text: "Returned by the Head of Access: " }), draft.return_comment);
  }
  const errors = { ...localProblems(draft, bundle.labels), ...draft.server_errors };
  const ctx = { draft, bundle, framework, labels: bundle.labels, previous: (schoolOf || provider)?.open_actions || [], school, errors, notice };
  return { ...ctx, ratings: themesShown(ctx) };
}

/** Draw the section the address names. */
async function render() {
  const place = where();
  if (!place.uuid || !state.draft || state.draft.uuid !== place.uuid) state.draft = place.uuid ? await openDraft(place.uuid) : null;
  if (!state.draft && state.busy === place.uuid) {
    mount.replaceChildren(el("h1", { class: "govuk-heading-l", text: "This visit is open in another tab" }), el("p", { class: "govuk-body", "data-open-elsewhere": true, text: "Carry on there, or close that tab and reload this one." }));
    return finishRender();
  }
  if (!state.draft) {
    mount.replaceChildren(...(await visitsList(state, place.uuid)));
    return finishRender();
  }
  const ctx = context();
  const draw = { tasks: sections.taskList, details: sections.details, registration: sections.registration, placements: sections.placements, strengths: sections.strengths, actions: sections.actions, "previous-actions": sections.previousActions, check };
  const parts = place.section === "theme" ? sections.theme(ctx, place.theme) : (draw[place.section] || sections.notFound)(ctx);
  mount.replaceChildren(...parts, el("p", { class: "govuk-body-s", "data-save-state": true, role: "status", text: state.draft.saved_at ? "Saved on this tablet" : "" }));
  const themeForm = mount.querySelector("[data-theme-form]");
  if (themeForm) mountPhotos(themeForm, state.draft, (message) => message && alertProblem(message));
  if (state.draft.dirty) push();
  document.title = `${mount.querySelector("h1")?.textContent || "Visit"} – ${document.title.split(" – ").slice(1).join(" – ") || "Visits"}`;
  finishRender();
}

/** Focus the error summary, if the page has one. */
function finishRender() {
  mount.hidden = false;
  mount.querySelector("[data-error-summary]")?.focus();
}

/** Show a problem (storage, a photo) at the top of the form. */
function alertProblem(message) {
  mount.prepend(el("div", { class: "govuk-error-summary", tabindex: "-1", role: "alert" }, el("h2", { class: "govuk-error-summary__title", text: "There is a problem" }), el("div", { class: "govuk-error-summary__body" }, el("p", { class: "govuk-body", text: message }))));
}

/** The draft with this uuid on the tablet, this officer's only; null while it is open in
 * another tab (two tabs would race each other's autosave). */
async function openDraft(uuid) {
  const stored = await store.getDraft(uuid);
  if (!stored || stored.user_id !== state.user.id) return null;
  const draft = upgradeDraft(stored);
  if (!navigator.locks || state.locked === uuid) return draft;
  const held = await new Promise((resolve) => {
    navigator.locks.request(`draft-${uuid}`, { ifAvailable: true }, (lock) => {
      resolve(Boolean(lock));
      return lock ? new Promise(() => {}) : null; // held until this page closes
    });
  });
  if (held) {
    state.locked = uuid;
    return draft;
  }
  state.busy = uuid;
  return null;
}

// ---- Reading a field into the draft, by its key ----

/** Set the draft's part that a field's key names to the field's value. */
function setField(key, target) {
  const value = target.type === "checkbox" ? target.checked : target.value;
  const { draft } = state;
  let m;
  if ((m = /^criterion\.(\w+)$/.exec(key))) draft.judgements[m[1]] = { evidence: "", ...draft.judgements[m[1]], rating: value };
  else if ((m = /^evidence\.(\w+)$/.exec(key))) draft.judgements[m[1]] = { rating: "", ...draft.judgements[m[1]], evidence: value };
  else if ((m = /^(theme_notes|insufficient_reasons|action_outcomes|action_notes)\.(\w+)$/.exec(key))) (draft[m[1]] ||= {})[m[2]] = value;
  else if ((m = /^actions\[(\d+)\]\.(\w+)$/.exec(key))) draft.actions[Number(m[1])][m[2]] = value;
  else if ((m = /^placement_checks\.([0-9a-f-]{36})\.(\w+)$/.exec(key))) ((draft.placement_checks ||= {})[m[1]] ||= {})[m[2]] = value;
  else if ((m = /^registration_evidence\.pupils\[(\d+)\]\.(\w+)$/.exec(key))) {
    const pupils = draft.registration.pupils;
    while (pupils.length <= Number(m[1])) pupils.push({ ref: "", hours: "", weeks: "38", ...Object.fromEntries(state.bundle.labels.pupil_flags.map((f) => [f.code, f.default])) });
    pupils[Number(m[1])][m[2]] = typeof value === "string" ? value.trim() : value;
  } else if ((m = /^registration_evidence\.(pupil_count|sites)$/.exec(key))) draft.registration[m[1]] = value;
  else if (key in draft) draft[key] = value;
  else return;
  delete draft.server_errors[key];
  if (key.startsWith("evidence.")) delete draft.server_errors[`criterion.${key.slice(9)}`];
  draft.dirty = true;
  draft.edits = (draft.edits || 0) + 1;
  const ctx = context();
  const result = mount.querySelector("[data-registration-result]");
  if (result) result.textContent = sections.registrationResult(ctx);
  showErrors(mount, ctx.errors);
}

/** Say that a change is being saved (until save() says it is). */
function saving() {
  const box = mount.querySelector("[data-save-state]");
  if (box) box.textContent = "Saving on this tablet…";
}

/** Save the draft on the tablet now, then send it when there is a signal. */
async function save() {
  clearTimeout(state.saveTimer);
  state.saveTimer = null;
  if (!state.draft) return;
  state.draft.saved_at = new Date().toISOString();
  try {
    await store.putDraft(state.draft);
  } catch (error) {
    return alertProblem(storageProblem(error));
  }
  const box = mount.querySelector("[data-save-state]");
  // A newer change still waiting for its save: the line keeps saying so.
  if (box && !state.saveTimer) box.textContent = `Saved on this tablet at ${new Date().toLocaleTimeString()}`;
  push();
}

/** Send the open draft to the server as a draft (one at a time; again if it changed meanwhile). */
async function push() {
  if (state.pushing) {
    state.again = true;
    return state.pushing;
  }
  const draft = state.draft;
  if (!draft || draft.conflict || !draft.dirty) return;
  state.pushing = (async () => {
    if (!state.token) {
      const session = await api.session();
      if (!session.ok || session.body.user.id !== draft.user_id) return;
      state.token = session.body.csrf_token;
    }
    const edits = draft.edits || 0;
    const payload = toPayload(draft, state.bundle.labels, "draft");
    const answer = await api.putVisit(draft.uuid, { key: crypto.randomUUID(), payload, baseVersion: draft.base_version, token: state.token });
    if (answer.ok) {
      draft.base_version = answer.body.version;
      if ((draft.edits || 0) === edits) draft.dirty = false;
      for (const key of Object.keys(draft.server_errors)) if (!key.startsWith("criterion.")) delete draft.server_errors[key];
    } else if (answer.kind === "refused" && answer.status === 409 && answer.body.conflict_id) {
      draft.conflict = { conflict_id: answer.body.conflict_id };
    } else if (answer.kind === "refused" && answer.body.fields) {
      draft.server_errors = fieldKeys(payload, answer.body.fields);
    } else {
      if (answer.kind === "refused") state.token = null; // an expired token, say: fetch a fresh one next time
      return;
    }
    if (state.draft === draft) await store.putDraft(draft).catch(() => {});
    if (answer.kind === "refused") await render();
  })().finally(() => {
    state.pushing = null;
    if (state.again) {
      state.again = false;
      push();
    }
  });
  return state.pushing;
}

// ---- Moving between sections, adding rows, submitting ----

/** Go to another address of the form without leaving the page. */
async function go(href) {
  await save();
  history.pushState(null, "", href);
  await render();
  // A blocker's link names the field: #criterion-HS3, or #insufficient_reason.
  const [, anchor] = href.split("#");
  const target = anchor && (document.getElementById(anchor) || mount.querySelector(`[data-field^="${anchor === "insufficient_reason" ? "insufficient_reasons." : anchor}"]`));
  if (target) target.scrollIntoView();
  else window.scrollTo(0, 0);
}

/** Submit: the draft moves into the outbox in one transaction, then the sync sends it. */
async function submit(buttonEl) {
  buttonEl.disabled = true;
  await save();
  // A draft still on its way to the server would change the version the submission is
  // based on: let it land first (offline it fails at once and changes nothing).
  while (state.pushing) await state.pushing;
  await store.putDraft(state.draft);
  const labels = state.bundle.labels;
  try {
    await store.submitDraft(state.draft.uuid, (d) => toPayload(d, labels));
  } catch (error) {
    buttonEl.disabled = false;
    return alertProblem(storageProblem(error));
  }
  state.draft = null;
  history.pushState(null, "", "/offline/shell?submitted=1");
  await render();
  syncNow();
}

mount?.addEventListener("input", (event) => {
  const key = event.target.name;
  if (!key || !state.draft) return;
  setField(key, event.target);
  saving();
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(save, 400);
});
mount?.addEventListener("change", (event) => {
  if (!event.target.name || !state.draft || event.target.type === "file") return;
  setField(event.target.name, event.target);
  saving();
  save();
});
mount?.addEventListener("click", async (event) => {
  const target = event.target.closest("a, button");
  if (!target || !state.draft) return;
  const href = target.getAttribute("href");
  if (href && href.startsWith(`/visits/${state.draft.uuid}`) && !href.includes("/conflicts/")) {
    event.preventDefault();
    return go(href);
  }
  const { draft } = state;
  if (target.matches("[data-add-action]")) draft.actions.push({ description: "", owner: defaultOwner(state.bundle.labels, draft), due: "" });
  else if (target.matches("[data-remove-action]")) draft.actions.splice(Number(target.dataset.removeAction), 1);
  else if (target.matches("[data-add-pupil]")) setField(`registration_evidence.pupils[${Math.max(draft.registration.pupils.length, 1)}].ref`, { value: "" });
  else if (target.matches("[data-submit]")) return submit(target);
  else return;
  draft.dirty = true;
  draft.edits = (draft.edits || 0) + 1;
  await save();
  await render();
});
window.addEventListener("pagehide", () => save());
window.addEventListener("popstate", () => render());

/** The provider's (or school's) name of a visit's JSON, from the bundle. */
function visitedNames(visit) {
  if (visit.school_id) return { school_name: (state.bundle.schools || []).find((s) => s.id === visit.school_id)?.name };
  return { provider_name: state.bundle.providers.find((p) => p.id === visit.provider_id)?.name };
}

/** Rows the server refused with field errors become drafts again, with its messages. */
async function takeBackRejected() {
  for (const row of await store.outboxFor(state.user.id)) {
    if (row.state === "rejected" && (row.status ?? row.problem?.status) !== 409 && row.problem?.fields) {
      await store.returnToDraft(row.op_uuid, draftFromRejected({ ...row, ...visitedNames(row.payload) }, state.bundle.labels));
    }
  }
}

/** Who is signed in, their bundle, and (online) the server's copy of the visit. */
async function main() {
  const box = document.querySelector("[data-offline-status]");
  const signedIn = Number(box?.dataset.userId) || null;
  let online = signedIn ? { id: signedIn, name: box.dataset.userName, role: box.dataset.userRole } : null;
  if (!online) {
    // The shell carries no one's name: ask the server, and with no signal the tablet.
    const session = await api.session();
    if (session.ok) online = session.body.user;
  }
  if (online) await store.setCurrentUser(online);
  state.user = online || (await store.currentUser());
  if (!state.user || !CASEWORK.has(state.user.role)) {
    mount.replaceChildren(el("h1", { class: "govuk-heading-l", text: "Visits on this tablet" }), el("p", { class: "govuk-body" }, "Sign in while online to get this tablet ready: ", el("a", { class: "govuk-link", href: "/login", text: "sign in" })));
    return finishRender();
  }
  state.bundle = await store.bundleFor(state.user.id);
  if (!state.bundle?.frameworks && online) {
    const answer = await api.offlineBundle();
    if (answer.ok) await store.saveBundle(answer.body);
    state.bundle = await store.bundleFor(state.user.id);
  }
  if (!state.bundle) {
    mount.replaceChildren(el("h1", { class: "govuk-heading-l", text: "Visits on this tablet" }), el("p", { class: "govuk-body", text: "This tablet has no list of your providers yet: open any page once while online." }));
    return finishRender();
  }
  const serverUuid = mount.dataset.visitUuid;
  if (serverUuid) {
    const answer = await api.visit(serverUuid);
    if (answer.ok) await store.adoptVisit({ ...answer.body, ...visitedNames(answer.body) }, state.user.id);
    // The server's page is there for browsers without JavaScript: this form replaces it.
    for (const child of [...mount.parentElement.children]) if (child !== mount && child.tagName !== "SCRIPT") child.remove();
    document.querySelectorAll(".govuk-width-container > .govuk-back-link").forEach((node) => node.remove());
  }
  await takeBackRejected();
  await render();
  onChange(async (event) => {
    if (event.detail?.sync) {
      state.bundle = (await store.bundleFor(state.user.id)) || state.bundle;
      await takeBackRejected();
    }
    if (!state.draft) await render(); // the list of visits shows what the sync did
  });
}

if (mount) main().catch((error) => alertProblem(storageProblem(error)));
