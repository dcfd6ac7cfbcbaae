// Sync runs in the page (Safari on iPad has no Background Sync): on load, on `online`,
// on becoming visible, soon after each change, from "Sync now", and while the server
// cannot be reached, as soon as /healthz answers again (asked every second). One run at
// a time across tabs (Web Locks). Each run asks GET /api/session for the user and a fresh
// CSRF token (never stored in the queue) and sends only that officer's entries: up to
// POOL visits side by side, each visit's entries in order (If-Match keeps them so).
// An entry is sent exactly as it was stored (outbox.js): its key, body and base version.
// It leaves the outbox only when a 2xx answer echoes its key (a redirect, a 5xx or a lost
// answer keeps it; the server's idempotency makes the resend harmless); "still in
// progress" is asked again soon with the same key; a 401 keeps everything; a 409 conflict
// keeps the copy for a person to decide; a photo leaves once the server has it.
import * as api from "./api.js";
import { bundleFor, outboxFor, photosOf, removePhoto, saveBundle, setCurrentUser } from "./db.js";
import { acknowledge, claim, entriesOf, keepConflict, noteFailure, refuse, sendable } from "./outbox.js";
import { changed } from "./page.js";

const POOL = 4;
const POLL_MS = 1000; // while the server cannot be reached, /healthz is asked this often
const BUSY_TRIES = 10; // "still in progress" answers before the run gives up for now
const REFRESH_MS = 2000;
let running = null;
let again = false;
let refresh = null;
let timer = null;
let soon = null;
export let lastResult = { state: "idle" };

/** Sync now (or join the run already going, which then runs once more); resolves to the
 * run's result. */
export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  clearTimeout(soon);
  running = (navigator.locks ? navigator.locks.request("qa-sync", run) : run()).finally(() => {
    running = null;
    if (again) {
      again = false;
      syncNow();
    }
  });
  return running;
}

/** Sync after `ms`, once for however many changes are made meanwhile (the form's saves). */
export function syncSoon(ms = 400) {
  clearTimeout(soon);
  soon = setTimeout(syncNow, ms);
}

/** Sync now, and again whenever the tablet comes online or the page becomes visible. */
export function startSync() {
  window.addEventListener("online", () => syncNow());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  return syncNow();
}

/** Record a run's result, watch for the server to answer again after a failure, and tell
 * the page. */
function finish(result) {
  lastResult = result;
  clearTimeout(timer);
  if (result.state === "offline" || result.state === "server_error") timer = setTimeout(recover, POLL_MS);
  clearTimeout(refresh);
  refresh = null;
  changed({ sync: result });
  return result;
}

/** Sync as soon as the server answers again (cheaply asked, every POLL_MS). */
async function recover() {
  if (await api.healthy()) syncNow();
  else timer = setTimeout(recover, POLL_MS);
}

/** Tell the page of progress soon, once for however many entries changed meanwhile. */
function changedSoon() {
  refresh ??= setTimeout(() => {
    refresh = null;
    changed();
  }, REFRESH_MS);
}

/** One sync: the session, then the officer's entries (and, meanwhile, a fresh bundle). */
async function run() {
  clearTimeout(timer);
  const session = await api.session();
  if (!session.ok) return finish({ state: session.kind });
  const { user, csrf_token: token } = session.body;
  if (await setCurrentUser(user)) changed();
  const bundle = refreshBundle(user.id); // fetched while the entries go
  try {
    return finish(await drain(user.id, token));
  } finally {
    await bundle;
  }
}

/** Send what can go, POOL visits at a time, until nothing is left that can go now (what
 * is queued meanwhile included); {state, sent: how many visits had changes arrive}. */
async function drain(userId, token) {
  const sent = new Set(); // the visits of which something arrived
  let stop = null;
  let queue = sendable(await outboxFor(userId));
  const busy = new Set();
  async function lane() {
    for (let i = queue.findIndex((e) => !busy.has(e.uuid)); i >= 0 && !stop; i = queue.findIndex((e) => !busy.has(e.uuid))) {
      let [entry] = queue.splice(i, 1);
      const { uuid } = entry;
      busy.add(uuid);
      // This visit's entries, one after another, while they go.
      while (entry && !stop) {
        const outcome = await send(entry, token);
        if (outcome === "sent") sent.add(uuid);
        else if (outcome !== "gone") {
          if (outcome !== "kept") stop = outcome;
          break;
        }
        [entry] = sendable(await entriesOf(uuid));
      }
      busy.delete(uuid);
    }
  }
  while (queue.length && !stop) {
    await Promise.all(Array.from({ length: POOL }, lane));
    if (!stop) queue = sendable(await outboxFor(userId)); // queued while the run went
  }
  return { state: stop ?? "done", sent: sent.size };
}

