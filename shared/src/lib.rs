//! Facteur's JSON API: plain serde types shared by the backend (native) and
//! the frontend (wasm32). One module per area. No I/O lives here; pure logic
//! both sides need (such as the folder role ordering) may.

pub mod bulk;
pub mod calendar;
pub mod compose;
pub mod contacts;
pub mod error;
pub mod events;
pub mod filters;
pub mod mail;
pub mod prefs;
pub mod search;
pub mod session;

pub use error::ApiError;

/// Header that carries the session's anti-CSRF token on every
/// state-changing request (`POST`, `PUT`, `PATCH`, `DELETE`).
pub const CSRF_HEADER: &str = "x-csrf-token";
