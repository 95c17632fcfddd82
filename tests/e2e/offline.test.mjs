// Browser tests of "Installable and offline": after a first visit the app
// opens with the network cut (service worker), reads a message fetched
// ahead, searches what is kept, flags and moves offline, writes and sends
// offline; when the network is back the server has every change and bob
// gets the message exactly once. Then an update: a new build deployed while
// the app is open is announced and loaded.
//
// Run like mail.test.mjs (see there). The update test starts its own
// Facteur (FACTEUR_BIN, or the debug build) on another port with a copy of
// dist/.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { appendMessages, eraseMessages, findBySubject, waitForSubject } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;
const ROOT = new URL('../../', import.meta.url).pathname;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function login(page, base = BASE, user = 'alice', password = 'secret') {
  const r = await page.context().request.post(`${base}/api/session`, { data: { username: user, password } });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

/** A value of the app's IndexedDB cache, from the page. */
function idbGet(page, key) {
  return page.evaluate(
    (key) =>
      new Promise((resolve) => {
        const open = indexedDB.open('facteur');
        open.onsuccess = () => {
          const tx = open.result.transaction('cache', 'readonly');
          const req = tx.objectStore('cache').get(key);
          req.onsuccess = () => resolve(req.result ?? null);
          req.onerror = () => resolve(null);
        };
        open.onerror = () => resolve(null);
      }),
    key,
  );
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function mail(subject, body) {
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return Buffer.from(
    `From: Rectorat <dpe@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: ${subject}\r\nDate: ${date}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@e2e.facteur.test>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=UTF-8\r\n\r\n${body}\r\n`,
  );
}

test('offline: open, read what was fetched ahead, search, flag, move, write; all of it reaches the server once back', async () => {
  const word = `metro${RUN}`;
  const [readUid, flagUid, moveUid, goneUid] = await appendMessages('alice', 'secret', 'INBOX', [
    mail(`Lecture hors ligne ${RUN}`, `Le conseil aura lieu salle 12. Mot-clé : ${word}.`),
    mail(`A marquer ${RUN}`, 'Message à marquer.'),
    mail(`A ranger ${RUN}`, 'Message à ranger.'),
    mail(`Parti ailleurs ${RUN}`, 'Supprimé depuis un autre appareil.'),
  ]);
  const page = await newPage(browser);
  const csrf = await login(page);
  const prefs = await (await page.context().request.get(`${BASE}/api/preferences`)).json();
  prefs.undo_send_secs = 0;
  prefs.offline_messages = 50;
  const r = await page.context().request.put(`${BASE}/api/preferences`, { data: prefs, headers: { 'x-csrf-token': csrf } });
  assert.ok(r.ok());

  // First visit: the service worker installs, the INBOX is fetched ahead.
  await page.goto(`${BASE}/mail/INBOX`);
  await page.getByText(`Lecture hors ligne ${RUN}`).waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await waitFor('the message fetched ahead', () => idbGet(page, `msg:INBOX:${readUid}`));
  const cached = JSON.parse(await idbGet(page, `msg:INBOX:${readUid}`));
  assert.equal(cached.flags.seen, false, 'fetching ahead marks nothing read');

  // No network: the app still opens, says so, and shows the mail kept.
  await page.context().setOffline(true);
  await page.reload();
  await page.getByText(/Hors connexion : vous lisez les messages gardés/).waitFor();
  await page.getByText(`Lecture hors ligne ${RUN}`).click();
  await page.getByText(`Mot-clé : ${word}`).waitFor();

  // Search what is kept.
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill(word);
  await page.locator('.search-hit', { hasText: `Lecture hors ligne ${RUN}` }).waitFor();
  await page.getByRole('button', { name: 'Effacer la recherche' }).click();

  // Flag one, move another: done at once, queued for the server.
  await page.goto(`${BASE}/mail/INBOX/${flagUid}`);
  await page.getByRole('button', { name: 'Ajouter un drapeau' }).click();
  await page.getByText('Hors connexion : ce sera fait dès le retour du réseau.').waitFor();
  await page.goto(`${BASE}/mail/INBOX/${moveUid}`);
  await page.getByRole('combobox', { name: 'Déplacer vers…' }).selectOption({ label: 'Archives' });
  await page.waitForURL(/\/mail\/INBOX$/);
  // A conflict: flagged here, deleted meanwhile from another device.
  await page.goto(`${BASE}/mail/INBOX/${goneUid}`);
  await page.getByRole('button', { name: 'Ajouter un drapeau' }).click();
  await page.getByText('Hors connexion : ce sera fait dès le retour du réseau.').waitFor();
  await eraseMessages('alice', 'secret', 'INBOX', [goneUid]);

  // Write and send offline: the outbox keeps it.
  const subject = `Envoyé hors ligne ${RUN}`;
  await page.goto(`${BASE}/compose`);
  await page.getByRole('combobox', { name: 'À' }).fill('bob@ac-demo.fr,');
  await page.getByLabel('Objet').fill(subject);
  await page.getByRole('textbox', { name: 'Texte du message' }).click();
  await page.keyboard.type('Réponse écrite dans le métro.');
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await page.getByText(/le message attend dans la boîte d'envoi/).waitFor();
  await page.waitForURL(/\/mail\//, { timeout: 10_000 });
  await page.locator('.outbox', { hasText: subject }).waitFor();
  assert.equal((await findBySubject('bob', 'secret', 'INBOX', RUN)).length, 0);

  // The network is back: everything goes, once.
  await page.context().setOffline(false);
  await page.getByText(/Le message en attente est parti/).waitFor({ timeout: 30_000 });
  await page.locator('.outbox').waitFor({ state: 'detached' });
  const got = await waitForSubject('bob', 'secret', 'INBOX', subject);
  assert.equal(got.length, 1);
  // The change on the message gone was dropped, not retried.
  await waitFor('the queue to empty', async () => (await idbGet(page, 'queue')) === null);
  assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  const [flagged] = await findBySubject('alice', 'secret', 'INBOX', `A marquer ${RUN}`);
  assert.ok(flagged.flags.includes('\\Flagged'), `flags: ${flagged.flags}`);
  assert.equal((await findBySubject('alice', 'secret', 'Archive', `A ranger ${RUN}`)).length, 1);
  assert.equal((await findBySubject('alice', 'secret', 'INBOX', `A ranger ${RUN}`)).length, 0);
  // A later sync (another reload) sends nothing twice.
  await page.reload();
  await page.getByText(`Lecture hors ligne ${RUN}`).waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await findBySubject('bob', 'secret', 'INBOX', subject)).length, 1, 'exactly once');
  await done(page);
});

/** Starts a Facteur of our own on `port` serving `dist`; resolves once it answers. */
async function startFacteur(port, dist) {
  const env = { ...process.env };
  const file = `${env.FACTEUR_RUN_DIR || '/tmp/facteur-run'}/env`;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^export ([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2];
  }
  Object.assign(env, {
    FACTEUR_LISTEN: `127.0.0.1:${port}`,
    FACTEUR_DIST_DIR: dist,
    FACTEUR_DOMAIN: 'ac-demo.fr',
  });
  const target = env.CARGO_TARGET_DIR || `${env.HOME || '/root'}/.cache/facteur/target`;
  const bin = env.FACTEUR_BIN || `${target}/debug/facteur`;
  const child = spawn(bin, [], { env, stdio: 'ignore' });
  await waitFor('Facteur to answer', async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/api/config`)).ok;
    } catch {
      return false;
    }
  });
  return child;
}

test('a new version deployed while the app is open is announced, then loaded', async () => {
  const port = 8392;
  const base = `http://127.0.0.1:${port}`;
  const dist = mkdtempSync(join(tmpdir(), 'facteur-dist-'));
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  let server = await startFacteur(port, dist);
  const page = await newPage(browser);
  try {
    await login(page, base);
    await page.goto(`${base}/mail/INBOX`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await waitFor('the worker to control the page', () => page.evaluate(() => !!navigator.serviceWorker.controller));

    // Deploy: a new build (here, the same files with a changed page).
    server.kill();
    const index = join(dist, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('</body>', `<!-- version ${RUN} --></body>`));
    server = await startFacteur(port, dist);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r && r.update()));
    await page.getByText('Une nouvelle version de Facteur est disponible.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Mettre à jour' }).click();
    // The page reloads itself (maybe before a wait for "load" could start).
    await waitFor('the new page', async () => {
      try {
        return (await page.content()).includes(`version ${RUN}`);
      } catch {
        return false; // navigating
      }
    });
    await page.getByText('Une nouvelle version de Facteur est disponible.').waitFor({ state: 'detached' });
    await done(page);
  } finally {
    server.kill();
    rmSync(dist, { recursive: true, force: true });
  }
});

