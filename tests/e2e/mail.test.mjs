// Browser tests of "Log in and read mail", in headless Chromium.
//
// How they run: tests/run.sh builds the web app (trunk), starts the test
// mail servers (tests/servers.sh) and a Facteur serving dist/, then runs
//
//   FACTEUR_URL=http://127.0.0.1:8391 node --test --test-concurrency=1 tests/e2e/
//
// By hand, against a Facteur you started (see tests/lib.sh, start_facteur):
//
//   cd tests && npm ci     # once: playwright-core (and binaryen for trunk)
//   FACTEUR_URL=http://127.0.0.1:8391 node --test tests/e2e/
//
// The browser is Debian's Chromium (/usr/bin/chromium, or $CHROMIUM);
// playwright-core never downloads one. Test messages are APPENDed over IMAP
// to the `alice` account (tests/e2e/imap.mjs), each run with its own
// subjects, so runs do not depend on each other.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';

import { appendMessages, createMailbox, deleteMailbox } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const USER = 'alice';
const PASSWORD = 'secret';
const FIXTURES = new URL('../fixtures/', import.meta.url);
const RUN = `${Date.now().toString(36)}`;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A plain message with a subject unique to this run. */
function plainMail(subject, body = 'Bonjour,\r\n\r\nVoir https://www.example.org/page.\r\n', when = new Date()) {
  const date = when.toUTCString().replace('GMT', '+0000');
  return Buffer.from(
    `From: =?UTF-8?Q?C=C3=A9line_Martin?= <celine.martin@ac-demo.fr>\r\n` +
      `To: Alice <alice@ac-demo.fr>\r\n` +
      `Subject: ${subject}\r\n` +
      `Date: ${date}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@e2e.facteur.test>\r\n` +
      `MIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=UTF-8\r\n` +
      `Content-Transfer-Encoding: 8bit\r\n\r\n${body}`,
  );
}

/** An HTML message whose only image is remote, at `src`. */
function remoteImageMail(subject, src) {
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return Buffer.from(
    `From: Lettre <lettre@exemple.org>\r\nTo: alice@ac-demo.fr\r\nSubject: ${subject}\r\n` +
      `Date: ${date}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n` +
      `<html><body><p>La lettre du mois.</p><img src="${src}" alt="logo" width="10" height="10"></body></html>\r\n`,
  );
}



/** Logs in through the login page, which must be showing. */
async function loginWithForm(page, user = USER, password = PASSWORD) {
  await page.getByLabel('Identifiant').fill(user);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Connexion', exact: true }).click();
}

/** Logs in through the API (sharing the page's cookies), then opens `path`. */
async function openLoggedIn(page, path) {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: USER, password: PASSWORD },
  });
  assert.equal(r.status(), 200, await r.text());
  await page.goto(BASE + path);
}

function messagePath(uid, folder = 'INBOX') {
  return `/mail/${encodeURIComponent(folder)}/${uid}`;
}

test('the login page is in French, with its help links, and English is remembered', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await assert.doesNotReject(page.getByLabel('Identifiant').waitFor());
  assert.equal(await page.getByLabel('Mot de passe').getAttribute('type'), 'password');
  assert.equal(await page.getByRole('button', { name: 'Connexion', exact: true }).count(), 1);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  const config = await (await page.context().request.get(`${BASE}/api/config`)).json();
  const lost = page.getByRole('link', { name: 'Identifiant ou mot de passe perdu ?' });
  if (config.lost_password_url) assert.equal(await lost.getAttribute('href'), config.lost_password_url);
  else assert.equal(await lost.count(), 0);
  if (config.support_url) {
    assert.equal(await page.locator(`a[href="${config.support_url}"]`).count(), 1);
  }

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('Username').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.getByRole('button', { name: 'Français' }).click();
  await page.getByLabel('Identifiant').waitFor();
  await done(page);
});

test('login errors are said plainly, in an alert', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await page.getByRole('button', { name: 'Connexion', exact: true }).click();
  await page.getByRole('alert').getByText('Saisissez votre identifiant et votre mot de passe.').waitFor();

  await loginWithForm(page, 'mmartin', 'mauvais mot de passe');
  await page.getByRole('alert').getByText(/Identifiant ou mot de passe incorrect/).waitFor({ timeout: 15_000 });
  assert.match(page.url(), /\/login/);

  await loginWithForm(page, 'disabled', 'secret');
  await page.getByRole('alert').getByText(/Ce compte est désactivé/).waitFor({ timeout: 15_000 });
  await done(page);
});

test('a deep link asks to log in, then opens the message; the inbox shows in the title', async () => {
  const subject = `Lien direct ${RUN}`;
  const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [plainMail(subject)]);
  const page = await newPage(browser);
  await page.goto(BASE + messagePath(uid));
  await page.waitForURL(/\/login\?next=/);
  await loginWithForm(page);
  await page.waitForURL(BASE + messagePath(uid));
  await page.getByRole('heading', { name: subject }).waitFor();
  // Plain text with its web link made safe.
  const link = page.locator('.message-text a');
  assert.equal(await link.getAttribute('href'), 'https://www.example.org/page');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await page.title(), /^(\(\d+\) )?Boîte de réception – /);
  await done(page);
});

