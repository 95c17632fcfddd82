//! Organising and finding: every UID of a folder (to act on all of it in
//! batches), copies, conversations, and a folder exported to or imported
//! from an mbox file, both streamed.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    body::{Body, Bytes},
    http::header,
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::{
    ApiError,
    bulk::{CopyRequest, FolderUids, ImportResult, ThreadPage, ThreadSummary},
    mail::{ActionResult, FolderRole},
};

use crate::{
    auth::{Authed, Json, Path, Query},
    error::{AppError, AppResult},
    imap::{FullMessage, ImapError, SummaryData},
    mime,
};

/// Most UIDs one action may name (as for moves).
const MAX_UIDS: usize = 5_000;
/// Most conversations one page may ask for.
const MAX_THREADS_PAGE: u32 = 200;
/// Messages fetched per command while exporting.
const EXPORT_CHUNK: usize = 50;
/// A message longer than this is left out of an export.
const MAX_EXPORT_EACH: usize = 100 * 1024 * 1024;
/// Most bytes of one imported message.
pub const MAX_IMPORT_MESSAGE: usize = 50 * 1024 * 1024;
/// Most bytes of one import.
pub const MAX_IMPORT_TOTAL: u64 = 2 * 1024 * 1024 * 1024;
/// Most messages of a conversation opened at once (the newest), and
/// their bytes.
const MAX_CONVERSATION: usize = 100;
const MAX_CONVERSATION_EACH: usize = 5 * 1024 * 1024;
const MAX_CONVERSATION_TOTAL: usize = 40 * 1024 * 1024;
/// Replies looked for in Sent, the newest.
const MAX_SENT_REPLIES: usize = 50;

/// Every UID of a folder, newest arrival first: to select all of it and
/// act in batches (at most 5,000 UIDs per move, copy, flag or delete).
#[utoipa::path(get, path = "/api/folders/{folder}/uids",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment")),
    responses((status = 200, body = FolderUids), (status = 404, body = ApiError)))]
pub async fn uids(auth: Authed, Path(folder): Path<String>) -> AppResult<Json<FolderUids>> {
    let (uid_validity, uids) = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.all_uids(&folder).await })
        })
        .await?;
    Ok(Json(FolderUids {
        uid_validity,
        uids: uids.as_ref().clone(),
    }))
}

fn check_uids(uids: &[u32]) -> Result<(), AppError> {
    if uids.is_empty() || uids.len() > MAX_UIDS || uids.contains(&0) {
        return Err(ApiError::InvalidRequest {
            detail: format!("entre 1 et {MAX_UIDS} messages"),
        }
        .into());
    }
    Ok(())
}

/// Copies messages to another folder (`UID COPY`).
#[utoipa::path(post, path = "/api/folders/{folder}/messages/copy",
    params(("folder" = String, Path)), request_body = CopyRequest,
    responses((status = 200, body = ActionResult), (status = 404, body = ApiError)))]
pub async fn copy(
    auth: Authed,
    Path(folder): Path<String>,
    Json(req): Json<CopyRequest>,
) -> AppResult<Json<ActionResult>> {
    check_uids(&req.uids)?;
    let count = auth
        .imap(|c| {
            let (folder, uids, to) = (folder.clone(), req.uids.clone(), req.to.clone());
            Box::pin(async move { c.copy_messages(&folder, &uids, &to).await })
        })
        .await?;
    Ok(Json(ActionResult {
        count,
        moved_to: Some(req.to),
    }))
}

/// A folder's conversations as last computed, for one session: valid
/// while the folder's sorted UIDs are the very same list (the IMAP
/// connection keeps that list until the folder's membership changes).
struct CachedThreads {
    sorted: Arc<Vec<u32>>,
    threads: Arc<Vec<Vec<u32>>>,
}

/// Most folders whose conversations are kept, all sessions together.
const MAX_CACHED_THREADS: usize = 256;

