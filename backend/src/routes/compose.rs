//! Writing mail: limits, attachments, replies and forwards prepared from a
//! message, drafts, and sending.
//!
//! Sending is idempotent per `send_id`: the same request sent again (a
//! retry after a dropped connection, an outbox replayed) returns the first
//! result instead of sending a second copy.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::{
    ApiError,
    compose::{
        AttachmentSource, ComposeAttachment, ComposeLimits, ComposeMessage, ComposeMode,
        PreparedMessage, SaveDraft, SavedDraft, SendRequest, SendResult, UploadedAttachment,
        max_raw_attachments,
    },
    mail::{ActionResult, FolderRole},
};

use crate::{
    AppState,
    auth::{Authed, Json, Path, Query},
    compose::{self, ResolvedAttachment, Sender},
    error::{AppError, AppResult},
    imap::ImapError,
    mime, session, smtp,
};

/// Upload limit when the submission server announces none.
const DEFAULT_MAX_MESSAGE: u64 = 25 * 1024 * 1024;
/// How long an upload waits to be sent or saved in a draft.
const UPLOAD_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a send result is remembered for retries.
const SENT_TTL: Duration = Duration::from_secs(48 * 3600);
/// How long the server's limits are trusted.
const LIMITS_TTL: Duration = Duration::from_secs(600);
/// Bytes of uploads one user may hold at once.
const MAX_UPLOADS_PER_USER: u64 = 200 * 1024 * 1024;

struct Upload {
    user: String,
    filename: String,
    content_type: String,
    data: Arc<Vec<u8>>,
    created: Instant,
}

enum SendSlot {
    InProgress,
    Done(SendResult, Instant),
}

/// What compose keeps between requests: uploaded files (per user, until
/// sent or expired), the results of recent sends (for retries) and the
/// submission server's limits.
#[derive(Default)]
pub struct ComposeState {
    uploads: Mutex<HashMap<String, Upload>>,
    sent: Mutex<HashMap<(String, String), SendSlot>>,
    limits: tokio::sync::Mutex<Option<(Instant, smtp::Limits)>>,
}

impl ComposeState {
    /// Forgets expired uploads and send results.
    pub fn prune(&self) {
        if let Ok(mut u) = self.uploads.lock() {
            u.retain(|_, up| up.created.elapsed() < UPLOAD_TTL);
        }
        if let Ok(mut s) = self.sent.lock() {
            s.retain(|_, slot| match slot {
                SendSlot::InProgress => true,
                SendSlot::Done(_, at) => at.elapsed() < SENT_TTL,
            });
        }
    }
}

/// The submission server, with the instance's TLS trust and timeout.
pub(crate) fn server(state: &AppState) -> smtp::SmtpServer<'_> {
    smtp::SmtpServer {
        url: &state.config.smtp,
        tls: &state.tls,
        timeout: state.config.server_timeout,
    }
}

async fn server_limits(state: &AppState) -> AppResult<smtp::Limits> {
    let mut cached = state.compose.limits.lock().await;
    if let Some((at, l)) = cached.as_ref()
        && at.elapsed() < LIMITS_TTL
    {
        return Ok(*l);
    }
    let l = smtp::limits(&server(state)).await?;
    *cached = Some((Instant::now(), l));
    Ok(l)
}

fn compose_limits(l: &smtp::Limits) -> ComposeLimits {
    let max = l.max_size.unwrap_or(DEFAULT_MAX_MESSAGE);
    ComposeLimits {
        max_message_bytes: l.max_size,
        max_attachments_bytes: max_raw_attachments(max),
    }
}

/// What the submission server accepts: the client refuses a file too
/// large before uploading it.
#[utoipa::path(get, path = "/api/compose/limits", responses(
    (status = 200, body = ComposeLimits), (status = 503, body = ApiError)))]
pub async fn limits(
    State(state): State<AppState>,
    _auth: Authed,
) -> AppResult<Json<ComposeLimits>> {
    Ok(Json(compose_limits(&server_limits(&state).await?)))
}

