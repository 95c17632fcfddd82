//! Searching across folders, the junk verdict and the space report
//! ("Organise and find").

use serde::{Deserialize, Serialize};

use crate::mail::{MessageSummary, Quota};

/// Most hits one search page may ask for.
pub const MAX_SEARCH_LIMIT: u32 = 100;
/// Most folders one search over all folders looks into.
pub const MAX_SEARCH_FOLDERS: usize = 50;

fn default_limit() -> u32 {
    50
}

/// `POST /api/search`. Every criterion given must match (AND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchRequest {
    /// Quick search: each word (separated by spaces) must be in the sender,
    /// the recipients (To, Cc), the subject or the body. Empty: no text
    /// criterion. Control characters are refused.
    #[serde(default)]
    pub text: String,
    /// One folder; absent: every selectable folder (INBOX first, at most 50).
    #[serde(default)]
    pub folder: Option<String>,
    /// Arrived on or after this day, `2026-03-01`.
    #[serde(default)]
    pub since: Option<String>,
    /// Arrived before this day (excluded), `2026-03-31`.
    #[serde(default)]
    pub before: Option<String>,
    /// Messages with attachments, approximated by the server as those
    /// whose top-level type is `multipart/mixed`.
    #[serde(default)]
    pub has_attachment: bool,
    #[serde(default)]
    pub unread: bool,
    #[serde(default)]
    pub flagged: bool,
    /// Bigger than this many bytes.
    #[serde(default)]
    pub larger_than: Option<u32>,
    #[serde(default)]
    pub offset: u32,
    /// Hits wanted, 1 to 100 [default: 50].
    #[serde(default = "default_limit")]
    pub limit: u32,
}

/// One message found, with its folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub folder: String,
    pub summary: MessageSummary,
}

/// One page of hits, newest arrival first across the folders searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub hits: Vec<SearchHit>,
    /// Hits in all the folders searched.
    pub total: u32,
    pub folders_searched: u32,
}

/// `POST /api/folders/{folder}/messages/junk`: `true` marks the messages
/// `$Junk` and moves them to the Junk folder; `false` marks them
/// `$NotJunk` and moves them to INBOX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JunkRequest {
    pub uids: Vec<u32>,
    pub junk: bool,
}

/// Messages and bytes of one folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderUsage {
    pub folder: String,
    pub messages: u32,
    pub bytes: u64,
}

/// `GET /api/space`: what takes room, to free some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpaceReport {
    pub quota: Option<Quota>,
    /// The 20 largest messages across folders, largest first.
    pub largest: Vec<SearchHit>,
    /// The Trash, when the account has one.
    pub trash: Option<FolderUsage>,
    /// The Junk folder, when the account has one.
    pub junk: Option<FolderUsage>,
}
