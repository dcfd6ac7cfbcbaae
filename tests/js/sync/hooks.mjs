// Module hooks for sync.test.mjs: sync.js's imports of db.js, outbox.js, api.js and page.js
// resolve to fakes.mjs, so the send loop runs in Node against a tablet and server held in
// memory. outbox.js itself is loaded for its pure ordering rules (its db.js is faked too).
const FAKED = new Set(["./db.js", "./outbox.js", "./api.js", "./page.js"]);

/** Send sync.js's storage, network and page imports to the fakes; the rest as usual. */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? "";
  const faked = parent.endsWith("/static/js/offline/sync.js") ? FAKED.has(specifier) : parent.endsWith("/static/js/offline/outbox.js") && specifier === "./db.js";
  if (faked) return { url: new URL("./fakes.mjs", import.meta.url).href, shortCircuit: true };
  if (specifier.startsWith("/static/vendor/")) return { url: "data:text/javascript,export const openDB = null;", shortCircuit: true };
  return next(specifier, context);
}
