// Browser tests of "Write and send": compose with suggestions, attachments
// with progress, undo send, replies from the reading pane, drafts that
// survive a reload, and the phone layout. Run like mail.test.mjs (see
// there); messages go from alice to bob through the real Postfix and
// Dovecot, checked over IMAP.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { appendMessages, findBySubject, waitForSubject } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Logs `user` in through the API (sharing the page's cookies). */
async function login(page, user = 'alice', password = 'secret') {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: user, password },
  });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

/** Calls the API as the logged-in page. */
async function api(page, csrf, method, path, data) {
  const r = await page.context().request.fetch(`${BASE}${path}`, {
    method,
    data,
    headers: { 'x-csrf-token': csrf },
  });
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

/** Sets alice's undo delay (and keeps her other preferences). */
async function setUndo(page, csrf, secs) {
  const prefs = await api(page, csrf, 'GET', '/api/preferences');
  prefs.undo_send_secs = secs;
  await api(page, csrf, 'PUT', '/api/preferences', prefs);
}

function mailFromBob(subject) {
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return Buffer.from(
    `From: Bob Garnier <bob@ac-demo.fr>\r\nTo: Alice <alice@ac-demo.fr>\r\n` +
      `Subject: ${subject}\r\nDate: ${date}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@e2e.facteur.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n` +
      `Bonjour Alice,\r\n\r\nPeux-tu confirmer ta présence ?\r\n`,
  );
}

test('compose: a suggestion from the address book, an attachment with its progress, undo, then send once', async () => {
  const subject = `Conseil pédagogique ${RUN}`;
  const page = await newPage(browser);
  const csrf = await login(page);
  await setUndo(page, csrf, 3);
  const contact = await api(page, csrf, 'POST', '/api/contacts', {
    full_name: `Bob Garnier ${RUN}`,
    emails: [{ kind: 'work', value: 'bob@ac-demo.fr' }],
  });
  try {
    await page.goto(`${BASE}/compose`);
    const to = page.getByRole('combobox', { name: 'À' });
    await to.waitFor();
    await to.fill(`garnier ${RUN}`);
    const option = page.getByRole('option', { name: new RegExp(`Bob Garnier ${RUN}`) });
    await option.waitFor();
    await to.press('ArrowDown');
    await to.press('Enter');
    await page.locator('.chip', { hasText: `Bob Garnier ${RUN}` }).waitFor();

    // An invalid address is flagged before sending.
    await to.fill('pas une adresse,');
    await page.locator('.chip.invalid').waitFor();
    await page.getByLabel('Objet').fill(subject);
    await page.getByRole('textbox', { name: 'Texte du message' }).click();
    await page.keyboard.type('Bonjour Bob, voici le compte rendu.');
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('alert').getByText('Corrigez les adresses en rouge').waitFor();
    await page.locator('.chip.invalid .chip-remove').click();

    // An attachment, uploaded slowly enough to see its progress bar.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    const bytes = Buffer.alloc(400 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
    await page.locator('input[type="file"]').setInputFiles({
      name: 'compte-rendu.pdf',
      mimeType: 'application/pdf',
      buffer: bytes,
    });
    await page.locator('.attachment-item progress').waitFor();
    await page.locator('.attachment-item progress').waitFor({ state: 'detached', timeout: 20_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.locator('.attachment-item', { hasText: 'compte-rendu.pdf' }).waitFor();

    // Send, then undo: back in the editor with everything intact.
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText(/Envoi dans \d s/).waitFor();
    await page.getByRole('button', { name: 'Annuler', exact: true }).click();
    await page.getByText(/Envoi dans/).waitFor({ state: 'detached' });
    assert.equal(await page.getByLabel('Objet').inputValue(), subject);
    await page.locator('.chip', { hasText: `Bob Garnier ${RUN}` }).waitFor();
    assert.equal((await findBySubject('bob', 'secret', 'INBOX', RUN)).length, 0, 'nothing sent');

    // Now for real.
    await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByText('Message envoyé.').waitFor({ timeout: 20_000 });
    const got = await waitForSubject('bob', 'secret', 'INBOX', RUN);
    assert.equal(got.length, 1, 'bob has it exactly once');
    const sent = await waitForSubject('alice', 'secret', 'Sent', RUN);
    assert.equal(sent.length, 1, 'a copy in Sent');
    assert.equal((await findBySubject('alice', 'secret', 'Drafts', RUN)).length, 0, 'no draft left');
    await page.waitForURL(/\/mail\//);
    await done(page);
  } finally {
    const p = await newPage(browser);
    const c = await login(p);
    await api(p, c, 'DELETE', `/api/contacts/${encodeURIComponent(contact.id)}?etag=${encodeURIComponent(contact.etag || '')}`).catch(() => {});
    await p.context().close();
  }
});

test('reply from the reading pane: quoted, sent to the sender, the original marked answered', async () => {
  const subject = `Sortie au musée ${RUN}`;
  const [uid] = await appendMessages('alice', 'secret', 'INBOX', [mailFromBob(subject)]);
  const page = await newPage(browser);
  const csrf = await login(page);
  await setUndo(page, csrf, 0);
  await page.goto(`${BASE}/mail/INBOX/${uid}`);
  await page.getByRole('heading', { name: subject }).waitFor();
  await page.getByRole('link', { name: 'Répondre', exact: true }).click();
  await page.waitForURL(/\/compose\?/);
  await page.locator('.chip', { hasText: 'Bob Garnier' }).waitFor();
  assert.equal(await page.getByLabel('Objet').inputValue(), `Re: ${subject}`);
  const editor = page.getByRole('textbox', { name: 'Texte du message' });
  await editor.locator('blockquote').getByText('Peux-tu confirmer ta présence ?').waitFor();
  assert.match(await editor.innerText(), /a écrit/);
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Oui, je serai là.');
  // The figure: from "Envoyer" (no undo delay) to the message in bob's INBOX.
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  const got = await waitForSubject('bob', 'secret', 'INBOX', `Re: ${subject}`, 1, 20_000, 20);
  console.log(`figure: "Envoyer" to bob's INBOX: ${Date.now() - clicked} ms`);
  await page.getByText('Message envoyé.').waitFor({ timeout: 20_000 });
  assert.equal(got.length, 1);
  const [original] = await findBySubject('alice', 'secret', 'INBOX', subject);
  assert.ok(original.flags.includes('\\Answered'), `flags: ${original.flags}`);
  await done(page);
});

test('a draft is kept: saved by itself, back after a reload, continued from Drafts', async () => {
  const subject = `Brouillon réunion ${RUN}`;
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/compose`);
  await page.getByRole('combobox', { name: 'À' }).fill('bob@ac-demo.fr,');
  await page.getByLabel('Objet').fill(subject);
  await page.getByRole('textbox', { name: 'Texte du message' }).click();
  await page.keyboard.type('Ordre du jour : emplois du temps.');
  await page.getByText(/Brouillon enregistré à/).waitFor({ timeout: 15_000 });
  const drafts = await waitForSubject('alice', 'secret', 'Drafts', RUN);
  assert.equal(drafts.length, 1);

  // The browser goes away and comes back: the same message.
  await page.reload();
  await page.getByLabel('Objet').waitFor();
  assert.equal(await page.getByLabel('Objet').inputValue(), subject);
  await page.getByText('Ordre du jour : emplois du temps.').waitFor();

  // One more change replaces the draft on the server (still one copy).
  await page.getByLabel('Objet').fill(`${subject} (v2)`);
  await page.getByText(/Brouillon enregistré à/).waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  const after = await findBySubject('alice', 'secret', 'Drafts', RUN);
  assert.equal(after.length, 1, 'the old version was removed');

  // From the Drafts folder: "Continuer ce brouillon".
  await page.goto(`${BASE}/mail/Drafts/${after[0].uid}`);
  await page.getByRole('link', { name: 'Continuer ce brouillon' }).click();
  await page.waitForURL(/\/compose\?/);
  await page.locator('.chip', { hasText: 'bob@ac-demo.fr' }).waitFor();
  assert.equal(await page.getByLabel('Objet').inputValue(), `${subject} (v2)`);

  // Discarded: gone from Drafts.
  await page.getByRole('button', { name: 'Supprimer le brouillon' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Supprimer le brouillon' }).click();
  await page.waitForURL(/\/mail\//);
  assert.equal((await findBySubject('alice', 'secret', 'Drafts', RUN)).length, 0);
  await done(page);
});

test('on a phone, the editor fits the screen and its controls are big enough to touch', async () => {
  const page = await newPage(browser, {
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
  });
  await login(page);
  await page.goto(`${BASE}/compose`);
  await page.getByLabel('Objet').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow: ${overflow}px`);
  for (const name of ['Envoyer', 'Enregistrer', 'Fermer']) {
    const box = await page.getByRole('button', { name, exact: true }).boundingBox();
    assert.ok(box.height >= 44, `${name}: ${box.height}px`);
  }
  const tool = await page.getByRole('button', { name: 'Gras' }).boundingBox();
  assert.ok(tool.height >= 44 && tool.width >= 44, `Gras: ${tool.width}x${tool.height}`);
  await page.getByRole('button', { name: 'Fermer', exact: true }).click();
  await page.waitForURL(/\/mail\//);
  await done(page);
});

test('offline, the draft stays on the device and reaches Drafts when the network is back; a file too large is refused before upload', async () => {
  const subject = `Hors ligne ${RUN}`;
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/compose`);
  await page.getByLabel('Objet').waitFor();

  // Larger than the submission server accepts: refused at once, plainly.
  await page.locator('input[type="file"]').setInputFiles({
    name: 'video-sortie.mp4',
    mimeType: 'video/mp4',
    buffer: Buffer.alloc(21 * 1024 * 1024, 1),
  });
  await page.getByRole('alert').getByText(/« video-sortie\.mp4 » est trop lourd/).waitFor();
  assert.equal(await page.locator('.attachment-item').count(), 0);

  await page.context().setOffline(true);
  await page.getByRole('combobox', { name: 'À' }).fill('bob@ac-demo.fr,');
  await page.getByLabel('Objet').fill(subject);
  await page.getByText(/Hors connexion : le brouillon est gardé sur cet appareil/).waitFor({ timeout: 15_000 });
  assert.equal((await findBySubject('alice', 'secret', 'Drafts', RUN)).length, 0);
  await page.context().setOffline(false);
  await page.getByText(/Brouillon enregistré à/).waitFor({ timeout: 20_000 });
  const drafts = await waitForSubject('alice', 'secret', 'Drafts', RUN);
  assert.equal(drafts.length, 1);
  await page.getByRole('button', { name: 'Supprimer le brouillon' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Supprimer le brouillon' }).click();
  await page.waitForURL(/\/mail\//);
  assert.equal((await findBySubject('alice', 'secret', 'Drafts', RUN)).length, 0);
  await done(page);
});
