//! Writing mail: the message being composed (also what a draft holds),
//! attachments, sending, and the address parsing both sides need.

use serde::{Deserialize, Serialize};

use crate::mail::Address;

/// How the body is written: rich text (sent as `multipart/alternative` with
/// a plain-text part made from it) or plain text only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    #[default]
    Html,
    Text,
}

/// Where an attachment's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachmentSource {
    /// A file uploaded to `/api/compose/attachments` in this session.
    Upload { id: String },
    /// A part of a message in a folder: forwarding with attachments, or a
    /// draft reopened with its attachments.
    Part { folder: String, uid: u32, part: u32 },
    /// A whole message attached as `message/rfc822` (forward as attachment).
    Message { folder: String, uid: u32 },
}

/// One attachment of the message being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComposeAttachment {
    pub source: AttachmentSource,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// How the message being written relates to the one it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComposeMode {
    Reply,
    ReplyAll,
    Forward,
    ForwardAsAttachment,
}

/// The message the one being written answers or forwards: it gets
/// `\Answered` (reply) or `$Forwarded` (forward) once sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginalRef {
    pub folder: String,
    pub uid: u32,
    pub mode: ComposeMode,
}

/// A message being written: what the editor holds, what a draft stores,
/// what is sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComposeMessage {
    /// The identity it is sent as (an id from the preferences); the login
    /// address when absent or unknown.
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub to: Vec<Address>,
    #[serde(default)]
    pub cc: Vec<Address>,
    #[serde(default)]
    pub bcc: Vec<Address>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub format: BodyFormat,
    /// The body: HTML written in the editor (sanitized by the backend) or
    /// plain text, as `format` says.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<ComposeAttachment>,
    /// `Message-ID` of the message answered (for `In-Reply-To`).
    #[serde(default)]
    pub in_reply_to: Option<String>,
    /// The `References` chain, oldest first.
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub original: Option<OriginalRef>,
}

/// `PUT /api/drafts`: saves a draft, removing the version it replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveDraft {
    pub message: ComposeMessage,
    /// UID in Drafts of the version this one replaces.
    #[serde(default)]
    pub replaces: Option<u32>,
}

/// Where the draft now is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedDraft {
    /// The Drafts folder's name.
    pub folder: String,
    /// Its UID there (`None` when the server does not say, without UIDPLUS).
    pub uid: Option<u32>,
}

/// `POST /api/send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendRequest {
    pub message: ComposeMessage,
    /// A key the client makes once per message (at least 16 characters):
    /// the same key sent again returns the first result without sending a
    /// second copy.
    pub send_id: String,
    /// UID in Drafts of the draft to remove once sent.
    #[serde(default)]
    pub draft_uid: Option<u32>,
}

/// What happened after the message left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendResult {
    pub message_id: String,
    /// A copy is in Sent. `false`: the message went, but saving the copy
    /// failed (the user is told; it is not sent again).
    pub saved_to_sent: bool,
    /// Why the copy could not be saved.
    #[serde(default)]
    pub sent_copy_error: Option<crate::ApiError>,
}

/// What the client must know before uploading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComposeLimits {
    /// The submission server's limit on a whole message (SMTP `SIZE`), if
    /// it announces one.
    pub max_message_bytes: Option<u64>,
    /// The most file bytes a message may carry once encoded in base64
    /// (about three quarters of `max_message_bytes`).
    pub max_attachments_bytes: u64,
}

/// An uploaded file, ready to attach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedAttachment {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// `GET /api/compose/from/{folder}/{uid}?mode=`: a reply or forward
/// prepared from a message, or (mode absent, folder Drafts) a draft
/// reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreparedMessage {
    pub message: ComposeMessage,
    /// UID of the draft it continues, when it is one.
    #[serde(default)]
    pub draft_uid: Option<u32>,
}

