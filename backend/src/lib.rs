//! Facteur's backend: a thin JSON API over the organisation's mail servers,
//! and the web app. `main.rs` reads the configuration and binds;
//! [`router`] builds everything else so that tests drive it with `oneshot`.

pub mod assets;
pub mod auth;
pub mod compose;
pub mod config;
pub mod dav;
pub mod error;
pub mod events;
pub mod ical;
pub mod imap;
pub mod mime;
pub mod net;
pub mod pwa;
pub mod routes;
pub mod session;
pub mod sieve;
pub mod smtp;
pub mod tls;
pub mod vcard;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    http::{HeaderName, HeaderValue, header},
};
use tokio_rustls::TlsConnector;
use tower_http::{compression::CompressionLayer, set_header::SetResponseHeaderLayer};

use crate::{
    config::Config,
    session::{MemoryStore, SessionKey, SessionStore, Sessions},
};

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub tls: TlsConnector,
    pub sessions: Arc<Sessions>,
    pub assets: Arc<assets::Assets>,
    pub compose: Arc<routes::compose::ComposeState>,
}

impl AppState {
    /// Builds the state: TLS trust, the session store (memory), the web app.
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
        Self::with_store(config, store)
    }

    /// Same, with another session store.
    pub fn with_store(config: Config, store: Arc<dyn SessionStore>) -> anyhow::Result<Self> {
        let tls = tls::connector(config.ca_file.as_deref())?;
        let key = match &config.session_key {
            Some(k) => k.clone(),
            None => SessionKey::random()?,
        };
        let assets = assets::Assets::load(&config.dist_dir)?;
        Ok(AppState {
            config: Arc::new(config),
            tls,
            sessions: Arc::new(Sessions::new(store, key)),
            assets: Arc::new(assets),
            compose: Arc::new(routes::compose::ComposeState::default()),
        })
    }
}

/// The whole HTTP surface: `/api/...` and the web app.
pub fn router(state: AppState) -> Router {
    let api = routes::api_router()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new().gzip(true).br(true));
    // Server-Sent Events stay out of compression (a compressor buffers
    // them) and carry their own `Cache-Control`.
    Router::new()
        .merge(routes::events_router())
        .nest("/api", api)
        .fallback(assets::serve)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}

/// Ends expired sessions and closes connections nobody used for a while;
/// runs until the process stops.
pub async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        let now = session::now();
        state.sessions.throttle.prune(now);
        state.compose.prune();
        let idle_before = now.saturating_sub(state.config.session_idle.as_secs());
        let created_before = now.saturating_sub(state.config.session_max.as_secs());
        for id in state.sessions.store.expire(idle_before, created_before) {
            if let Some(h) = state.sessions.take_handle(&id) {
                tokio::spawn(async move { h.close().await });
            }
        }
        // Close the IMAP connection of sessions quiet for 5 minutes; it
        // reopens on the next request.
        let ids: Vec<String> = match state.sessions.connections.lock() {
            Ok(m) => m.keys().cloned().collect(),
            Err(_) => continue,
        };
        for id in ids {
            match state.sessions.store.get(&id) {
                None => {
                    if let Some(h) = state.sessions.take_handle(&id) {
                        tokio::spawn(async move { h.close().await });
                    }
                }
                Some(s) if now.saturating_sub(s.last_seen) > 300 => {
                    state.sessions.handle(&id).try_close_idle();
                }
                Some(_) => {}
            }
        }
    }
}
