//! Folders, message lists and messages: URLs and typed calls.

use shared::mail::{DeleteRequest, FlagsRequest, MoveRequest, encode_segment};

use super::{Failure, Method, json, send_text};

/// `GET /api/folders`.
pub const FOLDERS_URL: &str = "/api/folders";

fn folder_base(folder: &str) -> String {
    format!("/api/folders/{}/messages", encode_segment(folder))
}

/// `GET` one page of a folder's list, newest first.
pub fn page_url(folder: &str, offset: u32, limit: u32) -> String {
    format!("{}?offset={offset}&limit={limit}", folder_base(folder))
}

/// `GET` one message (marks it read); `remote` allows remote images.
pub fn message_url(folder: &str, uid: u32, remote: bool) -> String {
    let q = if remote { "?remote=true" } else { "" };
    format!("{}/{uid}{q}", folder_base(folder))
}

/// The whole message as an `.eml` file (a download link).
pub fn raw_url(folder: &str, uid: u32) -> String {
    format!("{}/{uid}/raw", folder_base(folder))
}

/// The invitation a message carries (`GET` the card, `POST` an answer).
pub fn invitation_url(folder: &str, uid: u32) -> String {
    format!("{}/{uid}/invitation", folder_base(folder))
}

/// One attachment (a download link).
pub fn attachment_url(folder: &str, uid: u32, part: u32) -> String {
    format!("{}/{uid}/attachments/{part}", folder_base(folder))
}

/// A change to messages of a folder (what the message view's buttons do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Sets or clears `\Seen` / `\Flagged`.
    Flags(FlagsRequest),
    /// Moves messages to another folder.
    Move(MoveRequest),
    /// Moves messages to the Trash, or erases them from the Trash.
    Delete(DeleteRequest),
    /// "Indésirable" (to Junk, `$Junk`) or "Pas indésirable" (to the
    /// INBOX, `$NotJunk`).
    Junk(shared::search::JunkRequest),
}

/// Sends a change; what the server answers beyond success is not needed.
pub async fn change(folder: &str, change: &Change) -> Result<(), Failure> {
    let (action, body) = match change {
        Change::Flags(req) => ("flags", json(req)),
        Change::Move(req) => ("move", json(req)),
        Change::Delete(req) => ("delete", json(req)),
        Change::Junk(req) => ("junk", json(req)),
    };
    send_text(
        Method::Post,
        &format!("{}/{action}", folder_base(folder)),
        body,
    )
    .await
    .map(drop)
}

/// Searches on the server (`POST /api/search`).
pub async fn search(
    req: &shared::search::SearchRequest,
) -> Result<shared::search::SearchResult, Failure> {
    super::decode(&send_text(Method::Post, "/api/search", json(req)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_the_folder_as_one_segment() {
        assert_eq!(
            page_url("Projets/Voyage Rome", 50, 50),
            "/api/folders/Projets%2FVoyage%20Rome/messages?offset=50&limit=50"
        );
        assert_eq!(
            message_url("INBOX", 7, true),
            "/api/folders/INBOX/messages/7?remote=true"
        );
        assert_eq!(
            attachment_url("INBOX", 7, 2),
            "/api/folders/INBOX/messages/7/attachments/2"
        );
    }
}
