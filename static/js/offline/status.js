// On every page: registers the service worker, remembers who is signed in, asks for
// persistent storage, and keeps the status line up to date (page.js says what it reads).
import { bundleFor, currentUser, outboxCount, outboxFor, setCurrentUser } from "./db.js";
import { changed, el, inTurn, onChange, statusText } from "./page.js";
import { lastResult, startSync } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
const signedInId = Number(box?.dataset.userId) || null;
let registration = null;

/** Write the status line (and let a waiting worker take over when nothing is queued). */
const render = inTurn(write);

async function write() {
  if (!box) return;
  let text;
  let rows = [];
  try {
    const user = await currentUser();
    rows = user ? await outboxFor(user.id) : [];
    text = statusText({ rows, lastResult });
    await offerUpdate();
  } catch (error) {
    text = statusText({ rows: [], lastResult, error });
  }
  box.querySelector("[data-offline-text]").textContent = text;
  box.querySelector("[data-offline-conflict]")?.remove();
  const conflict = rows.find((row) => row.state === "conflict");
  if (conflict) box.append(conflictNotice(conflict));
  box.hidden = false;
}

/** Someone else changed a visit: said on every page, with what to do. */
function conflictNotice(row) {
  const href = row.problem?.conflict_id ? `/visits/${row.uuid}/conflicts/${row.problem.conflict_id}` : `/visits/${row.uuid}`;
  const what = row.payload.status === "submitted" ? "A visit you submitted" : "A visit you are writing";
  return el("span", { "data-offline-conflict": row.uuid }, ` · ${what} was changed by someone else meanwhile, so it is not sent. Both copies are kept: `, el("a", { class: "govuk-link", href, text: "compare them and choose" }));
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