/// Stores an uploaded file for the message being written. The file name
/// comes percent-encoded in `X-Filename`, its type in `Content-Type`. An
/// upload larger than the server accepts is refused as soon as the limit
/// is passed, not after the whole file arrived.
#[utoipa::path(post, path = "/api/compose/attachments", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = UploadedAttachment), (status = 413, body = ApiError)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Authed,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<UploadedAttachment>> {
    let limits = compose_limits(&server_limits(&state).await?);
    let max = limits.max_attachments_bytes;
    let too_large = || {
        AppError::from(ApiError::MessageTooLarge {
            max_bytes: limits.max_message_bytes.unwrap_or(DEFAULT_MAX_MESSAGE),
        })
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let filename = headers
        .get("x-filename")
        .and_then(|v| v.to_str().ok())
        .and_then(shared::mail::decode_segment)
        .map(|n| clean_filename(&n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "piece-jointe".into());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| is_mime_type(v))
        .unwrap_or_else(|| "application/octet-stream".into());
    let held: u64 = match state.compose.uploads.lock() {
        Ok(u) => u
            .values()
            .filter(|up| up.user == auth.data.username)
            .map(|up| up.data.len() as u64)
            .sum(),
        Err(_) => 0,
    };
    let mut data = Vec::with_capacity(declared.unwrap_or(0).min(max) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| AppError {
            api: ApiError::InvalidRequest {
                detail: "envoi du fichier interrompu".into(),
            },
            cause: Some(e.to_string()),
        })?;
        data.extend_from_slice(&chunk);
        if data.len() as u64 > max {
            return Err(too_large());
        }
    }
    if held + data.len() as u64 > MAX_UPLOADS_PER_USER {
        return Err(ApiError::InvalidRequest {
            detail: "trop de pièces jointes en attente : envoyez ou supprimez des brouillons"
                .into(),
        }
        .into());
    }
    let id = session::random_token().map_err(|_| ApiError::Internal)?;
    let answer = UploadedAttachment {
        id: id.clone(),
        filename: filename.clone(),
        content_type: content_type.clone(),
        size: data.len() as u64,
    };
    if let Ok(mut u) = state.compose.uploads.lock() {
        u.insert(
            id,
            Upload {
                user: auth.data.username.clone(),
                filename,
                content_type,
                data: Arc::new(data),
                created: Instant::now(),
            },
        );
    }
    Ok(Json(answer))
}

/// A file name as it may appear in a header: no path, no control characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(200)
        .collect()
}

fn is_mime_type(v: &str) -> bool {
    let mut parts = v.splitn(2, '/');
    let ok = |s: Option<&str>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        })
    };
    ok(parts.next()) && ok(parts.next())
}

/// Fetches the bytes of every attachment of a message being written.
async fn resolve(
    state: &AppState,
    auth: &Authed,
    list: &[ComposeAttachment],
) -> AppResult<Vec<ResolvedAttachment>> {
    let mut raws: HashMap<(String, u32), Arc<Vec<u8>>> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        match &a.source {
            AttachmentSource::Upload { id } => {
                let found = state.compose.uploads.lock().ok().and_then(|u| {
                    u.get(id)
                        .filter(|up| up.user == auth.data.username)
                        .map(|up| {
                            (
                                up.filename.clone(),
                                up.content_type.clone(),
                                up.data.clone(),
                            )
                        })
                });
                let (filename, content_type, data) = found.ok_or(ApiError::AttachmentExpired)?;
                out.push(ResolvedAttachment {
                    filename: pick_name(&a.filename, &filename),
                    content_type,
                    data: data.to_vec(),
                    rfc822: false,
                });
            }
            AttachmentSource::Part { folder, uid, part } => {
                let raw = raw_message(auth, &mut raws, folder, *uid).await?;
                let (name, ct, data) =
                    mime::attachment(&raw, *part).ok_or(ApiError::AttachmentExpired)?;
                out.push(ResolvedAttachment {
                    filename: pick_name(&a.filename, &name),
                    content_type: ct,
                    data,
                    rfc822: false,
                });
            }
            AttachmentSource::Message { folder, uid } => {
                let raw = raw_message(auth, &mut raws, folder, *uid).await?;
                out.push(ResolvedAttachment {
                    filename: pick_name(&a.filename, "message.eml"),
                    content_type: "message/rfc822".into(),
                    data: raw.to_vec(),
                    rfc822: true,
                });
            }
        }
    }
    Ok(out)
}