fn thread_cache() -> &'static Mutex<HashMap<(String, String), CachedThreads>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<(String, String), CachedThreads>>> =
        std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The conversations of a folder, newest first, from the cache when the
/// folder did not change.
async fn threads_of(auth: &Authed, folder: &str) -> AppResult<(u32, Arc<Vec<Vec<u32>>>)> {
    let key = (auth.id.clone(), folder.to_string());
    let (uid_validity, threads) = auth
        .imap(|c| {
            let (folder, key) = (folder.to_string(), key.clone());
            Box::pin(async move {
                let (uid_validity, sorted) = c.all_uids(&folder).await?;
                if let Ok(cache) = thread_cache().lock()
                    && let Some(hit) = cache.get(&key)
                    && Arc::ptr_eq(&hit.sorted, &sorted)
                {
                    return Ok((uid_validity, hit.threads.clone()));
                }
                let (uid_validity, threads) = c.threads(&folder).await?;
                let threads = Arc::new(threads);
                if let Ok(mut cache) = thread_cache().lock() {
                    if cache.len() >= MAX_CACHED_THREADS {
                        cache.clear();
                    }
                    cache.insert(
                        key,
                        CachedThreads {
                            sorted,
                            threads: threads.clone(),
                        },
                    );
                }
                Ok((uid_validity, threads))
            })
        })
        .await?;
    Ok((uid_validity, threads))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ThreadQuery {
    /// First conversation, 0 for the newest.
    #[serde(default)]
    pub offset: u32,
    /// Conversations wanted (at most 200) [default: 50].
    pub limit: Option<u32>,
}

/// One page of a folder's conversations, the one with the newest
/// message first (`UID THREAD REFERENCES` where the server offers it).
#[utoipa::path(get, path = "/api/folders/{folder}/threads",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"), ThreadQuery),
    responses((status = 200, body = ThreadPage), (status = 404, body = ApiError)))]
pub async fn threads(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<ThreadQuery>,
) -> AppResult<Json<ThreadPage>> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_THREADS_PAGE) as usize;
    let offset = q.offset;
    let (_, all) = threads_of(&auth, &folder).await?;
    let start = (offset as usize).min(all.len());
    let end = (start + limit).min(all.len());
    let page: Vec<Vec<u32>> = all[start..end].to_vec();
    let latest: Vec<u32> = page.iter().filter_map(|t| t.last().copied()).collect();
    let (rows, unseen) = auth
        .imap(|c| {
            let (folder, latest) = (folder.clone(), latest.clone());
            Box::pin(async move {
                let rows = c.summaries(&folder, &latest).await?;
                let unseen = c.unseen_uids(&folder).await?;
                Ok((rows, unseen))
            })
        })
        .await?;
    let mut rows: HashMap<u32, SummaryData> = rows.into_iter().map(|r| (r.uid, r)).collect();
    let threads = page
        .into_iter()
        .filter_map(|uids| {
            let row = rows.remove(uids.last()?)?;
            let latest = super::messages::summary_of(&row);
            Some(ThreadSummary {
                count: uids.len() as u32,
                unread: uids.iter().filter(|u| unseen.contains(u)).count() as u32,
                subject: shared::bulk::base_subject(&latest.subject),
                latest,
                uids,
            })
        })
        .collect();
    Ok(Json(ThreadPage {
        folder,
        total_threads: all.len() as u32,
        offset,
        threads,
    }))
}

/// A whole conversation, oldest first: its messages in this folder and
/// the user's replies found in Sent (`HEADER In-Reply-To`/`References`).
/// Marks nothing read (`BODY.PEEK[]`): the client marks what it shows.
#[utoipa::path(get, path = "/api/folders/{folder}/threads/{uid}",
    params(("folder" = String, Path), ("uid" = u32, Path, description = "Un message de la conversation")),
    responses((status = 200, body = Vec<shared::mail::Message>), (status = 404, body = ApiError)))]
