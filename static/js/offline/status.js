// On every page: registers the service worker, remembers who is signed in, asks for
// persistent storage, and keeps the status line up to date (page.js says what it reads).
import { bundleFor, currentUser, outboxCount, outboxFor, setCurrentUser } from "./db.js";
import { changed, onChange, statusText } from "./page.js";
import { lastResult, startSync } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
const signedInId = Number(box?.dataset.userId) || null;
let registration = null;

/** Write the status line (and let a waiting worker take over when nothing is queued). */
async function render() {
  if (!box) return;
  let text;
  try {
    const user = await currentUser();
    text = statusText({ rows: user ? await outboxFor(user.id) : [], lastResult });
    await offerUpdate();
  } catch (error) {
    text = statusText({ rows: [], lastResult, error });
  }
  box.querySelector("[data-offline-text]").textContent = text;
  box.hidden = false;
}

/** A new service worker waits while anything is queued (for anyone on this tablet). */
async function offerUpdate() {
  if (registration?.waiting && (await outboxCount()) === 0) {
    registration.waiting.postMessage({ type: "outbox-empty" });
  }
}

/** Sync when something waits, on sign-in, and when the bundle is missing, from another
 * day, or from a version of the app before the bundle carried the form's labels. */
async function syncIfDue(newOfficer) {
  const rows = await outboxFor(signedInId).catch(() => []);
  const bundle = await bundleFor(signedInId).catch(() => null);
  const today = new Date().toISOString().slice(0, 10);
  if (newOfficer || rows.length || bundle?.generated_at !== today || !bundle?.labels) startSync();
}

/** Register the worker; for a signed-in officer, remember them and sync if due. */
async function start() {
  if ("serviceWorker" in navigator) {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
    registration?.addEventListener("updatefound", () => {
      registration.installing?.addEventListener("statechange", render);
    });
  }
  if (signedInId) {
    // Another officer on a shared tablet: from now on only their rows are shown and sent.
    const newOfficer = await setCurrentUser({ id: signedInId, name: box.dataset.userName, role: box.dataset.userRole }).catch(() => false);
    if (newOfficer) changed();
    navigator.storage?.persist?.().catch(() => {});
    await syncIfDue(newOfficer);
  } else if (box && "shell" in box.dataset && (await currentUser().catch(() => null))) {
    // The cached shell (no signal, or the server down): try, so the line says which.
    startSync();
  }
  render();
}

window.addEventListener("online", render);
window.addEventListener("offline", render);
onChange(render);
start();
