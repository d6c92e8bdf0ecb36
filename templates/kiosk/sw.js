// Service worker of the showroom kiosk (served from <base>/kiosk/sw.js, scope <base>/kiosk/).
// The build writes `const KIOSK = {cache, prefix, scope, precache}` above this code: the cache name carries a
// content hash of every precached URL and byte, so a new build installs into a new cache and never mixes files.
"use strict";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(KIOSK.cache);
    // "reload": fetch from the server, never from the browser's HTTP cache (which may hold the old build).
    await cache.addAll(KIOSK.precache.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(KIOSK.prefix) && n !== KIOSK.cache).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function cacheKey(request) {
  // Pages are cached under their folder URL ("…/kiosk/"), without a query such as ?idle=5.
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    url.search = "";
    url.pathname = url.pathname.replace(/index\.html$/, "");
    if (!url.pathname.endsWith("/") && !/\.[a-z0-9]+$/i.test(url.pathname)) url.pathname += "/";
  }
  url.hash = "";
  return url.href;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(KIOSK.cache);
    const hit = await cache.match(cacheKey(request));
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (error) {
      if (request.mode === "navigate") {
        const home = await cache.match(KIOSK.scope);
        if (home) return home;
      }
      throw error;
    }
  })());
});
