// What sync.js imports from db.js, api.js and page.js, held in memory (see hooks.mjs).
// `tablet` is the outbox and photos; `server` answers each PUT as its `answer` says and
// logs the PUTs in the order they arrive.
export const tablet = { rows: [], photos: [], changes: [] };
export const server = { puts: [], inFlight: 0, mostInFlight: 0, answer: () => ({ status: 201 }), session: null };

const copy = (value) => structuredClone(value);
const later = () => new Promise((resolve) => setImmediate(resolve));

/** db.js: the officer's rows, as copies in key order (as IndexedDB's index gives them). */
export async function outboxFor(userId) {
  const rows = tablet.rows.filter((row) => row.user_id === userId).map(copy);
  return rows.sort((a, b) => (a.op_uuid < b.op_uuid ? -1 : 1));
}

/** db.js: save a row's attempts, state or problem. */
export async function updateOutbox(row) {
  tablet.rows = tablet.rows.map((stored) => (stored.op_uuid === row.op_uuid ? copy(row) : stored));
}

/** db.js: a row leaves the outbox. */
export async function removeOutbox(opUuid) {
  tablet.rows = tablet.rows.filter((row) => row.op_uuid !== opUuid);
}

/** db.js: a visit's photos. */
export async function photosOf(visitUuid) {
  return tablet.photos.filter((photo) => photo.visit_uuid === visitUuid).map(copy);
}

/** db.js: a photo leaves the tablet. */
export async function removePhoto(uuid) {
  tablet.photos = tablet.photos.filter((photo) => photo.uuid !== uuid);
}

/** db.js: keep the bundle. */
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

/** api.js: a PUT of a visit, answered after a turn of the event loop as server.answer says. */
export async function putVisit(uuid, { key, payload, baseVersion }) {
  server.puts.push({ uuid, key, status: payload.status, baseVersion });
  server.inFlight += 1;
  server.mostInFlight = Math.max(server.mostInFlight, server.inFlight);
  await later();
  server.inFlight -= 1;
  const { status, body = {} } = server.answer(uuid, key);
  if (status === 0) return { ok: false, kind: "offline", status, body };
  if (status < 300) return { ok: true, status, body: { version: 1, ...body } };
  if (status === 401) return { ok: false, kind: "signed_out", status, body };
  if (status < 500) return { ok: false, kind: "refused", status, body };
  return { ok: false, kind: "server_error", status, body };
}

/** api.js: a photo upload (accepted). */
export async function putPhoto(visitUuid, photo) {
  server.puts.push({ uuid: visitUuid, photo: photo.uuid });
  await later();
  return { ok: true, status: 201, body: {} };
}
