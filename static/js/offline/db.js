// The tablet's own storage (IndexedDB through the small `idb` wrapper): the only module
// that opens the database.
//   meta:   "session" -> the officer last seen signed in on this tablet
//   bundle: one per user_id (GET /api/offline-bundle)
//   drafts: keyed by visit uuid, with user_id (payload.js says what a draft holds)
//   outbox: keyed by op_uuid (the Idempotency-Key): every change the tablet sends, a
//           draft's as well as a submission (outbox.js says what an entry holds)
//   photos: keyed by photo uuid, with visit_uuid, user_id, criterion, caption, blob, sha256
// Every row carries user_id so that on a shared tablet one officer never sees or sends
// another's work.
import { openDB } from "/static/vendor/idb/index.js";

import { draftFromVisit } from "./payload.js";

let opened;

/** The database, opened (and upgraded) once per page (outbox.js shares it). */
export function db() {
  opened ??= openDB("qa-offline", 3, {
    upgrade(database, oldVersion, _newVersion, tx) {
      // Each step runs once per tablet; the stores of earlier versions (and their rows) stay.
      if (oldVersion < 1) {
        database.createObjectStore("meta");
        database.createObjectStore("bundle", { keyPath: "user_id" });
        database.createObjectStore("drafts", { keyPath: "uuid" }).createIndex("user_id", "user_id");
        database.createObjectStore("outbox", { keyPath: "op_uuid" }).createIndex("user_id", "user_id");
      }
      if (oldVersion < 2) {
        const photos = database.createObjectStore("photos", { keyPath: "uuid" });
        photos.createIndex("visit_uuid", "visit_uuid");
        photos.createIndex("user_id", "user_id");
      }
      if (oldVersion < 3) tx.objectStore("outbox").createIndex("uuid", "uuid");
    },
  });
  return opened;
}

/** The officer last seen signed in on this tablet ({id, name}), or undefined. */
export async function currentUser() {
  return (await db()).get("meta", "session");
}

/** Remember who is signed in; true when that is a different officer from before. */
export async function setCurrentUser(user) {
  const database = await db();
  const previous = await database.get("meta", "session");
  const mine = { id: user.id, name: user.name, role: user.role ?? previous?.role ?? null };
  if (previous?.id !== mine.id || previous?.name !== mine.name || previous?.role !== mine.role) await database.put("meta", mine, "session");
  return previous?.id !== mine.id;
}

/** Keep the bundle the server just sent (one per officer), and take each visit it lists
 * (the officer's drafts and returned visits, wherever they were started) onto the tablet
 * as a draft, in the same transaction. A local draft with changes the server has not had,
 * or a visit waiting in the outbox, is never overwritten. */
export async function saveBundle(bundle) {
  const tx = (await db()).transaction(["bundle", "drafts", "outbox", "meta"], "readwrite");
  tx.objectStore("bundle").put(bundle);
  const meta = tx.objectStore("meta");
  const queued = new Set((await tx.objectStore("outbox").index("user_id").getAll(bundle.user_id)).map((row) => row.uuid));
  const drafts = tx.objectStore("drafts");
  for (const visit of bundle.visits || []) {
    if (queued.has(visit.uuid)) continue;
    // Submitted from here: only the Head of Access returning it makes it a draft again.
    if (await meta.get(`sent:${visit.uuid}`)) {
      if (visit.status !== "returned") continue;
      meta.delete(`sent:${visit.uuid}`);
    }
    const local = await drafts.get(visit.uuid);
    if (local && (local.dirty || local.conflict || local.user_id !== bundle.user_id)) continue;
    if (local && (local.base_version ?? 0) > visit.version) continue;
    drafts.put(draftFromVisit(visit, bundle.user_id));
  }
  await tx.done;
}

/** Take a visit the server sent onto the tablet, unless the local draft has changes the
 * server has not had (or is waiting in the outbox); true when it was taken. */