fn pick_name(asked: &str, stored: &str) -> String {
    let asked = clean_filename(asked);
    if asked.is_empty() {
        stored.to_string()
    } else {
        asked
    }
}

async fn raw_message(
    auth: &Authed,
    cache: &mut HashMap<(String, u32), Arc<Vec<u8>>>,
    folder: &str,
    uid: u32,
) -> AppResult<Arc<Vec<u8>>> {
    let key = (folder.to_string(), uid);
    if let Some(r) = cache.get(&key) {
        return Ok(r.clone());
    }
    let msg = auth
        .imap(|c| {
            let folder = folder.to_string();
            Box::pin(async move { c.message(&folder, uid, false).await })
        })
        .await
        .map_err(|e| {
            if e.api == ApiError::MessageNotFound {
                AppError::from(ApiError::AttachmentExpired)
            } else {
                e
            }
        })?;
    let raw = Arc::new(msg.raw);
    cache.insert(key, raw.clone());
    Ok(raw)
}

/// The folder with a role, else a folder of that name created now.
async fn role_folder(auth: &Authed, role: FolderRole, fallback: &'static str) -> AppResult<String> {
    auth.imap(|c| {
        Box::pin(async move {
            match c.folder_with_role(role).await? {
                Some(p) => Ok(p),
                None => {
                    match c.create_folder(fallback).await {
                        Ok(()) | Err(ImapError::Refused(_)) => {}
                        Err(e) => return Err(e),
                    }
                    Ok(fallback.to_string())
                }
            }
        })
    })
    .await
}

async fn sender(auth: &Authed, message: &ComposeMessage) -> AppResult<Sender> {
    sender_of(auth, message.identity.as_deref()).await
}

/// The sender for an identity of the user's (the login one when `None`
/// or unknown): name, address and Reply-To from the preferences.
pub(crate) async fn sender_of(auth: &Authed, identity: Option<&str>) -> AppResult<Sender> {
    let prefs = super::prefs::load(auth).await?;
    let id = prefs.identity(identity).cloned().unwrap_or_default();
    Ok(Sender {
        name: id.name,
        email: if id.email.is_empty() {
            auth.data.email.clone()
        } else {
            id.email
        },
        reply_to: id.reply_to,
    })
}

fn domain_of(email: &str) -> &str {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("localhost")
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PrepareQuery {
    /// `reply`, `reply_all`, `forward` or `forward_as_attachment`; absent
    /// to reopen a draft.
    pub mode: Option<ComposeMode>,
    /// Language of the quote's header line (`fr` or `en`) [default: fr].
    pub lang: Option<String>,
}

/// A reply or forward prepared from a message (recipients, subject,
/// quote, references), or a draft reopened as it was saved.
#[utoipa::path(get, path = "/api/compose/from/{folder}/{uid}",
    params(("folder" = String, Path), ("uid" = u32, Path), PrepareQuery),
    responses((status = 200, body = PreparedMessage), (status = 404, body = ApiError)))]
pub async fn prepare(
    auth: Authed,
    Path((folder, uid)): Path<(String, u32)>,
    Query(q): Query<PrepareQuery>,
) -> AppResult<Json<PreparedMessage>> {
    let folder = shared::mail::decode_segment(&folder).ok_or(ApiError::FolderNotFound)?;
    let msg = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.message(&folder, uid, false).await })
        })
        .await?;
    let prepared = match q.mode {
        None => compose::read_draft(&msg.raw, &folder, uid).map(|message| PreparedMessage {
            message,
            draft_uid: Some(uid),
        }),
        Some(mode) => {
            let prefs = super::prefs::load(&auth).await?;
            let own: Vec<String> = prefs.identities.iter().map(|i| i.email.clone()).collect();
            let lang = q.lang.as_deref().unwrap_or("fr");
            compose::prepare(
                &msg.raw,
                &folder,
                uid,
                mode,
                &own,
                lang,
                prefs.compose_format,
            )
            .map(|message| PreparedMessage {
                message,
                draft_uid: None,
            })
        }
    };
    Ok(Json(prepared.ok_or(ApiError::InvalidRequest {
        detail: "ce message est illisible".into(),
    })?))
}

