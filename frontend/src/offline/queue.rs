//! Changes made offline (flag, read/unread, move, delete): applied to what
//! is shown and cached at once, kept in IndexedDB in order, and replayed
//! when the network is back. A change whose message is gone meanwhile is
//! dropped (the server has decided), never retried in a loop.

use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::mail::{DeleteRequest, FlagsRequest, MessagePage, MoveRequest};

use crate::api::Failure;
use crate::api::mail::{self, Change};
use crate::store;

/// The IndexedDB key of the queue.
pub const QUEUE_KEY: &str = "queue";

/// A change as kept in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Queued {
    Flags {
        folder: String,
        req: FlagsRequest,
    },
    Move {
        folder: String,
        req: MoveRequest,
    },
    Delete {
        folder: String,
        req: DeleteRequest,
    },
    Junk {
        folder: String,
        req: shared::search::JunkRequest,
    },
}

impl Queued {
    pub fn new(folder: &str, change: &Change) -> Self {
        let folder = folder.to_string();
        match change {
            Change::Flags(req) => Queued::Flags {
                folder,
                req: req.clone(),
            },
            Change::Move(req) => Queued::Move {
                folder,
                req: req.clone(),
            },
            Change::Delete(req) => Queued::Delete {
                folder,
                req: req.clone(),
            },
            Change::Junk(req) => Queued::Junk {
                folder,
                req: req.clone(),
            },
        }
    }

    fn parts(&self) -> (&str, Change) {
        match self {
            Queued::Flags { folder, req } => (folder, Change::Flags(req.clone())),
            Queued::Move { folder, req } => (folder, Change::Move(req.clone())),
            Queued::Delete { folder, req } => (folder, Change::Delete(req.clone())),
            Queued::Junk { folder, req } => (folder, Change::Junk(req.clone())),
        }
    }
}

pub async fn load() -> Vec<Queued> {
    store::get(QUEUE_KEY)
        .await
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

async fn save(list: &[Queued]) {
    if list.is_empty() {
        store::remove(QUEUE_KEY).await;
    } else if let Ok(text) = serde_json::to_string(list) {
        store::put(QUEUE_KEY, &text).await;
    }
}

/// Adds a change at the end of the queue and applies it to the cache.
pub async fn enqueue(folder: &str, change: &Change) {
    let mut list = load().await;
    list.push(Queued::new(folder, change));
    save(&list).await;
    apply_to_cache(folder, change).await;
}

/// What replaying gave.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    pub done: u32,
    /// Dropped: the message or folder is gone, or the server refused.
    pub dropped: u32,
    /// Still waiting (the network went away again).
    pub waiting: u32,
}

/// Whether a failure means the change can never succeed (drop it).
pub fn is_final(e: &Failure) -> bool {
    !matches!(
        e,
        Failure::Network
            | Failure::Aborted
            | Failure::Api(
                ApiError::ServerUnavailable | ApiError::NotAuthenticated | ApiError::CsrfRejected
            )
    )
}

/// Sends the queued changes in order; stops at the first that cannot be
/// sent now (network), keeping it and the rest.
pub async fn replay() -> Replayed {
    let mut list = load().await;
    let mut r = Replayed::default();
    while let Some(first) = list.first().cloned() {
        let (folder, change) = first.parts();
        match mail::change(folder, &change).await {
            Ok(()) => r.done += 1,
            Err(e) if is_final(&e) => r.dropped += 1,
            Err(_) => break,
        }
        list.remove(0);
        save(&list).await;
    }
    r.waiting = list.len() as u32;
    r
}

