// Learnset's service worker (learnset/main/webapp.py). It keeps only static files and the
// note page's shell, never a private page or an answer from the server, so nothing about
// anyone stays in this browser's caches.
const CACHE = "learnset-static-{{ version }}";
const CACHED = {{ cached | tojson }};
const SHELL = {{ shell | tojson }};
const NOTE_PAGE = {{ note_page | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(CACHED)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === NOTE_PAGE) {
    // The live page when there is a connection (it is never kept); the shell when not.
    event.respondWith(fetch(request).catch(() => caches.match(SHELL)));
    return;
  }
  if (CACHED.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});