/// Saves a draft in the Drafts folder, then removes the version it replaces.
#[utoipa::path(put, path = "/api/drafts", request_body = SaveDraft,
    responses((status = 200, body = SavedDraft), (status = 507, body = ApiError)))]
pub async fn save_draft(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<SaveDraft>,
) -> AppResult<Json<SavedDraft>> {
    let from = sender(&auth, &req.message).await?;
    let attachments = resolve(&state, &auth, &req.message.attachments).await?;
    let id = compose::new_message_id(domain_of(&from.email));
    let raw = compose::build(
        &req.message,
        &from,
        attachments,
        &id,
        chrono::Utc::now().timestamp(),
        true,
    )?;
    let drafts = role_folder(&auth, FolderRole::Drafts, "Drafts").await?;
    let uid = auth
        .imap(|c| {
            let (drafts, raw) = (drafts.clone(), raw.clone());
            Box::pin(async move { c.append(&drafts, &["\\Draft", "\\Seen"], None, &raw).await })
        })
        .await?;
    if let Some(old) = req.replaces.filter(|old| Some(*old) != uid) {
        remove_draft(&auth, &drafts, old).await;
    }
    Ok(Json(SavedDraft {
        folder: drafts,
        uid,
    }))
}

/// Erases an old draft; a failure only leaves an extra version behind.
async fn remove_draft(auth: &Authed, drafts: &str, uid: u32) {
    let r = auth
        .imap(|c| {
            let drafts = drafts.to_string();
            Box::pin(async move { c.erase(&drafts, &[uid]).await })
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(user = %auth.data.username, uid, "ancien brouillon non supprimé: {:?}", e.cause);
    }
}

/// Discards a draft.
#[utoipa::path(delete, path = "/api/drafts/{uid}", params(("uid" = u32, Path)),
    responses((status = 200, body = ActionResult)))]
pub async fn delete_draft(auth: Authed, Path(uid): Path<u32>) -> AppResult<Json<ActionResult>> {
    let drafts = role_folder(&auth, FolderRole::Drafts, "Drafts").await?;
    let done = auth
        .imap(|c| {
            let drafts = drafts.clone();
            Box::pin(async move { c.erase(&drafts, &[uid]).await })
        })
        .await?;
    Ok(Json(ActionResult {
        count: done,
        moved_to: None,
    }))
}

/// Sends the message through SMTP submission with the user's credentials,
/// then keeps a copy in Sent, marks the original answered or forwarded and
/// removes the draft. A refused send changes nothing (the draft stays); a
/// copy that could not be saved is reported, and never causes a second send.
#[utoipa::path(post, path = "/api/send", request_body = SendRequest, responses(
    (status = 200, body = SendResult),
    (status = 400, body = ApiError),
    (status = 413, body = ApiError, description = "message_too_large"),
    (status = 422, body = ApiError, description = "recipients_refused"),
    (status = 502, body = ApiError, description = "send_refused"),
    (status = 503, body = ApiError),
))]
pub async fn send(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<SendRequest>,
) -> AppResult<(StatusCode, Json<SendResult>)> {
    if req.send_id.len() < 16 || req.send_id.len() > 128 {
        return Err(ApiError::InvalidRequest {
            detail: "identifiant d'envoi invalide".into(),
        }
        .into());
    }
    let key = (auth.data.username.clone(), req.send_id.clone());
    {
        let mut sent = state.compose.sent.lock().map_err(|_| ApiError::Internal)?;
        match sent.get(&key) {
            Some(SendSlot::Done(result, _)) => return Ok((StatusCode::OK, Json(result.clone()))),
            Some(SendSlot::InProgress) => {
                return Err(ApiError::InvalidRequest {
                    detail: "ce message est déjà en cours d'envoi".into(),
                }
                .into());
            }
            None => {
                sent.insert(key.clone(), SendSlot::InProgress);
            }
        }
    }
    let result = send_once(&state, &auth, &req).await;
    if let Ok(mut sent) = state.compose.sent.lock() {
        match &result {
            Ok(r) => {
                sent.insert(key, SendSlot::Done(r.clone(), Instant::now()));
            }
            Err(_) => {
                sent.remove(&key);
            }
        }
    }
    Ok((StatusCode::OK, Json(result?)))
}

