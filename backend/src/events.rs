//! Live updates: `GET /api/events`, a Server-Sent Events stream fed by an
//! IMAP connection of its own that waits in IDLE on INBOX.
//!
//! Per stream, one IMAP connection besides the session's command
//! connection (which stays free for requests). A session keeps at most
//! [`MAX_STREAMS_PER_SESSION`] streams (two tabs): a third replaces the
//! oldest, which ends with a last `error` event whose reason is
//! `replaced`. So a user with many tabs costs the mail server at most three
//! connections, and the browser (six connections per origin over
//! HTTP/1.1) keeps room for requests.
//!
//! Timers: IDLE is renewed every [`IDLE_RENEW`] (RFC 2177 asks for less
//! than 29 minutes); every [`POLL_EVERY`] the stream leaves IDLE to check
//! the session still exists and to `STATUS` the other subscribed folders
//! (listed once, at the start); the HTTP stream carries a keep-alive
//! comment every [`KEEP_ALIVE`] so that proxies do not cut it.
//!
//! The stream ends when the client goes away (the IMAP connection is then
//! logged out by the watching task), when the session ends, or on an IMAP
//! error: the last two with a final `error` event ([`StreamEnd`]); the
//! browser's `EventSource` reconnects by itself, and the first event of
//! every stream is the INBOX counts, so the client knows to reload.

use std::{
    collections::{BTreeMap, HashMap},
    convert::Infallible,
    pin::Pin,
    sync::{
        LazyLock, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use shared::{
    ApiError,
    events::{STREAM_END_EVENT, ServerEvent, StreamEnd, StreamEndReason},
    mail::Flags,
};
use tokio::sync::{mpsc, watch};

use crate::{
    AppState,
    auth::Authed,
    imap::{ImapConn, ImapError, MailboxUpdate, SummaryData, connect, login, pool::Credentials},
};

/// Streams one session may keep open; a new one replaces the oldest.
pub const MAX_STREAMS_PER_SESSION: usize = 2;
/// Keep-alive comment interval on the HTTP stream.
pub const KEEP_ALIVE: Duration = Duration::from_secs(25);
/// Longest IDLE before it is renewed (RFC 2177: under 29 minutes).
pub const IDLE_RENEW: Duration = Duration::from_secs(24 * 60);
/// How often the session is checked and the other folders polled.
pub const POLL_EVERY: Duration = Duration::from_secs(60);
/// The folder watched with IDLE.
const INBOX: &str = "INBOX";
/// Most new messages sent as rows at once; more and the client reloads
/// (it gets the counts).
const MAX_NEW_ROWS: usize = 200;

/// Live updates of the user's mailbox.
#[utoipa::path(get, path = "/api/events",
    responses(
        (status = 200, content_type = "text/event-stream", body = ServerEvent,
            description = "Flux Server-Sent Events: `event:` = le type, `data:` = le JSON. \
Premier événement: `folder` pour INBOX. Dernier, si le serveur arrête le flux: `error` (StreamEnd). \
Au plus deux flux par session; un troisième remplace le plus ancien."),
        (status = 401, body = ApiError)))]
pub async fn stream(State(state): State<AppState>, auth: Authed) -> Response {
    let (tx, rx) = mpsc::channel::<Event>(64);
    let (number, replaced) = register(&auth.id);
    let watcher = Watcher {
        state,
        id: auth.id,
        creds: auth.creds,
        tx,
        replaced,
    };
    tokio::spawn(async move {
        let id = watcher.id.clone();
        watcher.run().await;
        unregister(&id, number);
    });
    let mut resp = Sse::new(EventStream { rx })
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Reverse proxies (nginx) must pass events on as they come.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}

/// The body: events from the watching task until it ends.
struct EventStream {
    rx: mpsc::Receiver<Event>,
}

impl futures_util::Stream for EventStream {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx).map(|e| e.map(Ok))
    }
}

// ── Streams per session ──

/// Open streams by session id: their number and the switch that ends them.
type Registry = HashMap<String, Vec<(u64, watch::Sender<bool>)>>;

