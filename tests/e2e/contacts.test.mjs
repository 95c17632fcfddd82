// Browser tests of the address book and the settings (compose bundle):
// create, find, edit and delete a contact, import a .vcf, add a sender
// from a message; an identity's signature and the undo delay set in the
// settings, then used when writing. Run like mail.test.mjs (see there);
// cards are stored in the real Radicale, preferences in Dovecot.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { appendMessages } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function login(page, user = 'alice', password = 'secret') {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: user, password },
  });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

/** alice's cards whose name holds `text`, through the API. */
async function cards(page, text) {
  const r = await page.context().request.get(`${BASE}/api/contacts?q=${encodeURIComponent(text)}`);
  assert.equal(r.status(), 200);
  return (await r.json()).contacts;
}

test('the address book: create, find without accents, edit, delete after a confirmation', async () => {
  const page = await newPage(browser);
  await login(page);
  await page.goto(`${BASE}/contacts`);
  await page.getByRole('button', { name: 'Nouveau contact' }).click();
  await page.getByLabel('Nom complet').fill(`Hélène Lefèvre ${RUN}`);
  await page.getByLabel('Adresse e-mail').first().fill('pas-une-adresse');
  await page.getByLabel('Établissement ou organisme').fill('Collège Jean Moulin');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('« pas-une-adresse » n\'est pas une adresse e-mail valide.').first().waitFor();
  await page.getByLabel('Adresse e-mail').first().fill(`helene.${RUN}@ac-demo.fr`);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré.').waitFor();
  assert.equal((await cards(page, RUN)).length, 1);

  // Found without its accents, from a fresh page.
  await page.reload();
  await page.getByLabel('Rechercher un contact').fill(`helene lefevre ${RUN}`);
  await page.locator('.contacts-row', { hasText: `Hélène Lefèvre ${RUN}` }).click();
  await page.getByLabel('Fonction').fill('Principale adjointe');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré.').waitFor();
  const [card] = await cards(page, RUN);
  assert.equal(card.title, 'Principale adjointe');
  assert.equal(card.organization, 'Collège Jean Moulin');

  await page.getByRole('button', { name: 'Supprimer', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Supprimer', exact: true }).click();
  await page.getByText('Contact supprimé.').waitFor();
  assert.equal((await cards(page, RUN)).length, 0);
  await done(page);
});

test('import a .vcf file, and add a sender from a message', async () => {
  const page = await newPage(browser);
  const csrf = await login(page);
  const vcf =
    `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Paul Import ${RUN}\r\nEMAIL;TYPE=work:paul.${RUN}@ac-demo.fr\r\nEND:VCARD\r\n` +
    `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoé Import ${RUN}\r\nEMAIL:zoe.${RUN}@ac-demo.fr\r\nEND:VCARD\r\n`;
  await page.goto(`${BASE}/contacts`);
  await page.locator('input[type="file"]').setInputFiles({
    name: 'contacts.vcf',
    mimeType: 'text/vcard',
    buffer: Buffer.from(vcf),
  });
  await page.getByText('2 contacts importés.').waitFor();
  assert.equal((await cards(page, `Import ${RUN}`)).length, 2);

  // "Ajouter aux contacts" on a message from someone new.
  const subject = `Nouvelle collègue ${RUN}`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const [uid] = await appendMessages('alice', 'secret', 'INBOX', [
    Buffer.from(
      `From: Inès Roux <ines.${RUN}@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: ${subject}\r\nDate: ${date}\r\n\r\nBonjour !\r\n`,
    ),
  ]);
  await page.goto(`${BASE}/mail/INBOX/${uid}`);
  await page.getByRole('link', { name: 'Ajouter aux contacts' }).click();
  await page.waitForURL(/\/contacts/);
  assert.equal(await page.getByLabel('Nom complet').inputValue(), 'Inès Roux');
  assert.equal(await page.getByLabel('Adresse e-mail').first().inputValue(), `ines.${RUN}@ac-demo.fr`);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré.').waitFor();

  // Clean up through the API.
  for (const c of await cards(page, RUN)) {
    const r = await page.context().request.delete(
      `${BASE}/api/contacts/${encodeURIComponent(c.id)}?etag=${encodeURIComponent(c.etag)}`,
      { headers: { 'x-csrf-token': csrf } },
    );
    assert.ok(r.ok());
  }
  await done(page);
});

test('settings: a signature and no undo delay, used when writing', async () => {
  const page = await newPage(browser);
  await login(page, 'bob', 'secret');
  await page.goto(`${BASE}/settings`);
  const signature = `Bob Garnier\nCPE ${RUN}`;
  await page.getByLabel('Signature').first().fill(signature);
  await page.getByLabel(/Délai d'annulation de l'envoi/).selectOption('0');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré.').waitFor();
  const prefs = await (await page.context().request.get(`${BASE}/api/preferences`)).json();
  assert.equal(prefs.identities[0].signature, signature);
  assert.equal(prefs.undo_send_secs, 0);

  await page.goto(`${BASE}/compose`);
  const editor = page.getByRole('textbox', { name: 'Texte du message' });
  await editor.locator('.signature').getByText(`CPE ${RUN}`).waitFor();
  await page.getByRole('button', { name: 'Fermer', exact: true }).click();
  await page.waitForURL(/\/mail\//);
  await done(page);
});