async fn send_once(state: &AppState, auth: &Authed, req: &SendRequest) -> AppResult<SendResult> {
    let m = &req.message;
    let rcpts: Vec<String> =
        m.to.iter()
            .chain(&m.cc)
            .chain(&m.bcc)
            .map(|a| a.email.trim().to_string())
            .collect();
    if rcpts.is_empty() {
        return Err(ApiError::InvalidRequest {
            detail: "aucun destinataire".into(),
        }
        .into());
    }
    let from = sender(auth, m).await?;
    let attachments = resolve(state, auth, &m.attachments).await?;
    let id = compose::new_message_id(domain_of(&from.email));
    let now = chrono::Utc::now().timestamp();
    let wire = compose::build(m, &from, attachments.clone(), &id, now, false)?;
    let limits = server_limits(state).await?;
    if let Some(max) = limits.max_size
        && wire.len() as u64 > max
    {
        return Err(ApiError::MessageTooLarge { max_bytes: max }.into());
    }
    smtp::submit(
        &server(state),
        &auth.data.username,
        auth.creds.password.expose(),
        &from.email,
        &rcpts,
        &wire,
    )
    .await?;
    tracing::info!(user = %auth.data.username, rcpts = rcpts.len(), bytes = wire.len(), "message envoyé");
    // The message is gone: from here on, nothing may fail the request.
    // The copy in Sent keeps its Bcc (built as a draft is), so the user
    // sees whom it went to.
    let copy = if m.bcc.is_empty() {
        wire
    } else {
        compose::build(m, &from, attachments, &id, now, true).unwrap_or(wire)
    };
    let saved = match role_folder(auth, FolderRole::Sent, "Sent").await {
        Ok(sent) => auth
            .imap(|c| {
                let (sent, copy) = (sent.clone(), copy.clone());
                Box::pin(async move { c.append(&sent, &["\\Seen"], None, &copy).await })
            })
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    if let Some(orig) = &m.original {
        let flag = match orig.mode {
            ComposeMode::Reply | ComposeMode::ReplyAll => "\\Answered",
            ComposeMode::Forward | ComposeMode::ForwardAsAttachment => "$Forwarded",
        };
        let r = auth
            .imap(|c| {
                let folder = orig.folder.clone();
                let uid = orig.uid;
                Box::pin(async move { c.add_flags(&folder, &[uid], &[flag]).await })
            })
            .await;
        if let Err(e) = r {
            tracing::warn!(user = %auth.data.username, "original non marqué: {:?}", e.cause);
        }
    }
    if let Some(uid) = req.draft_uid {
        match role_folder(auth, FolderRole::Drafts, "Drafts").await {
            Ok(drafts) => remove_draft(auth, &drafts, uid).await,
            Err(e) => tracing::warn!("brouillons introuvables: {:?}", e.cause),
        }
    }
    // Uploads sent are no longer needed.
    if let Ok(mut u) = state.compose.uploads.lock() {
        for a in &m.attachments {
            if let AttachmentSource::Upload { id } = &a.source {
                u.remove(id);
            }
        }
    }
    Ok(SendResult {
        message_id: id,
        saved_to_sent: saved.is_ok(),
        sent_copy_error: saved.err().map(|e| {
            tracing::warn!(user = %auth.data.username, "copie dans Envoyés impossible: {:?}", e.cause);
            e.api
        }),
    })
}
