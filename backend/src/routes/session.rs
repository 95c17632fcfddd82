//! Login, logout, who is logged in, and what the login page shows.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use shared::{
    ApiError,
    session::{LoginRequest, PublicConfig, SessionInfo},
};

use crate::{
    AppState,
    auth::{Authed, Json, clear_cookie, session_cookie},
    error::{AppError, AppResult},
    imap::{self, ImapConn, pool::ImapHandle},
    session::{LoginThrottle, SessionData, now, random_token},
};

/// Branding and help links, before login.
#[utoipa::path(get, path = "/api/config", responses((status = 200, body = PublicConfig)))]
pub async fn public_config(State(state): State<AppState>) -> Json<PublicConfig> {
    let c = &state.config;
    Json(PublicConfig {
        brand: c.brand.clone(),
        lost_password_url: c.lost_password_url.clone(),
        support_url: c.support_url.clone(),
        domain: c.domain.clone(),
    })
}

fn info(state: &AppState, data: &SessionData) -> SessionInfo {
    SessionInfo {
        username: data.username.clone(),
        email: data.email.clone(),
        csrf_token: data.csrf_token.clone(),
        idle_timeout_secs: state.config.session_idle.as_secs(),
    }
}

/// The logged-in user, or `not_authenticated`.
#[utoipa::path(get, path = "/api/session", responses(
    (status = 200, body = SessionInfo),
    (status = 401, body = ApiError),
))]
pub async fn current(State(state): State<AppState>, auth: Authed) -> Json<SessionInfo> {
    Json(info(&state, &auth.data))
}

/// Checks the identifier and password against IMAP and opens a session.
#[utoipa::path(post, path = "/api/session", request_body = LoginRequest, responses(
    (status = 200, body = SessionInfo, description = "Connecté ; le cookie de session est posé"),
    (status = 401, body = ApiError, description = "bad_credentials, account_disabled, password_expired"),
    (status = 429, body = ApiError, description = "too_many_attempts"),
    (status = 503, body = ApiError, description = "server_unknown, server_unavailable"),
))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> AppResult<Response> {
    let username = req.username.trim().to_string();
    if username.is_empty() || req.password.is_empty() {
        return Err(ApiError::InvalidRequest {
            detail: "identifiant et mot de passe requis".into(),
        }
        .into());
    }
    if username.len() > 256 || req.password.len() > 1024 {
        return Err(ApiError::BadCredentials.into());
    }
    let key = LoginThrottle::key(&username, state.config.domain.as_deref());
    let throttle = &state.sessions.throttle;
    // The attempt counts from now, so that parallel tries cannot all pass.
    if let Err(wait) = throttle.attempt(&key, now()) {
        return Ok((
            [(header::RETRY_AFTER, wait.to_string())],
            AppError::from(ApiError::TooManyAttempts {
                retry_after_secs: wait,
            }),
        )
            .into_response());
    }
    let c = &state.config;
    let attempt = async {
        let client = imap::connect(&c.imap, &state.tls, c.server_timeout).await?;
        imap::login(client, &username, &req.password, c.server_timeout).await
    };
    let session = match attempt.await {
        Ok(s) => s,
        Err(e) => {
            if matches!(
                e,
                imap::ImapError::AuthenticationFailed
                    | imap::ImapError::AccountDisabled
                    | imap::ImapError::PasswordExpired
            ) {
                throttle.touch(&key, now());
                tracing::info!(user = %username, reason = %e, "login refused");
            } else {
                // Not the user's doing: it does not count against them.
                throttle.refund(&key);
            }
            return Err(e.into());
        }
    };
    throttle.succeeded(&key);
    let conn = ImapConn::new(session, c.server_timeout).await?;
    let id = random_token()?;
    let t = now();
    let email = if username.contains('@') {
        username.clone()
    } else if let Some(d) = &c.domain {
        format!("{username}@{d}")
    } else {
        username.clone()
    };
    let data = SessionData {
        username: username.clone(),
        email,
        sealed_password: state.sessions.key.seal(&req.password)?,
        csrf_token: random_token()?,
        created_at: t,
        last_seen: t,
    };
    state.sessions.store.put(&id, data.clone());
    if let Ok(mut m) = state.sessions.connections.lock() {
        m.insert(id.clone(), ImapHandle::with(conn));
    }
    tracing::info!(user = %username, "login");
    let cookie = session_cookie(&id, secure(&state, &headers), c.session_max.as_secs());
    Ok(([(header::SET_COOKIE, cookie)], Json(info(&state, &data))).into_response())
}

/// Ends the session and closes its connections.
#[utoipa::path(delete, path = "/api/session", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Authed,
) -> impl IntoResponse {
    end(&state, &auth.id).await;
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie(secure(&state, &headers)))],
    )
}

/// Whether this request's cookies get `Secure`: per configuration, and in
/// `auto` mode also when a proxy in front says the browser used HTTPS.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    let behind_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    match state.config.secure_cookies {
        crate::config::SecureCookies::Auto => state.config.cookies_secure() || behind_https,
        _ => state.config.cookies_secure(),
    }
}

async fn end(state: &AppState, id: &str) {
    state.sessions.store.remove(id);
    if let Some(h) = state.sessions.take_handle(id) {
        h.close().await;
    }
}