test('the inbox lists messages; a click opens one and the list marks it read', async () => {
  const subject = `Clic ${RUN}`;
  const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [plainMail(subject)]);
  const page = await newPage(browser);
  await openLoggedIn(page, '/mail/INBOX');
  const row = page.locator(`.message-list .message-row[data-uid="${uid}"]`);
  await row.waitFor();
  assert.match(await row.getAttribute('class'), /\bunread\b/);
  assert.match(await row.innerText(), new RegExp(subject));
  assert.match(await row.innerText(), /Céline Martin/);
  // Today's message: the time only.
  assert.match(await row.locator('.row-date').innerText(), /^\d\d:\d\d$/);
  await page.getByRole('navigation').getByRole('link', { name: /Boîte de réception/ }).waitFor();

  await row.click();
  await page.waitForURL(BASE + messagePath(uid));
  await page.getByRole('heading', { name: subject }).waitFor();
  await assert.doesNotReject(
    page.waitForFunction((u) => {
      const r = document.querySelector(`.message-row[data-uid="${u}"]`);
      return r && !r.classList.contains('unread');
    }, uid),
  );
  await done(page);
});

test('hostile HTML runs nothing and loads nothing', async () => {
  const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [readFileSync(new URL('hostile.eml', FIXTURES))]);
  const page = await newPage(browser);
  const dialogs = [];
  const leaks = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => {
    if (/tracker\.example|evil\.example/.test(r.url())) leaks.push(r.url());
  });
  await openLoggedIn(page, messagePath(uid));
  const frameElement = page.locator('iframe.message-frame');
  await frameElement.waitFor();
  assert.equal(await frameElement.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
  const frame = await (await frameElement.elementHandle()).contentFrame();
  await frame.getByText('Ce paragraphe doit rester lisible après nettoyage.').waitFor();
  await frame.getByText('Fin du message.').waitFor();
  await page.waitForTimeout(1500);

  assert.doesNotMatch(await page.title(), /pwned/);
  assert.doesNotMatch(await frame.evaluate(() => document.title), /pwned/);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(leaks, []);
  assert.doesNotMatch(await page.locator('body').innerText(), /pwned/);
  // Still blocked: the bar offers to show remote images.
  await page.getByText('Les images distantes ont été bloquées pour protéger votre vie privée.').waitFor();
  await done(page);
});

test('remote images stay blocked until the user allows them', async () => {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'content-type': 'image/gif' });
    res.end(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const src = `http://127.0.0.1:${server.address().port}/logo.gif?run=${RUN}`;
    const subject = `Images distantes ${RUN}`;
    const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [remoteImageMail(subject, src)]);
    const page = await newPage(browser);
    await openLoggedIn(page, messagePath(uid));
    const bar = page.locator('.remote-bar');
    await bar.getByText('Les images distantes ont été bloquées pour protéger votre vie privée.').waitFor();
    const frame = await (await page.locator('iframe.message-frame').elementHandle()).contentFrame();
    await frame.getByText('La lettre du mois.').waitFor();
    await page.waitForTimeout(1000);
    assert.deepEqual(hits, [], 'nothing fetched before consent');

    await bar.getByRole('button', { name: 'Afficher les images' }).click();
    for (let i = 0; i < 50 && hits.length === 0; i++) await page.waitForTimeout(100);
    assert.ok(hits.length > 0, 'the image is fetched once allowed');
    await done(page);
  } finally {
    server.close();
  }
});

