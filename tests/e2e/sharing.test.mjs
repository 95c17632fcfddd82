// Browser test of calendar sharing, on a CalDAV server that has it: a
// second Facteur (FACTEUR_BIN, or the debug build) on its own port with
// FACTEUR_CALDAV_URL set to the Cyrus of tests/servers.sh. alice shares a
// calendar with bob from its menu, read-only; bob sees it offered in his
// list, adds it, reads it, and cannot change it; alice stops sharing.
// Run like mail.test.mjs.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PORT = 8393;
const BASE = `http://127.0.0.1:${PORT}`;
const RUN = `${Date.now().toString(36)}`;
const enc = encodeURIComponent;

let browser;
let server;

async function waitFor(what, check, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  const env = { ...process.env };
  const file = `${env.FACTEUR_RUN_DIR || '/tmp/facteur-run'}/env`;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^export ([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  Object.assign(env, {
    FACTEUR_LISTEN: `127.0.0.1:${PORT}`,
    FACTEUR_DIST_DIR: join(ROOT, 'dist'),
    FACTEUR_DOMAIN: 'ac-demo.fr',
    FACTEUR_CALDAV_URL: env.FACTEUR_SHARING_CALDAV_URL,
  });
  const target = env.CARGO_TARGET_DIR || `${env.HOME || '/root'}/.cache/facteur/target`;
  server = spawn(env.FACTEUR_BIN || `${target}/debug/facteur`, [], { env, stdio: 'ignore' });
  await waitFor('Facteur to answer', async () => {
    try {
      return (await fetch(`${BASE}/api/config`)).ok;
    } catch {
      return false;
    }
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function login(page, user, password) {
  const r = await page.context().request.post(`${BASE}/api/session`, { data: { username: user, password } });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

test('alice shares a calendar read-only from its menu; bob adds it, reads it, cannot change it', async () => {
  const alice = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const aliceCsrf = await login(alice, 'alice', 'secret');
  const name = `Secrétariat ${RUN}`;
  let r = await alice.context().request.post(`${BASE}/api/calendars`, { headers: { 'x-csrf-token': aliceCsrf }, data: { name } });
  assert.equal(r.status(), 200, await r.text());
  const cal = await r.json();
  r = await alice.context().request.post(`${BASE}/api/calendars/${enc(cal.id)}/events`, {
    headers: { 'x-csrf-token': aliceCsrf },
    data: { data: { title: `Permanence ${RUN}`, start: '2027-10-04T08:00', end: '2027-10-04T12:00', tz: 'Europe/Paris' } },
  });
  assert.equal(r.status(), 200, await r.text());

  // alice: the calendar's menu, "Partager", bob, read-only.
  await alice.goto(`${BASE}/calendar?view=week&date=2027-10-04`);
  await alice.locator(`summary[aria-label="Options de l'agenda « ${name} »"]`).click();
  await alice.locator('.cal-sidebar').getByRole('button', { name: 'Partager', exact: true }).first().click();
  const panel = alice.locator('.cal-share');
  await panel.getByLabel('Identifiant ou adresse du collègue').fill('bob');
  await panel.locator('button[type=submit]').click();
  const shares = async () => {
    const l = await (await alice.context().request.get(`${BASE}/api/calendars`)).json();
    return l.calendars.find((c) => c.id === cal.id)?.shares ?? [];
  };
  await waitFor('the share', async () => (await shares()).some((s) => s.who === 'bob@ac-demo.fr' && s.access === 'read'));
  // The panel lists it (open again if the list was redrawn).
  const menu = alice.locator(`summary[aria-label="Options de l'agenda « ${name} »"]`);
  const openPanel = async () => {
    if (!(await alice.locator('.cal-share').isVisible())) {
      if (!(await alice.locator('.cal-sidebar').getByRole('button', { name: 'Partager', exact: true }).first().isVisible())) {
        await menu.click();
      }
      await alice.locator('.cal-sidebar').getByRole('button', { name: 'Partager', exact: true }).first().click();
    }
  };
  await openPanel();
  await alice.locator('.cal-shares', { hasText: 'bob' }).waitFor();

  // bob: offered in the list, added, read, not writable.
  const bob = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const bobCsrf = await login(bob, 'bob', 'secret');
  await bob.goto(`${BASE}/calendar?view=week&date=2027-10-04`);
  const offer = bob.locator('.cal-offer', { hasText: name });
  await offer.waitFor();
  assert.match(await offer.innerText(), /alice vous partage « .* » \(lecture seule\)/);
  await offer.getByRole('button', { name: 'Ajouter' }).click();
  await offer.waitFor({ state: 'detached' });
  const row = bob.locator('.cal-sidebar .cal-calendar', { hasText: name });
  await row.waitFor();
  assert.match(await row.innerText(), /lecture seule/i);
  await bob.locator('.cal-event', { hasText: `Permanence ${RUN}` }).waitFor();
  const list = await (await bob.context().request.get(`${BASE}/api/calendars`)).json();
  const theirs = list.calendars.find((c) => c.name === name);
  assert.equal(theirs.writable, false);
  r = await bob.context().request.post(`${BASE}/api/calendars/${enc(theirs.id)}/events`, {
    headers: { 'x-csrf-token': bobCsrf },
    data: { data: { title: 'Ajout', start: '2027-10-05T08:00', end: '2027-10-05T09:00' } },
  });
  assert.equal(r.status(), 403);

  // alice stops sharing from the same panel.
  await openPanel();
  await alice.locator('.cal-shares').getByRole('button').first().click();
  await waitFor('the share to stop', async () => (await shares()).length === 0);
  const after = await (await bob.context().request.get(`${BASE}/api/calendars`)).json();
  assert.ok(!after.calendars.some((c) => c.name === name), 'gone from bob\'s list');

  await alice.context().request.delete(`${BASE}/api/calendars/${enc(cal.id)}`, { headers: { 'x-csrf-token': aliceCsrf } });
  await done(alice);
  await done(bob);
});
