//! The user's preferences, kept with their mail account in a private IMAP
//! METADATA entry (RFC 5464) so that every device and every backend
//! instance sees the same.

use shared::{ApiError, prefs::Preferences};

use crate::{
    auth::{Authed, Json},
    error::AppResult,
};

/// Where the preferences live on the IMAP server (RFC 5464 §3.2: a vendor
/// entry under `/private/vendor/vendor.<name>/`).
pub const ENTRY: &str = "/private/vendor/vendor.facteur/preferences";
/// Largest preferences document accepted (signatures included).
const MAX_BYTES: usize = 64 * 1024;

/// Reads the preferences; what cannot be read gives the defaults, put in
/// order for the login address.
pub async fn load(auth: &Authed) -> AppResult<Preferences> {
    let stored = auth
        .imap(|c| Box::pin(async move { c.get_metadata(ENTRY).await }))
        .await;
    let mut prefs = match stored {
        Ok(Some(text)) => serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(user = %auth.data.username, "préférences illisibles, valeurs par défaut: {e}");
            Preferences::default()
        }),
        Ok(None) => Preferences::default(),
        Err(e) if e.api == ApiError::NotAuthenticated => return Err(e),
        Err(e) => {
            tracing::warn!(user = %auth.data.username, "préférences non lues: {:?}", e.cause);
            Preferences::default()
        }
    };
    if prefs.normalize(&auth.data.email).is_err() {
        prefs = Preferences::default();
        let _ = prefs.normalize(&auth.data.email);
    }
    Ok(prefs)
}

/// The user's preferences.
#[utoipa::path(get, path = "/api/preferences", responses(
    (status = 200, body = Preferences),
    (status = 401, body = ApiError),
))]
pub async fn get(auth: Authed) -> AppResult<Json<Preferences>> {
    Ok(Json(load(&auth).await?))
}

/// Saves the preferences and returns them as stored (in order: the login
/// identity first, the undo delay within 0–30 s).
#[utoipa::path(put, path = "/api/preferences", request_body = Preferences, responses(
    (status = 200, body = Preferences),
    (status = 400, body = ApiError),
    (status = 502, body = ApiError, description = "le serveur ne conserve pas les préférences"),
))]
pub async fn put(auth: Authed, Json(prefs): Json<Preferences>) -> AppResult<Json<Preferences>> {
    Ok(Json(store(&auth, prefs).await?))
}

/// Checks and stores the preferences; returns them as stored.
pub async fn store(auth: &Authed, mut prefs: Preferences) -> AppResult<Preferences> {
    prefs
        .normalize(&auth.data.email)
        .map_err(|detail| ApiError::InvalidRequest { detail })?;
    let text = serde_json::to_string(&prefs).map_err(|_| ApiError::Internal)?;
    if text.len() > MAX_BYTES {
        return Err(ApiError::InvalidRequest {
            detail: "préférences trop longues (signatures de plus de 64 Ko)".into(),
        }
        .into());
    }
    auth.imap(|c| {
        let text = text.clone();
        Box::pin(async move { c.set_metadata(ENTRY, Some(&text)).await })
    })
    .await?;
    Ok(prefs)
}
