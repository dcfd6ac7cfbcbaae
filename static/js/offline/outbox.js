// The outbox: every change the tablet sends to the server, a draft's as well as a
// submission, is an entry here, written in the same IndexedDB transaction as the draft it
// comes from. An entry is a stored request, replayed exactly:
//   op_uuid       its Idempotency-Key, made when it is queued and never again;
//   uuid, user_id the visit and the officer;
//   base_version  the version it is based on (If-Match; null: it creates the visit);
//   waits_for     while an earlier entry of the visit is unanswered, that entry's key:
//                 its answer brings this entry's base_version;
//   payload       the body (status "draft" or "submitted");
//   final_key     a submission's second key (a visit with photos goes as a draft first);
//   state         "queued", "conflict" or "rejected"; sent_at once it has left the tablet;
//   attempts, last_error, problem, queued_at.
// While an entry has never been sent, a newer change of its visit replaces its payload.
// Once sent, it is resent unchanged (same key, same body) until answered, and the newer
// change follows as an entry of its own. The version an answer brings is stored in the
// transaction that removes the entry.
import { db } from "./db.js";
import { fieldKeys } from "./payload.js";

const STORES = ["drafts", "outbox", "meta"];

/** A visit's entries in the order they go: each after the one it waits for. */
export function inOrder(entries) {
  const byKey = new Map(entries.map((e) => [e.op_uuid, e]));
  const next = new Map(entries.filter((e) => e.waits_for && byKey.has(e.waits_for)).map((e) => [e.waits_for, e]));
  const firsts = entries.filter((e) => !e.waits_for || !byKey.has(e.waits_for)).sort((a, b) => (a.queued_at < b.queued_at ? -1 : a.queued_at > b.queued_at ? 1 : 0));
  const ordered = [];
  for (let e of firsts) for (; e && !ordered.includes(e); e = next.get(e.op_uuid)) ordered.push(e);
  return ordered;
}

/** The entries that may go now, one per visit, oldest visit first: a visit's first
 * entry, queued (a conflict or a refusal waits for a person) and not waiting for an answer. */
export function sendable(entries) {
  const visits = new Map();
  for (const entry of entries) visits.set(entry.uuid, [...(visits.get(entry.uuid) || []), entry]);
  const heads = [...visits.values()].map((list) => inOrder(list)[0]);
  return heads.filter((e) => e.state === "queued" && !e.waits_for).sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
}

/** The entries of one visit. */
export async function entriesOf(uuid) {
  return (await db()).getAllFromIndex("outbox", "uuid", uuid);
}

/** Save the draft and queue what it now sends, in ONE transaction. The draft's
 * base_version and conflict are the sync's to say (a form's copy may be older); a draft
 * in conflict is kept but sends nothing until a person decides. `submit` moves the draft
 * into the outbox: a second call (a double click, another tab) finds no draft and queues
 * nothing. Resolves to the entry (null when nothing was queued). */
export async function queueChange(draft, payload, { submit = false } = {}) {
  const tx = (await db()).transaction(STORES, "readwrite");
  const drafts = tx.objectStore("drafts");
  const outbox = tx.objectStore("outbox");
  const stored = await drafts.get(draft.uuid);
  if (submit && !stored) return tx.done.then(() => null);
  const kept = { ...draft, base_version: stored ? stored.base_version : draft.base_version, conflict: stored?.conflict ?? draft.conflict ?? null, dirty: true };
  if (submit) drafts.delete(draft.uuid);
  else drafts.put(kept);
  let entry = null;
  if (!kept.conflict || submit) {
    const last = inOrder(await outbox.index("uuid").getAll(draft.uuid)).at(-1);
    if (last && last.state === "queued" && !last.sent_at) {
      entry = { ...last, payload };
    } else {
      entry = { op_uuid: crypto.randomUUID(), uuid: draft.uuid, user_id: draft.user_id, base_version: last ? null : (kept.base_version ?? null), payload, attempts: 0, state: "queued", queued_at: new Date().toISOString(), sent_at: null };
      if (last) entry.waits_for = last.op_uuid;
    }
    if (payload.status === "submitted") entry.final_key ??= crypto.randomUUID();
    outbox.put(entry);
  }
  await tx.done;
  return entry;
}

/** Take an entry to send: marks it sent (from now on its body never changes) and gives
 * it as stored; null when it has gone, waits for a person or waits for an answer. */
export async function claim(opUuid) {
  return (await claimAll([opUuid]))[0] ?? null;
}

