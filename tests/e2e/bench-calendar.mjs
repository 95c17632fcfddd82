// Calendar figures for tests/bench.sh (not a test): prints
//
//   BENCH_CAL_EVENTS=<n>           occurrences in the month measured (500:
//                                  300 single events and 50 weekly series)
//   BENCH_CAL_API_MS=<ms>          GET /api/calendars/events for that month,
//                                  median of 10 (CalDAV REPORT, parsing,
//                                  recurrence expansion)
//   BENCH_CAL_MONTH_COLD_MS=<ms>   a new browser context logged in, from
//                                  navigating to /calendar on that month
//                                  until every occurrence is drawn (the
//                                  calendar bundle loaded cold)
//   BENCH_CAL_MONTH_WARM_MS=<ms>   the same month again after going to the
//                                  next one and back (median of 5)
//   BENCH_CAL_GZIP=<bytes>         the calendar page's files, gzip -9
//   BENCH_MAIN_GZIP=<bytes>        the main shell's files (index.html), gzip -9
//
// The events go into a calendar "Banc d'essai" of the bench account,
// made once (an .ics import) and reused.
//
// Run: FACTEUR_URL=http://127.0.0.1:8390 FACTEUR_DIST_DIR=dist node tests/e2e/bench-calendar.mjs

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { launchChromium } from './browser.mjs';

const BASE = (process.env.FACTEUR_URL || 'http://127.0.0.1:8390').replace(/\/$/, '');
const DIST = process.env.FACTEUR_DIST_DIR || 'dist';
const USER = process.env.BENCH_USER || 'bench';
const PASSWORD = process.env.BENCH_PASSWORD || 'secret';
// March 2027, Paris time (weeks Monday to Sunday: 1 March is a Monday).
const MONTH_START = Date.parse('2027-03-01T00:00:00+01:00');
const MONTH_END = Date.parse('2027-04-01T00:00:00+02:00');
const enc = encodeURIComponent;

function pageBytes(page) {
  const html = readFileSync(join(DIST, page), 'utf8');
  let total = gzipSync(Buffer.from(html), { level: 9 }).length;
  for (const f of readdirSync(DIST)) {
    if (f !== page && /\.(js|wasm|css)$/.test(f) && html.includes(f)) {
      total += gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
    }
  }
  return total;
}

function ics() {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Facteur//bench//FR'];
  const pad = (n) => String(n).padStart(2, '0');
  const titles = ['Cours 4e B', 'Conseil de classe', 'Réunion parents', 'Permanence', 'Surveillance', 'Sortie CDI'];
  // 300 single events over March 2027, 08:00–18:00.
  for (let i = 0; i < 300; i++) {
    const day = 1 + (i % 31);
    const hour = 8 + (i % 10);
    const d = `202703${pad(day)}`;
    lines.push(
      'BEGIN:VEVENT',
      `UID:bench-single-${i}`,
      'DTSTAMP:20270101T000000Z',
      `SUMMARY:${titles[i % titles.length]} ${i}`,
      `DTSTART;TZID=Europe/Paris:${d}T${pad(hour)}0000`,
      `DTEND;TZID=Europe/Paris:${d}T${pad(hour)}4500`,
      'END:VEVENT',
    );
  }
  // 50 weekly series started in September 2026, on the weekdays: four
  // occurrences each in March 2027 (the fifth Monday, Tuesday and
  // Wednesday are exceptions).
  for (let i = 0; i < 50; i++) {
    const day = ['MO', 'TU', 'WE', 'TH', 'FR'][i % 5];
    // 7 September 2026 is a Monday.
    const start = 7 + (i % 5);
    const hour = 8 + (i % 10);
    lines.push(
      'BEGIN:VEVENT',
      `UID:bench-weekly-${i}`,
      'DTSTAMP:20270101T000000Z',
      `SUMMARY:Cours hebdomadaire ${i}`,
      `DTSTART;TZID=Europe/Paris:202609${pad(start)}T${pad(hour)}1500`,
      `DTEND;TZID=Europe/Paris:202609${pad(start)}T${pad(hour + 1)}0000`,
      `RRULE:FREQ=WEEKLY;BYDAY=${day}`,
      // No class on the 5th week: 4 occurrences in March.
      ...(i % 5 <= 2 ? [`EXDATE;TZID=Europe/Paris:202703${29 + (i % 5)}T${pad(hour)}1500`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris', locale: 'fr-FR' });
  const login = await context.request.post(`${BASE}/api/session`, { data: { username: USER, password: PASSWORD } });
  if (login.status() !== 200) throw new Error(`login: ${login.status()} ${await login.text()}`);
  const csrf = (await login.json()).csrf_token;
  const headers = { 'x-csrf-token': csrf };

  // The bench calendar: made once, the only one shown.
  let list = await (await context.request.get(`${BASE}/api/calendars`)).json();
  let cal = list.calendars.find((c) => c.name === "Banc d'essai");
  if (!cal) {
    cal = await (await context.request.post(`${BASE}/api/calendars`, { headers, data: { name: "Banc d'essai" } })).json();
    const r = await context.request.post(`${BASE}/api/calendars/${enc(cal.id)}/import`, {
      headers: { ...headers, 'content-type': 'text/calendar' },
      data: ics(),
    });
    const imported = await r.json();
    if (imported.created !== 350) throw new Error(`import: ${JSON.stringify(imported)}`);
  }
  for (const c of list.calendars.filter((c) => c.id !== cal.id && !c.hidden)) {
    await context.request.patch(`${BASE}/api/calendars/${enc(c.id)}`, { headers, data: { hidden: true } });
  }

  const url = `${BASE}/api/calendars/events?start=${MONTH_START}&end=${MONTH_END}`;
  const times = [];
  let count = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const r = await context.request.get(url);
    const body = await r.json();
    times.push(performance.now() - t);
    count = body.occurrences.length;
  }
  console.log(`BENCH_CAL_EVENTS=${count}`);
  console.log(`BENCH_CAL_API_MS=${median(times).toFixed(1)}`);

  const page = await context.newPage();
  const drawn = () => page.locator('.cal-event').count();
  const t0 = Date.now();
  await page.goto(`${BASE}/calendar?view=month&date=2027-03-15`);
  await page.locator('.cal-view-month').waitFor({ timeout: 60_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.cal-event').length + document.querySelectorAll('.cal-more').length > 0 && (document.querySelectorAll('.cal-event').length >= n || document.querySelector('.cal-more')), Math.min(count, 100), { timeout: 60_000 });
  console.log(`BENCH_CAL_MONTH_COLD_MS=${Date.now() - t0}`);
  console.log(`BENCH_CAL_DRAWN=${await drawn()}`);
  const warm = [];
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: /suivant/i }).first().click();
    await page.waitForTimeout(300);
    const t = Date.now();
    await page.getByRole('button', { name: /précédent/i }).first().click();
    await page.locator('.cal-day[data-date="2027-03-15"] .cal-event').first().waitFor();
    warm.push(Date.now() - t);
  }
  console.log(`BENCH_CAL_MONTH_WARM_MS=${median(warm)}`);
  for (const c of list.calendars.filter((c) => c.id !== cal.id && !c.hidden)) {
    await context.request.patch(`${BASE}/api/calendars/${enc(c.id)}`, { headers, data: { hidden: false } });
  }
} finally {
  await browser.close();
}
console.log(`BENCH_CAL_GZIP=${pageBytes('calendar.html')}`);
console.log(`BENCH_MAIN_GZIP=${pageBytes('index.html')}`);
