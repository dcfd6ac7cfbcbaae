// The offline pages' shared pieces (static/js/offline/page.js) in Node: dates are written
// as the server's pages write them. Run by tests/test_offline_payload.py.
import assert from "node:assert/strict";
import test from "node:test";

import { shortDate } from "../../static/js/offline/page.js";

test("an ISO date is written as 6 Dec 2026", () => {
  assert.equal(shortDate("2026-12-06"), "6 Dec 2026");
  assert.equal(shortDate("2027-01-15"), "15 Jan 2027");
});

test("no date, or a date half typed, is left as it is", () => {
  assert.equal(shortDate(""), "");
  assert.equal(shortDate(null), "");
  assert.equal(shortDate("2026-13-01"), "2026-13-01");
});
