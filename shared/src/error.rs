//! The one error type of the API. The backend answers every failure with
//! this JSON body (and a matching HTTP status); the frontend turns each
//! variant into a translated sentence that says what happened and what to do.

use serde::{Deserialize, Serialize};

/// Everything that can go wrong, as the user needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ApiError {
    /// Identifier or password is wrong (IMAP `[AUTHENTICATIONFAILED]`).
    BadCredentials,
    /// The account exists but may not log in (disabled, `[AUTHORIZATIONFAILED]`).
    AccountDisabled,
    /// The password has expired and must be changed elsewhere (`[EXPIRED]`, RFC 5530).
    PasswordExpired,
    /// Too many failed attempts for this identifier: wait before trying again.
    TooManyAttempts { retry_after_secs: u64 },
    /// The mail server's name does not resolve (a configuration problem).
    ServerUnknown,
    /// The mail server cannot be reached or stopped answering.
    ServerUnavailable,
    /// The mail server refused the command (`NO`/`BAD`); the text is the server's.
    ServerRefused { detail: String },
    /// No session, or it expired: log in again.
    NotAuthenticated,
    /// The anti-CSRF token is missing or wrong: reload the page.
    CsrfRejected,
    /// The folder does not exist (any more).
    FolderNotFound,
    /// The message does not exist (any more): it was moved or deleted.
    MessageNotFound,
    /// The account is over its quota (`[OVERQUOTA]`).
    QuotaExceeded,
    /// The request itself is wrong (a field missing or invalid).
    InvalidRequest { detail: String },
    /// The filter rules cannot be saved: the text says why (the server's
    /// check, or a rule that is incomplete).
    InvalidFilters { detail: String },
    /// The active filters were written by another program: replacing them
    /// needs the user's consent.
    ForeignFilters,
    /// Deleting or emptying a folder needs the user's confirmation of what
    /// goes with it: the messages it holds (its subfolders' included) and
    /// its subfolders. Ask again with `?confirm=<messages>`.
    ConfirmDelete { messages: u32, folders: u32 },
    /// The submission server refused some recipients (the addresses and
    /// its answer); nothing was sent.
    RecipientsRefused {
        addresses: Vec<String>,
        detail: String,
    },
    /// The message is larger than the submission server accepts.
    MessageTooLarge { max_bytes: u64 },
    /// The submission server refused the message; the text is its answer.
    /// Nothing was sent.
    SendRefused { detail: String },
    /// Someone changed this item elsewhere since it was read: nothing was
    /// overwritten; reload it and apply the change again.
    EditConflict,
    /// The server does not allow this (a colleague's calendar opened
    /// read-only, a calendar one may not share…).
    Forbidden,
    /// The item (an event, a calendar, a colleague) does not exist (any more).
    NotFound,
    /// An uploaded attachment is no longer on the server (the session
    /// ended or the server restarted): attach the file again.
    AttachmentExpired,
    /// Something failed on our side; the cause is in the server's log.
    Internal,
}

impl ApiError {
    /// HTTP status the backend answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadCredentials
            | ApiError::AccountDisabled
            | ApiError::PasswordExpired
            | ApiError::NotAuthenticated => 401,
            ApiError::CsrfRejected | ApiError::Forbidden => 403,
            ApiError::TooManyAttempts { .. } => 429,
            ApiError::FolderNotFound | ApiError::MessageNotFound | ApiError::NotFound => 404,
            ApiError::QuotaExceeded => 507,
            ApiError::InvalidRequest { .. } | ApiError::InvalidFilters { .. } => 400,
            ApiError::ForeignFilters | ApiError::ConfirmDelete { .. } => 409,
            ApiError::RecipientsRefused { .. } => 422,
            ApiError::MessageTooLarge { .. } => 413,
            ApiError::SendRefused { .. } => 502,
            ApiError::EditConflict => 412,
            ApiError::AttachmentExpired => 410,
            ApiError::ServerUnknown | ApiError::ServerUnavailable => 503,
            ApiError::ServerRefused { .. } => 502,
            ApiError::Internal => 500,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_tagged_by_code() {
        let json = serde_json::to_string(&ApiError::TooManyAttempts {
            retry_after_secs: 30,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"code":"too_many_attempts","retry_after_secs":30}"#
        );
        let back: ApiError = serde_json::from_str(r#"{"code":"bad_credentials"}"#).unwrap();
        assert_eq!(back, ApiError::BadCredentials);
    }
}
