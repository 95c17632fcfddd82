//! Folders, message lists and messages.
//!
//! Messages are addressed by folder path and IMAP UID. Folder paths are the
//! server's names decoded to UTF-8 (IMAP modified UTF-7 is a wire detail of
//! the backend); in URLs they are percent-encoded as one path segment.

use serde::{Deserialize, Serialize};

/// The special use of a folder (RFC 6154), shown under a French name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FolderRole {
    Inbox,
    Drafts,
    Sent,
    Archive,
    Junk,
    Trash,
}

/// One folder of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Folder {
    /// Full path, UTF-8, with the server's delimiter (`Projets/Voyage Rome`).
    pub path: String,
    /// Last segment of the path, for display.
    pub name: String,
    /// Hierarchy depth: 0 for top-level folders.
    pub depth: u32,
    /// Path of the parent folder, if any.
    pub parent: Option<String>,
    pub role: Option<FolderRole>,
    /// False for a `\Noselect` node that only holds children.
    pub selectable: bool,
    pub subscribed: bool,
    pub total: u32,
    pub unread: u32,
}

/// Storage quota of the account (`GETQUOTAROOT INBOX`, RFC 9208).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quota {
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

/// `GET /api/folders`: the tree in display order, and the quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderList {
    pub folders: Vec<Folder>,
    pub quota: Option<Quota>,
    /// The server's hierarchy delimiter, when it has one.
    pub delimiter: Option<String>,
}

/// A mailbox address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub name: Option<String>,
    pub email: String,
}

impl Address {
    /// The name when there is one, else the address.
    pub fn display(&self) -> &str {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n,
            _ => &self.email,
        }
    }
}

/// The flags the interface shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flags {
    pub seen: bool,
    pub flagged: bool,
    pub answered: bool,
    pub draft: bool,
    pub forwarded: bool,
}

/// One row of a message list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageSummary {
    pub uid: u32,
    pub from: Option<Address>,
    pub to: Vec<Address>,
    pub subject: String,
    /// Seconds since the Unix epoch: the Date header, else the arrival time.
    pub date: i64,
    /// Size in bytes (`RFC822.SIZE`).
    pub size: u32,
    pub flags: Flags,
    pub has_attachments: bool,
}

/// `GET /api/folders/{folder}/messages?offset=&limit=`: one page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub folder: String,
    /// Messages in the folder.
    pub total: u32,
    pub unread: u32,
    pub offset: u32,
    /// UIDVALIDITY: when it changes, every cached UID of this folder is void.
    pub uid_validity: u32,
    /// The folder's HIGHESTMODSEQ (CONDSTORE) when the page was read: what
    /// to give `/changes` to resync; 0 when the server has none.
    #[serde(default)]
    pub highest_modseq: u64,
    pub messages: Vec<MessageSummary>,
}

/// An attachment, or an inline part with a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Index of the part in the message, used in the download URL.
    pub part: u32,
    pub filename: String,
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// True for an image shown in the body through `cid:`.
    pub inline: bool,
}

/// `GET /api/folders/{folder}/messages/{uid}`: a whole message, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub uid: u32,
    pub folder: String,
    pub subject: String,
    pub from: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub date: i64,
    pub message_id: Option<String>,
    pub flags: Flags,
    pub size: u32,
    /// The plain text body (or one made from the HTML).
    pub text: Option<String>,
    /// A complete sanitized HTML document for a sandboxed iframe, with its
    /// own Content-Security-Policy; `None` for plain-text mail.
    pub html: Option<String>,
    /// True when remote images or styles were blocked from `html`.
    pub remote_content_blocked: bool,
    pub attachments: Vec<Attachment>,
    /// The mailing list it came through (the id in `List-Id`, RFC 2919).
    #[serde(default)]
    pub list_id: Option<String>,
    /// It carries a calendar invitation, reply or cancellation (a
    /// `text/calendar` part): the reading pane shows its card
    /// (`GET …/invitation`).
    #[serde(default)]
    pub invitation: bool,
}

/// `POST /api/folders/{folder}/messages/flags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagsRequest {
    pub uids: Vec<u32>,
    /// Set (`true`) or clear (`false`) `\Seen`; absent leaves it.
    pub seen: Option<bool>,
    /// Set or clear `\Flagged`; absent leaves it.
    pub flagged: Option<bool>,
}

/// `POST /api/folders/{folder}/messages/move`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveRequest {
    pub uids: Vec<u32>,
    /// Path of the destination folder.
    pub to: String,
}

/// `POST /api/folders/{folder}/messages/delete`: to the Trash, or for good
/// when the folder is the Trash (then `permanent` must be true, the user
/// having confirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteRequest {
    pub uids: Vec<u32>,
    #[serde(default)]
    pub permanent: bool,
}

/// What a move or delete did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionResult {
    /// How many messages it touched.
    pub count: u32,
    /// Where they went, when they were moved (`None` when erased for good).
    pub moved_to: Option<String>,
}

