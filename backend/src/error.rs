//! The one error the routes return: a [`shared::ApiError`] for the client,
//! with the cause logged here (never a password: adapters' errors do not
//! carry any).

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use shared::ApiError;

use crate::dav::DavError;
use crate::{imap::ImapError, sieve::SieveError, smtp::SmtpError};

/// An API error plus, for the log, its cause.
#[derive(Debug)]
pub struct AppError {
    pub api: ApiError,
    pub cause: Option<String>,
}

impl From<ApiError> for AppError {
    fn from(api: ApiError) -> Self {
        AppError { api, cause: None }
    }
}

impl From<ImapError> for AppError {
    fn from(e: ImapError) -> Self {
        let api = match &e {
            ImapError::UnknownHost(_) => ApiError::ServerUnknown,
            ImapError::Unreachable(_)
            | ImapError::Tls(_)
            | ImapError::ConnectionLost(_)
            | ImapError::Timeout => ApiError::ServerUnavailable,
            ImapError::AuthenticationFailed => ApiError::BadCredentials,
            ImapError::AccountDisabled => ApiError::AccountDisabled,
            ImapError::PasswordExpired => ApiError::PasswordExpired,
            ImapError::NoSuchFolder(_) => ApiError::FolderNotFound,
            ImapError::NoSuchMessage => ApiError::MessageNotFound,
            ImapError::OverQuota => ApiError::QuotaExceeded,
            ImapError::Refused(t) => ApiError::ServerRefused { detail: t.clone() },
            ImapError::Invalid(t) => ApiError::InvalidRequest { detail: t.clone() },
            ImapError::Protocol(_) => ApiError::Internal,
        };
        AppError {
            api,
            cause: Some(e.to_string()),
        }
    }
}

impl From<SieveError> for AppError {
    fn from(e: SieveError) -> Self {
        let api = match &e {
            SieveError::UnknownHost(_) => ApiError::ServerUnknown,
            SieveError::Unreachable(_)
            | SieveError::Tls(_)
            | SieveError::NoStartTls
            | SieveError::ConnectionLost(_)
            | SieveError::Timeout => ApiError::ServerUnavailable,
            SieveError::AuthenticationFailed => ApiError::NotAuthenticated,
            SieveError::InvalidScript(t) | SieveError::Invalid(t) => {
                ApiError::InvalidFilters { detail: t.clone() }
            }
            SieveError::Refused(t) => ApiError::ServerRefused { detail: t.clone() },
            SieveError::NoSuchScript | SieveError::ScriptActive | SieveError::OverQuota => {
                ApiError::ServerRefused {
                    detail: e.to_string(),
                }
            }
            SieveError::Protocol(_) => ApiError::Internal,
        };
        AppError {
            api,
            cause: Some(e.to_string()),
        }
    }
}

impl From<SmtpError> for AppError {
    fn from(e: SmtpError) -> Self {
        let api = match &e {
            SmtpError::UnknownHost(_) => ApiError::ServerUnknown,
            SmtpError::Unreachable(_)
            | SmtpError::Tls(_)
            | SmtpError::NoStartTls
            | SmtpError::ConnectionLost(_)
            | SmtpError::Timeout => ApiError::ServerUnavailable,
            SmtpError::AuthenticationFailed => ApiError::BadCredentials,
            SmtpError::RecipientsRefused { addresses, detail } => ApiError::RecipientsRefused {
                addresses: addresses.clone(),
                detail: detail.clone(),
            },
            SmtpError::TooLarge { max } => ApiError::MessageTooLarge { max_bytes: *max },
            SmtpError::Refused { detail } => ApiError::SendRefused {
                detail: detail.clone(),
            },
            SmtpError::InvalidAddress(_) => ApiError::InvalidRequest {
                detail: e.to_string(),
            },
            SmtpError::Protocol(_) => ApiError::Internal,
        };
        AppError {
            api,
            cause: Some(e.to_string()),
        }
    }
}

impl From<DavError> for AppError {
    fn from(e: DavError) -> Self {
        let api = match &e {
            DavError::UnknownHost(_) => ApiError::ServerUnknown,
            DavError::Unreachable(_) | DavError::Tls(_) | DavError::Timeout => {
                ApiError::ServerUnavailable
            }
            // The DAV server may have accounts of its own: its refusal
            // does not end the Facteur session.
            DavError::AuthenticationFailed => ApiError::ServerRefused {
                detail: "le serveur de contacts refuse l'identifiant".into(),
            },
            DavError::NotFound => ApiError::ServerRefused {
                detail: "introuvable sur le serveur de contacts".into(),
            },
            DavError::PreconditionFailed => ApiError::EditConflict,
            DavError::Refused { detail, .. } => ApiError::ServerRefused {
                detail: detail.clone(),
            },
            DavError::Invalid(t) => ApiError::InvalidRequest { detail: t.clone() },
            DavError::Protocol(_) => ApiError::Internal,
        };
        AppError {
            api,
            cause: Some(e.to_string()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError {
            api: ApiError::Internal,
            cause: Some(format!("{e:#}")),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.api.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match (&self.cause, status.is_server_error()) {
            (Some(cause), true) => tracing::warn!(error = ?self.api, %cause, "request failed"),
            (Some(cause), false) => tracing::debug!(error = ?self.api, %cause, "request refused"),
            _ => {}
        }
        (status, Json(self.api)).into_response()
    }
}

/// Result of a route.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sieve_errors_map_to_what_the_user_can_act_on() {
        let api = |e: SieveError| AppError::from(e).api;
        assert_eq!(
            api(SieveError::Unreachable("x".into())),
            ApiError::ServerUnavailable
        );
        assert_eq!(api(SieveError::Timeout), ApiError::ServerUnavailable);
        assert_eq!(
            api(SieveError::AuthenticationFailed),
            ApiError::NotAuthenticated
        );
        assert_eq!(
            api(SieveError::InvalidScript("line 3: error".into())),
            ApiError::InvalidFilters {
                detail: "line 3: error".into()
            }
        );
        assert_eq!(
            api(SieveError::Refused("non".into())),
            ApiError::ServerRefused {
                detail: "non".into()
            }
        );
    }
}
