//! Messages written and sent while offline wait here, on the device, and
//! leave when the network is back, each exactly once: every message keeps
//! the `send_id` it was given when written, and the server answers a
//! repeated `send_id` with the first result instead of sending again.

use serde::{Deserialize, Serialize};
use shared::compose::{ComposeMessage, SendRequest, SendResult};

use crate::api::{Failure, Method, decode, json, send_text};
use crate::offline::queue::is_final;
use crate::store;

/// A message being written, as kept in IndexedDB under [`record_key`]:
/// everything needed to continue it or send it, even offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    pub local_id: String,
    pub message: ComposeMessage,
    /// Its version in the Drafts folder, once saved there.
    pub draft_uid: Option<u32>,
    /// The key that makes sending it idempotent.
    pub send_id: String,
    /// False while the server does not have this version.
    pub saved_on_server: bool,
    /// In the outbox: "Envoyer" was pressed while offline.
    #[serde(default)]
    pub in_outbox: bool,
}

/// The IndexedDB key of a message being written.
pub fn record_key(local_id: &str) -> String {
    format!("compose:{local_id}")
}

/// The key naming the last message being written that is not finished:
/// opening `/compose` again brings it back.
#[cfg_attr(not(feature = "compose"), allow(dead_code))]
pub const LAST_KEY: &str = "compose:last";

/// The IndexedDB key of the outbox: the local ids, in the order sent.
pub const OUTBOX_KEY: &str = "outbox";

async fn ids() -> Vec<String> {
    store::get(OUTBOX_KEY)
        .await
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

async fn save_ids(ids: &[String]) {
    if ids.is_empty() {
        store::remove(OUTBOX_KEY).await;
    } else if let Ok(t) = serde_json::to_string(ids) {
        store::put(OUTBOX_KEY, &t).await;
    }
}

pub async fn record(local_id: &str) -> Option<LocalDraft> {
    let text = store::get(&record_key(local_id)).await?;
    serde_json::from_str(&text).ok()
}

async fn put_record(r: &LocalDraft) {
    if let Ok(t) = serde_json::to_string(r) {
        store::put(&record_key(&r.local_id), &t).await;
    }
}

/// The messages waiting, oldest first.
pub async fn list() -> Vec<LocalDraft> {
    let mut out = Vec::new();
    for id in ids().await {
        if let Some(r) = record(&id).await {
            out.push(r);
        }
    }
    out
}

/// Puts a message in the outbox.
#[cfg_attr(not(feature = "compose"), allow(dead_code))]
pub async fn add(mut draft: LocalDraft) {
    draft.in_outbox = true;
    put_record(&draft).await;
    let mut list = ids().await;
    if !list.contains(&draft.local_id) {
        list.push(draft.local_id.clone());
    }
    save_ids(&list).await;
    if store::get(LAST_KEY).await.as_deref() == Some(draft.local_id.as_str()) {
        store::remove(LAST_KEY).await;
    }
}

/// Takes a message out of the outbox; it stays on the device as a draft
/// (to edit it, or because the user cancelled sending).
pub async fn take_out(local_id: &str) {
    let mut list = ids().await;
    list.retain(|id| id != local_id);
    save_ids(&list).await;
    if let Some(mut r) = record(local_id).await
        && r.in_outbox
    {
        r.in_outbox = false;
        put_record(&r).await;
    }
}

/// What sending the outbox gave.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Flushed {
    pub sent: u32,
    /// Refused by the server: taken out of the outbox, kept as drafts.
    pub refused: Vec<(LocalDraft, Failure)>,
    /// Still waiting for the network.
    pub waiting: u32,
}

/// Sends what waits, in order; stops when the network fails again.
pub async fn flush() -> Flushed {
    let mut out = Flushed::default();
    let list = list().await;
    let total = list.len() as u32;
    for r in list {
        let req = SendRequest {
            message: r.message.clone(),
            send_id: r.send_id.clone(),
            draft_uid: r.draft_uid,
        };
        let answer = send_text(Method::Post, "/api/send", json(&req)).await;
        match answer.and_then(|t| decode::<SendResult>(&t)) {
            Ok(_) => {
                out.sent += 1;
                let mut left = ids().await;
                left.retain(|id| *id != r.local_id);
                save_ids(&left).await;
                store::remove(&record_key(&r.local_id)).await;
            }
            Err(e) if is_final(&e) => {
                take_out(&r.local_id).await;
                out.refused.push((r, e));
            }
            Err(_) => break,
        }
    }
    out.waiting = total - out.sent - out.refused.len() as u32;
    out
}
