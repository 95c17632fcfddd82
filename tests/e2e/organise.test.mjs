// Browser tests of "Organise and find": the keyboard shortcuts, searching
// on the server, "Indésirable", selections (shift-click, all of a folder
// in batches), drag and drop onto a folder, folders managed in the
// settings, and new mail arriving without a reload. Run like mail.test.mjs
// (see there).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { addFlags, appendMessages, createMailbox, deleteMailbox, findBySubject } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;
const FOLDER = `Tri-${RUN}`;

let browser;

before(async () => {
  browser = await launchChromium();
  await createMailbox('alice', 'secret', FOLDER);
});

after(async () => {
  await browser?.close();
  await deleteMailbox('alice', 'secret', FOLDER);
});

async function login(page) {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: 'alice', password: 'secret' },
  });
  assert.equal(r.status(), 200, await r.text());
}

function mail(subject, body, minutesAgo) {
  const date = new Date(Date.now() - minutesAgo * 60_000).toUTCString().replace('GMT', '+0000');
  return {
    raw: Buffer.from(
      `From: Vie scolaire <vs@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: ${subject}\r\nDate: ${date}\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${body}\r\n`,
    ),
    date: new Date(Date.now() - minutesAgo * 60_000),
  };
}

test('the keyboard: o, j, k, s, e, u and ? do what the help says', async () => {
  await appendMessages('alice', 'secret', FOLDER, [
    mail(`Troisième ${RUN}`, 'c', 30),
    mail(`Deuxième ${RUN}`, 'b', 20),
    mail(`Premier ${RUN}`, 'a', 10),
  ]);
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/mail/${encodeURIComponent(FOLDER)}`);
  await page.locator('.message-row', { hasText: `Premier ${RUN}` }).waitFor();
  // The first key may come before the list has its cursor: press again
  // until the message opens (as a person would).
  const heading = page.getByRole('heading', { name: `Premier ${RUN}` });
  for (let i = 0; i < 10 && !(await heading.isVisible()); i++) {
    await page.keyboard.press('o');
    await heading.waitFor({ timeout: 1000 }).catch(() => {});
  }
  await heading.waitFor();
  await page.keyboard.press('j');
  await page.getByRole('heading', { name: `Deuxième ${RUN}` }).waitFor();
  await page.keyboard.press('j');
  await page.getByRole('heading', { name: `Troisième ${RUN}` }).waitFor();
  await page.keyboard.press('k');
  await page.getByRole('heading', { name: `Deuxième ${RUN}` }).waitFor();
  await page.keyboard.press('s');
  await page.getByRole('button', { name: 'Retirer le drapeau' }).waitFor();
  const [flagged] = await findBySubject('alice', 'secret', FOLDER, `Deuxième ${RUN}`);
  assert.ok(flagged.flags.includes('\\Flagged'));
  await page.keyboard.press('e');
  await page.waitForURL(new RegExp(`/mail/${encodeURIComponent(FOLDER)}$`));
  assert.equal((await findBySubject('alice', 'secret', 'Archive', `Deuxième ${RUN}`)).length, 1);
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Raccourcis clavier' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  // Not while typing: "j" in the search box is a letter.
  await page.keyboard.press('/');
  await page.keyboard.type('j');
  assert.equal(await page.getByRole('searchbox', { name: 'Rechercher' }).inputValue(), 'j');
  await done(page);
});

test('search on the server: a word of a body, then in every folder', async () => {
  const word = `sortie${RUN}`;
  await appendMessages('alice', 'secret', FOLDER, [mail(`Voyage ${RUN}`, `Le car part à 8 h. ${word}`, 5)]);
  await appendMessages('alice', 'secret', 'INBOX', [mail(`Rappel voyage ${RUN}`, `N'oubliez pas : ${word}`, 1)]);
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/mail/${encodeURIComponent(FOLDER)}`);
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill(word);
  await page.locator('.search-hit', { hasText: `Voyage ${RUN}` }).waitFor();
  assert.equal(await page.locator('.search-hit').count(), 1, 'this folder only');
  await page.getByRole('button', { name: 'Options' }).click();
  await page.getByLabel('Tous les dossiers').check();
  await page.locator('.search-hit', { hasText: `Rappel voyage ${RUN}` }).waitFor();
  assert.equal(await page.locator('.search-hit').count(), 2);
  await page.locator('.search-hit', { hasText: `Rappel voyage ${RUN}` }).click();
  await page.getByRole('heading', { name: `Rappel voyage ${RUN}` }).waitFor();
  await done(page);
});

test('"Indésirable" moves to Junk and marks $Junk; "Pas indésirable" brings it back', async () => {
  const [uid] = await appendMessages('alice', 'secret', 'INBOX', [mail(`Promotion ${RUN}`, 'Gagnez !', 0)]);
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/mail/INBOX/${uid}`);
  await page.getByRole('button', { name: 'Indésirable', exact: true }).click();
  await page.getByText('Message classé comme indésirable.').waitFor();
  const [junk] = await findBySubject('alice', 'secret', 'Junk', `Promotion ${RUN}`);
  assert.ok(junk.flags.includes('$Junk'), `flags: ${junk.flags}`);
  await page.goto(`${BASE}/mail/Junk/${junk.uid}`);
  await page.getByRole('button', { name: 'Pas indésirable' }).click();
  await page.getByText('Message remis dans la boîte de réception.').waitFor();
  const [back] = await findBySubject('alice', 'secret', 'INBOX', `Promotion ${RUN}`);
  assert.ok(back.flags.includes('$NotJunk'), `flags: ${back.flags}`);
  await done(page);
});

