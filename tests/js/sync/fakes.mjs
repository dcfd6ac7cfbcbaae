// What sync.js imports from db.js, outbox.js, api.js and page.js, held in memory (see
// hooks.mjs). `tablet` is the outbox, the photos and the versions the answers brought;
// `server` answers each PUT as its `answer` says and logs the PUTs in the order they
// arrive. The outbox's ordering rules are outbox.js's own.
import { sendable } from "../../../static/js/offline/outbox.js";

export { sendable };
export const tablet = { rows: [], photos: [], changes: [], versions: {} };
export const server = { puts: [], batches: [], inFlight: 0, mostInFlight: 0, answer: () => ({ status: 201 }), session: null, healthy: true };

const copy = (value) => structuredClone(value);
const later = () => new Promise((resolve) => setImmediate(resolve));

/** db.js: the database (never opened here: outbox.js is faked for sync.js). */
export const db = null;

/** db.js: the officer's rows, as copies in key order (as IndexedDB's index gives them). */
export async function outboxFor(userId) {
  const rows = tablet.rows.filter((row) => row.user_id === userId).map(copy);
  return rows.sort((a, b) => (a.op_uuid < b.op_uuid ? -1 : 1));
}

/** outbox.js: one visit's rows. */
export async function entriesOf(uuid) {
  return tablet.rows.filter((row) => row.uuid === uuid).map(copy);
}

/** outbox.js: mark a row sent and give it as stored (null if it cannot go). */
export async function claim(opUuid) {
  const row = tablet.rows.find((r) => r.op_uuid === opUuid);
  if (!row || row.state !== "queued" || row.waits_for) return null;
  row.sent_at ??= "sent";
  row.attempts += 1;
  return copy(row);
}

/** outbox.js: claim() for several rows. */
export async function claimAll(opUuids) {
  const claimed = [];
  for (const opUuid of opUuids) {
    const entry = await claim(opUuid);
    if (entry) claimed.push(entry);
  }
  return claimed;
}

/** outbox.js: acknowledge() for several [entry, version] pairs. */
export async function acknowledgeAll(answered) {
  for (const [entry, version] of answered) await acknowledge(entry, version);
}

/** outbox.js: the row leaves; the row that waited for it goes from `version`. */
export async function acknowledge(entry, version) {
  tablet.rows = tablet.rows.filter((row) => row.op_uuid !== entry.op_uuid);
  for (const row of tablet.rows) {
    if (row.waits_for === entry.op_uuid) {
      delete row.waits_for;
      row.base_version = version;
    }
  }
  tablet.versions[entry.uuid] = version;
}

/** outbox.js: a conflict, kept for a person. */
export async function keepConflict(entry, problem) {
  Object.assign(tablet.rows.find((row) => row.op_uuid === entry.op_uuid), { state: "conflict", problem });
}

/** outbox.js: a refusal, kept for a person. */
export async function refuse(entry, problem) {
  Object.assign(tablet.rows.find((row) => row.op_uuid === entry.op_uuid), { state: "rejected", problem });
}

/** outbox.js: note why a sent row is still here. */
export async function noteFailure(entry, changes) {
  const row = tablet.rows.find((r) => r.op_uuid === entry.op_uuid);
  if (row) Object.assign(row, changes);
}

/** outbox.js: noteFailure() for several rows. */
export async function noteFailures(entries, changes) {
  for (const entry of entries) await noteFailure(entry, changes);
}

/** db.js: the visits with photos on the tablet. */
export async function visitsWithPhotos() {
  return new Set(tablet.photos.map((photo) => photo.visit_uuid));
}

/** db.js: a visit's photos. */
export async function photosOf(visitUuid) {
  return tablet.photos.filter((photo) => photo.visit_uuid === visitUuid).map(copy);
}

/** db.js: a photo leaves the tablet. */
export async function removePhoto(uuid) {
  tablet.photos = tablet.photos.filter((photo) => photo.uuid !== uuid);
}

/** db.js: no bundle on this tablet yet, and keeping one does nothing here. */
export async function bundleFor() {
  return undefined;
}
export async function saveBundle() {}

/** db.js: the same officer as before. */
export async function setCurrentUser() {
  return false;
}

/** page.js: the page is told something changed. */
export function changed(detail = {}) {
  tablet.changes.push(detail);
}

/** api.js: who is signed in. */
export async function session() {
  await later();
  return server.session;
}

/** api.js: no bundle today. */
export async function offlineBundle() {
  return { ok: false, kind: "server_error", status: 500, body: {} };
}

/** api.js: /healthz. */
export async function healthy() {
  return server.healthy;
}

/** api.js: a PUT of a visit, answered after a turn of the event loop as server.answer says. */
export async function putVisit(uuid, { key, payload, baseVersion }) {
  server.puts.push({ uuid, key, status: payload.status, baseVersion, body: copy(payload) });
  server.inFlight += 1;
  server.mostInFlight = Math.max(server.mostInFlight, server.inFlight);
  await later();
  server.inFlight -= 1;
  const { status, body = {} } = server.answer(uuid, key, baseVersion);
  return result(status, body, baseVersion);
}

/** What api.js makes of an answer of `status` (0: none) to a change from `baseVersion`. */
function result(status, body, baseVersion) {
  if (status === 0) return { ok: false, kind: "offline", status, body };
  if (status < 300) return { ok: true, status, body: { version: (baseVersion ?? 0) + 1, ...body } };
  if (status === 401) return { ok: false, kind: "signed_out", status, body };
  if (status === 409 && body.error === "in_progress") return { ok: false, kind: "busy", status, body, retryAfter: 200 };
  if (status < 500) return { ok: false, kind: "refused", status, body };
  return { ok: false, kind: "server_error", status, body };
}

/** api.js: a batch of changes (each logged as a PUT, marked batched), answered after a turn
 * of the event loop, each as server.answer says; an answer of 0 to any loses the whole. */
export async function putVisits(entries) {
  server.batches.push(entries.map((entry) => entry.op_uuid));
  server.inFlight += 1;
  server.mostInFlight = Math.max(server.mostInFlight, server.inFlight);
  await later();
  server.inFlight -= 1;
  const answers = new Map();
  for (const entry of entries) {
    const baseVersion = entry.base_version ?? null;
    server.puts.push({ uuid: entry.uuid, key: entry.op_uuid, status: entry.payload.status, baseVersion, body: copy(entry.payload), batched: true });
    const { status, body = {} } = server.answer(entry.uuid, entry.op_uuid, baseVersion);
    if (status === 0) return result(0, {}, baseVersion);
    answers.set(entry.op_uuid, result(status, body, baseVersion));
  }
  return { ok: true, answers };
}

/** api.js: a photo upload (accepted). */
export async function putPhoto(visitUuid, photo) {
  server.puts.push({ uuid: visitUuid, photo: photo.uuid });
  await later();
  return { ok: true, status: 201, body: {} };
}
