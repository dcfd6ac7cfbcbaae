// The send loop (static/js/offline/sync.js) in Node, against the in-memory tablet and
// server of sync/fakes.mjs (sync/hooks.mjs points sync.js's imports there): the rules at
// the top of sync.js and outbox.js, and the order of a visit's rows.
import assert from "node:assert/strict";
import { register } from "node:module";
import { beforeEach, mock, test } from "node:test";

register("./sync/hooks.mjs", import.meta.url);
globalThis.navigator ??= {}; // no Web Locks here: one run at a time all the same
mock.timers.enable({ apis: ["setTimeout"] }); // the retry and refresh timers fire only when a test says

const { tablet, server } = await import("./sync/fakes.mjs");
const sync = await import("../../static/js/offline/sync.js");

const OFFICER = { id: 7, name: "Officer" };
let clock = 0;

/** A queued row of `uuid` for `userId`, queued after every row made before it. */
function row(opUuid, uuid, userId = OFFICER.id, extra = {}) {
  clock += 1;
  const queuedAt = new Date(Date.UTC(2026, 10, 20, 9, 0, clock)).toISOString();
  return { op_uuid: opUuid, uuid, user_id: userId, base_version: null, payload: { status: "submitted" }, attempts: 0, state: "queued", queued_at: queuedAt, final_key: `${opUuid}-final`, ...extra };
}

/** A draft's change of `uuid`, from `base` (or after the entry `waitsFor`). */
function change(opUuid, uuid, { base = 3, waitsFor = null, text = opUuid } = {}) {
  const extra = waitsFor ? { waits_for: waitsFor, base_version: null } : { base_version: base };
  return row(opUuid, uuid, OFFICER.id, { payload: { status: "draft", strengths: text }, ...extra });
}

beforeEach(() => {
  Object.assign(tablet, { rows: [], photos: [], changes: [], versions: {} });
  Object.assign(server, { puts: [], batches: [], inFlight: 0, mostInFlight: 0, answer: () => ({ status: 201 }), healthy: true });
  server.session = { ok: true, status: 200, body: { user: OFFICER, csrf_token: "token" } };
});

test("a visit's rows go in the order they were queued, whatever their keys", async () => {
  tablet.rows = [row("ffff", "visit-a"), row("0000", "visit-b"), row("aaaa", "visit-a", OFFICER.id, { waits_for: "ffff" })];
  const result = await sync.syncNow();
  assert.deepEqual(server.puts.filter((p) => p.uuid === "visit-a").map((p) => p.key), ["ffff", "aaaa"]);
  assert.deepEqual(result, { state: "done", sent: 2 }); // two visits
  assert.deepEqual(tablet.rows, []);
});

test("two visits go side by side, each as its own PUT", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2")];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 2 });
  assert.deepEqual(server.batches, []);
  assert.equal(server.puts.length, 2);
  assert.equal(server.mostInFlight, 2);
});

test("a backlog goes 25 changes to a request, one request at a time", async () => {
  tablet.rows = Array.from({ length: 60 }, (_, i) => change(`op-${String(i).padStart(2, "0")}`, `visit-${i}`));
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 60 });
  assert.deepEqual(server.batches.map((batch) => batch.length), [25, 25, 10]);
  assert.equal(server.puts.length, 60);
  assert.equal(server.mostInFlight, 1);
  assert.deepEqual(tablet.rows, []);
  assert.equal(tablet.versions["visit-0"], 4);
});

test("a backlog's lost answer: the same batch again, and each visit's next change follows from its answer", async () => {
  tablet.rows = [
    ...["a", "b", "c"].map((v) => change(`op-${v}1`, `visit-${v}`, { base: 6 })),
    change("op-a2", "visit-a", { waitsFor: "op-a1", text: "second" }),
  ];
  server.answer = () => ({ status: 0 }); // the server applied the batch; the tablet heard nothing
  assert.deepEqual(await sync.syncNow(), { state: "offline", sent: 0 });
  assert.deepEqual(tablet.rows.filter((r) => r.sent_at).map((r) => r.op_uuid).sort(), ["op-a1", "op-b1", "op-c1"]);
  server.answer = () => ({ status: 200 });
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 3 });
  assert.deepEqual(server.batches, [["op-a1", "op-b1", "op-c1"], ["op-a1", "op-b1", "op-c1"]]);
  const a = server.puts.filter((p) => p.uuid === "visit-a").map((p) => [p.key, p.baseVersion, p.batched ?? false]);
  assert.deepEqual(a, [["op-a1", 6, true], ["op-a1", 6, true], ["op-a2", 7, false]]);
  assert.deepEqual(tablet.rows, []);
});

test("a batch: a conflict is kept, a change still in progress is asked again, an unanswered one ends the run", async () => {
  tablet.rows = ["a", "b", "c", "d"].map((v) => change(`op-${v}`, `visit-${v}`));
  let busy = 0;
  server.answer = (uuid) =>
    uuid === "visit-a" ? { status: 409, body: { error: "conflict", conflict_id: 5 } }
    : uuid === "visit-b" && busy++ === 0 ? { status: 409, body: { error: "in_progress" } }
    : uuid === "visit-c" ? { status: 502 }
    : { status: 200 };
  const run = sync.syncNow();
  const result = await run;
  assert.deepEqual(result, { state: "server_error", sent: 1 }); // visit-d arrived
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, r.state]), [["op-a", "conflict"], ["op-b", "queued"], ["op-c", "queued"]]);
  assert.equal(server.batches.length, 1); // no second request at once
});

