// Every request the offline client makes to the server, and the one place that says what
// an answer means. No other module calls fetch.
//
// Each call resolves (never rejects) to one of:
//   {ok: true, status, body}           a 2xx with a JSON body (and, for a write, the
//                                      Idempotency-Key it was sent with echoed back);
//   {ok: false, kind, status, body}    with kind
//     "offline"       no answer at all (no signal, or the connection dropped);
//     "signed_out"    401: the session has ended, sign in again;
//     "busy"          the server is still handling a copy of this request (409
//                     "in_progress", or a change at the same moment that stored
//                     nothing): send it again, same key, after `retryAfter` ms;
//     "refused"       a 4xx about what was sent: a person must look at it (a 409
//                     "conflict" with its conflict_id: someone else changed the record);
//     "server_error"  a 5xx, a redirect (to a sign-in page, say), or a 2xx that is not the
//                     acknowledgement asked for: worth another try later.
// Redirects are never followed: a followed redirect to the sign-in page would look like a 200.

/** Send one request and turn its answer into a result (see above). `refused(status, body)`
 * says whether a 4xx is about what was sent; `acknowledges` is the Idempotency-Key a 2xx
 * must echo to count. */
async function call(url, options, { refused = () => true, acknowledges = null } = {}) {
  let response;
  let body = null;
  try {
    response = await fetch(url, { ...options, headers: { Accept: "application/json", ...options.headers }, redirect: "manual" });
    if (response.headers.get("Content-Type")?.includes("json")) body = await response.json().catch(() => null);
  } catch {
    return { ok: false, kind: "offline", status: 0, body: {} };
  }
  const echoed = !acknowledges || response.headers.get("Idempotency-Key") === acknowledges;
  return classify(response.status, body, { refused, echoed, retryAfter: response.headers.get("Retry-After") });
}

/** What an answer (a status and its JSON body, null when it had none) means: see above. */
function classify(status, body, { refused = () => true, echoed = true, retryAfter = null } = {}) {
  if (status >= 200 && status < 300 && body !== null && echoed) return { ok: true, status, body };
  body ??= {};
  if (status === 401) return { ok: false, kind: "signed_out", status, body };
  if (status === 409 && (body.error === "in_progress" || (body.error === "conflict" && !body.conflict_id))) {
    const seconds = Number(retryAfter);
    return { ok: false, kind: "busy", status, body, retryAfter: Math.min(Math.max(Number.isFinite(seconds) ? seconds * 1000 : 0, 200), 2000) };
  }
  if (status >= 400 && status < 500 && refused(status, body)) return { ok: false, kind: "refused", status, body };
  return { ok: false, kind: "server_error", status, body };
}

// A read that fails is never "refused": nothing was sent that a person could correct.
const READ = { refused: () => false };

/** Who is signed in and a fresh CSRF token: body {user, csrf_token}. Tokens are never
 * stored: one would expire, or belong to someone else. */
export function session() {
  return call("/api/session", { cache: "no-store" }, READ);
}

/** The officer's providers, framework, registration rules, programme and labels. With
 * the ETag of the copy the tablet has, an unchanged bundle is {ok: true, status: 304,
 * body: null}; a new one carries its own `etag`. */
export async function offlineBundle(etag = null) {
  const headers = etag ? { "If-None-Match": etag } : {};
  let response;
  try {
    response = await fetch("/api/offline-bundle", { cache: "no-store", headers, redirect: "manual" });
  } catch {
    return { ok: false, kind: "offline", status: 0, body: {} };
  }
  if (response.status === 304) return { ok: true, status: 304, body: null };
  const body = response.ok && response.headers.get("Content-Type")?.includes("json") ? await response.json().catch(() => null) : null;
  if (body) return { ok: true, status: response.status, body: { ...body, etag: response.headers.get("ETag") } };
  return { ok: false, kind: response.status === 401 ? "signed_out" : "server_error", status: response.status, body: {} };
}

/** Whether the server (and its database) answers again: GET /healthz. */
export async function healthy() {
  try {
    return (await fetch("/healthz", { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}

/** A visit as the server holds it (to take a copy onto the tablet). */
export function visit(uuid) {
  return call(`/api/visits/${uuid}`, {}, READ);
}

/** Save a visit under `key` (the Idempotency-Key), from `baseVersion` when it is an edit.
 * A 400 that is not about the visit (an expired CSRF token, say) is worth another try. */
export function putVisit(uuid, { key, payload, baseVersion, token }) {
  const headers = { "Content-Type": "application/json", "Idempotency-Key": key, "X-CSRFToken": token };
  if (baseVersion != null) headers["If-Match"] = `"${baseVersion}"`;
  return call(
    `/api/visits/${uuid}`,
    { method: "PUT", headers, body: JSON.stringify(payload) },
    { refused: (status, body) => status !== 400 || body.error === "invalid", acknowledges: key },
  );
}

/** Send several visits' entries in one request (POST /api/visit-changes), each as its own
 * PUT would send it. Resolves to {ok: true, answers: Map(key -> result)}, each result what
 * putVisit would have resolved to for that entry; or, when the request as a whole had no
 * usable answer, what call() resolves to (the entries then go one by one, or later). */
export async function putVisits(entries, token) {
  const changes = entries.map((e) => ({ uuid: e.uuid, idempotency_key: e.op_uuid, if_match: e.base_version ?? null, body: e.payload }));
  const answer = await call("/api/visit-changes", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify({ changes }),
  }, { refused: () => false });
  if (!answer.ok) return answer;
  const refused = (status, body) => status !== 400 || body.error === "invalid";
  return { ok: true, answers: new Map((answer.body.answers || []).map((a) => [a.idempotency_key, classify(a.status, a.body ?? null, { refused, retryAfter: 1 })])) };
}

/** Upload one photo of a visit under the photo's own uuid (a retry is a no-op). */
export function putPhoto(visitUuid, photo, token) {
  return call(`/api/visits/${visitUuid}/photos/${photo.uuid}`, {
    method: "PUT",
    headers: {
      "Content-Type": photo.blob.type || "image/jpeg",
      "X-Content-SHA256": photo.sha256,
      "X-CSRFToken": token,
      "X-Photo-Criterion": photo.criterion,
      "X-Photo-Caption": encodeURIComponent(photo.caption || ""),
    },
    body: photo.blob,
  });
}
