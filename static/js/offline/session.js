// On every page, the offline shell included, for officers who make visits: signing out
// with changes not yet sent is stopped by a warning that names each visit, offers to send
// them first, and deletes a visit's unsent changes only one visit at a time; drafts the
// server already has are kept or deleted only as the officer chooses; signing out with
// nothing left clears that officer's local data (a shared tablet never shows one
// officer's work to another). A visit's page says what this tablet holds for it:
// "Saved on this tablet", "Waiting to sync", "Synced", or that it cannot be sent until the
// officer looks at it.
import { session } from "./api.js";
import { bundleFor, clearUser, clearVisit, currentUser, draftsFor, getDraft, outboxFor } from "./db.js";
import { el, onChange, plural, shortDate, whyLeft } from "./page.js";
import { lastResult, syncNow } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
let userId = Number(box?.dataset.userId) || null;
const signOutForm = document.querySelector("form[data-sign-out]");
const visitState = document.querySelector("[data-visit-local-state]");

/** Sign out (clearing this officer's data from the tablet first, if `clear`). The cached
 * shell carries no CSRF token: a fresh one is fetched, and without a signal the officer
 * stays signed in and is told so. */
async function signOut({ clear = false } = {}) {
  if (!signOutForm.elements.csrf_token) {
    const answer = await session();
    if (!answer.ok) {
      showPanel("The tablet cannot reach the server, so you are still signed in. Try again when there is a signal: your visits stay on this tablet.");
      return;
    }
    signOutForm.append(el("input", { type: "hidden", name: "csrf_token", value: answer.body.csrf_token }));
  }
  if (clear) await clearUser(userId).catch(() => {}); // storage that cannot be opened holds nothing
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

/** What the tablet holds unsent of one visit, and what deleting it would lose. */
function unsentState(rows) {
  if (rows.some((r) => r.state !== "queued")) return ["Not sent: needs your attention (it clashed with a newer copy or was refused)", "its changes not yet sent are lost"];
  if (rows.some((r) => r.payload?.status === "submitted")) return ["Submitted, not yet sent", "its submission is lost: the office never receives it"];
  return ["Changes to the draft not yet sent", "the changes not yet sent are lost"];
}

/** One line per visit with unsent changes, each with its own delete button. */
async function unsentList(rows, message) {
  const bundle = await bundleFor(userId).catch(() => null);
  const drafts = await draftsFor(userId).catch(() => []);
  const byVisit = new Map();
  for (const row of rows) byVisit.set(row.uuid, [...(byVisit.get(row.uuid) || []), row]);
  const name = (uuid, payload = {}) => {
    const draft = drafts.find((d) => d.uuid === uuid);
    const found = payload.school_id ? bundle?.schools?.find((s) => s.id === payload.school_id) : bundle?.providers?.find((p) => p.id === payload.provider_id);
    return draft?.school_name || draft?.provider_name || found?.name || "A visit";
  };
  const items = [...byVisit].map(([uuid, visitRows]) => {
    const { payload } = visitRows.at(-1);
    const [state, lost] = unsentState(visitRows);
    const remove = button(`Delete this visit from the tablet (${lost})`, "govuk-button--warning govuk-!-margin-bottom-0");
    remove.addEventListener("click", async () => {
      await clearVisit(userId, uuid).catch(() => {});
      message.textContent = `${name(uuid, payload)}: deleted from this tablet.`;
      onSignOut();
    });
    return el("li", { "data-unsent-visit": uuid }, el("p", { class: "govuk-body govuk-!-margin-bottom-1", text: `${name(uuid, payload)}, ${shortDate(payload?.visit_date)}: ${state}` }), remove);
  });
  return el("ul", { class: "govuk-list govuk-!-margin-top-2" }, ...items);
}

/** Changes wait to be sent: name them, offer to send them first, or to sign out and
 * leave them here. */
async function showWarning(rows) {
  const count = new Set(rows.map((row) => row.uuid)).size;
  const message = el("p", { class: "govuk-body govuk-!-margin-top-2", "data-sign-out-message": true, role: "status" });
  const send = button("Send first");
  const keep = button("Keep them on this tablet and sign out", "govuk-button--secondary");
  send.addEventListener("click", async () => {
    send.disabled = true;
    message.textContent = "Sending…";
    await syncNow().catch(() => {});
    const left = await outboxFor(userId).catch(() => rows);
    if (left.length === 0) return signOut({ clear: true }); // everything is on the server
    message.textContent = whyLeft(left, lastResult);
    send.disabled = false;
  });
  keep.addEventListener("click", () => signOut()); // the outbox stays for them
  const has = count === 1 ? "has" : "have";
  showPanel(
    `${plural(count, "visit")} ${has} changes not yet sent to the office. Send first (you are signed out once everything is sent), or keep them on this tablet for when you sign in again.`,
    await unsentList(rows, message),
    message,
    el("div", { class: "govuk-button-group govuk-!-margin-top-2" }, send, keep),
  );
}

/** Drafts the server already has are never deleted from the tablet without the officer
 * saying so. */
function showDraftWarning(drafts) {
  const count = drafts.length;
  const them = count === 1 ? "it" : "them";
  const keep = button("Keep and sign out");
  const remove = button("Delete and sign out", "govuk-button--warning");
  keep.addEventListener("click", () => signOut());
  remove.addEventListener("click", () => signOut({ clear: true }));
  showPanel(
    `${plural(count, "visit")} not yet submitted ${count === 1 ? "is" : "are"} saved on this tablet (and on the server: nothing is lost). Keep ${them} for when you sign in again, or delete ${them} from this tablet.`,
    el("div", { class: "govuk-button-group govuk-!-margin-top-2" }, keep, remove),
  );
}

/** Sign out, unless something on the tablet needs the officer's say first. */
async function onSignOut(event) {
  event?.preventDefault();
  let rows;
  let drafts;
  try {
    rows = await outboxFor(userId);
    drafts = await draftsFor(userId);
  } catch {
    signOut(); // no storage: nothing waits here
    return;
  }
  if (rows.length) await showWarning(rows);
  else if (drafts.length) showDraftWarning(drafts);
  else signOut({ clear: true });
}

/** The cached shell says nothing of who is signed in: the tablet does, with that role's
 * menu and Sign out. */
async function showShellUser() {
  const user = await currentUser().catch(() => null);
  if (!user) return;
  userId = user.id;
  const who = document.querySelector("[data-shell-user]");
  who.querySelector("[data-shell-user-name]").textContent = user.name;
  who.hidden = false;
  const menu = document.querySelector(`[data-shell-menu="${user.role}"]`) || document.querySelector(`[data-shell-menu="officer"]`);
  if (menu) menu.hidden = false;
  signOutForm.addEventListener("submit", onSignOut);
}

/** What this tablet holds for the visit on this page. */
async function renderVisitState() {
  const uuid = visitState.dataset.visitUuid;
  let label = "Synced";
  try {
    const draft = await getDraft(uuid);
    const queued = (await outboxFor(userId)).filter((r) => r.uuid === uuid);
    if (queued.some((r) => r.state !== "queued") || draft?.conflict) label = "Not sent: needs your attention";
    else if (queued.length) label = "Waiting to sync";
    else if (draft && draft.user_id === userId) label = "Saved on this tablet";
  } catch {
    // No storage on this browser: the server's copy is all there is.
  }
  visitState.querySelector("[data-visit-local-text]").textContent = label;
  visitState.hidden = false;
}

if (userId && signOutForm) signOutForm.addEventListener("submit", onSignOut);
else if (signOutForm && document.querySelector("[data-shell-user]")) showShellUser();
if (userId && visitState) {
  renderVisitState();
  onChange(renderVisitState);
}
