//! Organise and find: search across folders, the junk verdict, and the
//! report of what takes room.

use shared::{
    ApiError,
    mail::{ActionResult, FolderRole},
    search::{
        FolderUsage, JunkRequest, MAX_SEARCH_FOLDERS, MAX_SEARCH_LIMIT, SearchHit, SearchRequest,
        SearchResult, SpaceReport,
    },
};

use crate::{
    auth::{Authed, Json, Path},
    error::{AppError, AppResult},
    imap::{ImapConn, ImapError, SearchCriteria, SearchOrder, SummaryData},
};

/// Most words a quick search may hold.
const MAX_WORDS: usize = 10;
/// Longest text a quick search may hold, in characters.
const MAX_TEXT: usize = 500;
/// Deepest a search may page (`offset + limit`): each folder's first
/// hits up to there are ranked.
const MAX_DEPTH: u32 = 5_000;
/// Most UIDs one junk verdict may name.
const MAX_UIDS: usize = 5_000;
/// Messages the space report lists.
const LARGEST: u32 = 20;

fn invalid(detail: impl Into<String>) -> AppError {
    ApiError::InvalidRequest {
        detail: detail.into(),
    }
    .into()
}

/// `2026-03-01` to a day.
fn parse_day(field: &str, value: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| invalid(format!("{field} : date attendue au format AAAA-MM-JJ"))),
    }
}

/// The request checked and turned into IMAP criteria.
fn criteria_of(req: &SearchRequest) -> Result<SearchCriteria, AppError> {
    if req.text.chars().any(char::is_control) {
        return Err(invalid("la recherche contient un caractère de contrôle"));
    }
    if req.text.chars().count() > MAX_TEXT {
        return Err(invalid(format!(
            "la recherche dépasse {MAX_TEXT} caractères"
        )));
    }
    let words: Vec<String> = req.text.split_whitespace().map(str::to_string).collect();
    if words.len() > MAX_WORDS {
        return Err(invalid(format!("au plus {MAX_WORDS} mots")));
    }
    Ok(SearchCriteria {
        words,
        since: parse_day("since", req.since.as_deref())?,
        before: parse_day("before", req.before.as_deref())?,
        multipart_mixed: req.has_attachment,
        unread: req.unread,
        flagged: req.flagged,
        larger_than: req.larger_than,
    })
}

fn hits_of(found: Vec<(String, SummaryData)>) -> Vec<SearchHit> {
    found
        .into_iter()
        .map(|(folder, row)| SearchHit {
            folder,
            summary: super::messages::summary_of(&row),
        })
        .collect()
}

/// The selectable folders, in display order (INBOX first), at most
/// [`MAX_SEARCH_FOLDERS`]; the quota comes with them.
async fn all_folders(
    c: &mut ImapConn,
) -> Result<(Vec<String>, Option<shared::mail::Quota>), ImapError> {
    let (folders, quota, _) = c.folders().await?;
    let paths = folders
        .into_iter()
        .filter(|f| f.selectable)
        .map(|f| f.path)
        .take(MAX_SEARCH_FOLDERS)
        .collect();
    Ok((paths, quota))
}

