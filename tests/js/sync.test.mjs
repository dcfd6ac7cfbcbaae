// The send loop (static/js/offline/sync.js) in Node, against the in-memory tablet and
// server of sync/fakes.mjs (sync/hooks.mjs points sync.js's imports there): the rules at
// the top of sync.js, and the order of a visit's rows.
import assert from "node:assert/strict";
import { register } from "node:module";
import { beforeEach, mock, test } from "node:test";

register("./sync/hooks.mjs", import.meta.url);
globalThis.navigator ??= {}; // no Web Locks here: one run at a time all the same
mock.timers.enable({ apis: ["setTimeout"] }); // the backoff and refresh timers never fire by themselves

const { tablet, server } = await import("./sync/fakes.mjs");
const sync = await import("../../static/js/offline/sync.js");

const OFFICER = { id: 7, name: "Officer" };
let clock = 0;

/** A queued row of `uuid` for `userId`, queued after every row made before it. */
function row(opUuid, uuid, userId = OFFICER.id) {
  clock += 1;
  const queuedAt = new Date(Date.UTC(2026, 10, 20, 9, 0, clock)).toISOString();
  return { op_uuid: opUuid, uuid, user_id: userId, base_version: null, payload: { status: "submitted" }, attempts: 0, state: "queued", queued_at: queuedAt };
}

beforeEach(() => {
  Object.assign(tablet, { rows: [], photos: [], changes: [] });
  Object.assign(server, { puts: [], inFlight: 0, mostInFlight: 0, answer: () => ({ status: 201 }) });
  server.session = { ok: true, status: 200, body: { user: OFFICER, csrf_token: "token" } };
});

test("a visit's rows go in the order they were queued, whatever their keys", async () => {
  tablet.rows = [row("ffff", "visit-a"), row("0000", "visit-b"), row("aaaa", "visit-a")];
  const result = await sync.syncNow();
  assert.deepEqual(server.puts.map((p) => p.key), ["ffff", "0000", "aaaa"]);
  assert.deepEqual(result, { state: "done", sent: 3 });
  assert.deepEqual(tablet.rows, []);
});

test("one PUT at a time", async () => {
  tablet.rows = Array.from({ length: 20 }, (_, i) => row(`op-${i}`, `visit-${i}`));
  await sync.syncNow();
  assert.equal(server.puts.length, 20);
  assert.equal(server.mostInFlight, 1);
});

test("a row stays unless a 2xx acknowledges it; a server error ends the run", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2"), row("op-3", "visit-3")];
  server.answer = (uuid) => ({ status: uuid === "visit-2" ? 503 : 201 });
  const result = await sync.syncNow();
  assert.deepEqual(result, { state: "server_error", sent: 1 });
  assert.deepEqual(server.puts.map((p) => p.key), ["op-1", "op-2"]);
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, r.state, r.attempts]), [["op-2", "queued", 1], ["op-3", "queued", 0]]);
});

test("a 401 keeps every row", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2")];
  server.answer = () => ({ status: 401 });
  const result = await sync.syncNow();
  assert.equal(result.state, "signed_out");
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, r.state]), [["op-1", "queued"], ["op-2", "queued"]]);
});

test("a signed-out session sends nothing", async () => {
  tablet.rows = [row("op-1", "visit-1")];
  server.session = { ok: false, kind: "signed_out", status: 401, body: {} };
  assert.deepEqual(await sync.syncNow(), { state: "signed_out" });
  assert.deepEqual(server.puts, []);
  assert.equal(tablet.rows.length, 1);
});

test("a 409 keeps the row as a conflict, never resent, and the others still go", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2")];
  server.answer = (uuid) => (uuid === "visit-1" ? { status: 409, body: { error: "conflict" } } : { status: 201 });
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 1 });
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, r.state, r.problem.status]), [["op-1", "conflict", 409]]);
  server.puts = [];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 0 });
  assert.deepEqual(server.puts, []);
});

test("only the signed-in officer's rows are sent", async () => {
  tablet.rows = [row("op-1", "visit-1", 8), row("op-2", "visit-2"), row("op-3", "visit-3", 8)];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 1 });
  assert.deepEqual(server.puts.map((p) => p.key), ["op-2"]);
  assert.deepEqual(tablet.rows.map((r) => r.op_uuid), ["op-1", "op-3"]);
});

test("a visit with photos goes as a draft, then its photos, then submitted", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2")];
  tablet.photos = [{ uuid: "photo-1", visit_uuid: "visit-1" }];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 2 });
  const steps = server.puts.map((p) => p.photo ?? `${p.uuid} ${p.status}`);
  assert.deepEqual(steps, ["visit-1 draft", "photo-1", "visit-1 submitted", "visit-2 submitted"]);
  assert.deepEqual([tablet.rows, tablet.photos], [[], []]);
});

test("the page is told of a run once it ends, not once a row", async () => {
  tablet.rows = Array.from({ length: 50 }, (_, i) => row(`op-${i}`, `visit-${i}`));
  await sync.syncNow();
  assert.deepEqual(tablet.changes, [{ sync: { state: "done", sent: 50 } }]);
  assert.deepEqual(sync.lastResult, { state: "done", sent: 50 });
});