/// Applies a change to the cached pages and messages of `folder`, so that
/// what is shown after a reload offline is what the user did.
pub async fn apply_to_cache(folder: &str, change: &Change) {
    let prefix = format!("page:{folder}:");
    for (key, text) in store::scan(&prefix).await {
        let Ok(mut page) = serde_json::from_str::<MessagePage>(&text) else {
            continue;
        };
        if patch_page(&mut page, change)
            && let Ok(t) = serde_json::to_string(&page)
        {
            store::put(&key, &t).await;
        }
    }
    match change {
        Change::Flags(req) => {
            for uid in &req.uids {
                let key = store::message_key(folder, *uid);
                if let Some(text) = store::get(&key).await
                    && let Ok(mut m) = serde_json::from_str::<shared::mail::Message>(&text)
                {
                    if let Some(s) = req.seen {
                        m.flags.seen = s;
                    }
                    if let Some(f) = req.flagged {
                        m.flags.flagged = f;
                    }
                    if let Ok(t) = serde_json::to_string(&m) {
                        store::put(&key, &t).await;
                    }
                }
            }
        }
        Change::Move(MoveRequest { uids, .. })
        | Change::Delete(DeleteRequest { uids, .. })
        | Change::Junk(shared::search::JunkRequest { uids, .. }) => {
            for uid in uids {
                store::remove(&store::message_key(folder, *uid)).await;
            }
        }
    }
}

/// Applies a change to one cached page; whether it changed.
pub fn patch_page(page: &mut MessagePage, change: &Change) -> bool {
    match change {
        Change::Flags(req) => {
            let mut changed = false;
            for m in page
                .messages
                .iter_mut()
                .filter(|m| req.uids.contains(&m.uid))
            {
                if let Some(s) = req.seen
                    && m.flags.seen != s
                {
                    m.flags.seen = s;
                    page.unread = if s {
                        page.unread.saturating_sub(1)
                    } else {
                        page.unread + 1
                    };
                    changed = true;
                }
                if let Some(f) = req.flagged {
                    changed |= m.flags.flagged != f;
                    m.flags.flagged = f;
                }
            }
            changed
        }
        Change::Move(MoveRequest { uids, .. })
        | Change::Delete(DeleteRequest { uids, .. })
        | Change::Junk(shared::search::JunkRequest { uids, .. }) => {
            let before = page.messages.len();
            page.messages.retain(|m| !uids.contains(&m.uid));
            let gone = (before - page.messages.len()) as u32;
            page.total = page.total.saturating_sub(gone);
            gone > 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::mail::{Flags, MessageSummary};

    fn page() -> MessagePage {
        let row = |uid, seen| MessageSummary {
            uid,
            from: None,
            to: vec![],
            subject: String::new(),
            date: 0,
            size: 0,
            flags: Flags {
                seen,
                ..Default::default()
            },
            has_attachments: false,
        };
        MessagePage {
            folder: "INBOX".into(),
            total: 3,
            unread: 2,
            offset: 0,
            uid_validity: 1,
            highest_modseq: 0,
            messages: vec![row(3, false), row(2, true), row(1, false)],
        }
    }

    #[test]
    fn changes_apply_to_cached_pages() {
        let mut p = page();
        let read = Change::Flags(FlagsRequest {
            uids: vec![3],
            seen: Some(true),
            flagged: Some(true),
        });
        assert!(patch_page(&mut p, &read));
        assert_eq!(p.unread, 1);
        assert!(p.messages[0].flags.flagged);
        assert!(!patch_page(&mut p, &read), "twice changes nothing");
        let mv = Change::Move(MoveRequest {
            uids: vec![2, 99],
            to: "Archive".into(),
        });
        assert!(patch_page(&mut p, &mv));
        assert_eq!(p.total, 2);
        assert_eq!(p.messages.len(), 2);
    }

    #[test]
    fn a_message_gone_is_dropped_a_network_failure_waits() {
        assert!(is_final(&Failure::Api(ApiError::MessageNotFound)));
        assert!(is_final(&Failure::Api(ApiError::FolderNotFound)));
        assert!(!is_final(&Failure::Network));
        assert!(!is_final(&Failure::Api(ApiError::ServerUnavailable)));
    }

    #[test]
    fn queued_changes_round_trip() {
        let q = Queued::new(
            "INBOX",
            &Change::Delete(DeleteRequest {
                uids: vec![4],
                permanent: false,
            }),
        );
        let text = serde_json::to_string(&q).unwrap();
        assert_eq!(serde_json::from_str::<Queued>(&text).unwrap(), q);
    }
}
