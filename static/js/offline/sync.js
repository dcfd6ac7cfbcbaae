// Sync runs in the page, not in the service worker: Safari on iPad has no Background
// Sync. It runs on load, on `online`, when the page becomes visible, from "Sync now"
// and on a backoff timer, one run at a time across tabs (Web Locks).
//
// The rules that keep a visit from being lost or sent twice:
// - every run first asks GET /api/session for who is signed in and a fresh CSRF token
//   (a token is never stored in the queue: it would expire, or belong to someone else);
// - only the signed-in officer's rows are sent;
// - a row leaves the outbox only when a 2xx answer echoes its Idempotency-Key, so a
//   redirect (to a sign-in page, say), a 5xx or a lost answer keeps it for the next try,
//   and the server's idempotency makes that next try harmless;
// - a 401 keeps everything and asks the officer to sign in;
// - a 409 keeps the local copy (the server keeps it too, as a conflict) for a person to
//   decide; it is never resent or dropped.
import { outboxFor, removeOutbox, saveBundle, setCurrentUser, updateOutbox } from "./db.js";
import { photosOf, uploadPhotos } from "./photos.js";

const BACKOFF_SECONDS = [5, 15, 60, 300];
let running = null;
let timer = null;
let failures = 0;
export let lastResult = { state: "idle" };

/** Tell every script on the page that the local data or the sync state changed. */
export function changed(detail = {}) {
  window.dispatchEvent(new CustomEvent("qa-offline-change", { detail }));
}

export function syncNow() {
  running ??= (navigator.locks ? navigator.locks.request("qa-sync", run) : run()).finally(() => {
    running = null;
  });
  return running;
}

/** Sync now, and again whenever the tablet comes online or the page becomes visible. */
export function startSync() {
  window.addEventListener("online", () => syncNow());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  return syncNow();
}

function finish(result) {
  lastResult = result;
  clearTimeout(timer);
  if (result.state === "offline" || result.state === "server_error") {
    // Keep trying while the page is open, further apart each time.
    const wait = BACKOFF_SECONDS[Math.min(failures, BACKOFF_SECONDS.length - 1)];
    failures += 1;
    timer = setTimeout(syncNow, wait * 1000);
  } else {
    failures = 0;
  }
  changed({ sync: result });
  return result;
}

async function getJSON(url) {
  return fetch(url, { headers: { Accept: "application/json" }, redirect: "manual", cache: "no-store" });
}

async function run() {
  let response;
  try {
    response = await getJSON("/api/session");
  } catch {
    return finish({ state: "offline" });
  }
  if (response.status === 401) return finish({ state: "signed_out" });
  if (!response.ok) return finish({ state: "server_error" });
  const { user, csrf_token: token } = await response.json();
  if (await setCurrentUser(user)) changed();
  await refreshBundle();

  let sent = 0;
  for (const row of await outboxFor(user.id)) {
    if (row.state !== "queued") continue; // conflicts and rejections wait for a person
    const outcome = await send(row, token);
    if (outcome === "sent") sent += 1;
    else if (outcome !== "kept") return finish({ state: outcome, sent });
  }
  return finish({ state: "done", sent });
}

async function refreshBundle() {
  try {
    const response = await getJSON("/api/offline-bundle");
    if (response.ok) await saveBundle(await response.json());
  } catch {
    // The bundle already on the tablet stays in use.
  }
}

/** Send one row; "sent", "kept" (needs a person), "signed_out", "offline" or "server_error".
 * A visit with photos goes in three steps, since a submitted visit takes no more photos:
 * the visit as a draft (the row's own key), its photos one by one, then the submitted
 * visit under a second key kept in the row (`final_key`). The row stays until the last. */
async function send(row, token) {
  if (!row.final_key && !(await photosOf(row.uuid)).length) return put(row, token, row.op_uuid, row.payload, row.base_version, true);
  if (!row.final_key) {
    const first = await put(row, token, row.op_uuid, { ...row.payload, status: "draft" }, row.base_version, false);
    if (typeof first === "string") return first;
    Object.assign(row, { final_key: crypto.randomUUID(), final_version: first.version });
    await updateOutbox(row);
  }
  const photos = await uploadPhotos(row.uuid, token);
  changed();
  if (typeof photos === "object") {
    row.state = "rejected";
    row.problem = { ...photos, message: `A photo was not accepted: ${photos.message || `HTTP ${photos.status}`}` };
    await updateOutbox(row);
    return "kept";
  }
  if (photos === "offline" || photos === "server_error") await retryLater(row, `photo: ${photos}`);
  if (photos !== "sent") return photos;
  return put(row, token, row.final_key, row.payload, row.final_version, true);
}

/** PUT the visit under `key`; the visit's JSON when `last` is false and it is saved. */
async function put(row, token, key, payload, baseVersion, last) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "Idempotency-Key": key,
    "X-CSRFToken": token,
  };
  if (baseVersion != null) headers["If-Match"] = `"${baseVersion}"`;
  let response;
  try {
    response = await fetch(`/api/visits/${row.uuid}`, {
      method: "PUT",
      headers,
      body: JSON.stringify(payload),
      redirect: "manual",
    });
  } catch {
    await retryLater(row, "network");
    return "offline";
  }
  if (response.ok && response.headers.get("Idempotency-Key") === key) {
    if (!last) return response.json();
    await removeOutbox(row.op_uuid);
    changed();
    return "sent";
  }
  if (response.status === 401) return "signed_out";
  const body = response.headers.get("Content-Type")?.includes("json") ? await response.json().catch(() => ({})) : {};
  // A 400 that is not about the visit (an expired CSRF token) is worth another try.
  const aboutTheVisit = response.status !== 400 || body.error === "invalid";
  if (response.status >= 400 && response.status < 500 && aboutTheVisit) {
    row.state = response.status === 409 ? "conflict" : "rejected";
    row.problem = { status: response.status, ...body };
    await updateOutbox(row);
    changed();
    return "kept";
  }
  await retryLater(row, `HTTP ${response.status || "redirect"}`);
  return "server_error";
}

async function retryLater(row, reason) {
  row.attempts += 1;
  row.last_error = reason;
  await updateOutbox(row);
}
