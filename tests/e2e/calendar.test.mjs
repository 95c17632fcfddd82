// Browser tests of the calendar page (calendar bundle): the month and
// week views in French, an event created by clicking a slot, moved by
// dragging it (stored on the CalDAV server at its new time), one
// occurrence of a weekly series moved alone, an answer given from the
// calendar, and the phone layout (the week one day at a time). Real
// Radicale behind Facteur, Chromium in the Paris zone. Run like
// mail.test.mjs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { done, launchChromium, newPage } from './browser.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8391').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}`;
const enc = encodeURIComponent;
const AGENDA = '/alice/agenda/';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function login(page, user = 'alice', password = 'secret') {
  const r = await page.context().request.post(`${BASE}/api/session`, { data: { username: user, password } });
  assert.equal(r.status(), 200, await r.text());
  return (await r.json()).csrf_token;
}

async function createEvent(page, csrf, data, cal = AGENDA) {
  const r = await page.context().request.post(`${BASE}/api/calendars/${enc(cal)}/events`, {
    headers: { 'x-csrf-token': csrf },
    data: { data: { tz: 'Europe/Paris', ...data } },
  });
  assert.equal(r.status(), 200, await r.text());
  return r.json();
}

async function occurrences(page, from, to, cal = AGENDA) {
  const r = await page.context().request.get(
    `${BASE}/api/calendars/events?start=${Date.parse(from)}&end=${Date.parse(to)}&calendars=${enc(cal)}`,
  );
  assert.equal(r.status(), 200);
  return (await r.json()).occurrences;
}

async function removeEvent(page, csrf, id, cal = AGENDA) {
  await page.context().request.delete(`${BASE}/api/calendars/${enc(cal)}/events/${enc(id)}`, {
    headers: { 'x-csrf-token': csrf },
    data: { notify: false },
  });
}

/** Drags `from` (a locator) onto the middle of `to` with the mouse. Events
 * become draggable once the calendars (and their rights) are listed. */
async function drag(page, from, to) {
  await page.locator('.cal-sidebar .cal-calendar').first().waitFor();
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  assert.ok(a && b, 'both are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + Math.min(8, a.height / 2));
  await page.mouse.down();
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(
      a.x + a.width / 2 + ((b.x + b.width / 2 - a.x - a.width / 2) * i) / steps,
      a.y + Math.min(8, a.height / 2) + ((b.y + 2 - a.y - Math.min(8, a.height / 2)) * i) / steps,
    );
  }
  await page.mouse.up();
}

test('month and week views in French, today marked, an event shown where it belongs', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const csrf = await login(page);
  const title = `Conseil de classe 4e B ${RUN}`;
  const ev = await createEvent(page, csrf, { title, location: 'Salle 12', start: '2027-02-10T17:30', end: '2027-02-10T19:00' });

  await page.goto(`${BASE}/calendar?view=month&date=2027-02-10`);
  await page.locator('.cal-view-month').waitFor();
  await page.getByText('Février 2027', { exact: false }).first().waitFor();
  const heads = await page.locator('.cal-view-month').innerText();
  assert.match(heads, /lun\.[\s\S]*mar\.[\s\S]*mer\.[\s\S]*jeu\.[\s\S]*ven\.[\s\S]*sam\.[\s\S]*dim\./, 'weeks start on Monday');
  const cell = page.locator('.cal-day[data-date="2027-02-10"]');
  await cell.locator('.cal-event', { hasText: title }).waitFor();
  assert.match(await cell.locator('.cal-event', { hasText: title }).innerText(), /17:30/);

  await page.locator('.cal-view-switch button[data-view=week]').click();
  await page.locator('.cal-view-week').waitFor();
  await page.getByText('Semaine du 8 au 14 févr. 2027', { exact: false }).first().waitFor();
  const event = page.locator(`.cal-event[data-id="${ev.id}"]`);
  await event.waitFor();
  assert.equal(await event.getAttribute('data-start'), '2027-02-10T17:30');
  const name = await event.getAttribute('aria-label');
  assert.match(name || (await event.innerText()), /Conseil de classe/);

  // Today is marked.
  await page.locator('.cal-today').click();
  await page.locator('[aria-current="date"]').first().waitFor();
  await removeEvent(page, csrf, ev.id);
  await done(page);
});

