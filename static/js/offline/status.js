// On every page: registers the service worker, remembers who is signed in, asks for
// persistent storage, and keeps the small status line up to date: offline or not,
// how many visits wait to sync, and what the last sync said.
import { bundleFor, currentUser, outboxCount, outboxFor, setCurrentUser, storageProblem } from "./db.js";
import { changed, lastResult, startSync } from "./sync.js";

const box = document.querySelector("[data-offline-status]");
const signedInId = Number(box?.dataset.userId) || null;
let registration = null;

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

async function render() {
  if (!box) return;
  // navigator.onLine is true on a Wi-Fi with no way out, so a failed sync counts too.
  const offline = !navigator.onLine || lastResult.state === "offline";
  const parts = [offline ? "Offline: visits are saved on this tablet" : "Online"];
  try {
    const user = await currentUser();
    const rows = user ? await outboxFor(user.id) : [];
    const waiting = rows.filter((r) => r.state === "queued").length;
    const attention = rows.length - waiting;
    if (waiting) parts.push(`${plural(waiting, "visit")} waiting to sync`);
    if (attention) parts.push(`${plural(attention, "visit")} ${attention === 1 ? "needs" : "need"} your attention`);
    if (lastResult.state === "signed_out" && rows.length) parts.push("Sign in to sync");
    await offerUpdate();
  } catch (error) {
    parts.push(storageProblem(error));
  }
  box.querySelector("[data-offline-text]").textContent = parts.join(" · ");
  box.hidden = false;
}

/** A new service worker waits while anything is queued (for anyone on this tablet). */
async function offerUpdate() {
  if (registration?.waiting && (await outboxCount()) === 0) {
    registration.waiting.postMessage({ type: "outbox-empty" });
  }
}

async function start() {
  if ("serviceWorker" in navigator) {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
    registration?.addEventListener("updatefound", () => {
      registration.installing?.addEventListener("statechange", render);
    });
  }
  if (signedInId) {
    // Another officer on a shared tablet: from now on only their rows are shown and sent.
    const newOfficer = await setCurrentUser({ id: signedInId, name: box.dataset.userName }).catch(() => false);
    if (newOfficer) changed();
    navigator.storage?.persist?.().catch(() => {});
    // Sync when something waits, on sign-in, and when the bundle is missing or from another day.
    const rows = await outboxFor(signedInId).catch(() => []);
    const bundle = await bundleFor(signedInId).catch(() => null);
    const today = new Date().toISOString().slice(0, 10);
    if (newOfficer || rows.length || bundle?.generated_at !== today) startSync();
  }
  render();
}

window.addEventListener("online", render);
window.addEventListener("offline", render);
window.addEventListener("qa-offline-change", render);
start();
