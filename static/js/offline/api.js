// Every request the offline client makes to the server, and the one place that says what
// an answer means. No other module calls fetch.
//
// Each call resolves (never rejects) to one of:
//   {ok: true, status, body}           a 2xx with a JSON body (and, for a write, the
//                                      Idempotency-Key it was sent with echoed back);
//   {ok: false, kind, status, body}    with kind
//     "offline"       no answer at all (no signal, or the connection dropped);
//     "signed_out"    401: the session has ended, sign in again;
//     "refused"       a 4xx about what was sent: a person must look at it;
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
  const { status } = response;
  const echoed = !acknowledges || response.headers.get("Idempotency-Key") === acknowledges;
  if (response.ok && body !== null && echoed) return { ok: true, status, body };
  body ??= {};
  if (status === 401) return { ok: false, kind: "signed_out", status, body };
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

/** The officer's providers, framework, registration rules, programme and labels. */
export function offlineBundle() {
  return call("/api/offline-bundle", { cache: "no-store" }, READ);
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