/** Fetch the bundle if it changed (its ETag); if it cannot be had, the tablet keeps its own. */
async function refreshBundle(userId) {
  const etag = (await bundleFor(userId).catch(() => null))?.etag ?? null;
  const answer = await api.offlineBundle(etag);
  if (answer.ok && answer.body) await saveBundle(answer.body).catch(() => {});
}

/** Send one entry; "sent", "gone" (another run took it), "kept" (needs a person),
 * "signed_out", "offline" or "server_error". A submission with photos goes in three steps,
 * since a submitted visit takes no more photos: the visit as a draft (the entry's own
 * key), its photos one by one, then the submitted visit under its second key. */
async function send(queued, token) {
  const entry = await claim(queued.op_uuid);
  if (!entry) return "gone";
  const submission = entry.payload.status === "submitted";
  const hasPhotos = submission && entry.final_version == null && (await photosOf(entry.uuid)).length > 0;
  if (!submission || (!hasPhotos && entry.final_version == null)) return put(entry, token, entry.op_uuid, entry.payload, entry.base_version, true);
  if (entry.final_version == null) {
    const first = await put(entry, token, entry.op_uuid, { ...entry.payload, status: "draft" }, entry.base_version, false);
    if (typeof first === "string") return first;
    entry.final_version = first.version;
    await noteFailure(entry, { final_version: first.version });
  }
  const failed = await uploadPhotos(entry.uuid, token);
  changedSoon();
  if (failed?.kind === "refused") {
    await refuse(entry, { status: failed.status, ...failed.body, message: `A photo was not accepted: ${failed.body.message || `HTTP ${failed.status}`}` });
    changed({ visit: entry.uuid });
    return "kept";
  }
  if (failed?.kind === "offline" || failed?.kind === "server_error") await noteFailure(entry, { last_error: `photo: ${failed.kind}` });
  if (failed) return failed.kind;
  return put(entry, token, entry.final_key, entry.payload, entry.final_version, true);
}

/** PUT each of a visit's photos, one at a time; the first failed answer, or null when
 * the server has them all (each leaves the tablet as soon as it is acknowledged). */
async function uploadPhotos(visitUuid, token) {
  for (const photo of await photosOf(visitUuid)) {
    const answer = await api.putPhoto(visitUuid, photo, token);
    if (!answer.ok) return answer;
    await removePhoto(photo.uuid);
  }
  return null;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PUT the visit under `key`, again (same key) while the server says a copy is still in
 * progress; the visit's JSON when `last` is false and it is saved. */
async function put(entry, token, key, payload, baseVersion, last) {
  let answer = await api.putVisit(entry.uuid, { key, payload, baseVersion, token });
  for (let tries = 1; answer.kind === "busy" && tries < BUSY_TRIES; tries += 1) {
    await pause(answer.retryAfter);
    answer = await api.putVisit(entry.uuid, { key, payload, baseVersion, token });
  }
  if (answer.ok) {
    if (!last) return answer.body;
    await acknowledge(entry, answer.body.version);
    changedSoon();
    return "sent";
  }
  if (answer.kind === "signed_out") return "signed_out";
  if (answer.kind === "refused") {
    const problem = { status: answer.status, ...answer.body };
    await (answer.status === 409 ? keepConflict(entry, problem) : refuse(entry, problem));
    changed({ visit: entry.uuid }); // at once, on whatever page the officer is
    return "kept";
  }
  const reason = answer.kind === "offline" ? "network" : answer.kind === "busy" ? "still in progress" : `HTTP ${answer.status || "redirect"}`;
  await noteFailure(entry, { last_error: reason });
  return answer.kind === "busy" ? "server_error" : answer.kind;
}
