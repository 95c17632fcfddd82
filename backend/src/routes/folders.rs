//! The folder tree and the quota.

use shared::{ApiError, mail::FolderList};

use crate::{
    auth::{Authed, Json},
    error::AppResult,
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
