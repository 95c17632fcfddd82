// Browser test of an invitation answered from the reading pane: alice
// invites bob (through the API, as the calendar page does); bob opens the
// message in his INBOX, sees the card (what, when in his zone, who, the
// clash with his own event) and accepts; the event is in his calendar
// with his answer and alice's event shows bob ACCEPTED once she opens the
// reply. Real Radicale, Postfix and Dovecot. Run like mail.test.mjs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';
import { waitForSubject } from './imap.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function login(page, user, password) {
  const r = await page.context().request.post(`${BASE}/api/session`, {
    data: { username: user, password },
  });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

const enc = encodeURIComponent;

test('an invitation is answered from the reading pane and lands in both calendars', async () => {
  const alice = await newPage(browser, { timezoneId: 'Europe/Paris' });
  const aliceCsrf = await login(alice, 'alice', 'secret');
  const bob = await newPage(browser, { timezoneId: 'Europe/Paris' });
  const bobCsrf = await login(bob, 'bob', 'secret');
  const title = `Conseil de classe 5e C ${RUN}`;

  // Bob is busy at the same time.
  let r = await bob.context().request.post(`${BASE}/api/calendars/${enc('/bob/agenda/')}/events`, {
    headers: { 'x-csrf-token': bobCsrf },
    data: { data: { title: `Rendez-vous parents ${RUN}`, start: '2027-06-08T18:30', end: '2027-06-08T19:00' } },
  });
  assert.equal(r.status(), 200, await r.text());
  const clash = await r.json();

  r = await alice.context().request.post(`${BASE}/api/calendars/${enc('/alice/agenda/')}/events`, {
    headers: { 'x-csrf-token': aliceCsrf },
    data: {
      data: {
        title,
        location: 'Salle des conseils',
        start: '2027-06-08T18:00',
        end: '2027-06-08T19:30',
        tz: 'Europe/Paris',
        attendees: [{ email: 'bob@ac-demo.fr', name: 'Bob Garnier' }],
      },
    },
  });
  assert.equal(r.status(), 200, await r.text());
  const saved = await r.json();
  assert.deepEqual(saved.notified, ['bob@ac-demo.fr']);

  const [{ uid }] = await waitForSubject('bob', 'secret', 'INBOX', title);
  await bob.goto(`${BASE}/mail/INBOX/${uid}`);
  const card = bob.locator('.invitation-card');
  await card.getByRole('heading', { name: title }).waitFor();
  const text = await card.innerText();
  assert.match(text, /8\s+juin 2027, 18:00 – 19:30/);
  assert.match(text, /Salle des conseils/);
  assert.match(text, /alice@ac-demo\.fr/);
  assert.match(text, /en même temps dans votre agenda :/);
  assert.ok(text.includes(`Rendez-vous parents ${RUN}`), text);

  await card.getByRole('button', { name: 'Accepter' }).click();
  await card.getByText('Vous participez.').waitFor();
  assert.equal(await card.getByRole('button', { name: 'Accepter' }).getAttribute('aria-pressed'), 'true');

  // In bob's calendar with his answer.
  const range = `start=${Date.parse('2027-06-08T00:00:00+02:00')}&end=${Date.parse('2027-06-09T00:00:00+02:00')}`;
  let mine;
  for (let i = 0; i < 30 && mine?.my_status !== 'accepted'; i++) {
    if (i) await bob.waitForTimeout(200);
    r = await bob.context().request.get(`${BASE}/api/calendars/events?${range}&calendars=${enc('/bob/agenda/')}`);
    mine = (await r.json()).occurrences.find((o) => o.title === title);
  }
  assert.ok(mine, 'the event is in bob\'s calendar');
  assert.equal(mine.my_status, 'accepted');

  // Alice opens the reply: her event shows bob's answer.
  const [{ uid: replyUid }] = await waitForSubject('alice', 'secret', 'INBOX', `a accepté : ${title}`);
  await alice.goto(`${BASE}/mail/INBOX/${replyUid}`);
  await alice.locator('.invitation-card').getByText('Votre agenda est à jour.').waitFor();
  r = await alice.context().request.get(`${BASE}/api/calendars/${enc('/alice/agenda/')}/events/${enc(saved.id)}`);
  const detail = await r.json();
  assert.equal(detail.data.attendees.find((a) => a.email === 'bob@ac-demo.fr').status, 'accepted');

  // Clean up (no messages to anyone).
  for (const [page, csrf, cal, id] of [
    [alice, aliceCsrf, '/alice/agenda/', saved.id],
    [bob, bobCsrf, '/bob/agenda/', mine.id],
    [bob, bobCsrf, '/bob/agenda/', clash.id],
  ]) {
    await page.context().request.delete(`${BASE}/api/calendars/${enc(cal)}/events/${enc(id)}`, {
      headers: { 'x-csrf-token': csrf },
      data: { notify: false },
    });
  }
  await done(alice);
  await done(bob);
});
