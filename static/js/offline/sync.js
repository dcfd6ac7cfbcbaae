// Sync runs in the page (Safari on iPad has no Background Sync): on load, on `online`,
// on becoming visible, from "Sync now" and on a backoff timer, one run at a time across
// tabs (Web Locks). Each run asks GET /api/session for the user and a fresh CSRF token
// (never stored in the queue) and sends only that officer's rows, one at a time in queue
// order. A row leaves the outbox only when a 2xx answer echoes its Idempotency-Key (a
// redirect, a 5xx or a lost answer keeps it; the server's idempotency makes the retry
// harmless); a 401 keeps everything; a 409 keeps the copy for a person to decide; a photo
// leaves once the server has it. While a PUT is on its way the next row's photos are
// looked up and the bundle fetched; the page hears of progress at most every REFRESH_MS.
import * as api from "./api.js";
import { outboxFor, photosOf, removeOutbox, removePhoto, saveBundle, setCurrentUser, updateOutbox } from "./db.js";
import { changed } from "./page.js";

const BACKOFF_SECONDS = [5, 15, 60, 300];
const REFRESH_MS = 2000;
let running = null;
let refresh = null;
const removals = []; // sent rows leaving the outbox, awaited before a run ends
let timer = null;
let failures = 0;
export let lastResult = { state: "idle" };

/** Sync now (or join the run already going); resolves to the run's result. */
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

/** Record a run's result, set the backoff timer after a failure, and tell the page. */
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
  clearTimeout(refresh);
  refresh = null;
  changed({ sync: result });
  return result;
}

/** Tell the page of progress soon, once for however many rows changed meanwhile. */
function changedSoon() {
  refresh ??= setTimeout(() => {
    refresh = null;
    changed();
  }, REFRESH_MS);
}

/** The queued rows (conflicts and rejections wait for a person) in the order queued. */
export function queuedInOrder(rows) {
  const queued = rows.filter((row) => row.state === "queued");
  return queued.sort((a, b) => (a.queued_at < b.queued_at ? -1 : a.queued_at > b.queued_at ? 1 : 0));
}

/** One sync: the session, then each of the officer's queued rows in turn (and, meanwhile,
 * a fresh bundle). */
async function run() {
  const session = await api.session();
  if (!session.ok) return finish({ state: session.kind });
  const { user, csrf_token: token } = session.body;
  if (await setCurrentUser(user)) changed();
  const bundle = refreshBundle(); // fetched while the rows go, the visits first

  const rows = queuedInOrder(await outboxFor(user.id));
  let sent = 0;
  let state = "done";
  let photos = rows.length ? photosOf(rows[0].uuid) : null;
  try {
    for (const [i, row] of rows.entries()) {
      const hasPhotos = (await photos).length > 0;
      // The next visit's photos are looked up while this row is sent (not the same
      // visit's: this row may send them).
      const next = rows[i + 1];
      photos = next && (next.uuid === row.uuid ? null : photosOf(next.uuid));
      const outcome = await send(row, token, hasPhotos);
      photos ??= next && photosOf(next.uuid);
      if (outcome === "sent") sent += 1;
      else if (outcome !== "kept") {
        state = outcome;
        break;
      }
    }
  } finally {
    await Promise.all([bundle, ...removals.splice(0)]);
  }
  return finish({ state, sent });
}

/** Fetch a fresh bundle; if it cannot be had, the tablet keeps the one it has. */
async function refreshBundle() {
  const answer = await api.offlineBundle();
  // Otherwise the bundle already on the tablet stays in use.
  if (answer.ok) await saveBundle(answer.body).catch(() => {});
}

/** Send one row; "sent", "kept" (needs a person), "signed_out", "offline" or "server_error".
 * A visit with photos goes in three steps, since a submitted visit takes no more photos:
 * the visit as a draft (the row's own key), its photos one by one, then the submitted
 * visit under a second key kept in the row (`final_key`). The row stays until the last. */
async function send(row, token, hasPhotos) {
  if (!row.final_key && !hasPhotos) return put(row, token, row.op_uuid, row.payload, row.base_version, true);
  if (!row.final_key) {
    const first = await put(row, token, row.op_uuid, { ...row.payload, status: "draft" }, row.base_version, false);
    if (typeof first === "string") return first;
    Object.assign(row, { final_key: crypto.randomUUID(), final_version: first.version });
    await updateOutbox(row);
  }
  const failed = await uploadPhotos(row.uuid, token);
  changedSoon();
  if (failed?.kind === "refused") {
    const message = `A photo was not accepted: ${failed.body.message || `HTTP ${failed.status}`}`;
    row.state = "rejected";
    row.problem = { status: failed.status, ...failed.body, message };
    await updateOutbox(row);
    return "kept";
  }
  if (failed?.kind === "offline" || failed?.kind === "server_error") await retryLater(row, `photo: ${failed.kind}`);
  if (failed) return failed.kind;
  return put(row, token, row.final_key, row.payload, row.final_version, true);
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

/** PUT the visit under `key`; the visit's JSON when `last` is false and it is saved. */
async function put(row, token, key, payload, baseVersion, last) {
  const answer = await api.putVisit(row.uuid, { key, payload, baseVersion, token });
  if (answer.ok) {
    if (!last) return answer.body;
    removals.push(removeOutbox(row.op_uuid).then(changedSoon));
    return "sent";
  }
  if (answer.kind === "signed_out") return "signed_out";
  if (answer.kind === "refused") {
    row.state = answer.status === 409 ? "conflict" : "rejected";
    row.problem = { status: answer.status, ...answer.body };
    await updateOutbox(row);
    changedSoon();
    return "kept";
  }
  await retryLater(row, answer.kind === "offline" ? "network" : `HTTP ${answer.status || "redirect"}`);
  return answer.kind;
}

/** Count a failed attempt on the row; it stays queued for the next run. */
async function retryLater(row, reason) {
  row.attempts += 1;
  row.last_error = reason;
  await updateOutbox(row);
}