test('on a shared computer nothing is kept, and logging out wipes what a device kept', async () => {
  const [uid] = await appendMessages('alice', 'secret', 'INBOX', [mail(`Ordinateur partagé ${RUN}`, 'Rien ne reste.')]);
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Identifiant').fill('alice');
  await page.getByLabel('Mot de passe').fill('secret');
  await page.getByLabel(/Ordinateur partagé/).check();
  await page.getByRole('button', { name: 'Connexion', exact: true }).click();
  await page.waitForURL(/\/mail\//);
  await page.goto(`${BASE}/mail/INBOX/${uid}`);
  await page.getByText('Rien ne reste.').waitFor();
  await page.waitForTimeout(1500);
  assert.equal(await idbGet(page, `msg:INBOX:${uid}`), null, 'the message is not kept');
  assert.equal(await idbGet(page, 'folders'), null, 'nor the folders');
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.waitForURL(/\/login/);

  // A personal device keeps mail; logging out wipes it.
  await page.getByLabel('Identifiant').fill('alice');
  await page.getByLabel('Mot de passe').fill('secret');
  assert.equal(await page.getByLabel(/Ordinateur partagé/).isChecked(), true, 'the choice is offered to the next person');
  await page.getByLabel(/Ordinateur partagé/).uncheck();
  await page.getByRole('button', { name: 'Connexion', exact: true }).click();
  await page.waitForURL(/\/mail\//);
  await page.goto(`${BASE}/mail/INBOX/${uid}`);
  await page.getByText('Rien ne reste.').waitFor();
  await waitFor('the message kept', () => idbGet(page, `msg:INBOX:${uid}`));
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.waitForURL(/\/login/);
  await waitFor('the cache wiped', async () => (await idbGet(page, `msg:INBOX:${uid}`)) === null);
  assert.equal(await idbGet(page, 'session'), null);
  await done(page);
});