static STREAMS: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Records a new stream of the session, ending the oldest beyond the limit.
fn register(id: &str) -> (u64, watch::Receiver<bool>) {
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    let (switch, replaced) = watch::channel(false);
    if let Ok(mut map) = STREAMS.lock() {
        let list = map.entry(id.to_string()).or_default();
        list.push((number, switch));
        while list.len() > MAX_STREAMS_PER_SESSION {
            let (_, oldest) = list.remove(0);
            let _ = oldest.send(true);
        }
    }
    (number, replaced)
}

fn unregister(id: &str, number: u64) {
    if let Ok(mut map) = STREAMS.lock()
        && let Some(list) = map.get_mut(id)
    {
        list.retain(|(n, _)| *n != number);
        if list.is_empty() {
            map.remove(id);
        }
    }
}

/// How many streams a session has open (for tests and diagnostics).
pub fn open_streams(id: &str) -> usize {
    STREAMS
        .lock()
        .ok()
        .and_then(|m| m.get(id).map(Vec::len))
        .unwrap_or(0)
}

// ── The watching task ──

/// Why watching stopped.
enum Stop {
    /// The client went away: nobody to tell.
    ClientGone,
    /// Tell the client why.
    End(StreamEndReason),
}

struct Watcher {
    state: AppState,
    id: String,
    creds: Credentials,
    tx: mpsc::Sender<Event>,
    replaced: watch::Receiver<bool>,
}

/// What the stream knows of INBOX.
struct Inbox {
    /// Every UID, ascending: message n is `uids[n - 1]`.
    uids: Vec<u32>,
    /// Messages as the server counts them (EXISTS, less EXPUNGEs).
    exists: u32,
    /// Highest UID already reported (or known at the start).
    last_uid: u32,
    /// Counts last sent.
    sent: (u32, u32),
}

impl Watcher {
    async fn run(mut self) {
        let mut conn = match open(&self.creds).await {
            Ok(c) => c,
            Err(e) => {
                let stop = self.failed(e);
                self.finish(stop).await;
                return;
            }
        };
        let stop = match self.watch(&mut conn).await {
            Ok(stop) => stop,
            Err(e) => self.failed(e),
        };
        // Log out in the background: the stream is over for the client.
        tokio::spawn(conn.logout());
        self.finish(stop).await;
    }

    /// What an IMAP error means for the stream.
    fn failed(&self, e: ImapError) -> Stop {
        match e {
            ImapError::AuthenticationFailed
            | ImapError::AccountDisabled
            | ImapError::PasswordExpired => {
                // The password changed elsewhere: the session is over, as
                // for a request (see `Authed::imap`).
                tracing::info!(error = %e, "events: credentials refused, ending the session");
                self.state.sessions.store.remove(&self.id);
                if let Some(h) = self.state.sessions.take_handle(&self.id) {
                    tokio::spawn(async move { h.close().await });
                }
                Stop::End(StreamEndReason::SessionEnded)
            }
            e => {
                tracing::info!(error = %e, "events: IMAP error, ending the stream");
                Stop::End(StreamEndReason::ServerError)
            }
        }
    }

    async fn finish(&self, stop: Stop) {
        if let Stop::End(reason) = stop {
            let mut event = Event::default().event(STREAM_END_EVENT);
            event = match serde_json::to_string(&StreamEnd { reason }) {
                Ok(json) => event.data(json),
                Err(_) => event.data("{}"),
            };
            // After a replacement, reconnecting at once would only replace
            // another tab: ask the browser to wait (it still may close).
            if reason == StreamEndReason::Replaced {
                event = event.retry(Duration::from_secs(60));
            }
            let _ = self.tx.send(event).await;
        }
    }

    /// Sends an event; false when the client is gone.
    async fn send(&self, e: &ServerEvent) -> bool {
        match serde_json::to_string(e) {
            Ok(json) => self
                .tx
                .send(Event::default().event(e.name()).data(json))
                .await
                .is_ok(),
            Err(_) => true,
        }
    }

    /// Whether to stop now (client gone, replaced, session over).
    fn should_stop(&self) -> Option<Stop> {
        if self.tx.is_closed() {
            Some(Stop::ClientGone)
        } else if *self.replaced.borrow() {
            Some(Stop::End(StreamEndReason::Replaced))
        } else if self.state.sessions.store.get(&self.id).is_none() {
            Some(Stop::End(StreamEndReason::SessionEnded))
        } else {
            None
        }
    }

