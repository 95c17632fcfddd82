//! Logging in and out, and what the login page needs to know before that.

use serde::{Deserialize, Serialize};

/// What anyone may know before logging in: branding and help links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicConfig {
    /// Name shown in the title and on the login page.
    pub brand: String,
    /// Where to go when the password or identifier is lost.
    pub lost_password_url: Option<String>,
    /// The support desk.
    pub support_url: Option<String>,
    /// Mail domain, shown as a hint under the identifier field.
    pub domain: Option<String>,
}

/// `POST /api/session`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The bare identifier (`sdupont`) or the full address.
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// The logged-in user, as `GET /api/session` and a successful login answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// What the user typed to log in, trimmed.
    pub username: String,
    /// The user's address, as far as it is known.
    pub email: String,
    /// Token to send in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_request_hides_the_password_from_debug() {
        let req = LoginRequest {
            username: "sdupont".into(),
            password: "hunter2".into(),
        };
        let shown = format!("{req:?}");
        assert!(shown.contains("sdupont"));
        assert!(!shown.contains("hunter2"));
    }
}
