// Browser figures for tests/bench.sh (not a test): prints
//
//   BENCH_FIRST_ROW_MS=<ms>   cold load: a new browser context logged in as
//                             bench/secret through the API, then /mail/INBOX,
//                             until the first .message-row is visible
//   BENCH_ROWS_IN_DOM=<n>     row elements in the page after scrolling
//                             .message-list to the very bottom
//
// Run: FACTEUR_URL=http://127.0.0.1:8390 node tests/e2e/bench.mjs
// (tests/bench.sh fills the bench account with 10,000 messages first).

import { launchChromium } from './browser.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8390').replace(/\/$/, '');

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await context.request.post(`${BASE}/api/session`, {
    data: { username: 'bench', password: 'secret' },
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
  await context.close();
} finally {
  await browser.close();
}