/// Percent-encodes a folder path (or any text) as a single URL path segment.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses [`encode_segment`]; `None` for malformed escapes or bad UTF-8.
pub fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One message whose flags changed (or that arrived) since a resync point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagChange {
    pub uid: u32,
    pub flags: Flags,
}

/// `GET /api/folders/{folder}/changes?uid_validity=&modseq=`: what changed
/// in a folder since the client's cache was made (CONDSTORE/QRESYNC on the
/// server, one round trip when nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderChanges {
    pub folder: String,
    pub uid_validity: u32,
    /// Give this back next time.
    pub highest_modseq: u64,
    /// True when `uid_validity` changed or the server cannot tell changes
    /// (no CONDSTORE/QRESYNC, no history that far back): the client drops
    /// its cache of this folder and reloads it. `changed` and `vanished`
    /// are then empty.
    pub reset: bool,
    /// Messages whose flags changed since `modseq`, by ascending UID. New
    /// messages arrived since then are listed too (with their flags): a UID
    /// the client does not know is a new arrival, or one it never cached;
    /// it refetches the first page when `total` differs from its own.
    pub changed: Vec<FlagChange>,
    /// UIDs expunged since `modseq` (QRESYNC `VANISHED (EARLIER)`), ascending.
    pub vanished: Vec<u32>,
    /// Messages in the folder now.
    pub total: u32,
    /// Unread messages in the folder now.
    pub unread: u32,
}

/// `POST /api/folders`: a new folder, `name` under `parent` (top level
/// when absent). Answers the new [`FolderList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateFolderRequest {
    /// Path of the parent folder; absent for a top-level folder.
    #[serde(default)]
    pub parent: Option<String>,
    /// The new folder's own name (one segment, without the delimiter).
    pub name: String,
}

/// `POST /api/folders/rename`: renames and/or moves a folder; its
/// subfolders follow. Answers the new [`FolderList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenameFolderRequest {
    /// Path of the folder to rename.
    pub from: String,
    /// Path of the new parent; absent for the top level.
    #[serde(default)]
    pub to_parent: Option<String>,
    /// The folder's new own name (one segment).
    pub to_name: String,
}

/// `POST /api/folders/subscription`: subscribe to a folder or not.
/// Answers the new [`FolderList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionRequest {
    pub folder: String,
    pub subscribed: bool,
}

/// Longest folder name (one segment), in characters.
pub const MAX_FOLDER_NAME: usize = 200;

/// Why a folder's own name (one segment) cannot be used, in French, or
/// `None` when it can: not empty, no hierarchy delimiter (`/` when the
/// server has none), no control characters, not `.` or `..`, at most
/// [`MAX_FOLDER_NAME`] characters. Leading and trailing spaces are the
/// caller's to trim.
pub fn folder_name_problem(name: &str, delimiter: Option<&str>) -> Option<String> {
    let delimiter = delimiter.filter(|d| !d.is_empty()).unwrap_or("/");
    if name.trim().is_empty() {
        Some("le nom du dossier est vide".into())
    } else if name == "." || name == ".." {
        Some("« . » et « .. » ne peuvent pas servir de nom de dossier".into())
    } else if name.contains(delimiter) {
        Some(format!(
            "le nom du dossier ne peut pas contenir « {delimiter} »"
        ))
    } else if name.chars().any(char::is_control) {
        Some("le nom du dossier contient un caractère invisible interdit".into())
    } else if name.chars().count() > MAX_FOLDER_NAME {
        Some(format!(
            "le nom du dossier dépasse {MAX_FOLDER_NAME} caractères"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip() {
        for s in ["INBOX", "Projets/Voyage Rome", "Pédagogie", "a%b?c#d", ""] {
            let e = encode_segment(s);
            assert!(!e.contains('/') && !e.contains(' ') && !e.contains('?'));
            assert_eq!(decode_segment(&e).as_deref(), Some(s));
        }
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%+A"), None);
        assert_eq!(decode_segment("%C3"), None);
    }

    #[test]
    fn address_display_prefers_the_name() {
        let a = Address {
            name: Some("Sophie Dupont".into()),
            email: "sophie.dupont@ac-demo.fr".into(),
        };
        assert_eq!(a.display(), "Sophie Dupont");
        let b = Address {
            name: Some(" ".into()),
            email: "x@y.fr".into(),
        };
        assert_eq!(b.display(), "x@y.fr");
    }

    #[test]
    fn folder_names_are_checked() {
        assert_eq!(folder_name_problem("Sorties", Some("/")), None);
        assert_eq!(folder_name_problem("Pédagogie", None), None);
        for bad in ["", "  ", ".", "..", "a/b", "a\tb", "x\u{7f}"] {
            assert!(folder_name_problem(bad, Some("/")).is_some(), "{bad:?}");
        }
        assert!(folder_name_problem("a.b", Some(".")).is_some());
        assert!(folder_name_problem("a/b", Some(".")).is_none());
        assert!(folder_name_problem(&"é".repeat(200), Some("/")).is_none());
        assert!(folder_name_problem(&"é".repeat(201), Some("/")).is_some());
    }
}