test('shift-click selects a range, which moves in one go', async () => {
  const folder = `Plage-${RUN}`;
  await createMailbox('alice', 'secret', folder);
  try {
    await appendMessages('alice', 'secret', folder, [1, 2, 3, 4, 5].map((n) => mail(`Plage${RUN} ${n}`, 'x', 60 - n)));
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/mail/${encodeURIComponent(folder)}`);
    const boxes = page.getByRole('checkbox', { name: 'Sélectionner ce message' });
    await boxes.first().waitFor();
    await boxes.nth(0).click();
    await boxes.nth(3).click({ modifiers: ['Shift'] });
    await page.getByText('4 messages sélectionnés').waitFor();
    await page.getByRole('toolbar', { name: 'Actions sur la sélection' }).getByRole('combobox').selectOption({ label: 'Archives' });
    await page.getByText('4 messages déplacés vers « Archives ».').waitFor();
    assert.equal((await findBySubject('alice', 'secret', 'Archive', `Plage${RUN}`)).length, 4);
    assert.equal((await findBySubject('alice', 'secret', folder, `Plage${RUN}`)).length, 1);
    await done(page);
  } finally {
    await deleteMailbox('alice', 'secret', folder);
  }
});

test('"all in this folder" acts on every message, not just those loaded, in batches with progress', async () => {
  const from = `Tout-${RUN}`;
  const to = `Destination-${RUN}`;
  await createMailbox('alice', 'secret', from);
  await createMailbox('alice', 'secret', to);
  try {
    const many = Array.from({ length: 600 }, (_, n) => mail(`Lot ${n} ${RUN}`, 'x', 1000 - n));
    await appendMessages('alice', 'secret', from, many);
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/mail/${encodeURIComponent(from)}`);
    await page.getByRole('checkbox', { name: 'Sélectionner ce message' }).first().click();
    await page.getByRole('button', { name: 'Sélectionner les 600 messages du dossier' }).click();
    await page.getByText('Les 600 messages du dossier sont sélectionnés').waitFor();
    const started = Date.now();
    await page.getByRole('toolbar', { name: 'Actions sur la sélection' }).getByRole('combobox').selectOption({ label: to });
    await page.getByText(`600 messages déplacés vers « ${to} ».`).waitFor({ timeout: 60_000 });
    console.log(`figure: select all + move of 600 messages: ${Date.now() - started} ms`);
    assert.equal((await findBySubject('alice', 'secret', to, 'Lot')).length, 600);
    assert.equal((await findBySubject('alice', 'secret', from, 'Lot')).length, 0);
    await done(page);
  } finally {
    await deleteMailbox('alice', 'secret', from);
    await deleteMailbox('alice', 'secret', to);
  }
});