test('create by clicking a slot, then drag the event to another day and time', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 1000 } });
  const csrf = await login(page);
  const title = `Réunion parents ${RUN}`;
  await page.goto(`${BASE}/calendar?view=week&date=2027-03-09`);
  await page.locator('.cal-view-week').waitFor();
  const slot = page.locator('.cal-slot[data-date="2027-03-09"][data-time="10:00"]');
  await slot.scrollIntoViewIfNeeded();
  await slot.click();
  const editor = page.locator('.cal-editor');
  await editor.waitFor();
  await editor.getByLabel('Titre').fill(title);
  await editor.getByLabel('Lieu').fill('CDI');
  await editor.locator('.cal-save').click();
  await editor.waitFor({ state: 'detached' });
  const event = page.locator('.cal-event', { hasText: title });
  await event.waitFor();
  assert.equal(await event.getAttribute('data-start'), '2027-03-09T10:00');
  let [stored] = (await occurrences(page, '2027-03-09T00:00:00+01:00', '2027-03-10T00:00:00+01:00')).filter((o) => o.title === title);
  assert.ok(stored, 'stored on the server');
  assert.equal(stored.start, Date.parse('2027-03-09T10:00:00+01:00'));
  assert.equal(stored.end - stored.start, 3600_000, 'one hour by default');

  // Drag it to Thursday 14:00.
  const target = page.locator('.cal-slot[data-date="2027-03-11"][data-time="14:00"]');
  await target.scrollIntoViewIfNeeded();
  await event.scrollIntoViewIfNeeded();
  await drag(page, event, target);
  await page.locator(`.cal-event[data-start="2027-03-11T14:00"]`, { hasText: title }).waitFor();
  for (let i = 0; i < 40; i++) {
    [stored] = (await occurrences(page, '2027-03-08T00:00:00+01:00', '2027-03-15T00:00:00+01:00')).filter((o) => o.title === title);
    if (stored?.start === Date.parse('2027-03-11T14:00:00+01:00')) break;
    await page.waitForTimeout(100);
  }
  assert.equal(stored.start, Date.parse('2027-03-11T14:00:00+01:00'), 'moved on the server');
  assert.equal(stored.end - stored.start, 3600_000, 'same length');
  await removeEvent(page, csrf, stored.id);
  await done(page);
});

test('dragging one occurrence of a weekly series moves only that one', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 1000 } });
  const csrf = await login(page);
  const title = `Équipe ${RUN}`;
  const ev = await createEvent(page, csrf, {
    title,
    start: '2027-04-06T09:00',
    end: '2027-04-06T10:00',
    recurrence: { freq: 'weekly', interval: 1, weekdays: [1] },
  });
  await page.goto(`${BASE}/calendar?view=week&date=2027-04-13`);
  const event = page.locator(`.cal-event[data-id="${ev.id}"]`);
  await event.waitFor();
  const target = page.locator('.cal-slot[data-date="2027-04-14"][data-time="11:00"]');
  await target.scrollIntoViewIfNeeded();
  await event.scrollIntoViewIfNeeded();
  await drag(page, event, target);
  const ask = page.locator('.cal-scope-dialog');
  await ask.waitFor();
  await ask.locator('button[data-scope=this]').click();
  let occ;
  for (let i = 0; i < 40; i++) {
    occ = (await occurrences(page, '2027-04-05T00:00:00+02:00', '2027-04-26T00:00:00+02:00')).filter((o) => o.uid === ev.uid);
    if (occ.some((o) => o.start === Date.parse('2027-04-14T11:00:00+02:00'))) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(
    occ.map((o) => o.start),
    [
      Date.parse('2027-04-06T09:00:00+02:00'),
      Date.parse('2027-04-14T11:00:00+02:00'),
      Date.parse('2027-04-20T09:00:00+02:00'),
    ],
  );
  await removeEvent(page, csrf, ev.id);
  await done(page);
});

test('an invited colleague answers from the calendar', async () => {
  const alice = await newPage(browser, { timezoneId: 'Europe/Paris' });
  const aliceCsrf = await login(alice);
  const bob = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const bobCsrf = await login(bob, 'bob', 'secret');
  const title = `Conseil pédagogique ${RUN}`;
  // The invitation as bob's calendar holds it once accepted elsewhere or
  // delivered by the server: put it there directly.
  const ics = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//FR', 'BEGIN:VEVENT', `UID:inv-${RUN}`, 'DTSTAMP:20270101T000000Z',
    `SUMMARY:${title}`, 'DTSTART;TZID=Europe/Paris:20270511T170000', 'DTEND;TZID=Europe/Paris:20270511T180000',
    'ORGANIZER;CN=Alice:mailto:alice@ac-demo.fr', 'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@ac-demo.fr',
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
  const r = await bob.context().request.post(`${BASE}/api/calendars/${enc('/bob/agenda/')}/import`, {
    headers: { 'x-csrf-token': bobCsrf, 'content-type': 'text/calendar' },
    data: ics,
  });
  assert.equal((await r.json()).created, 1);
  await bob.goto(`${BASE}/calendar?view=week&date=2027-05-11`);
  await bob.locator('.cal-event', { hasText: title }).click();
  const editor = bob.locator('.cal-editor');
  await editor.getByText('alice@ac-demo.fr').first().waitFor();
  await editor.getByRole('button', { name: 'Peut-être' }).click();
  await bob.getByText("Réponse envoyée à l'organisateur.").waitFor();
  const [occ] = (await occurrences(bob, '2027-05-11T00:00:00+02:00', '2027-05-12T00:00:00+02:00', '/bob/agenda/')).filter((o) => o.title === title);
  assert.equal(occ.my_status, 'tentative');
  await removeEvent(bob, bobCsrf, occ.id, '/bob/agenda/');
  await done(alice);
  await done(bob);
  void aliceCsrf;
});

