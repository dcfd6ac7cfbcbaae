// The visit form, drawn in the browser from IndexedDB: the one form an officer uses,
// online and offline. Online, a server page of a visit this officer may change carries
// the mount point ([data-visit-app data-visit-uuid]); offline, the service worker answers
// with the cached shell and the address names the visit and section. Every input is
// saved on the tablet at once, with the change it sends queued in the same transaction
// (outbox.js); sync.js sends it soon after, with a signal. A part the server would
// refuse stays here with its message.
import * as api from "./api.js";
import * as store from "./db.js";
import { check, themesShown } from "./check.js";
import { showErrors } from "./fields.js";
import { el, inTurn, onChange, storageProblem } from "./page.js";
import { defaultOwner, draftFromRejected, localProblems, toPayload, upgradeDraft } from "./payload.js";
import { entriesOf, queueChange, returnToDraft } from "./outbox.js";
import { mountPhotos } from "./photos.js";
import * as sections from "./sections.js";
import { visitsList } from "./visits-list.js";
import { syncNow, syncSoon } from "./sync.js";

const mount = document.querySelector("[data-visit-app]");
const CASEWORK = new Set(["officer", "head_of_access"]);
const VISIT_PATH = /^\/visits\/([0-9a-f-]{36})(?:\/(details|registration|placements|strengths|actions|previous-actions|check|themes\/([A-Z]{2})))?\/?$/;
const state = { user: null, bundle: null, draft: null, saving: Promise.resolve(), pending: 0, release: null };
const LOCK_WAIT_MS = 3000;

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

/** Draw the section the address names (in turn: the last draw reads the latest data). */
const render = inTurn(draw);

