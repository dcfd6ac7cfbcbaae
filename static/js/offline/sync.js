// Sync runs in the page (Safari on iPad has no Background Sync): on load, on `online`,
// on becoming visible, soon after each change, from "Sync now", and while the server
// cannot be reached, as soon as /healthz answers again (asked every second). One run at
// a time across tabs (Web Locks). Each run asks GET /api/session for the user and a fresh
// CSRF token (never stored in the queue) and sends only that officer's entries: up to
// POOL visits side by side, each visit's entries in order (If-Match keeps them so); a
// backlog of many visits goes BATCH entries to a request (POST /api/visit-changes, each
// entry answered as its own PUT would be, under its own key).
// An entry is sent exactly as it was stored (outbox.js): its key, body and base version.
// It leaves the outbox only when a 2xx answer echoes its key (a redirect, a 5xx or a lost
// answer keeps it; the server's idempotency makes the resend harmless); "still in
// progress" is asked again soon with the same key; a 401 keeps everything; a 409 conflict
// keeps the copy for a person to decide; a photo leaves once the server has it.
import * as api from "./api.js";
import { bundleFor, outboxFor, photosOf, removePhoto, saveBundle, setCurrentUser, visitsWithPhotos } from "./db.js";
import { acknowledge, acknowledgeAll, claim, claimAll, entriesOf, keepConflict, noteFailure, noteFailures, refuse, sendable } from "./outbox.js";
import { changed } from "./page.js";

const POOL = 4;
const BATCH = 25; // entries in one request to /api/visit-changes (the server takes 25 at most)
const BATCH_FROM = 3; // visits waiting at once from which their entries go in batches
const POLL_MS = 1000; // while the server cannot be reached, /healthz is asked this often
const BUSY_TRIES = 10; // "still in progress" answers before the run gives up for now
const REFRESH_MS = 2000;
let running = null;
let following = null;
let refresh = null;
let timer = null;
let soon = null;
export let lastResult = { state: "idle" };

/** Sync now; resolves to the run's result. Called while a run is going, it resolves to the
 * run after that one, which sends what was queued meanwhile (the run going may have read the
 * outbox before it): a caller waiting on its change never hears of a run without it. */
export function syncNow() {
  if (running) {
    const next = () => {
      following = null;
      return syncNow();
    };
    following ??= running.then(next, next);
    return following;
  }
  clearTimeout(soon);
  running = (navigator.locks ? navigator.locks.request("qa-sync", run) : run()).finally(() => {
    running = null;
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

/** Send what can go until nothing is left that can go now (what is queued meanwhile
 * included); {state, sent: how many visits had changes arrive}. A backlog (BATCH_FROM
 * visits or more waiting) goes BATCH entries to a request; a few go POOL visits at a time,
 * each entry as its own PUT. */
async function drain(userId, token) {
  const sent = new Set(); // the visits of which something arrived
  let stop = null;
  let busyRounds = 0;
  let queue = sendable(await outboxFor(userId));
  while (queue.length && !stop) {
    const batched = queue.length >= BATCH_FROM ? await batchable(queue) : [];
    if (batched.length >= BATCH_FROM) {
      stop = await sendBatches(batched, token, sent);
      if (stop === "busy") {
        // A copy of some entry is still being handled: ask again shortly, a few times.
        busyRounds += 1;
        stop = busyRounds < BUSY_TRIES ? null : "server_error";
        if (!stop) await pause(1000);
      }
    } else {
      stop = await sendInLanes(queue, token, sent);
    }
    if (!stop) queue = sendable(await outboxFor(userId)); // queued or released while the run went
  }
  return { state: stop ?? "done", sent: sent.size };
}

/** The entries that go as one PUT each (a submission with photos goes in steps: send()). */
async function batchable(entries) {
  const withPhotos = await visitsWithPhotos();
  return entries.filter((e) => e.final_version == null && !(e.payload.status === "submitted" && withPhotos.has(e.uuid)));
}

/** Send these entries, POOL visits side by side, each visit's entries one after another;
 * the reason to stop, or null. */
async function sendInLanes(queue, token, sent) {
  let stop = null;
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
  await Promise.all(Array.from({ length: POOL }, lane));
  return stop;
}

/** Send these entries (one per visit) BATCH to a request, one request after another; the
 * reason to stop ("busy" when some copy was still being handled), or null. */
async function sendBatches(entries, token, sent) {
  let busy = false;
  for (let i = 0; i < entries.length; i += BATCH) {
    const outcome = await sendBatch(entries.slice(i, i + BATCH), token, sent);
    if (outcome === "busy") busy = true;
    else if (outcome) return outcome;
  }
  return busy ? "busy" : null;
}

/** One request of entries: claimed in one transaction, and the answered ones acknowledged
 * in one; each other answer is dealt with as its own PUT's would be. A request with no
 * usable answer as a whole sends its entries one by one (or, offline, keeps them). */
async function sendBatch(queued, token, sent) {
  const claimed = await claimAll(queued.map((e) => e.op_uuid));
  // Looked at again as claimed (a claimed entry's body no longer changes): a draft that
  // became a submission with photos meanwhile goes in its steps, through send().
  const entries = await batchable(claimed);
  const alone = claimed.filter((e) => !entries.includes(e));
  if (alone.length) {
    const stop = await sendInLanes(alone, token, sent);
    if (stop) return stop;
  }
  if (!entries.length) return null;
  const answer = await api.putVisits(entries, token);
  if (!answer.ok) {
    if (answer.kind === "offline" || answer.kind === "signed_out") {
      if (answer.kind === "offline") await noteFailures(entries, { last_error: "network" });
      return answer.kind;
    }
    return sendInLanes(entries, token, sent);
  }
  const answered = [];
  let busy = false;
  let failed = false;
  for (const entry of entries) {
    const result = answer.answers.get(entry.op_uuid) ?? { ok: false, kind: "server_error", status: 0, body: {} };
    if (result.ok) {
      answered.push([entry, result.body.version]);
      sent.add(entry.uuid);
    } else if (result.kind === "busy") {
      busy = true;
      await noteFailure(entry, { last_error: "still in progress" });
    } else if (result.kind === "refused") {
      const problem = { status: result.status, ...result.body };
      await (result.status === 409 ? keepConflict(entry, problem) : refuse(entry, problem));
      changed({ visit: entry.uuid }); // at once, on whatever page the officer is
    } else {
      // Worth another try later, as a PUT's server error is: the run ends here (and the
      // tablet watches /healthz) rather than sending the same entry again at once.
      failed = true;
      await noteFailure(entry, { last_error: `HTTP ${result.status || "redirect"}` });
    }
  }
  await acknowledgeAll(answered);
  changedSoon();
  return failed ? "server_error" : busy ? "busy" : null;
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
