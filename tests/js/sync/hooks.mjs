// Module hooks for sync.test.mjs: sync.js's imports of db.js, api.js and page.js resolve
// to fakes.mjs, so the send loop runs in Node against a tablet and server held in memory.
const FAKED = new Set(["./db.js", "./api.js", "./page.js"]);

/** Send sync.js's storage, network and page imports to the fakes; the rest as usual. */
export async function resolve(specifier, context, next) {
  if (FAKED.has(specifier) && context.parentURL?.endsWith("/static/js/offline/sync.js")) {
    return { url: new URL("./fakes.mjs", import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
