// Drives a service worker served by the backend (its file is the first
// argument; the second, a JSON list of paths to navigate to) with
// stand-ins for the browser's caches, fetch and events, under Node, and
// prints what it did as JSON. See the test in assets.rs.
'use strict';

const fs = require('node:fs');
const vm = require('node:vm');

(async () => {
  const [swFile, pathsJson] = process.argv.slice(2);
  const PATHS = JSON.parse(pathsJson);
  const listeners = {};
  const log = [];
  const origin = 'https://facteur.test';
  const g = {};
  g.self = {
    location: { origin },
    addEventListener: (type, f) => {
      listeners[type] = f;
    },
    skipWaiting: () => log.push('skipWaiting'),
    clients: { claim: async () => log.push('claim') },
  };
  g.Request = class {
    constructor(url, init = {}) {
      this.url = new URL(url, origin).href;
      this.method = init.method || 'GET';
      this.mode = init.mode || 'cors';
      this.cache = init.cache || 'default';
      this.headers = new Map(Object.entries(init.headers || {}));
    }
  };
  const keyOf = (r) => {
    const u = new URL(typeof r === 'string' ? r : r.url, origin);
    return u.pathname + u.search;
  };
  const store = new Map();
  const cacheOf = (name) => {
    if (!store.has(name)) store.set(name, new Map());
    const m = store.get(name);
    return {
      addAll: async (reqs) => {
        for (const r of reqs) {
          if (typeof r !== 'string' && r.cache !== 'no-cache') log.push('cached from HTTP: ' + keyOf(r));
          if (typeof r === 'string' && !isHashed(r)) log.push('not revalidated: ' + r);
          m.set(keyOf(r), { body: 'shell ' + keyOf(r) });
        }
      },
      put: async (r, response) => {
        m.set(keyOf(r), response);
      },
      keys: async () => [...m.keys()],
      delete: async (k) => m.delete(keyOf(k)),
    };
  };
  g.caches = {
    open: async (name) => cacheOf(name),
    keys: async () => [...store.keys()],
    delete: async (name) => store.delete(name),
    match: async (r, opts = {}) => {
      const names = opts.cacheName ? [opts.cacheName] : [...store.keys()];
      for (const name of names) {
        const m = store.get(name);
        if (!m) continue;
        const k = keyOf(r);
        if (m.has(k)) return m.get(k);
        if (opts.ignoreSearch) {
          for (const [key, v] of m) if (key.split('?')[0] === k.split('?')[0]) return v;
        }
      }
      return undefined;
    },
  };
  let online = true;
  const fetched = [];
  g.fetch = async (r) => {
    fetched.push(keyOf(r));
    if (!online) throw new TypeError('Failed to fetch');
    const response = { status: 200, ok: true, body: 'network ' + keyOf(r) };
    response.clone = () => ({ ...response, body: 'copy ' + keyOf(r) });
    return response;
  };

  g.URL = URL;
  const ctx = vm.createContext(g);
  vm.runInContext(fs.readFileSync(swFile, 'utf8'), ctx, { filename: 'sw.js' });
  const VERSION = vm.runInContext('VERSION', ctx);
  const SHELL = vm.runInContext('SHELL', ctx);
  const isHashed = ctx.isHashed;
  const Request = g.Request;

  const event = (props) => {
    const waits = [];
    let answer;
    const e = {
      ...props,
      waitUntil: (p) => waits.push(p),
      respondWith: (p) => {
        answer = p;
      },
    };
    return {
      e,
      done: async () => {
        const response = answer ? await answer.catch((err) => ({ error: String(err) })) : null;
        // Promises added while answering.
        for (let i = 0; i < waits.length; i++) await waits[i];
        return response;
      },
    };
  };
  const dispatch = async (type, props) => {
    const ev = event(props);
    listeners[type](ev.e);
    return ev.done();
  };
  const get = (path, init = {}) =>
    dispatch('fetch', { request: new Request(path.startsWith('/') ? origin + path : path, init) }).then((r) => (r ? r.body || r.error : null));

  const out = {};
  store.set('facteur-shell-old', new Map([['/index.html', { body: 'old' }]]));
  store.set('facteur-files', new Map());
  await dispatch('install', {});
  out.shellCache = [...store.get('facteur-shell-' + VERSION).keys()];
  out.afterInstall = [...log];
  await dispatch('activate', {});
  out.caches = [...store.keys()];
  out.afterActivate = [...log];
  await dispatch('message', { data: { type: 'skip-waiting' } });
  out.afterMessage = [...log];

  out.pages = {};
  for (const path of PATHS) out.pages[path] = await get(path, { mode: 'navigate' });
  out.hashed = await get(SHELL.find((p) => p.endsWith('.wasm')) || '/none-0123456789abcdef.wasm');
  out.icon = await get('/icons/icon-192.png');
  out.scriptNotNavigation = await get('/mail/INBOX', { mode: 'cors' });
  out.api = await get('/api/folders');
  out.apiNavigation = await get('/api/session', { mode: 'navigate' });
  out.manifest = await get('/manifest.webmanifest');
  out.other = await get('https://elsewhere.test/frontend-0123456789abcdef.js');

  const attachment = '/api/folders/INBOX/messages/42/attachments/2';
  out.attachmentOnline = await get(attachment);
  out.rawOnline = await get('/api/folders/INBOX/messages/42/raw');
  out.nocacheOnline = await get('/api/folders/INBOX/messages/43/attachments/1?nocache=1');
  out.rangeOnline = await get('/api/folders/INBOX/messages/44/attachments/1', { headers: { range: 'bytes=0-' } });
  out.files = [...store.get('facteur-files').keys()];
  online = false;
  out.attachmentOffline = await get(attachment);
  out.attachmentDownloadOffline = await get(attachment + '?download=1');
  out.rawOffline = await get('/api/folders/INBOX/messages/42/raw');
  out.nocacheOffline = await get('/api/folders/INBOX/messages/43/attachments/1?nocache=1');
  out.pageOffline = await get('/compose', { mode: 'navigate' });
  out.messageJsonOffline = await get('/api/folders/INBOX/messages/42');
  online = true;
  await dispatch('fetch', { request: new Request(origin + '/api/session', { method: 'DELETE' }) });
  out.cachesAfterLogout = [...store.keys()];
  out.fetched = fetched;
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  process.stderr.write(String(err && err.stack));
  process.exit(1);
});