test('drag a message onto a folder moves it there', async () => {
  const folder = `Glisser-${RUN}`;
  await createMailbox('alice', 'secret', folder);
  try {
    await appendMessages('alice', 'secret', 'INBOX', [mail(`A glisser ${RUN}`, 'x', 0)]);
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/mail/INBOX`);
    const row = page.locator('.message-row', { hasText: `A glisser ${RUN}` });
    await row.waitFor();
    await row.dragTo(page.locator('.folder-item', { hasText: folder }));
    await page.getByText(`Message déplacé vers « ${folder} ».`).waitFor();
    assert.equal((await findBySubject('alice', 'secret', folder, `A glisser ${RUN}`)).length, 1);
    await done(page);
  } finally {
    await deleteMailbox('alice', 'secret', folder);
  }
});

test('settings: a folder created, renamed and deleted after confirming how many messages it holds', async () => {
  const name = `Classement ${RUN}`;
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/settings`);
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Dossiers' }) });
  await section.getByLabel('Nom du dossier').fill(name);
  await section.getByRole('button', { name: 'Créer le dossier' }).click();
  const item = section.locator('.folders-item', { hasText: name });
  await item.waitFor();
  await appendMessages('alice', 'secret', name, [mail(`Dans le dossier ${RUN}`, 'x', 0)]);
  await item.getByRole('button', { name: 'Renommer ou déplacer' }).click();
  await item.getByLabel('Nom du dossier').fill(`${name} bis`);
  await item.getByRole('button', { name: 'Enregistrer' }).click();
  const renamed = section.locator('.folders-item', { hasText: `${name} bis` });
  await renamed.waitFor();
  await renamed.getByRole('button', { name: 'Supprimer' }).click();
  await page.getByRole('alertdialog').getByText(/contient 1 message/).waitFor();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Supprimer' }).click();
  await renamed.waitFor({ state: 'detached' });
  await done(page);
});

test('a message delivered during the test appears without reload; a flag set elsewhere shows', async () => {
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/mail/INBOX`);
  await page.locator('.message-row').first().waitFor();
  await page.waitForTimeout(1000); // the event stream is open
  const before = await page.title();
  const subject = `Arrivé en direct ${RUN}`;
  const started = Date.now();
  const [uid] = await appendMessages('alice', 'secret', 'INBOX', [mail(subject, 'x', 0)]);
  const row = page.locator('.message-row', { hasText: subject });
  await row.waitFor({ timeout: 15_000 });
  console.log(`figure: delivered to shown without reload: ${Date.now() - started} ms`);
  assert.equal(await row.count(), 1, 'no duplicate row');
  await page.waitForFunction((t) => document.title !== t, before);
  await addFlags('alice', 'secret', 'INBOX', [uid], '\\Flagged');
  await row.locator('.mark-flagged').waitFor({ timeout: 15_000 });
  await done(page);
});

test('conversations: the list groups a discussion, which opens as a stack with the reply from Sent', async () => {
  const folder = `Fil-${RUN}`;
  await createMailbox('alice', 'secret', folder);
  const id = (n) => `<fil${n}-${RUN}@ac-demo.fr>`;
  const msg = (n, subject, extra, minutesAgo, from = 'Marc <mmartin@ac-demo.fr>') => ({
    raw: Buffer.from(
      `From: ${from}\r\nTo: alice@ac-demo.fr\r\nSubject: ${subject}\r\nMessage-ID: ${id(n)}\r\n${extra}` +
        `Date: ${new Date(Date.now() - minutesAgo * 60_000).toUTCString().replace('GMT', '+0000')}\r\n\r\nTexte ${n} ${RUN}\r\n`,
    ),
    date: new Date(Date.now() - minutesAgo * 60_000),
  });
  try {
    await appendMessages('alice', 'secret', folder, [
      msg(1, `Conseil ${RUN}`, '', 30),
      msg(3, `Re: Conseil ${RUN}`, `In-Reply-To: ${id(2)}\r\nReferences: ${id(1)} ${id(2)}\r\n`, 10),
      msg(9, `Autre sujet ${RUN}`, '', 5),
    ]);
    await appendMessages('alice', 'secret', 'Sent', [
      msg(2, `Re: Conseil ${RUN}`, `In-Reply-To: ${id(1)}\r\nReferences: ${id(1)}\r\n`, 20, 'Alice <alice@ac-demo.fr>'),
    ]);
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/mail/${encodeURIComponent(folder)}`);
    await page.getByRole('switch', { name: 'Conversations' }).click();
    await page.getByRole('switch', { name: 'Conversations', checked: true }).waitFor();
    const thread = page.locator('.thread-row', { hasText: `Conseil ${RUN}` });
    await thread.waitFor();
    assert.equal(await page.locator('.thread-row').count(), 2);
    assert.equal(await thread.locator('.thread-count').innerText(), '2');
    await thread.locator('a').click();
    await page.getByRole('heading', { name: `Re: Conseil ${RUN}` }).waitFor();
    const stack = page.locator('.conversation');
    await stack.locator('.conversation-item').nth(1).waitFor();
    assert.equal(await stack.locator('.conversation-item').count(), 2, 'the first message and the reply from Sent');
    await stack.locator('.conversation-item', { hasText: 'Alice' }).locator('summary').click();
    await stack.getByText(`Texte 2 ${RUN}`).waitFor();
    await page.getByRole('switch', { name: 'Conversations' }).click();
    await page.locator('.message-row').first().waitFor();
    await done(page);
  } finally {
    await deleteMailbox('alice', 'secret', folder);
    await setConversations(false);
  }
});