    async fn watch(&mut self, conn: &mut ImapConn) -> Result<Stop, ImapError> {
        // The other subscribed folders and their counts, from one LIST.
        let (folders, _, _) = conn.folders().await?;
        let mut others: BTreeMap<String, (u32, u32)> = folders
            .into_iter()
            .filter(|f| f.subscribed && f.selectable && !f.path.eq_ignore_ascii_case(INBOX))
            .map(|f| (f.path, (f.total, f.unread)))
            .collect();
        let mut updates = Vec::new();
        let found = conn.watch_folder(INBOX, &mut updates).await?;
        let mut inbox = Inbox {
            exists: found.uids.len() as u32,
            last_uid: found
                .uids
                .last()
                .copied()
                .unwrap_or(0)
                .max(found.uid_next.saturating_sub(1)),
            uids: found.uids,
            sent: (0, found.unread),
        };
        inbox.sent.0 = inbox.exists;
        let first = ServerEvent::Folder {
            folder: INBOX.into(),
            total: inbox.exists,
            unread: found.unread,
        };
        if !self.send(&first).await {
            return Ok(Stop::ClientGone);
        }
        let mut next_poll = tokio::time::Instant::now() + POLL_EVERY;
        loop {
            if !updates.is_empty() {
                self.apply(conn, &mut inbox, &mut updates).await?;
                // What happened while we were out of IDLE: IDLE itself
                // only reports what happens after it began.
                conn.watch_sync(&mut updates).await?;
                continue;
            }
            if let Some(stop) = self.should_stop() {
                return Ok(stop);
            }
            let now = tokio::time::Instant::now();
            if now >= next_poll {
                next_poll = now + POLL_EVERY;
                for (path, counts) in others.iter_mut() {
                    let now_counts = match conn.watch_status(path, &mut updates).await {
                        Ok(c) => c,
                        // Deleted or renamed since: the folder list will
                        // be reloaded by the client some day; skip it.
                        Err(ImapError::NoSuchFolder(_) | ImapError::Refused(_)) => continue,
                        Err(e) => return Err(e),
                    };
                    if now_counts != *counts {
                        *counts = now_counts;
                        let e = ServerEvent::Folder {
                            folder: path.clone(),
                            total: now_counts.0,
                            unread: now_counts.1,
                        };
                        if !self.send(&e).await {
                            return Ok(Stop::ClientGone);
                        }
                    }
                }
                continue;
            }
            let max = next_poll.saturating_duration_since(now).min(IDLE_RENEW);
            let tx = self.tx.clone();
            let mut replaced = self.replaced.clone();
            let stop = async move {
                tokio::select! {
                    _ = tx.closed() => {}
                    _ = replaced.wait_for(|r| *r) => {}
                }
            };
            conn.idle(max, stop, &mut updates).await?;
        }
    }