async function draw() {
  const place = where();
  if (!place.uuid || !state.draft || state.draft.uuid !== place.uuid) state.draft = place.uuid ? await openDraft(place.uuid) : null;
  if (!state.draft && place.uuid && state.busy === place.uuid) {
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
  mount.replaceChildren(...parts, el("p", { class: "govuk-body-s", "data-save-state": true, "data-state": state.pending ? "saving" : "saved", role: "status", text: saveState(state.draft.saved_at ? "Saved on this tablet" : "") }));
  const themeForm = mount.querySelector("[data-theme-form]");
  if (themeForm) mountPhotos(themeForm, state.draft, (message) => message && alertProblem(message));
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
 * another tab (two tabs would race each other's autosave). A draft with changes that no
 * entry sends (kept by an older version of the form) has them queued now. */
async function openDraft(uuid) {
  const stored = await store.getDraft(uuid);
  if (!stored || stored.user_id !== state.user.id) return null;
  if (navigator.locks && state.locked !== uuid && !(await lock(uuid))) {
    state.busy = uuid;
    return null;
  }
  state.busy = null;
  const draft = upgradeDraft((await store.getDraft(uuid)) || stored);
  if (draft.dirty && !draft.conflict && !(await entriesOf(uuid)).length) {
    await queueChange(draft, toPayload(draft, state.bundle.labels, "draft"));
    syncSoon();
  }
  return draft;
}

/** Hold the draft's lock until this page goes: true if it is free, or comes free within
 * LOCK_WAIT_MS (this same tab reloaded lets it go a moment after the new page starts). */
async function lock(uuid) {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const held = await new Promise((resolve) => {
      navigator.locks.request(`draft-${uuid}`, { ifAvailable: true }, (free) => {
        resolve(Boolean(free));
        return free ? new Promise((release) => (state.release = release)) : null;
      });
    });
    if (held) {
      state.locked = uuid;
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

/** The save line: `text`, unless nothing of this visit can be sent (a conflict). */
function saveState(text) {
  if (state.draft?.conflict) return "Kept on this tablet, not sent: someone else changed this visit (see above).";
  return text;
}

/** Save the draft on the tablet now, the change it sends queued with it in one
 * transaction (one save after another, in the order typed); the network send follows soon. */
function save() {
  const draft = state.draft;
  if (!draft) return state.saving;
  draft.saved_at = new Date().toISOString();
  const line = mount.querySelector("[data-save-state]");
  if (line) line.dataset.state = "saving";
  state.pending += 1;
  const saved = (state.saving = state.saving.then(async () => {
    try {
      await queueChange(draft, toPayload(draft, state.bundle.labels, "draft"));
    } catch (error) {
      return alertProblem(storageProblem(error));
    } finally {
      state.pending -= 1;
    }
    const box = mount.querySelector("[data-save-state]");
    if (box && state.draft === draft && !state.pending) {
      box.textContent = saveState(`Saved on this tablet at ${new Date().toLocaleTimeString()}`);
      box.dataset.state = "saved";
    }
    syncSoon();
  }));
  return saved;
}

/** What the sync did to the open draft (its version, a conflict, the server's messages),
 * taken into the form's copy; drawn again when the officer has something to see. */
async function takeSyncState() {
  const draft = state.draft;
  const stored = draft && (await store.getDraft(draft.uuid));
  if (!stored || state.draft !== draft) return;
  const before = JSON.stringify([draft.conflict, draft.server_errors]);
  Object.assign(draft, { base_version: stored.base_version, conflict: stored.conflict, server_errors: stored.server_errors ?? {} });
  if (JSON.stringify([draft.conflict, draft.server_errors]) !== before) await render();
}

// ---- Moving between sections, adding rows, submitting ----

/** Go to another address of the form without leaving the page. */
async function go(href) {
  await state.saving;
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
  await state.saving;
  // Queued behind the visit's earlier changes: it goes from the version they bring.
  try {
    await queueChange(state.draft, toPayload(state.draft, state.bundle.labels), { submit: true });
  } catch (error) {
    buttonEl.disabled = false;
    return alertProblem(storageProblem(error));
  }
  state.draft = null;
  history.pushState(null, "", "/offline/shell?submitted=1");
  await render();
  syncNow();
}

// Every input is saved at once (only the network send waits a moment).
mount?.addEventListener("input", (event) => {
  const key = event.target.name;
  if (!key || !state.draft) return;
  setField(key, event.target);
  save();
});
mount?.addEventListener("change", (event) => {
  if (!event.target.name || !state.draft || event.target.type === "file") return;
  setField(event.target.name, event.target);
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
// Leaving the page, or the tablet switching to another app: send what is saved now.
const flush = () => state.saving.then(() => syncNow());
window.addEventListener("pagehide", () => {
  state.release?.(); // the draft is free for this tab's next page at once
  flush();
});
// Back from the browser's page cache the draft's lock is gone: open the page afresh.
window.addEventListener("pageshow", (event) => event.persisted && location.reload());
document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flush());
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
      await returnToDraft(row, draftFromRejected({ ...row, ...visitedNames(row.payload) }, state.bundle.labels));
    }
  }
}

/** The fields of the server's page (the form for browsers without JavaScript) that were
 * changed before this form took over, as {name, value, type, checked}. */
function typedInto(container) {
  const changed = (f) => {
    if (f.type === "radio") return f.checked && !f.defaultChecked;
    if (f.type === "checkbox") return f.checked !== f.defaultChecked;
    if (f.tagName === "SELECT") return [...f.options].some((o) => o.selected !== o.defaultSelected);
    return f.value !== f.defaultValue;
  };
  const fields = [...container.querySelectorAll("form [name]")].filter((f) => !f.closest("[data-visit-app]") && f.type !== "hidden" && changed(f));
  return fields.map((f) => ({ name: f.name, value: f.value, type: f.type, checked: f.checked }));
}

/** Who is signed in, their bundle, and (online) the server's copy of the visit. */
async function main() {
  let typed = [];
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
    // The server's page is there for browsers without JavaScript: this form replaces it,
    // keeping anything typed into it while this script was on its way.
    typed = typedInto(mount.parentElement);
    for (const child of [...mount.parentElement.children]) if (child !== mount && child.tagName !== "SCRIPT") child.remove();
    document.querySelectorAll(".govuk-width-container > .govuk-back-link").forEach((node) => node.remove());
  }
  await takeBackRejected();
  await render();
  if (typed.length && state.draft) {
    for (const field of typed) setField(field.name, field);
    await save();
    await render();
  }
  onChange(async (event) => {
    if (event.detail?.sync) {
      state.bundle = (await store.bundleFor(state.user.id)) || state.bundle;
      await takeBackRejected();
    }
    if (state.draft) await takeSyncState();
    else if (!state.busy) await render(); // the list of visits shows what the sync did
  });
}

if (mount) main().catch((error) => alertProblem(storageProblem(error)));
