//! Who is asking: the session cookie, its expiry, and the anti-CSRF check
//! on every state-changing request. Also the extractors whose rejections
//! are API errors rather than plain text.

use axum::{
    extract::{
        FromRequest, FromRequestParts, rejection::JsonRejection, rejection::PathRejection,
        rejection::QueryRejection,
    },
    http::{HeaderMap, Method, header, request::Parts},
};
use shared::ApiError;

use crate::{
    AppState,
    error::AppError,
    imap::{
        ImapConn, ImapError,
        pool::{Credentials, ImapFuture, ImapHandle},
    },
    session::{SessionData, now},
};

/// Name of the session cookie over plain HTTP (local use only).
pub const COOKIE: &str = "facteur_session";
/// Name of the session cookie over HTTPS: the `__Host-` prefix forbids a
/// `Domain` attribute, so a sibling subdomain cannot plant one.
pub const SECURE_COOKIE: &str = "__Host-facteur_session";

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(id: &str, secure: bool, max_age_secs: u64) -> String {
    if secure {
        format!(
            "{SECURE_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}; Secure"
        )
    } else {
        format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}")
    }
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", secure, 0)
}

/// Every session id the request's cookies carry (a planted cookie of the
/// same name may come first: the caller keeps the one its store knows).
pub fn session_ids(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, v)| (*k == COOKIE || *k == SECURE_COOKIE) && !v.is_empty())
        .map(|(_, v)| v.to_string())
        .collect()
}

/// A request from a logged-in user.
pub struct Authed {
    pub id: String,
    pub sessions: std::sync::Arc<crate::session::Sessions>,
    pub data: SessionData,
    pub creds: Credentials,
    pub imap: ImapHandle,
}

impl Authed {
    /// Runs an IMAP operation on the user's connection (reconnecting if
    /// the server dropped it).
    pub async fn imap<T>(
        &self,
        op: impl for<'c> FnMut(&'c mut ImapConn) -> ImapFuture<'c, T> + Send,
    ) -> Result<T, AppError> {
        match self.imap.run(&self.creds, op).await {
            Ok(v) => Ok(v),
            // A password refused now means it changed elsewhere: end the
            // session, or every request would try the old one again (and
            // may get the account locked).
            Err(
                e @ (ImapError::AuthenticationFailed
                | ImapError::AccountDisabled
                | ImapError::PasswordExpired),
            ) => {
                self.end_session();
                Err(AppError {
                    api: ApiError::NotAuthenticated,
                    cause: Some(e.to_string()),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Ends the session now (its password was refused by a server) and
    /// closes its IMAP connection in the background.
    pub fn end_session(&self) {
        self.sessions.store.remove(&self.id);
        if let Some(h) = self.sessions.take_handle(&self.id) {
            tokio::spawn(async move { h.close().await });
        }
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let sessions = &state.sessions;
        let (id, mut data) = session_ids(&parts.headers)
            .into_iter()
            .find_map(|id| sessions.store.get(&id).map(|d| (id, d)))
            .ok_or(ApiError::NotAuthenticated)?;
        let t = now();
        let idle = state.config.session_idle.as_secs();
        let max = state.config.session_max.as_secs();
        if t.saturating_sub(data.last_seen) > idle || t.saturating_sub(data.created_at) > max {
            sessions.store.remove(&id);
            if let Some(h) = sessions.take_handle(&id) {
                h.close().await;
            }
            return Err(ApiError::NotAuthenticated.into());
        }
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get(shared::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), data.csrf_token.as_bytes()) {
                return Err(ApiError::CsrfRejected.into());
            }
        }
        // Touch the session, but not on every request: a shared store
        // should not take a write per click.
        if t.saturating_sub(data.last_seen) >= 15 {
            data.last_seen = t;
            sessions.store.put(&id, data.clone());
        }
        let password = sessions
            .key
            .open(&data.sealed_password)
            .map_err(|e| AppError {
                api: ApiError::NotAuthenticated,
                cause: Some(format!("{e:#}")),
            })?;
        let creds = Credentials {
            server: state.config.imap.clone(),
            tls: state.tls.clone(),
            username: data.username.clone(),
            password,
            timeout: state.config.server_timeout,
        };
        let imap = sessions.handle(&id);
        Ok(Authed {
            id,
            sessions: sessions.clone(),
            data,
            creds,
            imap,
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// JSON body whose rejection is an [`ApiError::InvalidRequest`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        ApiError::InvalidRequest {
            detail: r.body_text(),
        }
        .into()
    }
}

/// Path parameters whose rejection is an [`ApiError::InvalidRequest`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        ApiError::InvalidRequest {
            detail: r.body_text(),
        }
        .into()
    }
}

/// Query parameters whose rejection is an [`ApiError::InvalidRequest`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        ApiError::InvalidRequest {
            detail: r.body_text(),
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_httponly_strict_and_found_again() {
        let c = session_cookie("abc", true, 60);
        assert!(c.starts_with("__Host-facteur_session=abc; Path=/;"));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!c.contains("Domain"));
        assert!(!session_cookie("abc", false, 60).contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; facteur_session=planted; __Host-facteur_session=xyz; b=2"
                .parse()
                .unwrap(),
        );
        assert_eq!(session_ids(&h), ["planted", "xyz"]);
        h.insert(header::COOKIE, "facteur_session=".parse().unwrap());
        assert!(session_ids(&h).is_empty());
    }

    #[test]
    fn csrf_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