    /// Turns what the server announced into events, fetching the rows of
    /// new messages and the unread count.
    async fn apply(
        &self,
        conn: &mut ImapConn,
        inbox: &mut Inbox,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<(), ImapError> {
        let mut expunged: Vec<u32> = Vec::new();
        let mut flags: BTreeMap<u32, Flags> = BTreeMap::new();
        let mut new_rows: Vec<SummaryData> = Vec::new();
        let mut out_of_step = false;
        // A few rounds: each command may bring more news.
        for _ in 0..5 {
            if updates.is_empty() {
                break;
            }
            for u in std::mem::take(updates) {
                match u {
                    MailboxUpdate::Exists(n) => inbox.exists = n,
                    MailboxUpdate::Expunge(seq) => {
                        let before = inbox.exists;
                        inbox.exists = before.saturating_sub(1);
                        let i = seq as usize;
                        if i >= 1 && i <= inbox.uids.len() {
                            let uid = inbox.uids.remove(i - 1);
                            expunged.push(uid);
                            flags.remove(&uid);
                        } else if seq == 0 || seq > before {
                            out_of_step = true;
                        }
                        // Otherwise a new message not fetched yet left again.
                    }
                    MailboxUpdate::Vanished(uids) => {
                        for uid in uids {
                            if let Ok(i) = inbox.uids.binary_search(&uid) {
                                inbox.uids.remove(i);
                                inbox.exists = inbox.exists.saturating_sub(1);
                                expunged.push(uid);
                                flags.remove(&uid);
                            }
                        }
                    }
                    MailboxUpdate::Flags { seq, uid, flags: f } => {
                        let uid = uid.or_else(|| {
                            (seq as usize)
                                .checked_sub(1)
                                .and_then(|i| inbox.uids.get(i).copied())
                        });
                        if let Some(uid) = uid {
                            if let Some(row) = new_rows.iter_mut().find(|r| r.uid == uid) {
                                row.flags = f;
                            } else {
                                flags.insert(uid, f);
                            }
                        }
                        // Else a new message: its row will have its flags.
                    }
                }
            }
            if inbox.exists as usize > inbox.uids.len() {
                let rows = conn.watch_new(inbox.last_uid, updates).await?;
                for row in rows {
                    if inbox.uids.last().is_none_or(|l| row.uid > *l) {
                        inbox.uids.push(row.uid);
                    }
                    inbox.last_uid = inbox.last_uid.max(row.uid);
                    new_rows.push(row);
                }
            }
        }
        if out_of_step || !updates.is_empty() || inbox.exists as usize != inbox.uids.len() {
            // Lost count: read the whole list again and report the difference.
            let now = conn.watch_uids(updates).await?;
            updates.clear();
            for uid in &inbox.uids {
                if now.binary_search(uid).is_err() {
                    expunged.push(*uid);
                }
            }
            inbox.exists = now.len() as u32;
            // Messages found so (not fetched) show in the counts only.
            inbox.last_uid = inbox.last_uid.max(now.last().copied().unwrap_or(0));
            inbox.uids = now;
        }
        new_rows.retain(|r| inbox.uids.binary_search(&r.uid).is_ok());
        expunged.sort_unstable();
        expunged.dedup();

        if !expunged.is_empty() {
            let e = ServerEvent::Expunged {
                folder: INBOX.into(),
                uids: expunged,
            };
            self.send(&e).await;
        }
        for (uid, f) in flags {
            if inbox.uids.binary_search(&uid).is_ok() {
                let e = ServerEvent::Flags {
                    folder: INBOX.into(),
                    uid,
                    flags: f,
                };
                self.send(&e).await;
            }
        }
        if !new_rows.is_empty() {
            new_rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.uid));
            new_rows.truncate(MAX_NEW_ROWS);
            let e = ServerEvent::NewMessages {
                folder: INBOX.into(),
                messages: new_rows
                    .iter()
                    .map(crate::routes::messages::summary_of)
                    .collect(),
            };
            self.send(&e).await;
        }
        // News that came with the count waits for the next round.
        let unread = conn.watch_unread(updates).await?;
        let counts = (inbox.uids.len() as u32, unread);
        if counts != inbox.sent {
            inbox.sent = counts;
            let e = ServerEvent::Folder {
                folder: INBOX.into(),
                total: counts.0,
                unread: counts.1,
            };
            self.send(&e).await;
        }
        Ok(())
    }
}

/// A connection of its own for the stream.
async fn open(creds: &Credentials) -> Result<ImapConn, ImapError> {
    let client = connect(&creds.server, &creds.tls, creds.timeout).await?;
    let logged_in = login(
        client,
        &creds.username,
        creds.password.expose(),
        creds.timeout,
    )
    .await?;
    ImapConn::new(logged_in, creds.timeout).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_third_stream_replaces_the_oldest() {
        let id = "events-test-session";
        let (a, ra) = register(id);
        let (_b, rb) = register(id);
        assert_eq!(open_streams(id), 2);
        assert!(!*ra.borrow());
        let (c, rc) = register(id);
        assert!(*ra.borrow(), "the oldest is told to stop");
        assert!(!*rb.borrow() && !*rc.borrow());
        assert_eq!(open_streams(id), 2);
        unregister(id, a);
        assert_eq!(open_streams(id), 2);
        unregister(id, c);
        assert_eq!(open_streams(id), 1);
    }
}
