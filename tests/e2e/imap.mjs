// A tiny IMAP client for the browser tests: STARTTLS, LOGIN, APPEND (with
// the UID the server gives back, RFC 4315 APPENDUID), LOGOUT. Node's
// standard library only. Reaches the test servers of tests/servers.sh
// through FACTEUR_IMAP_URL and FACTEUR_CA_FILE (from $FACTEUR_RUN_DIR/env
// when they are not in the environment).

import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** The test servers' settings: the environment first, then the env file. */
export function serverEnv() {
  const env = { ...process.env };
  const file = `${env.FACTEUR_RUN_DIR || '/tmp/facteur-run'}/env`;
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = line.match(/^export ([A-Z_]+)=(.*)$/);
      if (m && env[m[1]] === undefined) env[m[1]] = m[2];
    }
  } catch {
    // No env file: the defaults below.
  }
  const url = new URL(env.FACTEUR_IMAP_URL || 'imap://127.0.0.1:10143');
  return {
    host: url.hostname,
    port: Number(url.port || 143),
    ca: env.FACTEUR_CA_FILE || '/tmp/facteur-run/ca.pem',
  };
}

/** One IMAP connection, line by line. */
class Connection {
  constructor(socket) {
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.attach(socket);
    this.n = 0;
  }

  attach(socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', (e) => this.fail(e));
  }

  fail(e) {
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  wake() {
    while (this.waiters.length) {
      const i = this.buffer.indexOf('\r\n');
      if (i < 0) return;
      const line = this.buffer.subarray(0, i).toString('utf8');
      this.buffer = this.buffer.subarray(i + 2);
      this.waiters.shift().resolve(line);
    }
  }

  line() {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.wake();
    });
  }

  /** Sends a tagged command; resolves with its tagged completion line
   * (the untagged lines before it are in `this.untagged`). */
  async command(text, literal) {
    this.untagged = [];
    const tag = `t${++this.n}`;
    if (literal) {
      this.socket.write(`${tag} ${text} {${literal.length}}\r\n`);
      const cont = await this.line();
      if (!cont.startsWith('+')) throw new Error(`IMAP refused the literal: ${cont}`);
      this.socket.write(Buffer.concat([literal, Buffer.from('\r\n')]));
    } else {
      this.socket.write(`${tag} ${text}\r\n`);
    }
    for (;;) {
      const line = await this.line();
      if (line.startsWith(`${tag} `)) {
        if (!line.startsWith(`${tag} OK`)) throw new Error(`IMAP: ${text.split(' ')[0]}: ${line}`);
        return line;
      }
      this.untagged.push(line);
    }
  }
}

function quote(s) {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Runs `work(conn)` on a logged-in connection. */
async function session(user, password, work) {
  const { host, port, ca } = serverEnv();
  const plain = net.connect({ host, port });
  await new Promise((resolve, reject) => {
    plain.once('connect', resolve);
    plain.once('error', reject);
  });
  const conn = new Connection(plain);
  await conn.line(); // greeting
  await conn.command('STARTTLS');
  plain.removeAllListeners('data');
  const secure = tls.connect({ socket: plain, ca: readFileSync(ca), servername: 'localhost' });
  await new Promise((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  conn.buffer = Buffer.alloc(0);
  conn.attach(secure);
  try {
    await conn.command(`LOGIN ${quote(user)} ${quote(password)}`);
    const result = await work(conn);
    await conn.command('LOGOUT').catch(() => {});
    return result;
  } finally {
    secure.end();
  }
}

/** Creates a mailbox (ASCII name). */
export function createMailbox(user, password, mailbox) {
  return session(user, password, (conn) => conn.command(`CREATE ${quote(mailbox)}`));
}

/** Deletes a mailbox (ASCII name), if it exists. */
export function deleteMailbox(user, password, mailbox) {
  return session(user, password, (conn) => conn.command(`DELETE ${quote(mailbox)}`).catch(() => {}));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An IMAP date-time (RFC 3501 §9), in UTC. */
function imapDate(d) {
  const p = (n) => String(n).padStart(2, '0');
  return (
    `"${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`
  );
}

/**
 * Appends messages to `mailbox` of `user`: raw Buffers, or `{ raw, date }`
 * to set their arrival time (the list's order); resolves with their UIDs,
 * in order.
 */
export function appendMessages(user, password, mailbox, messages, flags = '') {
  return session(user, password, async (conn) => {
    const uids = [];
    for (const m of messages) {
      const { raw, date } = Buffer.isBuffer(m) ? { raw: m } : m;
      const when = date ? ` ${imapDate(date)}` : '';
      const done = await conn.command(`APPEND ${quote(mailbox)} (${flags})${when}`, raw);
      const appended = done.match(/APPENDUID \d+ (\d+)/);
      if (!appended) throw new Error(`no APPENDUID in: ${done}`);
      uids.push(Number(appended[1]));
    }
    return uids;
  });
}

/**
 * The messages of `mailbox` whose subject contains `subject` (ASCII): their
 * UIDs and flags, e.g. `[{ uid: 4, flags: ['\\Seen'] }]`.
 */
export function findBySubject(user, password, mailbox, subject) {
  return session(user, password, async (conn) => {
    await conn.command(`EXAMINE ${quote(mailbox)}`);
    await conn.command(`UID SEARCH SUBJECT ${quote(subject)}`);
    const found = conn.untagged.find((l) => l.startsWith('* SEARCH'));
    const uids = (found || '').replace('* SEARCH', '').trim().split(/\s+/).filter(Boolean);
    if (!uids.length) return [];
    await conn.command(`UID FETCH ${uids.join(',')} (UID FLAGS)`);
    return conn.untagged
      .map((l) => l.match(/UID (\d+) FLAGS \(([^)]*)\)|FLAGS \(([^)]*)\) UID (\d+)/))
      .filter(Boolean)
      .map((m) => ({
        uid: Number(m[1] || m[4]),
        flags: (m[2] ?? m[3]).split(' ').filter(Boolean),
      }));
  });
}

/** Waits until `mailbox` holds `count` messages with `subject` (deliveries
 * take a moment); resolves with them. */
export async function waitForSubject(user, password, mailbox, subject, count = 1, timeoutMs = 20_000, everyMs = 300) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await findBySubject(user, password, mailbox, subject);
    if (found.length >= count || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Erases messages of `mailbox` by UID (as another device would). */
export function eraseMessages(user, password, mailbox, uids) {
  return session(user, password, async (conn) => {
    await conn.command(`SELECT ${quote(mailbox)}`);
    await conn.command(`UID STORE ${uids.join(',')} +FLAGS.SILENT (\\Deleted)`);
    await conn.command(`UID EXPUNGE ${uids.join(',')}`);
  });
}

/** Adds flags to messages of `mailbox` (as another device would). */
export function addFlags(user, password, mailbox, uids, flags) {
  return session(user, password, async (conn) => {
    await conn.command(`SELECT ${quote(mailbox)}`);
    await conn.command(`UID STORE ${uids.join(',')} +FLAGS.SILENT (${flags})`);
  });
}