/** claim() for several entries, in one transaction: those that can go, as stored. */
export async function claimAll(opUuids) {
  const tx = (await db()).transaction("outbox", "readwrite");
  const claimed = [];
  for (const opUuid of opUuids) {
    const entry = await tx.store.get(opUuid);
    if (!entry || entry.state !== "queued" || entry.waits_for) continue;
    entry.sent_at ??= new Date().toISOString();
    entry.attempts += 1;
    if (entry.payload.status === "submitted") entry.final_key ??= crypto.randomUUID(); // queued by an earlier version
    tx.store.put(entry);
    claimed.push(entry);
  }
  await tx.done;
  return claimed;
}

/** The entry that waited for `entry`'s answer can go, from `version`. */
async function release(outbox, entry, version) {
  for (const follower of await outbox.index("uuid").getAll(entry.uuid)) {
    if (follower.waits_for !== entry.op_uuid) continue;
    delete follower.waits_for;
    follower.base_version = version;
    outbox.put(follower);
  }
}

/** The server has the entry: it leaves the outbox, and the version its answer brings is
 * kept on the draft and the entry that follows, in the same transaction. A submitted
 * visit is remembered as sent, so that a bundle fetched while it was on its way (listing
 * it as a draft still) does not bring it back as a draft. */
export async function acknowledge(entry, version) {
  await acknowledgeAll([[entry, version]]);
}

/** acknowledge() for several [entry, version] pairs, in one transaction. */
export async function acknowledgeAll(answered) {
  if (!answered.length) return;
  const tx = (await db()).transaction(STORES, "readwrite");
  const outbox = tx.objectStore("outbox");
  const drafts = tx.objectStore("drafts");
  for (const [entry, version] of answered) {
    outbox.delete(entry.op_uuid);
    await release(outbox, entry, version);
    const draft = await drafts.get(entry.uuid);
    if (draft) {
      draft.base_version = version;
      if ((await outbox.index("uuid").count(entry.uuid)) === 0) draft.dirty = false;
      for (const key of Object.keys(draft.server_errors || {})) if (!key.startsWith("criterion.")) delete draft.server_errors[key];
      drafts.put(draft);
    }
    if (entry.payload.status === "submitted") tx.objectStore("meta").put(true, `sent:${entry.uuid}`);
  }
  await tx.done;
}

/** Someone else changed the visit: the entry stays as a conflict for a person to decide
 * (the server keeps the tablet's copy too), and the draft says so. */
export async function keepConflict(entry, problem) {
  const tx = (await db()).transaction(STORES, "readwrite");
  tx.objectStore("outbox").put({ ...entry, state: "conflict", problem });
  const drafts = tx.objectStore("drafts");
  const draft = await drafts.get(entry.uuid);
  if (draft) drafts.put({ ...draft, conflict: { conflict_id: problem.conflict_id ?? null } });
  await tx.done;
}

/** The server refused the entry. A draft's change with field errors leaves the outbox and
 * its messages go beside the draft's fields (what it saved is unchanged, so the next entry
 * goes from the same version); anything else stays, refused, for a person. */
export async function refuse(entry, problem) {
  const tx = (await db()).transaction(STORES, "readwrite");
  const outbox = tx.objectStore("outbox");
  const draft = await tx.objectStore("drafts").get(entry.uuid);
  if (entry.payload.status === "draft" && problem.fields && draft) {
    outbox.delete(entry.op_uuid);
    await release(outbox, entry, entry.base_version);
    tx.objectStore("drafts").put({ ...draft, server_errors: fieldKeys(entry.payload, problem.fields) });
  } else {
    outbox.put({ ...entry, state: "rejected", problem });
  }
  await tx.done;
}

/** A refused submission goes back to being a draft, in one transaction. */
export async function returnToDraft(entry, draft) {
  const tx = (await db()).transaction(STORES, "readwrite");
  const outbox = tx.objectStore("outbox");
  outbox.delete(entry.op_uuid);
  await release(outbox, entry, entry.final_version ?? entry.base_version);
  tx.objectStore("drafts").put(draft);
  await tx.done;
}

/** Note on a sent entry why it is still here (its body and key stay as they are). */
export async function noteFailure(entry, changes) {
  await noteFailures([entry], changes);
}

/** noteFailure() for several entries, in one transaction. */
export async function noteFailures(entries, changes) {
  const tx = (await db()).transaction("outbox", "readwrite");
  for (const entry of entries) {
    const stored = await tx.store.get(entry.op_uuid);
    if (stored) tx.store.put({ ...stored, ...changes });
  }
  await tx.done;
}