/// Searches one folder or all of them. Each word of `text` must be in the
/// sender, the recipients, the subject or the body (the server compares
/// without case; see the tests for accents). Hits come newest arrival
/// first across folders, one page at a time. `has_attachment` is
/// approximated by a top-level `multipart/mixed` type.
#[utoipa::path(post, path = "/api/search", request_body = SearchRequest,
    responses((status = 200, body = SearchResult), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn search(auth: Authed, Json(req): Json<SearchRequest>) -> AppResult<Json<SearchResult>> {
    let criteria = criteria_of(&req)?;
    if req.limit == 0 || req.limit > MAX_SEARCH_LIMIT {
        return Err(invalid(format!("limit : entre 1 et {MAX_SEARCH_LIMIT}")));
    }
    if req.offset.saturating_add(req.limit) > MAX_DEPTH {
        return Err(invalid(format!(
            "offset : au plus {} résultats",
            MAX_DEPTH - req.limit
        )));
    }
    if req.folder.as_deref().is_some_and(str::is_empty) {
        return Err(invalid("nom de dossier vide"));
    }
    let (offset, limit) = (req.offset, req.limit);
    let found = auth
        .imap(|c| {
            let (folder, criteria) = (req.folder.clone(), criteria.clone());
            Box::pin(async move {
                let folders = match folder {
                    Some(f) => vec![f],
                    None => all_folders(c).await?.0,
                };
                c.search(&folders, &criteria, SearchOrder::Arrival, offset, limit)
                    .await
            })
        })
        .await?;
    Ok(Json(SearchResult {
        hits: hits_of(found.hits),
        total: found.total,
        folders_searched: found.folders_searched,
    }))
}

/// Marks messages as junk (`$Junk`, `$NotJunk` removed) and moves them to
/// the Junk folder, or as not junk (`$NotJunk`, `$Junk` removed) and moves
/// them to INBOX. Messages already in the destination are only marked
/// (then `moved_to` is absent).
#[utoipa::path(post, path = "/api/folders/{folder}/messages/junk",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment")),
    request_body = JunkRequest,
    responses((status = 200, body = ActionResult), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn junk(
    auth: Authed,
    Path(folder): Path<String>,
    Json(req): Json<JunkRequest>,
) -> AppResult<Json<ActionResult>> {
    if req.uids.is_empty() || req.uids.len() > MAX_UIDS || req.uids.contains(&0) {
        return Err(invalid(format!("entre 1 et {MAX_UIDS} messages")));
    }
    let result = auth
        .imap(|c| {
            let (folder, uids, junk) = (folder.clone(), req.uids.clone(), req.junk);
            Box::pin(async move {
                let (add, remove) = if junk {
                    ("$Junk", "$NotJunk")
                } else {
                    ("$NotJunk", "$Junk")
                };
                let to = if junk {
                    match c.folder_with_role(FolderRole::Junk).await? {
                        Some(t) => t,
                        None => {
                            return Ok(Err(ApiError::ServerRefused {
                                detail: "le compte n'a pas de dossier Indésirables".into(),
                            }));
                        }
                    }
                } else {
                    "INBOX".to_string()
                };
                c.add_flags(&folder, &uids, &[add]).await?;
                c.remove_flags(&folder, &uids, &[remove]).await?;
                if to == folder {
                    return Ok(Ok(ActionResult {
                        count: uids.len() as u32,
                        moved_to: None,
                    }));
                }
                let count = c.move_messages(&folder, &uids, &to).await?;
                Ok(Ok(ActionResult {
                    count,
                    moved_to: Some(to),
                }))
            })
        })
        .await?;
    Ok(Json(result?))
}

/// What takes room: the quota, the 20 largest messages across folders
/// (largest first, `UID SORT (REVERSE SIZE)` per folder), and how much the
/// Trash and the Junk folder hold (summed from the messages' sizes).
#[utoipa::path(get, path = "/api/space",
    responses((status = 200, body = SpaceReport), (status = 401, body = ApiError)))]
pub async fn space(auth: Authed) -> AppResult<Json<SpaceReport>> {
    let (quota, found, trash, junk) = auth
        .imap(|c| {
            Box::pin(async move {
                let (folders, quota) = all_folders(c).await?;
                let found = c
                    .search(
                        &folders,
                        &SearchCriteria::default(),
                        SearchOrder::Size,
                        0,
                        LARGEST,
                    )
                    .await?;
                let mut usage = Vec::with_capacity(2);
                for role in [FolderRole::Trash, FolderRole::Junk] {
                    let u = match c.folder_with_role(role).await? {
                        Some(path) => match c.folder_usage(&path).await {
                            Ok((messages, bytes)) => Some(FolderUsage {
                                folder: path,
                                messages,
                                bytes,
                            }),
                            Err(ImapError::NoSuchFolder(_)) => None,
                            Err(e) => return Err(e),
                        },
                        None => None,
                    };
                    usage.push(u);
                }
                let junk = usage.pop().flatten();
                let trash = usage.pop().flatten();
                Ok((quota, found, trash, junk))
            })
        })
        .await?;
    Ok(Json(SpaceReport {
        quota,
        largest: hits_of(found.hits),
        trash,
        junk,
    }))
}
