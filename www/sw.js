// The lab's service worker: once the lab has loaded, it keeps working offline (a school network that
// drops). Network first, so a rebuilt lab shows at once; the cached copy when the network is gone.
// The class API is never cached.
const CACHE = "digitus-lab-v1";
const LAB = ["/", "/lab.css", "/app.js", "/text.js", "/class-link.js", "/captcha-widget.js", "/valuations.js", "/favicon.svg", "/lab/captcha-set.json",
  "/common.js", "/sensor.js", "/captcha.js", "/pkg/pages.js", "/pkg/pages_bg.wasm", "/board", "/board.js", "/api/vocabulary"];

/** The files `pages.js` imports (wasm-bindgen's JS snippets, under a path that changes with each build). */
async function moduleImports() {
  const glue = await (await fetch("/pkg/pages.js")).text();
  return [...glue.matchAll(/^import [^;]* from '\.\/([^']+)';/gm)].map((m) => `/pkg/${m[1]}`);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([caches.open(CACHE), moduleImports()])
      .then(([cache, imports]) => cache.addAll([...LAB, ...imports]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || (url.pathname.startsWith("/api/") && url.pathname !== "/api/vocabulary") || url.pathname.startsWith("/download/")) return;
  const key = url.pathname; // ?class=CODE is the same page
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.match(key).then((cached) => cached || Response.error())));
});
