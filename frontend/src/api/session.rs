//! Logging in and out, and the public configuration of the login page.

use shared::session::{LoginRequest, PublicConfig, SessionInfo};

use super::{Failure, Method, decode, get_text, json, send_text};

/// `/api/session`: its 401 means "not logged in", not "session lost".
pub const SESSION_URL: &str = "/api/session";

/// `GET /api/config`.
pub async fn config() -> Result<PublicConfig, Failure> {
    decode(&get_text("/api/config", None).await?)
}

/// `GET /api/session`: the current session, if any.
pub async fn current() -> Result<SessionInfo, Failure> {
    decode(&get_text(SESSION_URL, None).await?)
}

/// `POST /api/session`.
pub async fn login(req: &LoginRequest) -> Result<SessionInfo, Failure> {
    decode(&send_text(Method::Post, SESSION_URL, json(req)).await?)
}

/// `DELETE /api/session`.
pub async fn logout() -> Result<(), Failure> {
    send_text(Method::Delete, SESSION_URL, None).await.map(drop)
}