pub async fn conversation(
    auth: Authed,
    Path((folder, uid)): Path<(String, u32)>,
) -> AppResult<Json<Vec<shared::mail::Message>>> {
    let (_, all) = threads_of(&auth, &folder).await?;
    let members: Vec<u32> = all
        .iter()
        .find(|t| t.contains(&uid))
        .ok_or(ApiError::MessageNotFound)?
        .iter()
        .rev()
        .take(MAX_CONVERSATION)
        .copied()
        .collect();
    let fetched: Vec<(String, FullMessage)> = auth
        .imap(|c| {
            let (folder, members) = (folder.clone(), members.clone());
            Box::pin(async move {
                let heads = c.thread_headers(&folder, &members).await?;
                let mut ids: Vec<String> = Vec::new();
                for h in &heads {
                    let k = shared::bulk::ThreadKeys::from_header(&h.header);
                    for id in k.message_id.into_iter().chain(k.refs) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                let mut out: Vec<(String, FullMessage)> = c
                    .messages(
                        &folder,
                        &members,
                        MAX_CONVERSATION_EACH,
                        MAX_CONVERSATION_TOTAL,
                    )
                    .await?
                    .into_iter()
                    .map(|m| (folder.clone(), m))
                    .collect();
                let sent = c.folder_with_role(FolderRole::Sent).await?;
                if let Some(sent) = sent.filter(|s| *s != folder) {
                    let found = match c.replies_to(&sent, &ids).await {
                        Ok(found) => found,
                        Err(ImapError::NoSuchFolder(_)) => Vec::new(),
                        Err(e) => return Err(e),
                    };
                    let newest: Vec<u32> =
                        found.iter().rev().take(MAX_SENT_REPLIES).copied().collect();
                    if !newest.is_empty() {
                        out.extend(
                            c.messages(
                                &sent,
                                &newest,
                                MAX_CONVERSATION_EACH,
                                MAX_CONVERSATION_TOTAL,
                            )
                            .await?
                            .into_iter()
                            .map(|m| (sent.clone(), m)),
                        );
                    }
                }
                Ok(out)
            })
        })
        .await?;
    let mut messages = tokio::task::spawn_blocking(move || {
        fetched
            .iter()
            .map(|(folder, full)| {
                mime::to_message(
                    &full.raw,
                    mime::Envelope {
                        folder,
                        uid: full.uid,
                        flags: full.flags,
                        size: full.size,
                        internal_date: full.internal_date,
                    },
                    false,
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| AppError::from(anyhow::anyhow!("parse task: {e}")))?;
    // The same message twice (a copy of one's own reply filed here too).
    let mut seen_ids = std::collections::HashSet::new();
    messages.retain(|m| match &m.message_id {
        Some(id) => seen_ids.insert(id.clone()),
        None => true,
    });
    messages.sort_by_key(|m| m.date);
    Ok(Json(messages))
}

/// The `From ` line of an mboxrd message: the sender and the arrival
/// date as `asctime` (UTC).
pub fn mbox_from_line(raw: &[u8], internal_date: Option<i64>) -> String {
    let sender = mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|h| {
            mime::addresses(h.from())
                .into_iter()
                .next()
                .map(|a| a.email)
        })
        .filter(|e| !e.is_empty() && !e.chars().any(|c| c.is_whitespace() || c.is_control()))
        .unwrap_or_else(|| "MAILER-DAEMON".to_string());
    let date = internal_date
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .unwrap_or_default()
        .format("%a %b %e %H:%M:%S %Y");
    format!("From {sender} {date}\n")
}

/// Appends one message to an mboxrd file: the `From ` line, the message
/// with LF line ends and every line matching `^>*From ` quoted with one
/// more `>`, then an empty line.
pub fn write_mbox_message(out: &mut Vec<u8>, raw: &[u8], internal_date: Option<i64>) {
    out.extend_from_slice(mbox_from_line(raw, internal_date).as_bytes());
    let mut rest = raw;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let unquoted = line
            .iter()
            .position(|&b| b != b'>')
            .map_or(&line[line.len()..], |i| &line[i..]);
        if unquoted.starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
        out.push(b'\n');
        rest = next;
    }
    out.push(b'\n');
}

/// The whole folder as an mbox file (mboxrd), oldest first, streamed:
/// read 50 messages at a time (`BODY.PEEK[]`, nothing marked read) and
/// sent as they come, so memory stays flat however large the folder.
/// Messages over 100 MB are left out.
#[utoipa::path(get, path = "/api/folders/{folder}/export",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment")),
    responses((status = 200, content_type = "application/mbox", body = Vec<u8>),
        (status = 404, body = ApiError)))]
pub async fn export(auth: Authed, Path(folder): Path<String>) -> AppResult<Response> {
    let (_, uids) = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.all_uids(&folder).await })
        })
        .await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let name = folder.rsplit('/').next().unwrap_or(&folder).to_string();
    tokio::spawn(async move {
        let oldest_first: Vec<u32> = uids.iter().rev().copied().collect();
        drop(uids);
        for chunk in oldest_first.chunks(EXPORT_CHUNK) {
            let fetched = auth
                .imap(|c| {
                    let (folder, chunk) = (folder.clone(), chunk.to_vec());
                    Box::pin(async move {
                        c.messages(&folder, &chunk, MAX_EXPORT_EACH, usize::MAX)
                            .await
                    })
                })
                .await;
            let msgs = match fetched {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!("export de {folder} interrompu: {:?}", e.cause);
                    let _ = tx
                        .send(Err(std::io::Error::other("export interrompu")))
                        .await;
                    return;
                }
            };
            let mut out = Vec::with_capacity(msgs.iter().map(|m| m.raw.len() + 100).sum());
            for m in &msgs {
                write_mbox_message(&mut out, &m.raw, m.internal_date);
            }
            drop(msgs);
            if tx.send(Ok(Bytes::from(out))).await.is_err() {
                // The client went away.
                return;
            }
        }
    });
    // Fused: the compression layer may poll once more after the end.
    let stream =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }));
    Ok((
        [
            (header::CONTENT_TYPE, "application/mbox".to_string()),
            (
                header::CONTENT_DISPOSITION,
                mime::content_disposition(&format!("{name}.mbox")),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// One message cut out of an import.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// The message (CRLF line ends) and its arrival date for APPEND
    /// (`"02-Mar-2026 10:00:00 +0000"`), from the mbox `From ` line.
    Message(Vec<u8>, Option<String>),
    /// Longer than [`MAX_IMPORT_MESSAGE`]: dropped as it came.
    TooLarge,
}

/// Cuts an mbox (mboxrd or mboxo) into messages as its bytes arrive:
/// a line starting with `From ` starts a message, `>From ` lines lose
/// one `>`, line ends become CRLF. Without a `From ` first line the
/// whole input is one message (an `.eml`).
pub struct MboxSplitter {
    /// Bytes of an unfinished line.
    pending: Vec<u8>,
    /// `None` until the first line tells the format.
    mbox: Option<bool>,
    current: Vec<u8>,
    current_date: Option<String>,
    too_large: bool,
    started: bool,
    max_each: usize,
}

impl MboxSplitter {
    pub fn new(max_each: usize) -> Self {
        MboxSplitter {
            pending: Vec::new(),
            mbox: None,
            current: Vec::new(),
            current_date: None,
            too_large: false,
            started: false,
            max_each,
        }
    }

    /// Takes more bytes; answers the messages they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Part> {
        let mut done = Vec::new();
        let mut rest = bytes;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            if self.pending.len() <= self.max_each {
                self.pending.extend_from_slice(&rest[..i]);
            }
            let line = std::mem::take(&mut self.pending);
            self.line(&line, &mut done);
            rest = &rest[i + 1..];
        }
        if self.pending.len() <= self.max_each {
            self.pending.extend_from_slice(rest);
        } else {
            self.too_large = true;
        }
        done
    }

    /// The end of the input: the last message.
    pub fn finish(mut self) -> Vec<Part> {
        let mut done = Vec::new();
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.line(&line, &mut done);
        }
        self.close(&mut done);
        done
    }

    fn line(&mut self, line: &[u8], done: &mut Vec<Part>) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mbox = *self.mbox.get_or_insert_with(|| line.starts_with(b"From "));
        if mbox && line.starts_with(b"From ") {
            self.close(done);
            self.started = true;
            self.current_date = asctime_to_imap(&line[5..]);
            return;
        }
        self.started = true;
        let line = if mbox {
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if quotes > 0 && line[quotes..].starts_with(b"From ") {
                &line[1..]
            } else {
                line
            }
        } else {
            line
        };
        if self.too_large || self.current.len() + line.len() + 2 > self.max_each {
            self.too_large = true;
            self.current = Vec::new();
            return;
        }
        self.current.extend_from_slice(line);
        self.current.extend_from_slice(b"\r\n");
    }

    fn close(&mut self, done: &mut Vec<Part>) {
        if !self.started {
            return;
        }
        let date = self.current_date.take();
        if std::mem::take(&mut self.too_large) {
            done.push(Part::TooLarge);
        } else {
            let mut msg = std::mem::take(&mut self.current);
            // The empty line mboxrd writes after each message.
            if self.mbox == Some(true) && msg.ends_with(b"\r\n\r\n") {
                msg.truncate(msg.len() - 2);
            }
            done.push(Part::Message(msg, date));
        }
        self.current = Vec::new();
        self.started = false;
    }
}