/** Puts alice's list back to single messages (a preference kept on the server). */
async function setConversations(on) {
  const page = await newPage(browser);
  await login(page);
  const prefs = await (await page.context().request.get(`${BASE}/api/preferences`)).json();
  if (prefs.conversations !== on) {
    prefs.conversations = on;
    const session = await page.context().request.post(`${BASE}/api/session`, { data: { username: 'alice', password: 'secret' } });
    const token = (await session.json()).csrf_token;
    await page.context().request.put(`${BASE}/api/preferences`, { data: prefs, headers: { 'x-csrf-token': token } });
  }
  await page.context().close();
}

test('a saved search appears under the folders and runs again in one click', async () => {
  const word = `bus${RUN}`;
  await appendMessages('alice', 'secret', 'INBOX', [mail(`Transport ${RUN}`, `Horaires du ${word}`, 0)]);
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/mail/INBOX`);
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill(word);
  await page.locator('.search-hit', { hasText: `Transport ${RUN}` }).waitFor();
  page.once('dialog', (d) => d.accept(`Bus ${RUN}`));
  await page.getByRole('button', { name: 'Enregistrer la recherche' }).click();
  const saved = page.locator('.saved-search', { hasText: `Bus ${RUN}` });
  await saved.waitFor();
  await page.getByRole('button', { name: 'Effacer la recherche' }).click();
  await page.locator('.message-row').first().waitFor();
  await saved.getByRole('button', { name: `Bus ${RUN}`, exact: true }).click();
  await page.locator('.search-hit', { hasText: `Transport ${RUN}` }).waitFor();
  // Kept with the account: another session sees it.
  const prefs = await (await page.context().request.get(`${BASE}/api/preferences`)).json();
  assert.ok(prefs.saved_searches.some((s) => s.name === `Bus ${RUN}` && s.text === word));
  await saved.getByRole('button', { name: `Retirer la recherche « Bus ${RUN} »` }).click();
  await saved.waitFor({ state: 'detached' });
  await done(page);
});

test('settings: the largest messages are listed; a folder exported as .mbox comes back by import', async () => {
  const from = `Export-${RUN}`;
  const to = `Import-${RUN}`;
  await createMailbox('alice', 'secret', from);
  await createMailbox('alice', 'secret', to);
  try {
    await appendMessages('alice', 'secret', from, [
      mail(`Compte rendu ${RUN}`, 'From the start of a line', 3),
      mail(`Ordre du jour ${RUN}`, 'Point 1', 2),
    ]);
    const page = await newPage(browser);
    await login(page);
    await page.goto(`${BASE}/settings`);
    await page.getByRole('heading', { name: "Libérer de l'espace" }).waitFor();
    await page.locator('.space-largest a, table a').first().waitFor();

    // Export: the link follows the folder chosen, and gives an mbox.
    await page.getByLabel('Dossier à exporter').selectOption({ label: from });
    const href = await page.getByRole('link', { name: 'Exporter (.mbox)' }).getAttribute('href');
    assert.equal(href, `/api/folders/${encodeURIComponent(from)}/export`);
    const mbox = await (await page.context().request.get(`${BASE}${href}`)).body();
    assert.equal(mbox.toString().match(/^From /gm).length, 2);

    // Import it into another folder.
    await page.getByLabel('Importer dans le dossier').selectOption({ label: to });
    await page.getByLabel('Fichier .eml ou .mbox').setInputFiles({ name: 'dossier.mbox', mimeType: 'application/mbox', buffer: mbox });
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByText('2 messages importés.').waitFor();
    assert.equal((await findBySubject('alice', 'secret', to, RUN)).length, 2);
    await done(page);
  } finally {
    await deleteMailbox('alice', 'secret', from);
    await deleteMailbox('alice', 'secret', to);
  }
});
