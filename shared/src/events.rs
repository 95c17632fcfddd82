//! Live updates: `GET /api/events`, a Server-Sent Events stream.
//!
//! Each event's `event:` name is its variant in snake_case (`folder`,
//! `new_messages`, `flags`, `expunged`) and its `data:` the JSON of the
//! whole [`ServerEvent`] (with its `type`). The first event after (re)connecting
//! is a [`ServerEvent::Folder`] for INBOX: a client that was away reloads the
//! first page of its list then. When the stream ends because of the server,
//! a last event named `error` carries a [`StreamEnd`]; the browser's
//! `EventSource` reconnects by itself.

use serde::{Deserialize, Serialize};

use crate::mail::{Flags, MessageSummary};

/// A change in the user's mailbox, pushed as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// Counts of a folder changed (new mail, read elsewhere, expunged).
    Folder {
        folder: String,
        total: u32,
        unread: u32,
    },
    /// New messages in a folder, newest first, as list rows.
    NewMessages {
        folder: String,
        messages: Vec<MessageSummary>,
    },
    /// Flags changed on another device.
    Flags {
        folder: String,
        uid: u32,
        flags: Flags,
    },
    /// Messages left the folder.
    Expunged { folder: String, uids: Vec<u32> },
}

impl ServerEvent {
    /// The SSE `event:` name: the variant, as in the JSON `type`.
    pub fn name(&self) -> &'static str {
        match self {
            ServerEvent::Folder { .. } => "folder",
            ServerEvent::NewMessages { .. } => "new_messages",
            ServerEvent::Flags { .. } => "flags",
            ServerEvent::Expunged { .. } => "expunged",
        }
    }
}

/// Why the server ended the stream (the data of the last event, `error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StreamEndReason {
    /// A newer stream of the same session took this one's place (at most
    /// two per session): a background tab should close its `EventSource`
    /// rather than reconnect, and open it again when it is shown.
    Replaced,
    /// The session is over: reconnecting will be answered 401.
    SessionEnded,
    /// The mail server failed or dropped the connection: reconnect.
    ServerError,
}

/// The data of the final `error` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamEnd {
    pub reason: StreamEndReason,
}

/// SSE event name of the final event.
pub const STREAM_END_EVENT: &str = "error";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_their_name() {
        let e = ServerEvent::Expunged {
            folder: "INBOX".into(),
            uids: vec![3],
        };
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["type"], e.name());
        assert_eq!(v["uids"][0], 3);
        let f = ServerEvent::Folder {
            folder: "INBOX".into(),
            total: 2,
            unread: 1,
        };
        assert_eq!(
            serde_json::to_value(&f).unwrap_or_default()["type"],
            "folder"
        );
    }
}
