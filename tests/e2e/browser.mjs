// Debian's Chromium, headless, as the tests and the benchmark launch it:
// playwright-core never downloads a browser; the flags keep it off the
// network (this machine's network is closed) and let it run as root.

import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A new page with its own cookies and storage (options: e.g. a phone
 * viewport); errors thrown in the page are collected for `done`. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'fr-FR', ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

/** Closes the page's context; the page must not have thrown. */
export async function done(page) {
  await page.context().close();
  assert.deepEqual(page.errors, [], 'errors in the page');
}