/// The date of an mbox `From ` line (`sender Mon Mar  2 10:00:00 2026`,
/// asctime at the end, UTC) as an IMAP date-time.
fn asctime_to_imap(rest: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(rest).ok()?.trim_end();
    let tail = text.get(text.len().checked_sub(24)?..)?;
    let d = chrono::NaiveDateTime::parse_from_str(tail.trim(), "%a %b %e %H:%M:%S %Y").ok()?;
    Some(d.format("%d-%b-%Y %H:%M:%S +0000").to_string())
}

/// Whether a message cut out of an import looks like one: not empty, and
/// its first line a header field (`Name: value`).
fn looks_like_message(raw: &[u8]) -> bool {
    let first = raw.split(|&b| b == b'\n').next().unwrap_or(&[]);
    match first.iter().position(|&b| b == b':') {
        Some(i) if i > 0 => first[..i].iter().all(|&b| (33..=126).contains(&b)),
        _ => false,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Mark the imported messages read [default: true].
    pub seen: Option<bool>,
}

/// Imports messages into a folder: the body is one message (`.eml`) or
/// an mbox file (its first line starts with `From `), read and cut as it
/// arrives, each message appended (marked read unless `seen=false`,
/// with the date of its `From ` line). A message the server refuses, or
/// over 50 MB, is listed with its number and the rest goes on; a full
/// quota stops the import (`stopped`). At most 2 GB per request.
#[utoipa::path(post, path = "/api/folders/{folder}/import",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/mbox"),
    responses((status = 200, body = ImportResult), (status = 404, body = ApiError),
        (status = 413, body = ApiError)))]
