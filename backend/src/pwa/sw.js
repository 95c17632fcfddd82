// Facteur's service worker: the app shell, offline.
//
// The backend writes the constants above this text when it starts:
//   VERSION     a hash of the built app (every file of dist/), so that any
//               new build is a new worker;
//   SHELL       the URLs to precache: every file of dist/ (the pages of the
//               bundles and their hashed scripts and wasm), the manifest,
//               the icons;
//   BUNDLES     [first segment of an app route, its page], the same table
//               the backend uses to answer a route with its bundle's page;
//   ASSET_EXTENSIONS  extensions of files (a path ending so is not a route).
//
// A page and its hashed files always come from the same version: pages
// are answered from this version's cache, and the cache is only replaced
// when the new worker takes over — when the page asks it to
// ({type: 'skip-waiting'}), after saying a new version is available.

const SHELL_CACHE = 'facteur-shell-' + VERSION;
const FILES_CACHE = 'facteur-files';
/** How many attachments `facteur-files` keeps (the oldest go first). */
const FILES_MAX = 200;
const BUNDLE_OF = new Map(BUNDLES);
const IN_SHELL = new Set(SHELL);

/** Trunk's hashed files: `/frontend-<hex>.js`, `/frontend-<hex>_bg.wasm`. */
function isHashed(path) {
  return /^\/[^/]+-[0-9a-f]{8,}(_bg)?\.[a-z0-9]+$/.test(path);
}

/** A route of the app, not a file (`/mail/INBOX.Sent` is a route). */
function isAppRoute(path) {
  if (path.startsWith('/api/') || path === '/api') return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot < 0 || !ASSET_EXTENSIONS.includes(last.slice(dot + 1));
}

/** The page that holds the route `path` (as the backend's `bundle_page`). */
function pageFor(path) {
  if (path.endsWith('.html') && IN_SHELL.has(path)) return path;
  const first = path.replace(/^\/+/, '').split('/')[0];
  const page = BUNDLE_OF.get(first);
  return page && IN_SHELL.has(page) ? page : '/index.html';
}

/** An attachment or a whole message, by the API. */
function isDownload(path) {
  return /^\/api\/folders\/[^/]+\/messages\/[^/]+\/(attachments\/[^/]+|raw)$/.test(path);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      // Hashed files never change; the others are revalidated, not taken
      // from the HTTP cache.
      cache.addAll(SHELL.map((url) => (isHashed(url) ? url : new Request(url, { cache: 'no-cache' })))),
    ),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith('facteur-shell-') && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') {
    self.skipWaiting();
  } else if (type === 'clear-files') {
    event.waitUntil(caches.delete(FILES_CACHE));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.method !== 'GET') {
    // Logging in or out: the files of the previous session go.
    if (path === '/api/session' && (request.method === 'POST' || request.method === 'DELETE')) {
      event.waitUntil(caches.delete(FILES_CACHE));
    }
    return;
  }
  if (path === '/api' || path.startsWith('/api/')) {
    if (isDownload(path)) event.respondWith(download(event, url));
    // Everything else under /api: the network, untouched.
    return;
  }
  if (request.mode === 'navigate' && isAppRoute(path)) {
    event.respondWith(navigate(request, path));
  } else if (isHashed(path) || path.startsWith('/icons/')) {
    event.respondWith(cacheFirst(request));
  } else if (path === '/manifest.webmanifest') {
    event.respondWith(networkFirst(request));
  }
});

/** A route of the app: its bundle's page, from this version. */
async function navigate(request, path) {
  const cached = await caches.match(pageFor(path), { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached || fetch(request);
}

async function cacheFirst(request) {
  const cached =
    (await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true })) ||
    (await caches.match(request, { ignoreVary: true }));
  return cached || fetch(request);
}

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

/**
 * Attachments and raw messages: the network first, a copy kept (unless
 * `nocache=1`) so that what was opened once opens again offline.
 */
async function download(event, url) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (
      response.status === 200 &&
      url.searchParams.get('nocache') !== '1' &&
      !request.headers.has('range')
    ) {
      const copy = response.clone();
      event.waitUntil(keep(request, copy).catch(() => {}));
    }
    return response;
  } catch (error) {
    const cached =
      (await caches.match(request, { cacheName: FILES_CACHE, ignoreVary: true })) ||
      (await caches.match(request, { cacheName: FILES_CACHE, ignoreVary: true, ignoreSearch: true }));
    if (cached) return cached;
    throw error;
  }
}

async function keep(request, response) {
  const cache = await caches.open(FILES_CACHE);
  await cache.put(request, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - FILES_MAX)).map((key) => cache.delete(key)));
}
