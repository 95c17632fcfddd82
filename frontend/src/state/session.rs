//! Who is logged in. The app asks `GET /api/session` at start; a login, a
//! logout or any request answering `not_authenticated` changes the state,
//! and the route guard sends the user where they belong.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::session::{PublicConfig, SessionInfo};

use crate::api;
use crate::store;

/// The session as the interface knows it.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// Still asking the backend.
    Checking,
    /// Nobody is logged in.
    LoggedOut(LoggedOutReason),
    LoggedIn(SessionInfo),
}

/// Why nobody is logged in: the login page says so, and after an expiry
/// or a first visit it sends the user back where they were going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggedOutReason {
    /// No session when the app started.
    NoSession,
    /// The session ended by itself (idle timeout, server restart…).
    Expired,
    /// The user logged out.
    LoggedOut,
}

/// The session and the public configuration, shared through context.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub state: RwSignal<SessionState>,
    /// `None` until `/api/config` answers (or when it failed).
    pub config: RwSignal<Option<PublicConfig>>,
}

/// Where the session is remembered for opening the app offline.
const SESSION_KEY: &str = "session";

/// The product name when the configuration gives none (yet).
pub const DEFAULT_BRAND: &str = "Facteur";

impl SessionCtx {
    /// Makes `info` the session: the CSRF token for the API client, and a
    /// cache that holds only this user's mail (awaited before any view
    /// reads the cache).
    pub async fn establish(self, info: SessionInfo) {
        api::set_csrf_token(Some(info.csrf_token.clone()));
        store::claim_for(&info.username).await;
        // Remembered for opening the app offline (not on a shared computer:
        // `put` keeps nothing there).
        if let Ok(t) = serde_json::to_string(&info) {
            store::put(SESSION_KEY, &t).await;
        }
        self.state.set(SessionState::LoggedIn(info));
    }

    /// The backend says the session is gone.
    pub fn expire(self) {
        api::set_csrf_token(None);
        if matches!(self.state.get_untracked(), SessionState::LoggedIn(_)) {
            self.state
                .set(SessionState::LoggedOut(LoggedOutReason::Expired));
        }
    }

    /// Logs out: the interface leaves at once; then the session ends on the
    /// server and the cached mail is forgotten.
    pub fn logout(self) {
        let token = match self.state.get_untracked() {
            SessionState::LoggedIn(info) => info.csrf_token,
            _ => return,
        };
        self.state
            .set(SessionState::LoggedOut(LoggedOutReason::LoggedOut));
        spawn_local(async move {
            // Whatever the server answers, this browser forgets the session.
            let _ = api::session::logout().await;
            api::forget_csrf_token(&token);
            // Nothing of this user stays on the device (shared school PCs):
            // the cache and the attachments opened. The "ordinateur
            // partagé" choice stays ticked for the next person.
            store::clear().await;
            store::clear_files().await;
        });
    }

    /// The brand to show (configured, else "Facteur").
    pub fn brand(self) -> String {
        self.config
            .with(|c| c.as_ref().map(|c| c.brand.clone()))
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_BRAND.to_string())
    }
}

/// Creates the session context, starts asking who is logged in and for
/// the configuration, and provides it to the app.
pub fn provide_session() -> SessionCtx {
    let ctx = SessionCtx {
        state: RwSignal::new(SessionState::Checking),
        config: RwSignal::new(None),
    };
    provide_context(ctx);
    api::on_unauthenticated(move || ctx.expire());
    spawn_local(async move {
        match api::session::current().await {
            Ok(info) => ctx.establish(info).await,
            // Offline: the user who was logged in on this device reads what
            // it keeps (the server still decides when the network is back).
            Err(api::Failure::Network) => match store::get(SESSION_KEY)
                .await
                .and_then(|t| serde_json::from_str::<SessionInfo>(&t).ok())
            {
                Some(info) => {
                    api::set_csrf_token(Some(info.csrf_token.clone()));
                    ctx.state.set(SessionState::LoggedIn(info));
                }
                None => ctx
                    .state
                    .set(SessionState::LoggedOut(LoggedOutReason::NoSession)),
            },
            Err(_) => ctx
                .state
                .set(SessionState::LoggedOut(LoggedOutReason::NoSession)),
        }
    });
    spawn_local(async move {
        if let Ok(config) = api::session::config().await {
            ctx.config.set(Some(config));
        }
    });
    ctx
}

/// The session context.
pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}
