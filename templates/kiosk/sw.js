// Service worker of the showroom kiosk (served from <base>/kiosk/sw.js, scope <base>/kiosk/).
// The build writes `const KIOSK = {cache, prefix, scope, precache, precached, runtime}` above this code. The cache name
// carries a content hash of every file the kiosk's pages name, so a new build installs into a new cache and
// never mixes files. Installing stores the list in kiosk/precache.json (the kiosk's frame, the shelf's
// products, photos, the search index, within a size limit); every other page or photo is stored the first
// time it is shown, so whatever the kiosk has shown keeps working offline. Past `runtime` such files the
// oldest of them leave the cache; the precache stays.
"use strict";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // "reload": fetch from the server, never from the browser's HTTP cache (which may hold the old build).
    const response = await fetch(new Request(KIOSK.precache, { cache: "reload" }));
    const list = await response.json();
    if (list.cache !== KIOSK.cache) throw new Error("precache.json is from another build");
    const cache = await caches.open(KIOSK.cache);
    if (list.urls.length !== KIOSK.precached) throw new Error("precache.json does not match sw.js");
    await cache.addAll(list.urls.map((url) => new Request(url, { cache: "reload" })));
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

let stored = 0;  // files stored as shown since the worker started; the cache is trimmed every 50

async function keep(cache, key, response) {
  await cache.put(key, response);
  if (++stored % 50 !== 0) return;
  // The cache lists its files in the order they came: first the `precached` of the install, then those shown.
  const shown = (await cache.keys()).slice(KIOSK.precached);
  await Promise.all(shown.slice(0, Math.max(0, shown.length - KIOSK.runtime)).map((request) => cache.delete(request)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(KIOSK.cache);
    const key = cacheKey(request);
    const hit = await cache.match(key);
    if (hit) return hit;
    try {
      const response = await fetch(request);
      if (response.ok && response.type === "basic" && !response.redirected) {
        event.waitUntil(keep(cache, key, response.clone()));
      }
      return response;
    } catch (error) {
      if (request.mode === "navigate") {
        const home = await cache.match(KIOSK.scope);
        if (home) return home;
      }
      throw error;
    }
  })());
});
