//! Message lists, messages, their parts, and actions on them by UID.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use shared::{
    ApiError,
    mail::{
        ActionResult, DeleteRequest, FlagChange, FlagsRequest, FolderChanges, FolderRole,
        MessagePage, MessageSummary, MoveRequest,
    },
};

use crate::{
    auth::{Authed, Json, Path, Query},
    error::{AppError, AppResult},
    mime,
};

/// Most rows one page may ask for.
const MAX_PAGE: u32 = 200;
/// Most UIDs one action may name.
const MAX_UIDS: usize = 5_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// First row, 0 for the newest message.
    #[serde(default)]
    pub offset: u32,
    /// Rows wanted (at most 200) [default: 50].
    pub limit: Option<u32>,
}

/// One page of a folder, newest first.
#[utoipa::path(get, path = "/api/folders/{folder}/messages",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"), PageQuery),
    responses((status = 200, body = MessagePage), (status = 404, body = ApiError)))]
pub async fn page(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<MessagePage>> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let offset = q.offset;
    let (info, rows) = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.page(&folder, offset, limit).await })
        })
        .await?;
    let messages = rows.iter().map(summary_of).collect();
    Ok(Json(MessagePage {
        folder,
        total: info.total,
        unread: info.unread,
        offset,
        uid_validity: info.uid_validity,
        highest_modseq: info.highest_modseq,
        messages,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MessageQuery {
    /// Show remote images and styles (the user allowed them for this message).
    #[serde(default)]
    pub remote: bool,
}

/// A whole message, ready to show; marks it read.
#[utoipa::path(get, path = "/api/folders/{folder}/messages/{uid}",
    params(("folder" = String, Path), ("uid" = u32, Path), MessageQuery),
    responses((status = 200, body = shared::mail::Message), (status = 404, body = ApiError)))]
pub async fn message(
    auth: Authed,
    Path((folder, uid)): Path<(String, u32)>,
    Query(q): Query<MessageQuery>,
) -> AppResult<Json<shared::mail::Message>> {
    check_uid(uid)?;
    let full = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.message(&folder, uid, true).await })
        })
        .await?;
    let folder_name = folder.clone();
    let msg = tokio::task::spawn_blocking(move || {
        mime::to_message(
            &full.raw,
            mime::Envelope {
                folder: &folder_name,
                uid: full.uid,
                flags: full.flags,
                size: full.size,
                internal_date: full.internal_date,
            },
            q.remote,
        )
    })
    .await
    .map_err(|e| AppError::from(anyhow::anyhow!("parse task: {e}")))?;
    Ok(Json(msg))
}

/// The message as an `.eml` file.
#[utoipa::path(get, path = "/api/folders/{folder}/messages/{uid}/raw",
    params(("folder" = String, Path), ("uid" = u32, Path)),
    responses((status = 200, content_type = "message/rfc822", body = Vec<u8>)))]
pub async fn raw(auth: Authed, Path((folder, uid)): Path<(String, u32)>) -> AppResult<Response> {
    check_uid(uid)?;
    let full = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.message(&folder, uid, false).await })
        })
        .await?;
    let name = mail_parser::MessageParser::default()
        .parse_headers(&full.raw)
        .and_then(|h| h.subject().map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("message-{uid}"));
    Ok((
        [
            (header::CONTENT_TYPE, "message/rfc822".to_string()),
            (
                header::CONTENT_DISPOSITION,
                mime::content_disposition(&format!("{name}.eml")),
            ),
        ],
        full.raw,
    )
        .into_response())
}

/// One attachment, by its index among the message's attachments.
#[utoipa::path(get, path = "/api/folders/{folder}/messages/{uid}/attachments/{part}",
    params(("folder" = String, Path), ("uid" = u32, Path), ("part" = u32, Path)),
    responses((status = 200, body = Vec<u8>), (status = 404, body = ApiError)))]