/// Base64 turns 3 bytes into 4 and adds a line break every 76 characters.
pub fn encoded_size(raw: u64) -> u64 {
    let b64 = raw.div_ceil(3) * 4;
    b64 + b64.div_ceil(76) * 2
}

/// The most raw bytes that fit in `max_message` once encoded, leaving room
/// for the headers and the text.
pub fn max_raw_attachments(max_message: u64) -> u64 {
    let room = max_message.saturating_sub(64 * 1024);
    // encoded ≈ raw × 4/3 × 78/76
    (room * 3 * 76 / (4 * 78)).saturating_sub(6)
}

/// Whether an address looks deliverable: one `@`, a non-empty local part
/// without spaces or control characters, a domain with a dot and only
/// letters, digits, `-` and `.` (internationalised names allowed).
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || domain.len() > 253
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return false;
    }
    if local
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "<>()[]\\,;:\"@".contains(c))
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// One item of a pasted or typed address list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedAddress {
    Valid(Address),
    /// What the user wrote, which is not an address.
    Invalid(String),
}

/// Splits what the user typed or pasted into addresses: separated by
/// commas, semicolons or line breaks; each `Name <a@b.fr>`, `"Name" <a@b.fr>`
/// or `a@b.fr`. Commas inside quotes belong to the name.
pub fn parse_address_list(input: &str) -> Vec<ParsedAddress> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut in_angle = false;
    for c in input.chars() {
        match c {
            '"' if !in_angle => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            '<' if !in_quotes => {
                in_angle = true;
                current.push(c);
            }
            '>' if !in_quotes => {
                in_angle = false;
                current.push(c);
            }
            ',' | ';' | '\n' | '\r' if !in_quotes && !in_angle => {
                items.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| parse_one(&s))
        .collect()
}

fn parse_one(s: &str) -> ParsedAddress {
    let (name, email) = match (s.rfind('<'), s.ends_with('>')) {
        (Some(open), true) => {
            let name = s[..open].trim().trim_matches('"').trim();
            (name, s[open + 1..s.len() - 1].trim())
        }
        _ => ("", s.trim_start_matches("mailto:")),
    };
    if !valid_email(email) || name.chars().any(char::is_control) {
        return ParsedAddress::Invalid(s.to_string());
    }
    ParsedAddress::Valid(Address {
        name: (!name.is_empty()).then(|| name.to_string()),
        email: email.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(name: Option<&str>, email: &str) -> ParsedAddress {
        ParsedAddress::Valid(Address {
            name: name.map(str::to_string),
            email: email.into(),
        })
    }

    #[test]
    fn pasted_lists() {
        let got = parse_address_list(
            "\"Dupont, Sophie\" <sophie.dupont@ac-demo.fr>; m.martin@ac-demo.fr,\nJean Roux <jean.roux@ac-demo.fr>, pas une adresse, ",
        );
        assert_eq!(
            got,
            vec![
                addr(Some("Dupont, Sophie"), "sophie.dupont@ac-demo.fr"),
                addr(None, "m.martin@ac-demo.fr"),
                addr(Some("Jean Roux"), "jean.roux@ac-demo.fr"),
                ParsedAddress::Invalid("pas une adresse".into()),
            ]
        );
    }

    #[test]
    fn email_validity() {
        for ok in ["a@b.fr", "prenom.nom@ac-versailles.fr", "élève@école.fr"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "a@b",
            "@b.fr",
            "a b@c.fr",
            "a@b..fr",
            "a@-b.fr",
            "a\r\nBcc: x@y.fr@b.fr",
            "a@b.fr\r\nBcc: c@d.fr",
            ".a@b.fr",
            "a<b@c.fr",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(encoded_size(3), 4 + 2);
        let max = 10 * 1024 * 1024;
        let raw = max_raw_attachments(max);
        assert!(encoded_size(raw) + 64 * 1024 <= max);
        assert!(raw > 7 * 1024 * 1024);
    }
}
