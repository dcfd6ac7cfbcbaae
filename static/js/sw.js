// The service worker. The /sw.js route puts SHELL_VERSION and SHELL_URLS above this
// line: the version is a hash of the shell, so a changed asset means a new worker.
//
// Pages: network first, so an officer online always sees the server's current page;
// offline, the cached page or else the offline visit form (the shell).
// Static assets: cache first (the cache is replaced as a whole with each version).
// /api/ and anything not GET: never touched, never cached (personal data, and the
// sync must see the server's real answers).
const CACHE = `qa-shell-${SHELL_VERSION}`;
const SHELL_PAGE = SHELL_URLS[0];

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new worker takes over only when a page says the outbox
  // is empty (see "message"), so an update can never strand queued visits.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_URLS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("qa-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "outbox-empty") self.skipWaiting();
});

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    return (await cache.match(request, { ignoreSearch: true })) || (await cache.match(SHELL_PAGE)) || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (event.request.mode === "navigate") {
    event.respondWith(networkFirst(event.request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event.request));
  }
});