pub async fn attachment(
    auth: Authed,
    Path((folder, uid, part)): Path<(String, u32, u32)>,
) -> AppResult<Response> {
    check_uid(uid)?;
    let full = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.message(&folder, uid, false).await })
        })
        .await?;
    let found = tokio::task::spawn_blocking(move || mime::attachment(&full.raw, part))
        .await
        .map_err(|e| AppError::from(anyhow::anyhow!("parse task: {e}")))?;
    let (name, content_type, bytes) = found.ok_or(ApiError::MessageNotFound)?;
    // Served as a download, never rendered in our origin.
    let safe_type = if content_type.contains(['\r', '\n'])
        || content_type.contains("html")
        || content_type.contains("svg")
        || content_type.contains("xml")
    {
        "application/octet-stream".to_string()
    } else {
        content_type
    };
    Ok((
        [
            (header::CONTENT_TYPE, safe_type),
            (
                header::CONTENT_DISPOSITION,
                mime::content_disposition(&name),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn check_uid(uid: u32) -> Result<(), AppError> {
    if uid == 0 {
        return Err(ApiError::InvalidRequest {
            detail: "UID 0".into(),
        }
        .into());
    }
    Ok(())
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

/// Marks messages read/unread, flagged/unflagged.
#[utoipa::path(post, path = "/api/folders/{folder}/messages/flags",
    params(("folder" = String, Path)), request_body = FlagsRequest,
    responses((status = 204), (status = 403, body = ApiError)))]
pub async fn flags(
    auth: Authed,
    Path(folder): Path<String>,
    Json(req): Json<FlagsRequest>,
) -> AppResult<StatusCode> {
    check_uids(&req.uids)?;
    auth.imap(|c| {
        let (folder, uids) = (folder.clone(), req.uids.clone());
        Box::pin(async move { c.set_flags(&folder, &uids, req.seen, req.flagged).await })
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves messages to another folder.
#[utoipa::path(post, path = "/api/folders/{folder}/messages/move",
    params(("folder" = String, Path)), request_body = MoveRequest,
    responses((status = 200, body = ActionResult), (status = 404, body = ApiError)))]
pub async fn move_messages(
    auth: Authed,
    Path(folder): Path<String>,
    Json(req): Json<MoveRequest>,
) -> AppResult<Json<ActionResult>> {
    check_uids(&req.uids)?;
    if req.to == folder {
        return Err(ApiError::InvalidRequest {
            detail: "le dossier de destination est le dossier d'origine".into(),
        }
        .into());
    }
    let count = auth
        .imap(|c| {
            let (folder, uids, to) = (folder.clone(), req.uids.clone(), req.to.clone());
            Box::pin(async move { c.move_messages(&folder, &uids, &to).await })
        })
        .await?;
    Ok(Json(ActionResult {
        count,
        moved_to: Some(req.to),
    }))
}

/// Deletes messages: to the Trash, or for good from the Trash (after the
/// user confirmed, `permanent: true`).
#[utoipa::path(post, path = "/api/folders/{folder}/messages/delete",
    params(("folder" = String, Path)), request_body = DeleteRequest,
    responses((status = 200, body = ActionResult), (status = 400, body = ApiError)))]
pub async fn delete(
    auth: Authed,
    Path(folder): Path<String>,
    Json(req): Json<DeleteRequest>,
) -> AppResult<Json<ActionResult>> {
    check_uids(&req.uids)?;
    let result = auth
        .imap(|c| {
            let (folder, uids, permanent) = (folder.clone(), req.uids.clone(), req.permanent);
            Box::pin(async move {
                let trash = c.folder_with_role(FolderRole::Trash).await?;
                match trash {
                    Some(t) if t != folder => {
                        let count = c.move_messages(&folder, &uids, &t).await?;
                        Ok(Ok(ActionResult {
                            count,
                            moved_to: Some(t),
                        }))
                    }
                    _ if permanent => {
                        let count = c.erase(&folder, &uids).await?;
                        Ok(Ok(ActionResult {
                            count,
                            moved_to: None,
                        }))
                    }
                    _ => Ok(Err(ApiError::InvalidRequest {
                        detail: "suppression définitive : confirmation requise".into(),
                    })),
                }
            })
        })
        .await?;
    Ok(Json(result?))
}

/// Most UIDs one bulk request may name.
pub const MAX_BULK: usize = 50;
/// A message longer than this is left out of a bulk answer (it is read
/// online, or fetched alone).
pub const MAX_BULK_EACH: usize = 5 * 1024 * 1024;
/// Bytes of messages one bulk answer holds at most: what does not fit is
/// left out, for the next request.
pub const MAX_BULK_TOTAL: usize = 20 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct BulkQuery {
    /// UIDs separated by commas, at most 50 (`1,2,3`).
    pub uids: String,
}

/// Whole messages at once, to read offline; marks nothing read
/// (`BODY.PEEK[]`). UIDs that no longer exist are absent from the answer,
/// and so are messages over 5 MB and those past 20 MB in all (ask for
/// these again, fewer at a time, or read them online).
#[utoipa::path(get, path = "/api/folders/{folder}/messages/bulk",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"), BulkQuery),
    responses((status = 200, body = Vec<shared::mail::Message>), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn bulk(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<BulkQuery>,
) -> AppResult<Json<Vec<shared::mail::Message>>> {
    let uids = parse_uid_list(&q.uids).ok_or_else(|| ApiError::InvalidRequest {
        detail: format!("uids : entre 1 et {MAX_BULK} numéros séparés par des virgules"),
    })?;
    let fetched = auth
        .imap(|c| {
            let (folder, uids) = (folder.clone(), uids.clone());
            Box::pin(async move {
                c.messages(&folder, &uids, MAX_BULK_EACH, MAX_BULK_TOTAL)
                    .await
            })
        })
        .await?;
    let folder_name = folder.clone();
    let messages = tokio::task::spawn_blocking(move || {
        fetched
            .iter()
            .map(|full| {
                mime::to_message(
                    &full.raw,
                    mime::Envelope {
                        folder: &folder_name,
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
    Ok(Json(messages))
}

/// `1,2,3` to UIDs: between 1 and [`MAX_BULK`] distinct non-zero numbers.
fn parse_uid_list(s: &str) -> Option<Vec<u32>> {
    let mut uids = Vec::new();
    for part in s.split(',') {
        let uid: u32 = part.trim().parse().ok()?;
        if uid == 0 {
            return None;
        }
        if !uids.contains(&uid) {
            uids.push(uid);
        }
    }
    (!uids.is_empty() && uids.len() <= MAX_BULK).then_some(uids)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChangesQuery {
    /// The folder's UIDVALIDITY the client's cache was made with.
    pub uid_validity: u32,
    /// The HIGHESTMODSEQ the client was last given (page or changes).
    pub modseq: u64,
}

/// What changed in a folder since the client's cache: flags, expunged
/// UIDs, counts (QRESYNC; one IMAP round trip when nothing changed).
/// `reset` tells the client to drop its cache of the folder.
#[utoipa::path(get, path = "/api/folders/{folder}/changes",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"), ChangesQuery),
    responses((status = 200, body = FolderChanges), (status = 404, body = ApiError)))]
pub async fn changes(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<ChangesQuery>,
) -> AppResult<Json<FolderChanges>> {
    let found = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move { c.select_qresync(&folder, q.uid_validity, q.modseq).await })
        })
        .await?;
    Ok(Json(FolderChanges {
        folder,
        uid_validity: found.uid_validity,
        highest_modseq: found.highest_modseq,
        reset: found.reset,
        changed: found
            .changed
            .into_iter()
            .map(|(uid, flags)| FlagChange { uid, flags })
            .collect(),
        vanished: found.vanished,
        total: found.total,
        unread: found.unread,
    }))
}

/// A list row from what was fetched for it (`ImapConn::fetch_summaries`
/// with the list's items): the folder page, search, conversations and
/// live updates all make rows this one way.
pub fn summary_of(r: &crate::imap::SummaryData) -> MessageSummary {
    let head = mail_parser::MessageParser::default().parse_headers(&r.header);
    let (from, to, subject, date) = match &head {
        Some(h) => (
            mime::addresses(h.from()).into_iter().next(),
            mime::addresses(h.to()),
            h.subject().unwrap_or_default().to_string(),
            h.date().map(|d| d.to_timestamp()),
        ),
        None => (None, vec![], String::new(), None),
    };
    MessageSummary {
        uid: r.uid,
        from,
        to,
        subject,
        date: date.or(r.internal_date).unwrap_or(0),
        size: r.size,
        flags: r.flags,
        has_attachments: r.has_attachments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_lists_parse_within_bounds() {
        assert_eq!(parse_uid_list("3,1, 2,3"), Some(vec![3, 1, 2]));
        assert_eq!(parse_uid_list("7"), Some(vec![7]));
        assert_eq!(parse_uid_list(""), None);
        assert_eq!(parse_uid_list("1,,2"), None);
        assert_eq!(parse_uid_list("0"), None);
        assert_eq!(parse_uid_list("1:5"), None);
        assert_eq!(parse_uid_list("-1"), None);
        let fifty: Vec<String> = (1..=50).map(|u| u.to_string()).collect();
        assert_eq!(parse_uid_list(&fifty.join(",")).map(|v| v.len()), Some(50));
        let many: Vec<String> = (1..=51).map(|u| u.to_string()).collect();
        assert_eq!(parse_uid_list(&many.join(",")), None);
    }
}