test('a change made elsewhere is not overwritten: the editor says so and shows the current version', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const csrf = await login(page);
  const title = `Conseil d'administration ${RUN}`;
  const ev = await createEvent(page, csrf, { title, start: '2027-06-15T18:00', end: '2027-06-15T20:00' });
  await page.goto(`${BASE}/calendar?view=week&date=2027-06-15`);
  await page.locator(`.cal-event[data-id="${ev.id}"]`).click();
  const editor = page.locator('.cal-editor');
  await editor.getByLabel('Titre').waitFor();
  // Meanwhile, from a phone: the place changes.
  const url = `${BASE}/api/calendars/${enc(AGENDA)}/events/${enc(ev.id)}`;
  const current = await (await page.context().request.get(url)).json();
  const r = await page.context().request.put(url, {
    headers: { 'x-csrf-token': csrf },
    data: { etag: current.etag, data: { ...current.data, location: 'Salle du conseil (changée)' }, notify: false },
  });
  assert.equal(r.status(), 200, await r.text());
  await editor.getByLabel('Titre').fill(`${title} (modifié)`);
  await editor.locator('.cal-save').click();
  await editor.getByText('a été modifié ailleurs', { exact: false }).waitFor();
  // The current version is shown; nothing was overwritten.
  let place = '';
  for (let i = 0; i < 50 && place !== 'Salle du conseil (changée)'; i++) {
    await page.waitForTimeout(100);
    place = await editor.getByLabel('Lieu').inputValue();
  }
  assert.equal(place, 'Salle du conseil (changée)');
  const after = await (await page.context().request.get(url)).json();
  assert.equal(after.data.title, title);
  assert.equal(after.data.location, 'Salle du conseil (changée)');
  await removeEvent(page, csrf, ev.id);
  await done(page);
});

test('closing the editor with something typed asks first; nothing is lost by a stray Escape', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  await login(page);
  await page.goto(`${BASE}/calendar?view=week&date=2027-07-06`);
  await page.locator('.cal-new').click();
  const editor = page.locator('.cal-editor');
  await editor.getByLabel('Titre').fill(`Sortie scolaire ${RUN}`);
  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog');
  await ask.getByText('Abandonner les modifications ?').waitFor();
  await ask.getByRole('button', { name: 'Annuler' }).click();
  assert.equal(await editor.getByLabel('Titre').inputValue(), `Sortie scolaire ${RUN}`);
  await editor.locator('.cal-cancel').click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Abandonner' }).click();
  await editor.waitFor({ state: 'detached' });
  // Unchanged: closes at once.
  await page.locator('.cal-new').click();
  await editor.waitFor();
  await page.keyboard.press('Escape');
  await editor.waitFor({ state: 'detached' });
  await done(page);
});

test('a reminder appears in the page and as a desktop notification', async () => {
  const page = await newPage(browser, { timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  // Notifications allowed; the page's Notification records what it shows.
  await page.addInitScript(() => {
    window.__shown = [];
    window.Notification = class {
      static permission = 'granted';
      static requestPermission() {
        return Promise.resolve('granted');
      }
      constructor(title, options) {
        window.__shown.push([title, options?.body || '']);
      }
      close() {}
    };
  });
  const csrf = await login(page);
  const title = `Rendez-vous CPE ${RUN}`;
  // Starts in ten minutes (UTC wall clock), reminder ten minutes before: now.
  const start = new Date(Date.now() + 10 * 60_000);
  const end = new Date(start.getTime() + 30 * 60_000);
  const ev = await createEvent(page, csrf, {
    title,
    location: 'Vie scolaire',
    tz: 'UTC',
    start: start.toISOString().slice(0, 16),
    end: end.toISOString().slice(0, 16),
    alarm_minutes: 10,
  });
  await page.goto(`${BASE}/calendar?view=day`);
  const toast = page.locator('.cal-toast', { hasText: title });
  await toast.waitFor({ timeout: 20_000 });
  assert.match(await toast.innerText(), /Rappel/);
  const shown = await page.evaluate(() => window.__shown);
  assert.ok(shown.some(([t]) => t.includes(title)), JSON.stringify(shown));
  // Not twice.
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.cal-toast', { hasText: title }).count(), 1);
  await removeEvent(page, csrf, ev.id);
  await done(page);
});

test('on a phone the week shows one day at a time, without overflow', async () => {
  const page = await newPage(browser, {
    timezoneId: 'Europe/Paris',
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  await login(page);
  await page.goto(`${BASE}/calendar?view=week&date=2027-02-10`);
  await page.locator('.cal-view-week').waitFor();
  const columns = await page.locator('.cal-view-week .cal-day').count();
  assert.equal(columns, 1, 'one day');
  await page.locator('.cal-day[data-date="2027-02-10"]').waitFor();
  await page.locator('.cal-next').click();
  await page.locator('.cal-day[data-date="2027-02-11"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal overflow (${overflow}px)`);
  await done(page);
});
