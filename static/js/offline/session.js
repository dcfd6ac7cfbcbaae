// On every page, for officers who make visits: signing out with visits waiting to sync
// is stopped by a warning that offers to sync first; drafts are kept or deleted only as
// the officer chooses; signing out with nothing left clears that officer's local data (a
// shared tablet never shows one officer's work to another). A visit's page says what this
// tablet holds for it: "Saved on this tablet", "Waiting to sync" or "Synced".
import { clearUser, draftsFor, getDraft, outboxFor } from "./db.js";
import { el, onChange, plural, whyLeft } from "./page.js";
import { lastResult, syncNow } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
const userId = Number(box?.dataset.userId) || null;
const signOutForm = document.querySelector("form[data-sign-out]");
const visitState = document.querySelector("[data-visit-local-state]");

/** Clear this officer's data from the tablet, then sign out. */
async function clearAndSignOut() {
  try {
    await clearUser(userId);
  } catch {
    // Storage that cannot be opened holds nothing to clear.
  }
  signOutForm.submit(); // submit() fires no "submit" event, so this is not intercepted again
}

let panel = null;

/** Show a warning at the top of the page: its heading, then what follows it. */
function showPanel(heading, ...rest) {
  panel?.remove();
  panel = el(
    "div",
    { class: "govuk-warning-text app-sign-out-warning", "data-sign-out-warning": true, role: "alert", tabindex: "-1" },
    el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true", text: "!" }),
    el("div", { class: "govuk-warning-text__text" }, el("strong", {}, el("span", { class: "govuk-visually-hidden", text: "Warning " }), heading), ...rest),
  );
  (document.querySelector("#main-content") || document.body).prepend(panel);
  panel.focus();
}

const button = (text, kind = "") => el("button", { type: "button", class: `govuk-button ${kind}`.trim(), text });

/** Visits wait to sync: offer to sync first, or to sign out and leave them here. */
function showWarning(rows) {
  const count = rows.length;
  const message = el("p", { class: "govuk-body govuk-!-margin-top-2", "data-sign-out-message": true });
  const syncButton = button("Sync now and sign out");
  const anyway = button("Sign out anyway", "govuk-button--secondary");
  syncButton.addEventListener("click", async () => {
    syncButton.disabled = true;
    message.textContent = "Syncing…";
    await syncNow().catch(() => {});
    const left = await outboxFor(userId).catch(() => rows);
    if (left.length === 0) return clearAndSignOut();
    message.textContent = whyLeft(left, lastResult);
    syncButton.disabled = false;
  });
  anyway.addEventListener("click", () => signOutForm.submit()); // the outbox stays for them
  showPanel(
    `${plural(count, "visit")} ${count === 1 ? "is" : "are"} waiting to sync. Sync now, or sign out anyway (they stay on this tablet for you).`,
    message,
    el("div", { class: "govuk-button-group govuk-!-margin-top-2" }, syncButton, anyway),
  );
}

/** Unsubmitted drafts are never deleted without the officer saying so. */
function showDraftWarning(drafts) {
  const count = drafts.length;
  const them = count === 1 ? "it" : "them";
  const keep = button("Keep and sign out");
  const remove = button("Delete and sign out", "govuk-button--warning");
  keep.addEventListener("click", () => signOutForm.submit());
  remove.addEventListener("click", () => clearAndSignOut());
  showPanel(
    `${plural(count, "visit")} not yet submitted ${count === 1 ? "is" : "are"} saved on this tablet. Keep ${them} for when you sign in again, or delete ${them} from this tablet.`,
    el("div", { class: "govuk-button-group govuk-!-margin-top-2" }, keep, remove),
  );
}

/** Sign out, unless something on the tablet needs the officer's say first. */
async function onSignOut(event) {
  event.preventDefault();
  let rows;
  let drafts;
  try {
    rows = await outboxFor(userId);
    drafts = await draftsFor(userId);
  } catch {
    signOutForm.submit(); // no storage: nothing waits here
    return;
  }
  if (rows.length) showWarning(rows);
  else if (drafts.length) showDraftWarning(drafts);
  else clearAndSignOut();
}

/** What this tablet holds for the visit on this page. */
async function renderVisitState() {
  const uuid = visitState.dataset.visitUuid;
  let label = "Synced";
  try {
    const draft = await getDraft(uuid);
    const queued = (await outboxFor(userId)).filter((r) => r.uuid === uuid);
    if (queued.length) label = "Waiting to sync";
    else if (draft && draft.user_id === userId) label = "Saved on this tablet";
  } catch {
    // No storage on this browser: the server's copy is all there is.
  }
  visitState.querySelector("[data-visit-local-text]").textContent = label;
  visitState.hidden = false;
}

if (userId && signOutForm) signOutForm.addEventListener("submit", onSignOut);
if (userId && visitState) {
  renderVisitState();
  onChange(renderVisitState);
}