test("a submission with photos is never sent in a batch", async () => {
  tablet.rows = ["a", "b", "c"].map((v) => row(`op-${v}`, `visit-${v}`));
  tablet.photos = [{ uuid: "photo-1", visit_uuid: "visit-b" }];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 3 });
  assert.deepEqual(server.batches, []); // two would go in a batch: fewer than three
  assert.deepEqual(server.puts.filter((p) => p.uuid === "visit-b").map((p) => p.photo ?? p.status), ["draft", "photo-1", "submitted"]);
});

test("a visit's changes go one after another, each from the version the last answer brought", async () => {
  tablet.rows = [change("op-1", "visit-a", { base: 6 }), change("op-2", "visit-a", { waitsFor: "op-1" }), change("op-3", "visit-b")];
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 2 });
  const a = server.puts.filter((p) => p.uuid === "visit-a").map((p) => [p.key, p.baseVersion]);
  assert.deepEqual(a, [["op-1", 6], ["op-2", 7]]);
  assert.deepEqual(tablet.versions, { "visit-a": 8, "visit-b": 4 });
  assert.deepEqual(tablet.rows, []);
});

test("a lost answer: the change is resent with the same key and body, and the next follows from its answer", async () => {
  tablet.rows = [change("op-1", "visit-a", { base: 6, text: "first" }), change("op-2", "visit-a", { waitsFor: "op-1", text: "second" })];
  server.answer = () => ({ status: 0 }); // the server applied it; the tablet heard nothing
  assert.deepEqual(await sync.syncNow(), { state: "offline", sent: 0 });
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, Boolean(r.sent_at), r.waits_for ?? null]), [["op-1", true, null], ["op-2", false, "op-1"]]);
  server.answer = () => ({ status: 200 });
  assert.deepEqual(await sync.syncNow(), { state: "done", sent: 1 });
  const sent = server.puts.map((p) => [p.key, p.baseVersion, p.body.strengths]);
  assert.deepEqual(sent, [["op-1", 6, "first"], ["op-1", 6, "first"], ["op-2", 7, "second"]]);
  assert.equal(server.puts.filter((p) => p.status === "draft").length, 3);
});

test("a copy still in progress on the server is asked again soon with the same key, never a conflict", async () => {
  tablet.rows = [change("op-1", "visit-a")];
  let answers = 0;
  server.answer = () => (++answers < 3 ? { status: 409, body: { error: "in_progress" } } : { status: 200 });
  const run = sync.syncNow();
  for (let i = 0; i < 20 && answers < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    mock.timers.tick(200);
  }
  assert.deepEqual(await run, { state: "done", sent: 1 });
  assert.deepEqual(server.puts.map((p) => p.key), ["op-1", "op-1", "op-1"]);
  assert.deepEqual(tablet.rows, []);
});

test("after a failed run the sync starts again as soon as /healthz answers", async () => {
  tablet.rows = [row("op-1", "visit-1")];
  server.answer = () => ({ status: 503 });
  assert.equal((await sync.syncNow()).state, "server_error");
  server.answer = () => ({ status: 201 });
  server.healthy = false;
  mock.timers.tick(1000); // asked, not yet answering
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(server.puts.length, 1);
  server.healthy = true;
  mock.timers.tick(1000);
  for (let i = 0; i < 10 && tablet.rows.length; i += 1) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(tablet.rows, []);
  assert.equal(server.puts.length, 2);
});

test("a row stays unless a 2xx acknowledges it; a server error ends the run", async () => {
  tablet.rows = [row("op-1", "visit-1"), row("op-2", "visit-2"), row("op-3", "visit-3"), row("op-4", "visit-4"), row("op-5", "visit-5")];
  server.answer = (uuid) => ({ status: uuid === "visit-2" ? 503 : 201 });
  const result = await sync.syncNow();
  assert.equal(result.state, "server_error");
  assert.equal(server.puts.filter((p) => p.key === "op-2").length, 1);
  assert.deepEqual(tablet.rows.map((r) => [r.op_uuid, r.state, r.attempts, r.last_error]), [["op-2", "queued", 1, "HTTP 503"]]);
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
  const visit1 = steps.filter((step) => step.startsWith("visit-1") || step.startsWith("photo"));
  assert.deepEqual(visit1, ["visit-1 draft", "photo-1", "visit-1 submitted"]);
  assert.deepEqual(server.puts.filter((p) => p.uuid === "visit-1" && !p.photo).map((p) => p.key), ["op-1", "op-1-final"]);
  assert.deepEqual([tablet.rows, tablet.photos], [[], []]);
});

test("the page is told of a run once it ends, not once a row", async () => {
  tablet.rows = Array.from({ length: 50 }, (_, i) => row(`op-${i}`, `visit-${i}`));
  await sync.syncNow();
  assert.deepEqual(tablet.changes, [{ sync: { state: "done", sent: 50 } }]);
  assert.deepEqual(sync.lastResult, { state: "done", sent: 50 });
});

test("a sync asked for while one is running answers with the run after it, which takes what came meanwhile", async () => {
  tablet.rows = [change("op-a", "visit-a")];
  const first = sync.syncNow();
  await Promise.resolve(); // the first run is under way and has read the outbox
  const second = sync.syncNow();
  assert.equal(sync.syncNow(), second); // one run more, however many ask meanwhile
  assert.deepEqual(await first, { state: "done", sent: 1 });
  tablet.rows.push(change("op-b", "visit-b"));
  assert.deepEqual(await second, { state: "done", sent: 1 });
  assert.deepEqual(server.puts.map((p) => p.uuid), ["visit-a", "visit-b"]);
});
