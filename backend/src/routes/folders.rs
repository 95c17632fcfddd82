//! The folder tree and the quota, and managing folders: create, rename or
//! move, delete, subscribe, empty the Trash or Junk.
//!
//! Every change answers the new tree, as `GET /api/folders` would. What
//! is checked (names, special-use folders, counts to confirm) is checked
//! on a fresh listing, in the same turn of the connection as the change.

use axum::http::Uri;
use serde::Deserialize;
use shared::{
    ApiError,
    mail::{
        ActionResult, CreateFolderRequest, Folder, FolderList, FolderRole, RenameFolderRequest,
        SubscriptionRequest, decode_segment, folder_name_problem,
    },
};

use crate::{
    auth::{Authed, Json, Path, Query},
    error::AppResult,
    imap::{ImapConn, ImapError},
};

/// Folders in display order with their counts, and the quota.
#[utoipa::path(get, path = "/api/folders", responses(
    (status = 200, body = FolderList),
    (status = 401, body = ApiError),
))]
pub async fn list(auth: Authed) -> AppResult<Json<FolderList>> {
    let (folders, quota, delimiter) = auth.imap(|c| Box::pin(c.folders())).await?;
    Ok(Json(FolderList {
        folders,
        quota,
        delimiter,
    }))
}

const ALREADY_EXISTS: &str = "un dossier porte déjà ce nom";
const CANNOT_RENAME: &str = "ce dossier ne peut pas être renommé";
const CANNOT_DELETE: &str = "ce dossier ne peut pas être supprimé";

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::InvalidRequest {
        detail: detail.into(),
    }
}

/// The tree as `GET /api/folders` answers it.
async fn listing(c: &mut ImapConn) -> Result<FolderList, ImapError> {
    let (folders, quota, delimiter) = c.folders().await?;
    Ok(FolderList {
        folders,
        quota,
        delimiter,
    })
}

/// The folder at `path` (`INBOX` in any case).
fn find<'a>(folders: &'a [Folder], path: &str) -> Option<&'a Folder> {
    folders.iter().find(|f| {
        f.path == path
            || (f.path.eq_ignore_ascii_case("INBOX") && path.eq_ignore_ascii_case("INBOX"))
    })
}

/// `root` and its subfolders.
fn subtree<'a>(folders: &'a [Folder], root: &str, delim: Option<&str>) -> Vec<&'a Folder> {
    folders
        .iter()
        .filter(|f| ImapConn::is_under(&f.path, root, delim))
        .collect()
}

/// Whether the folder is special (INBOX, or a role) or holds one that is:
/// such a tree is neither renamed, moved nor deleted.
fn holds_special(tree: &[&Folder]) -> bool {
    tree.iter()
        .any(|f| f.role.is_some() || f.path.eq_ignore_ascii_case("INBOX"))
}

/// The path of `name` under `parent`, after checking both: the name is a
/// valid segment, the parent exists and the server has a hierarchy.
fn new_path(
    folders: &[Folder],
    parent: Option<&str>,
    name: &str,
    delim: Option<&str>,
) -> Result<String, ApiError> {
    if let Some(problem) = folder_name_problem(name, delim) {
        return Err(invalid(problem));
    }
    match parent {
        None => Ok(name.to_string()),
        Some(parent) => {
            let Some(d) = delim.filter(|d| !d.is_empty()) else {
                return Err(invalid("le serveur ne permet pas les sous-dossiers"));
            };
            let parent = find(folders, parent).ok_or(ApiError::FolderNotFound)?;
            Ok(format!("{}{d}{name}", parent.path))
        }
    }
}

/// Whether a server refusal says the name is taken (RFC 5530 `ALREADYEXISTS`).
fn already_exists(e: &ImapError) -> bool {
    matches!(e, ImapError::Refused(t) if t.to_ascii_uppercase().contains("ALREADYEXISTS"))
}