export async function adoptVisit(visit, userId) {
  const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
  const queued = (await tx.objectStore("outbox").index("uuid").count(visit.uuid)) > 0;
  const local = await tx.objectStore("drafts").get(visit.uuid);
  // An answer read before the tablet's last change arrived is older than the draft.
  const take = !queued && !(local && (local.dirty || local.conflict || local.user_id !== userId || (local.base_version ?? 0) > visit.version));
  if (take) tx.objectStore("drafts").put(draftFromVisit(visit, userId));
  await tx.done;
  return take;
}

/** The officer's bundle, or undefined before the first sync. */
export async function bundleFor(userId) {
  return (await db()).get("bundle", userId);
}

/** The officer's drafts (visits not yet submitted). */
export async function draftsFor(userId) {
  return (await db()).getAllFromIndex("drafts", "user_id", userId);
}

/** One draft by visit uuid (whoever's it is: the caller checks user_id). */
export async function getDraft(uuid) {
  return (await db()).get("drafts", uuid);
}

/** Save a draft that has no change to send (one the server already has). */
export async function putDraft(draft) {
  return (await db()).put("drafts", draft);
}

/** The officer's rows waiting in the outbox. */
export async function outboxFor(userId) {
  return (await db()).getAllFromIndex("outbox", "user_id", userId);
}

/** Rows waiting for anyone on this tablet (a worker update must wait for all of them). */
export async function outboxCount() {
  return (await db()).count("outbox");
}

/** The visits that have photos still on the tablet (their uuids), read from the index
 * alone (no photo is loaded). */
export async function visitsWithPhotos() {
  const found = new Set();
  let cursor = await (await db()).transaction("photos").store.index("visit_uuid").openKeyCursor();
  for (; cursor; cursor = await cursor.continue()) found.add(cursor.key);
  return found;
}

/** A visit's photos still on the tablet. */
export async function photosOf(visitUuid) {
  return (await db()).getAllFromIndex("photos", "visit_uuid", visitUuid);
}

/** Keep a new photo. */
export async function addPhoto(photo) {
  return (await db()).put("photos", photo);
}

/** Change a photo's caption (nothing happens if it has gone, sent or removed). */
export async function setPhotoCaption(uuid, caption) {
  const tx = (await db()).transaction("photos", "readwrite");
  const stored = await tx.store.get(uuid);
  if (stored) await tx.store.put({ ...stored, caption });
  await tx.done;
}

/** A photo removed by the officer, or acknowledged by the server. */
export async function removePhoto(uuid) {
  return (await db()).delete("photos", uuid);
}

/** Signing out on a shared tablet: remove one officer's drafts, outbox rows and bundle
 * (and forget them as the last officer seen), in one transaction. Others' rows stay. */
export async function clearUser(userId) {
  const tx = (await db()).transaction(["meta", "bundle", "drafts", "outbox", "photos"], "readwrite");
  for (const name of ["drafts", "outbox", "photos"]) {
    const store = tx.objectStore(name);
    for (const key of await store.index("user_id").getAllKeys(userId)) store.delete(key);
  }
  tx.objectStore("bundle").delete(userId);
  const meta = tx.objectStore("meta");
  if ((await meta.get("session"))?.id === userId) meta.delete("session");
  await tx.done;
}

/** Delete one visit of one officer from the tablet (its draft, outbox rows and photos),
 * in one transaction: what was not sent of it is lost. */
export async function clearVisit(userId, uuid) {
  const tx = (await db()).transaction(["drafts", "outbox", "photos"], "readwrite");
  const draft = await tx.objectStore("drafts").get(uuid);
  if (draft?.user_id === userId) tx.objectStore("drafts").delete(uuid);
  const outbox = tx.objectStore("outbox");
  for (const row of await outbox.index("uuid").getAll(uuid)) if (row.user_id === userId) outbox.delete(row.op_uuid);
  const photos = tx.objectStore("photos");
  for (const photo of await photos.index("visit_uuid").getAll(uuid)) if (photo.user_id === userId) photos.delete(photo.uuid);
  await tx.done;
}
