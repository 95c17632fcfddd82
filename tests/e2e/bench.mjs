// Browser figures for tests/bench.sh (not a test): prints
//
//   BENCH_FIRST_ROW_MS=<ms>   cold load: a new browser context logged in as
//                             bench/secret through the API, then /mail/INBOX,
//                             until the first .message-row is visible
//   BENCH_ROWS_IN_DOM=<n>     row elements in the page after scrolling
//                             .message-list to the very bottom
//   BENCH_PREFETCH_MS=<ms>    from opening the INBOX until the 200 most
//                             recent messages are kept for offline reading
//   BENCH_OFFLINE_BYTES=<n>   storage the origin uses then
//                             (navigator.storage.estimate, IndexedDB and
//                             the service worker's precache together)
//   BENCH_PREFETCHED_JSON_BYTES=<n>  of which the messages' JSON text
//
// BENCH_USER / BENCH_PASSWORD choose the account (default bench/secret).
//
// Run: FACTEUR_URL=http://127.0.0.1:8390 node tests/e2e/bench.mjs
// (tests/bench.sh fills the bench account with 10,000 messages first).

import { launchChromium } from './browser.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8390').replace(/\/$/, '');

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await context.request.post(`${BASE}/api/session`, {
    data: { username: process.env.BENCH_USER || 'bench', password: process.env.BENCH_PASSWORD || 'secret' },
  });
  if (login.status() !== 200) throw new Error(`login: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${BASE}/mail/INBOX`);
  await page.locator('.message-list .message-row').first().waitFor({ timeout: 60_000 });
  const firstRow = Date.now() - started;

  // Scroll to the bottom, then once more after the last pages came in.
  const list = page.locator('.message-list');
  for (let i = 0; i < 3; i++) {
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForTimeout(500);
  }
  const total = await page.evaluate(() => {
    const rows = document.querySelectorAll('.message-list .message-row');
    return rows.length ? Number(rows[0].getAttribute('aria-setsize')) : 0;
  });
  await page
    .locator(`.message-list .message-row[aria-posinset="${total}"]`)
    .waitFor({ timeout: 30_000 })
    .catch(() => {});
  const rows = await page.locator('.message-list .message-row, .message-list .message-row-placeholder').count();

  console.log(`BENCH_FIRST_ROW_MS=${firstRow}`);
  console.log(`BENCH_ROWS_IN_DOM=${rows}`);

  // Offline: the 200 most recent messages of the INBOX fetched ahead.
  const cachedMessages = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('facteur');
          open.onsuccess = () => {
            const range = IDBKeyRange.bound('msg:INBOX:', 'msg:INBOX:\uffff');
            const req = open.result.transaction('cache').objectStore('cache').count(range);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => resolve(0);
          };
          open.onerror = () => resolve(0);
        }),
    );
  const want = Math.min(200, total);
  const until = Date.now() + 120_000;
  while ((await cachedMessages()) < want && Date.now() < until) await page.waitForTimeout(200);
  console.log(`BENCH_PREFETCH_MS=${Date.now() - started}`);
  console.log(`BENCH_PREFETCHED=${await cachedMessages()}`);
  const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage));
  console.log(`BENCH_OFFLINE_BYTES=${usage}`);
  // Of which the messages themselves (their JSON text in IndexedDB).
  const textBytes = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('facteur');
        open.onsuccess = () => {
          const range = IDBKeyRange.bound('msg:INBOX:', 'msg:INBOX:\uffff');
          const req = open.result.transaction('cache').objectStore('cache').getAll(range);
          req.onsuccess = () => resolve(req.result.reduce((n, t) => n + new TextEncoder().encode(t).length, 0));
          req.onerror = () => resolve(0);
        };
      }),
  );
  console.log(`BENCH_PREFETCHED_JSON_BYTES=${textBytes}`);
  await context.close();
} finally {
  await browser.close();
}
