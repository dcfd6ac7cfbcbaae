// What every offline page shares: building elements, the change event, the status line
// and the messages about storage and sync. No fetch and no IndexedDB here.

/** An element with attributes (`text` sets its text; false or null leaves one out). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An ISO date as the server's pages write it: "2026-12-06" is "6 Dec 2026" (anything
 * else, a date half typed say, as it is). */
export function shortDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : iso || "";
}

/** "1 visit", "2 visits". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const CHANGE = "qa-offline-change";
// Other tabs of this tablet hear of a change too (a conflict found by one tab's sync is
// shown at once on every page).
// The channel is opened on first use, so importing this module opens nothing.
let channel;
const tabs = () => (channel ??= typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANGE) : null);

/** Tell every script on the page, and the other tabs, that the local data or the sync
 * state changed. */
export function changed(detail = {}) {
  window.dispatchEvent(new CustomEvent(CHANGE, { detail }));
  tabs()?.postMessage({ ...detail, sync: undefined });
}

/** Run `listener` whenever the local data or the sync state changes (here or in another tab). */
export function onChange(listener) {
  window.addEventListener(CHANGE, listener);
  tabs()?.addEventListener("message", (message) => listener({ detail: { ...message.data, elsewhere: true } }));
}

/** `draw`, one call at a time: a call made while one runs starts when it ends. Two draws
 * that overlapped could end in the wrong order and leave the older data on the page. */
export function inTurn(draw) {
  let last = Promise.resolve();
  return (...args) => (last = last.catch(() => {}).then(() => draw(...args)));
}

/** Outbox entries by visit: visits with changes `waiting` to be sent, and visits that
 * need a person's `attention` (a conflict or a refusal: nothing more of them can go). */
export function waitingCounts(rows) {
  const attention = new Set(rows.filter((r) => r.state !== "queued").map((r) => r.uuid));
  const waiting = new Set(rows.filter((r) => !attention.has(r.uuid)).map((r) => r.uuid));
  return { waiting: waiting.size, attention: attention.size };
}

/** The status line at the top of each page, from what the tablet holds. */
export function statusText({ rows, lastResult, error = null }) {
  // navigator.onLine is true on a Wi-Fi with no way out, so a failed sync counts too.
  const offline = !navigator.onLine || lastResult.state === "offline";
  const parts = [offline ? "Offline: visits are saved on this tablet" : "Online"];
  if (error) return [...parts, storageProblem(error)].join(" · ");
  const { waiting, attention } = waitingCounts(rows);
  if (waiting) parts.push(`${plural(waiting, "visit")} waiting to sync`);
  if (attention) parts.push(`${plural(attention, "visit")} ${attention === 1 ? "needs" : "need"} your attention`);
  if (lastResult.state === "signed_out" && rows.length) parts.push("Sign in to sync");
  return parts.join(" · ");
}

/** What the last sync said, for the offline page ("" when there is nothing to say). */
export function syncMessage(lastResult) {
  const message = {
    signed_out: "Sign in to sync. Nothing is lost: the visits stay on this tablet.",
    offline: "Offline. The visits will be sent when the tablet is back online.",
    server_error: "The server did not answer. The tablet will try again.",
  }[lastResult.state];
  if (message) return message;
  return lastResult.state === "done" && lastResult.sent ? `Synced: ${lastResult.sent} sent.` : "";
}

/** Why rows are still in the outbox after a sync, in words an officer can act on. */
export function whyLeft(rows, lastResult) {
  const { waiting, attention } = waitingCounts(rows);
  const reasons = [];
  if (attention) {
    reasons.push(`${plural(attention, "visit")} ${attention === 1 ? "needs" : "need"} your attention (it clashed with a newer copy or was refused)`);
  }
  if (waiting) {
    const because = {
      offline: "the tablet cannot reach the server",
      signed_out: "your session has ended: sign in again to sync",
      server_error: "the server had a problem: try again in a few minutes",
    }[lastResult.state];
    reasons.push(`${plural(waiting, "visit")} could not be sent${because ? ` because ${because}` : ""}`);
  }
  const count = waiting + attention;
  return `${plural(count, "visit")} still ${count === 1 ? "waits" : "wait"} to sync: ${reasons.join("; ")}. They stay on this tablet for you.`;
}

/** A message an officer can act on when storage fails (private browsing, a full disk). */
export function storageProblem(error) {
  if (error?.name === "QuotaExceededError") {
    return "This tablet's storage is full, so the visit could not be saved here. Free some space, or sync, and try again.";
  }
  return "This browser cannot store visits on the tablet (private browsing, or storage switched off). Work here is not saved offline.";
}

/** The same for a photo, which fails on its own: the visit itself is still saved. */
export function photoStorageProblem(error) {
  return error?.name === "QuotaExceededError"
    ? "This tablet's storage is full, so the photo was not kept. The visit is still saved."
    : "This browser cannot store photos on the tablet.";
}