pub async fn import(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> AppResult<Json<ImportResult>> {
    let flags: &'static [&'static str] = if q.seen.unwrap_or(true) {
        &["\\Seen"]
    } else {
        &[]
    };
    let mut splitter = MboxSplitter::new(MAX_IMPORT_MESSAGE);
    let mut result = ImportResult {
        imported: 0,
        errors: Vec::new(),
        stopped: None,
    };
    let mut number: u32 = 0;
    let mut total: u64 = 0;
    let mut stream = body.into_data_stream();
    let mut ended = false;
    while !ended {
        let parts = match stream.next().await {
            Some(Ok(chunk)) => {
                total += chunk.len() as u64;
                if total > MAX_IMPORT_TOTAL {
                    return Err(ApiError::MessageTooLarge {
                        max_bytes: MAX_IMPORT_TOTAL,
                    }
                    .into());
                }
                splitter.push(&chunk)
            }
            Some(Err(e)) => {
                return Err(AppError {
                    api: ApiError::InvalidRequest {
                        detail: "envoi du fichier interrompu".into(),
                    },
                    cause: Some(e.to_string()),
                });
            }
            None => {
                ended = true;
                std::mem::replace(&mut splitter, MboxSplitter::new(0)).finish()
            }
        };
        for part in parts {
            number += 1;
            let (raw, date) = match part {
                Part::TooLarge => {
                    result.errors.push(format!(
                        "message {number} : plus de {} Mo, ignoré",
                        MAX_IMPORT_MESSAGE / (1024 * 1024)
                    ));
                    continue;
                }
                Part::Message(raw, date) => (raw, date),
            };
            if !looks_like_message(&raw) {
                result.errors.push(format!(
                    "message {number} : ce n'est pas un message, ignoré"
                ));
                continue;
            }
            let raw = Arc::new(raw);
            let appended = auth
                .imap(|c| {
                    let (folder, raw, date) = (folder.clone(), raw.clone(), date.clone());
                    Box::pin(async move { c.append(&folder, flags, date.as_deref(), &raw).await })
                })
                .await;
            match appended {
                Ok(_) => result.imported += 1,
                Err(e) if e.api == ApiError::QuotaExceeded => {
                    result.stopped = Some(ApiError::QuotaExceeded);
                    return Ok(Json(result));
                }
                Err(
                    e @ AppError {
                        api:
                            ApiError::FolderNotFound
                            | ApiError::ServerUnavailable
                            | ApiError::ServerUnknown
                            | ApiError::NotAuthenticated
                            | ApiError::Internal,
                        ..
                    },
                ) => {
                    if result.imported == 0 {
                        return Err(e);
                    }
                    result.stopped = Some(e.api);
                    return Ok(Json(result));
                }
                Err(e) => {
                    let why = match &e.api {
                        ApiError::ServerRefused { detail } => detail.clone(),
                        ApiError::InvalidRequest { detail } => detail.clone(),
                        other => format!("{other:?}"),
                    };
                    result
                        .errors
                        .push(format!("message {number} : refusé par le serveur ({why})"));
                }
            }
        }
    }
    Ok(Json(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], piece: usize) -> Vec<Part> {
        let mut s = MboxSplitter::new(1000);
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            out.extend(s.push(chunk));
        }
        out.extend(s.finish());
        out
    }

    #[test]
    fn mbox_round_trips_with_from_quoting() {
        let a = b"From: a@x\r\nSubject: un\r\n\r\nFrom here on\r\n>From there\r\nfin\r\n";
        let b = b"From: b@x\r\nSubject: deux\r\n\r\ncorps\r\n";
        let mut mbox = Vec::new();
        write_mbox_message(&mut mbox, a, Some(1_772_442_000));
        write_mbox_message(&mut mbox, b, None);
        let text = String::from_utf8(mbox.clone()).unwrap();
        assert!(
            text.starts_with("From a@x Mon Mar  2 09:00:00 2026\n"),
            "{text}"
        );
        assert!(text.contains("\n>From here on\n>>From there\n"), "{text}");
        assert_eq!(text.matches("\nFrom ").count(), 1);
        for piece in [1, 7, 4096] {
            let parts = split(&mbox, piece);
            assert_eq!(
                parts,
                vec![
                    Part::Message(a.to_vec(), Some("02-Mar-2026 09:00:00 +0000".into())),
                    Part::Message(b.to_vec(), Some("01-Jan-1970 00:00:00 +0000".into())),
                ]
            );
        }
    }

    #[test]
    fn an_eml_is_one_message_and_large_ones_are_dropped() {
        let eml = b"From: a@x\nSubject: x\n\nFrom me\n";
        assert_eq!(
            split(eml, 3),
            vec![Part::Message(
                b"From: a@x\r\nSubject: x\r\n\r\nFrom me\r\n".to_vec(),
                None
            )]
        );
        let mut big = b"From x Mon Mar  2 09:00:00 2026\nA: b\n\n".to_vec();
        big.extend(std::iter::repeat_n(b'a', 5000));
        big.extend_from_slice(b"\n\nFrom y Mon Mar  2 09:00:00 2026\nA: c\n\nok\n");
        let parts = split(&big, 100);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], Part::TooLarge);
        assert!(matches!(&parts[1], Part::Message(m, _) if m == b"A: c\r\n\r\nok\r\n"));
    }

    #[test]
    fn messages_are_recognised() {
        assert!(looks_like_message(b"Subject: x\r\n\r\n"));
        assert!(!looks_like_message(b"garbage line\r\nmore"));
        assert!(!looks_like_message(b""));
    }

    // The pure functions of `shared::bulk` (threading), tested here.
    use shared::bulk::{
        ThreadKeys, base_subject, group_threads, order_threads, parse_thread_response,
    };

    fn keys(id: &str, refs: &[&str]) -> ThreadKeys {
        ThreadKeys {
            message_id: (!id.is_empty()).then(|| id.to_string()),
            refs: refs.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn headers_give_ids_and_references() {
        let k = ThreadKeys::from_header(
            b"Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x>\r\n <b@x>\r\n\r\n",
        );
        assert_eq!(k.message_id.as_deref(), Some("c@x"));
        assert_eq!(k.refs, ["b@x", "a@x"]);
        assert_eq!(
            ThreadKeys::from_header(b"Subject: x\r\n"),
            ThreadKeys::default()
        );
    }

    #[test]
    fn messages_group_by_references() {
        let msgs = [
            keys("a@x", &[]),
            keys("other@x", &[]),
            keys("b@x", &["a@x"]),
            keys("c@x", &["a@x", "b@x"]),
            // Replies to a message we do not have still go together.
            keys("d@x", &["lost@x"]),
            keys("e@x", &["lost@x"]),
            keys("", &[]),
        ];
        assert_eq!(
            group_threads(&msgs),
            vec![vec![0, 2, 3], vec![1], vec![4, 5], vec![6]]
        );
        assert!(group_threads(&[]).is_empty());
    }

    #[test]
    fn thread_answers_parse() {
        assert_eq!(
            parse_thread_response(" (2)(3 6 (4 23)(44 7 96))((11)(12))"),
            vec![vec![2], vec![3, 6, 4, 23, 44, 7, 96], vec![11, 12]]
        );
        assert!(parse_thread_response("").is_empty());
        assert_eq!(parse_thread_response("(1 2"), Vec::<Vec<u32>>::new());
    }

    #[test]
    fn threads_order_by_newest_message() {
        // Newest first: 9, 8, 7, 5, 3.
        let sorted = [9, 8, 7, 5, 3];
        let groups = vec![vec![3, 8], vec![5, 9], vec![7], vec![42]];
        assert_eq!(
            order_threads(groups, &sorted),
            vec![vec![5, 9], vec![3, 8], vec![7]]
        );
    }

    #[test]
    fn subjects_lose_their_prefixes() {
        assert_eq!(base_subject("Re: RE : Fwd: Réunion"), "Réunion");
        assert_eq!(base_subject("TR: Conseil"), "Conseil");
        assert_eq!(base_subject("Retour de congé"), "Retour de congé");
    }
}
