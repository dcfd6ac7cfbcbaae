// On every page, for officers who make visits:
// - signing out with visits waiting to sync is stopped by a warning that offers to sync
//   first; unsubmitted drafts are kept or deleted only as the officer chooses; signing out
//   with nothing left clears that officer's local data (drafts, outbox rows, photos,
//   bundle) so a shared tablet never shows one officer's work to another;
// - a visit's page says what this tablet holds for it: "Saved on this tablet",
//   "Waiting to sync" or "Synced".
import { clearUser, draftsFor, getDraft, outboxFor } from "./db.js";
import { lastResult, syncNow } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
const userId = Number(box?.dataset.userId) || null;
const signOutForm = document.querySelector("form[data-sign-out]");
const visitState = document.querySelector("[data-visit-local-state]");

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** Why rows are still in the outbox after a sync, in words an officer can act on. */
function whyLeft(rows) {
  const attention = rows.filter((r) => r.state !== "queued").length;
  const reasons = [];
  if (attention) {
    reasons.push(`${plural(attention, "visit")} ${attention === 1 ? "needs" : "need"} your attention (it clashed with a newer copy or was refused)`);
  }
  if (rows.length > attention) {
    const because = {
      offline: "the tablet cannot reach the server",
      signed_out: "your session has ended: sign in again to sync",
      server_error: "the server had a problem: try again in a few minutes",
    }[lastResult.state];
    reasons.push(`${plural(rows.length - attention, "visit")} could not be sent${because ? ` because ${because}` : ""}`);
  }
  return `${plural(rows.length, "visit")} still ${rows.length === 1 ? "waits" : "wait"} to sync: ${reasons.join("; ")}. They stay on this tablet for you.`;
}

async function clearAndSignOut() {
  try {
    await clearUser(userId);
  } catch {
    // Storage that cannot be opened holds nothing to clear.
  }
  signOutForm.submit(); // submit() fires no "submit" event, so this is not intercepted again
}

let panel = null;

function showWarning(rows) {
  panel?.remove();
  const count = rows.length;
  panel = element("div", { class: "govuk-warning-text app-sign-out-warning", "data-sign-out-warning": "", role: "alert", tabindex: "-1" });
  panel.append(element("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"));
  const text = element("div", { class: "govuk-warning-text__text" });
  const heading = element("strong", {});
  heading.append(element("span", { class: "govuk-visually-hidden" }, "Warning "));
  heading.append(
    `${plural(count, "visit")} ${count === 1 ? "is" : "are"} waiting to sync. Sync now, or sign out anyway (they stay on this tablet for you).`,
  );
  text.append(heading);
  const message = element("p", { class: "govuk-body govuk-!-margin-top-2", "data-sign-out-message": "" });
  const buttons = element("div", { class: "govuk-button-group govuk-!-margin-top-2" });
  const syncButton = element("button", { type: "button", class: "govuk-button" }, "Sync now and sign out");
  const anyway = element("button", { type: "button", class: "govuk-button govuk-button--secondary" }, "Sign out anyway");
  syncButton.addEventListener("click", async () => {
    syncButton.disabled = true;
    message.textContent = "Syncing…";
    await syncNow().catch(() => {});
    const left = await outboxFor(userId).catch(() => rows);
    if (left.length === 0) return clearAndSignOut();
    message.textContent = whyLeft(left);
    syncButton.disabled = false;
  });
  anyway.addEventListener("click", () => signOutForm.submit()); // the outbox stays for them
  buttons.append(syncButton, anyway);
  text.append(message, buttons);
  panel.append(text);
  (document.querySelector("#main-content") || document.body).prepend(panel);
  panel.focus();
}

/** Unsubmitted drafts are never deleted without the officer saying so. */
function showDraftWarning(drafts) {
  panel?.remove();
  const count = drafts.length;
  panel = element("div", { class: "govuk-warning-text app-sign-out-warning", "data-sign-out-warning": "", role: "alert", tabindex: "-1" });
  panel.append(element("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"));
  const text = element("div", { class: "govuk-warning-text__text" });
  const heading = element("strong", {});
  heading.append(element("span", { class: "govuk-visually-hidden" }, "Warning "));
  heading.append(
    `${plural(count, "visit")} not yet submitted ${count === 1 ? "is" : "are"} saved on this tablet. Keep ${count === 1 ? "it" : "them"} for when you sign in again, or delete ${count === 1 ? "it" : "them"} from this tablet.`,
  );
  text.append(heading);
  const buttons = element("div", { class: "govuk-button-group govuk-!-margin-top-2" });
  const keep = element("button", { type: "button", class: "govuk-button" }, "Keep and sign out");
  const remove = element("button", { type: "button", class: "govuk-button govuk-button--warning" }, "Delete and sign out");
  keep.addEventListener("click", () => signOutForm.submit());
  remove.addEventListener("click", () => clearAndSignOut());
  buttons.append(keep, remove);
  text.append(buttons);
  panel.append(text);
  (document.querySelector("#main-content") || document.body).prepend(panel);
  panel.focus();
}

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
  window.addEventListener("qa-offline-change", renderVisitState);
}
