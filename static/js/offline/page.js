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

/** "1 visit", "2 visits". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const CHANGE = "qa-offline-change";

/** Tell every script on the page that the local data or the sync state changed. */
export function changed(detail = {}) {
  window.dispatchEvent(new CustomEvent(CHANGE, { detail }));
}

/** Run `listener` whenever the local data or the sync state changes. */
export function onChange(listener) {
  window.addEventListener(CHANGE, listener);
}

/** Outbox rows by what they wait for: `waiting` to be sent, or a person's `attention`
 * (a conflict or a refusal). */
export function waitingCounts(rows) {
  const waiting = rows.filter((r) => r.state === "queued").length;
  return { waiting, attention: rows.length - waiting };
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
  const { attention } = waitingCounts(rows);
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
