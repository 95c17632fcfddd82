// Browser tests of the filters page (issue 6), in headless Chromium: a rule
// created from an open message, tried on recent messages, saved and shown
// again after a reload; rules reordered by buttons and by drag and drop;
// the page on a phone.
//
// They use the `mmartin` account (the other tests use alice) and leave it
// with an empty rule set. Run with the other browser tests:
//
//   FACTEUR_URL=http://127.0.0.1:8391 node --test --test-concurrency=1 tests/e2e/

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { appendMessages } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const USER = 'mmartin';
const PASSWORD = 'demo';
const RUN = `${Date.now().toString(36)}`;

let browser;

before(async () => {
  browser = await launchChromium();
  await saveEmptyRules();
});

after(async () => {
  if (browser) await saveEmptyRules();
  await browser?.close();
});

/** Leaves the account without rules, through the API. */
async function saveEmptyRules() {
  const context = await browser.newContext();
  const login = await context.request.post(`${BASE}/api/session`, {
    data: { username: USER, password: PASSWORD },
  });
  assert.equal(login.status(), 200, await login.text());
  const { csrf_token } = await login.json();
  const put = await context.request.put(`${BASE}/api/filters`, {
    data: { filters: { rules: [], vacation: null, forward: null }, replace_foreign: false },
    headers: { 'x-csrf-token': csrf_token },
  });
  assert.equal(put.status(), 200, await put.text());
  await context.close();
}



async function openLoggedIn(page, path) {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: USER, password: PASSWORD },
  });
  assert.equal(r.status(), 200, await r.text());
  await page.goto(BASE + path);
}

/** The control labelled `label` (a wrapping <label> whose own text is `label`). */
function control(scope, label, tag = 'input') {
  return scope.locator(`label:has(> span:text-is("${label}")) > ${tag}`);
}

function ruleNames(page) {
  return page.locator('.rule-list .rule-name').allInnerTexts();
}

/** Saves with the page's button and waits for the confirmation. */
async function save(page) {
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByRole('status').getByText('Filtres enregistrés.').waitFor({ timeout: 15_000 });
}

test('a filter created from a message is prefilled, tried on recent messages, saved and shown after a reload', async () => {
  const email = `liste.${RUN}@exemple.org`;
  const subject = `Lettre d'information ${RUN}`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const [uid] = await appendMessages(USER, PASSWORD, 'INBOX', [
    Buffer.from(
      `From: Liste ${RUN} <${email}>\r\nTo: Marc Martin <marc.martin@ac-demo.fr>\r\n` +
        `Subject: ${subject}\r\nDate: ${date}\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: text/plain; charset=UTF-8\r\n\r\nBonjour.\r\n`,
    ),
  ]);
  const page = await newPage(browser);
  await openLoggedIn(page, `/mail/INBOX/${uid}`);
  await page.getByRole('heading', { name: subject }).waitFor();
  await page.getByRole('link', { name: 'Créer un filtre' }).click();
  await page.waitForURL(`${BASE}/filters`);

  const editor = page.locator('#rule-editor');
  await editor.waitFor();
  assert.equal(await control(editor, 'Nom de la règle').inputValue(), `Liste ${RUN}`);
  assert.equal(await control(editor, 'Valeur').inputValue(), email);
  assert.equal(await control(editor, 'Champ', 'select').inputValue(), 'from');
  assert.equal(await control(editor, 'Comparaison', 'select').inputValue(), 'is');
  await control(editor, 'Dossier', 'select').selectOption('Archive');

  await page.getByRole('button', { name: 'Tester sur les messages récents' }).click();
  await page.getByText(/\d+ messages? examinés?/).waitFor({ timeout: 30_000 });
  const hit = page.locator('.dry-run-list li', { hasText: subject });
  await hit.waitFor();
  assert.match(await hit.innerText(), new RegExp(`Liste ${RUN}`));
  assert.match(await hit.innerText(), /déplacé vers « Archive »/);

  await save(page);
  await page.reload();
  await page.locator('.rule-list .rule-name', { hasText: `Liste ${RUN}` }).waitFor();
  assert.deepEqual(await ruleNames(page), [`Liste ${RUN}`]);
  await done(page);
});

/** Adds a rule "subject contains <word>: mark read" named `name`. */
async function addRule(page, name, word) {
  await page.getByRole('button', { name: 'Nouvelle règle' }).click();
  const editor = page.locator('#rule-editor');
  await control(editor, 'Nom de la règle').fill(name);
  await control(editor, 'Valeur').fill(word);
  await control(editor, 'Action', 'select').selectOption('read');
  await editor.getByRole('button', { name: 'Fermer' }).click();
}

test('rules are reordered with the buttons and by drag and drop, and the order is saved', async () => {
  const page = await newPage(browser);
  await openLoggedIn(page, '/filters');
  await page.getByRole('button', { name: 'Nouvelle règle' }).waitFor();
  const before = await ruleNames(page);
  const a = `Alpha ${RUN}`;
  const b = `Bêta ${RUN}`;
  await addRule(page, a, 'alpha');
  await addRule(page, b, 'beta');
  assert.deepEqual(await ruleNames(page), [...before, a, b]);

  const rowB = page.locator('.rule-row', { hasText: b });
  await rowB.getByRole('button', { name: 'Monter' }).click();
  assert.deepEqual(await ruleNames(page), [...before, b, a]);
  await page.locator('.rule-row', { hasText: b }).getByRole('button', { name: 'Descendre' }).click();
  assert.deepEqual(await ruleNames(page), [...before, a, b]);

  // Drag Bêta onto Alpha: it takes Alpha's place.
  await page.locator('.rule-row', { hasText: b }).dragTo(page.locator('.rule-row', { hasText: a }));
  assert.deepEqual(await ruleNames(page), [...before, b, a]);

  await save(page);
  await page.reload();
  await page.locator('.rule-list .rule-name', { hasText: a }).waitFor();
  assert.deepEqual(await ruleNames(page), [...before, b, a]);

  // Deleting asks first.
  await page.locator('.rule-row', { hasText: b }).getByRole('button', { name: 'Supprimer' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Supprimer' }).click();
  assert.deepEqual(await ruleNames(page), [...before, a]);
  await done(page);
});

test('on a phone: the filters page and its editor have big touch targets', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await openLoggedIn(page, '/filters');
  await page.getByRole('button', { name: 'Nouvelle règle' }).tap();
  await page.locator('#rule-editor').waitFor();
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select, [role="button"]')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(({ el, r }) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${r.width}x${r.height}`),
  );
  assert.deepEqual(small, []);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'the page is wider than the phone');
  await done(page);
});