test('flag, mark unread, move, delete, and delete for good after a warning', async () => {
  const folder = `E2E actions ${RUN}`;
  await createMailbox(USER, PASSWORD, folder);
  try {
    const subject = `Actions ${RUN}`;
    const [uid] = await appendMessages(USER, PASSWORD, folder, [plainMail(subject)]);
    const page = await newPage(browser);
    await openLoggedIn(page, messagePath(uid, folder));
    await page.getByRole('heading', { name: subject, exact: true }).waitFor();
    const row = page.locator(`.message-row[data-uid="${uid}"]`);

    await page.getByRole('button', { name: 'Ajouter un drapeau' }).click();
    await page.getByRole('button', { name: 'Retirer le drapeau' }).waitFor();
    await row.locator('.mark-flagged').waitFor();

    await page.getByRole('button', { name: 'Marquer comme non lu' }).click();
    await page.getByRole('status').getByText('Message marqué comme non lu.').waitFor();
    await page.locator(`.message-row.unread[data-uid="${uid}"]`).waitFor();

    // Move to the inbox: back to the list of this folder, now empty.
    await page.getByRole('combobox', { name: 'Déplacer vers…' }).selectOption({ label: 'Boîte de réception' });
    await page.getByRole('status').getByText('Message déplacé vers « Boîte de réception ».').waitFor();
    await page.waitForURL(`${BASE}/mail/${encodeURIComponent(folder)}`);
    await page.getByText('Ce dossier est vide.').waitFor();

    // In the inbox, delete: to the trash.
    await page.getByRole('navigation').getByRole('link', { name: /Boîte de réception/ }).click();
    await page.locator('.message-row', { hasText: subject }).click();
    await page.getByRole('heading', { name: subject, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Supprimer', exact: true }).click();
    await page.getByRole('status').getByText('Message placé dans la corbeille.').waitFor();

    // In the trash, deleting asks first, and says it is for good.
    await page.getByRole('navigation').getByRole('link', { name: 'Corbeille' }).click();
    await page.locator('.message-row', { hasText: subject }).click();
    await page.getByRole('heading', { name: subject, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(/effacé pour de bon/).waitFor();
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    assert.equal(await dialog.count(), 0);
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await dialog.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.getByRole('status').getByText('Message supprimé définitivement.').waitFor();
    await done(page);
  } finally {
    await deleteMailbox(USER, PASSWORD, folder);
  }
});

test('a long folder is virtualized: few rows in the page, the last one reachable', async () => {
  const folder = `E2E liste ${RUN}`;
  const count = 260;
  await createMailbox(USER, PASSWORD, folder);
  try {
    // Message 1 is the oldest, a minute apart each.
    const now = Date.now();
    const mails = Array.from({ length: count }, (_, i) => {
      const date = new Date(now - (count - i) * 60_000);
      return { raw: plainMail(`Message ${i + 1} ${RUN}`, 'Bonjour.\r\n', date), date };
    });
    await appendMessages(USER, PASSWORD, folder, mails, '\\Seen');
    const page = await newPage(browser);
    await openLoggedIn(page, `/mail/${encodeURIComponent(folder)}`);
    // Newest first.
    await page.locator('.message-row[aria-posinset="1"]', { hasText: `Message ${count} ${RUN}` }).waitFor();
    await page.getByText(`${count} messages`).waitFor();
    const rows = () => page.locator('.message-list .message-row, .message-list .message-row-placeholder').count();
    assert.ok((await rows()) <= 100, `${await rows()} rows in the page`);

    await page.locator('.message-list').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    // At the bottom, the oldest message.
    await page.locator(`.message-row[aria-posinset="${count}"]`, { hasText: `Message 1 ${RUN}` }).waitFor();
    assert.ok((await rows()) <= 100, `${await rows()} rows in the page`);
    await done(page);
  } finally {
    await deleteMailbox(USER, PASSWORD, folder);
  }
});

test('on a phone: one pane at a time, a back button, big touch targets', async () => {
  const subject = `Téléphone ${RUN}`;
  const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [plainMail(subject)]);
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await openLoggedIn(page, '/mail/INBOX');
  const folders = page.locator('.pane-folders');
  const list = page.locator('.pane-list');
  const message = page.locator('.pane-message');
  await page.locator(`.message-row[data-uid="${uid}"]`).waitFor();
  assert.ok(await list.isVisible());
  assert.ok(!(await folders.isVisible()));
  assert.ok(!(await message.isVisible()));
  await assertTouchTargets(page);

  await page.locator(`.message-row[data-uid="${uid}"]`).tap();
  await page.getByRole('heading', { name: subject }).waitFor();
  assert.ok(await message.isVisible());
  assert.ok(!(await list.isVisible()));
  await assertTouchTargets(page);

  const back = page.locator('.back-button');
  await back.tap();
  await page.waitForURL(`${BASE}/mail/INBOX`);
  assert.ok(await list.isVisible());
  assert.ok(!(await message.isVisible()));

  await back.tap();
  assert.ok(await folders.isVisible());
  assert.ok(!(await list.isVisible()));
  await assertTouchTargets(page);
  await page.getByRole('navigation').getByRole('link', { name: /Boîte de réception/ }).tap();
  assert.ok(await list.isVisible());
  await done(page);
});

/** Every visible control (not links inside a message's text) is at least 44 px square. */
async function assertTouchTargets(page) {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select, [role="button"]')]
      .filter((el) => !el.closest('.message-text'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(({ el, r }) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${r.width}x${r.height}`),
  );
  assert.deepEqual(small, []);
}

test('when the session ends, the next action leads to the login page, which says why', async () => {
  const page = await newPage(browser);
  await openLoggedIn(page, '/mail/INBOX');
  await page.locator('.message-row').first().waitFor();
  await page.context().clearCookies();
  // The next request finds the session gone: the click, or the app's own
  // background work (fetching ahead for offline reading) if it comes first.
  await page
    .getByRole('navigation')
    .getByRole('link', { name: 'Envoyés' })
    .click({ timeout: 5_000 })
    .catch(() => {});
  await page.waitForURL(/\/login\?next=/);
  await page.getByText('Votre session a expiré. Reconnectez-vous pour continuer.').waitFor();
  await loginWithForm(page);
  await page.waitForURL(/\/mail\/[^/]+$/);
  await page.locator('.message-list').waitFor();
  await done(page);
});