/// Creates a folder, `name` under `parent` (top level without one), and
/// subscribes to it. Answers the new tree.
#[utoipa::path(post, path = "/api/folders", request_body = CreateFolderRequest,
    responses((status = 200, body = FolderList), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn create(
    auth: Authed,
    Json(req): Json<CreateFolderRequest>,
) -> AppResult<Json<FolderList>> {
    let name = req.name.trim().to_string();
    let parent = req.parent.filter(|p| !p.is_empty());
    let result = auth
        .imap(|c| {
            let (name, parent) = (name.clone(), parent.clone());
            Box::pin(async move {
                let (folders, _, delim) = c.folders().await?;
                let path = match new_path(&folders, parent.as_deref(), &name, delim.as_deref()) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(e)),
                };
                if find(&folders, &path).is_some() {
                    return Ok(Err(invalid(ALREADY_EXISTS)));
                }
                match c.create_subscribed_folder(&path).await {
                    Err(e) if already_exists(&e) => return Ok(Err(invalid(ALREADY_EXISTS))),
                    other => other?,
                }
                Ok(Ok(listing(c).await?))
            })
        })
        .await?;
    Ok(Json(result?))
}

/// Renames or moves a folder; its subfolders and their messages follow,
/// and so do subscriptions. INBOX and the special folders (and a folder
/// holding one) stay where they are; a folder cannot go into its own
/// subfolder. Answers the new tree.
#[utoipa::path(post, path = "/api/folders/rename", request_body = RenameFolderRequest,
    responses((status = 200, body = FolderList), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn rename(
    auth: Authed,
    Json(req): Json<RenameFolderRequest>,
) -> AppResult<Json<FolderList>> {
    let name = req.to_name.trim().to_string();
    let parent = req.to_parent.filter(|p| !p.is_empty());
    let from = req.from;
    let result = auth
        .imap(|c| {
            let (from, name, parent) = (from.clone(), name.clone(), parent.clone());
            Box::pin(async move {
                let (folders, _, delim) = c.folders().await?;
                let delim = delim.as_deref();
                let Some(folder) = find(&folders, &from) else {
                    return Ok(Err(ApiError::FolderNotFound));
                };
                let from = folder.path.clone();
                if holds_special(&subtree(&folders, &from, delim)) {
                    return Ok(Err(invalid(CANNOT_RENAME)));
                }
                if let Some(p) = &parent
                    && ImapConn::is_under(p, &from, delim)
                {
                    return Ok(Err(invalid(
                        "un dossier ne peut pas être déplacé dans l'un de ses sous-dossiers",
                    )));
                }
                let to = match new_path(&folders, parent.as_deref(), &name, delim) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(e)),
                };
                if to == from {
                    return Ok(Ok(listing(c).await?));
                }
                if find(&folders, &to).is_some() {
                    return Ok(Err(invalid(ALREADY_EXISTS)));
                }
                match c.rename_folder(&from, &to).await {
                    Err(e) if already_exists(&e) => return Ok(Err(invalid(ALREADY_EXISTS))),
                    other => other?,
                }
                Ok(Ok(listing(c).await?))
            })
        })
        .await?;
    Ok(Json(result?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ConfirmQuery {
    /// The number of messages the user agreed to lose, as the `409
    /// confirm_delete` answer told it.
    pub confirm: Option<u32>,
}

/// Deletes a folder, its subfolders and every message in them. Without
/// `confirm`, or when it differs from the number of messages they hold
/// now, nothing is deleted: the answer is `409 confirm_delete` with the
/// counts to show the user. INBOX and the special folders (and a folder
/// holding one) cannot be deleted. Answers the new tree.
#[utoipa::path(delete, path = "/api/folders/{folder}",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"),
        ConfirmQuery),
    responses((status = 200, body = FolderList), (status = 400, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Json<FolderList>> {
    delete_folder(auth, folder, q.confirm).await
}

/// `DELETE /api/folders/rename` and `/api/folders/subscription`: the
/// static routes of those names hide `/api/folders/{folder}` for
/// top-level folders so named; this deletes them all the same.
pub async fn delete_static_name(
    auth: Authed,
    uri: Uri,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Json<FolderList>> {
    let segment = uri.path().rsplit('/').next().unwrap_or_default();
    let folder = decode_segment(segment).ok_or_else(|| invalid("chemin de dossier"))?;
    delete_folder(auth, folder, q.confirm).await
}

async fn delete_folder(
    auth: Authed,
    folder: String,
    confirm: Option<u32>,
) -> AppResult<Json<FolderList>> {
    let result = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move {
                let (folders, _, delim) = c.folders().await?;
                let Some(root) = find(&folders, &folder) else {
                    return Ok(Err(ApiError::FolderNotFound));
                };
                let root = root.path.clone();
                let tree = subtree(&folders, &root, delim.as_deref());
                if holds_special(&tree) {
                    return Ok(Err(invalid(CANNOT_DELETE)));
                }
                let messages = tree.iter().map(|f| f.total).fold(0u32, u32::saturating_add);
                if confirm != Some(messages) {
                    return Ok(Err(ApiError::ConfirmDelete {
                        messages,
                        folders: tree.len().saturating_sub(1) as u32,
                    }));
                }
                c.delete_folder_tree(&root).await?;
                Ok(Ok(listing(c).await?))
            })
        })
        .await?;
    Ok(Json(result?))
}

/// Subscribes to a folder or unsubscribes from it (the special folders
/// stay subscribed). Answers the new tree.
#[utoipa::path(post, path = "/api/folders/subscription", request_body = SubscriptionRequest,
    responses((status = 200, body = FolderList), (status = 400, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn subscription(
    auth: Authed,
    Json(req): Json<SubscriptionRequest>,
) -> AppResult<Json<FolderList>> {
    let result = auth
        .imap(|c| {
            let (folder, subscribed) = (req.folder.clone(), req.subscribed);
            Box::pin(async move {
                let (folders, _, _) = c.folders().await?;
                let Some(f) = find(&folders, &folder) else {
                    return Ok(Err(ApiError::FolderNotFound));
                };
                if !subscribed && f.role.is_some() {
                    return Ok(Err(invalid(
                        "les dossiers spéciaux restent toujours abonnés",
                    )));
                }
                let path = f.path.clone();
                c.set_subscribed(&path, subscribed).await?;
                Ok(Ok(listing(c).await?))
            })
        })
        .await?;
    Ok(Json(result?))
}

/// Empties the Trash or the Junk folder for good (no other folder). Like
/// a delete, it needs `confirm`, the number of messages the folder holds
/// now, else the answer is `409 confirm_delete` with that number. Answers
/// how many messages were erased.
#[utoipa::path(post, path = "/api/folders/{folder}/empty",
    params(("folder" = String, Path, description = "Chemin du dossier, encodé en un segment"),
        ConfirmQuery),
    responses((status = 200, body = ActionResult), (status = 400, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn empty(
    auth: Authed,
    Path(folder): Path<String>,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Json<ActionResult>> {
    let confirm = q.confirm;
    let result = auth
        .imap(|c| {
            let folder = folder.clone();
            Box::pin(async move {
                let (folders, _, _) = c.folders().await?;
                let Some(f) = find(&folders, &folder) else {
                    return Ok(Err(ApiError::FolderNotFound));
                };
                if !matches!(f.role, Some(FolderRole::Trash | FolderRole::Junk)) {
                    return Ok(Err(invalid(
                        "seuls la corbeille et le dossier des indésirables peuvent être vidés",
                    )));
                }
                let path = f.path.clone();
                let messages = c.message_count(&path).await?;
                if confirm != Some(messages) {
                    return Ok(Err(ApiError::ConfirmDelete {
                        messages,
                        folders: 0,
                    }));
                }
                let count = c.erase_all(&path).await?;
                Ok(Ok(ActionResult {
                    count,
                    moved_to: None,
                }))
            })
        })
        .await?;
    Ok(Json(result?))
}
