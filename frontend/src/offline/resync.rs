//! Back online: the folders kept on the device are brought up to date with
//! one request each (CONDSTORE/QRESYNC on the server: an unchanged folder
//! costs one round trip), flags changed elsewhere applied, expunged
//! messages taken out of the cache.

use shared::mail::{FolderChanges, MessagePage, encode_segment};

use crate::api::{Failure, decode, get_text};
use crate::store::{self, message_key, page_key};

/// Applies what changed to one cached page; whether it changed.
pub fn patch_page(page: &mut MessagePage, ch: &FolderChanges) -> bool {
    let mut changed = false;
    for m in page.messages.iter_mut() {
        if let Some(c) = ch.changed.iter().find(|c| c.uid == m.uid)
            && m.flags != c.flags
        {
            m.flags = c.flags;
            changed = true;
        }
    }
    let before = page.messages.len();
    page.messages.retain(|m| !ch.vanished.contains(&m.uid));
    changed |= page.messages.len() != before;
    if page.total != ch.total
        || page.unread != ch.unread
        || page.highest_modseq != ch.highest_modseq
    {
        page.total = ch.total;
        page.unread = ch.unread;
        page.highest_modseq = ch.highest_modseq;
        changed = true;
    }
    changed
}

/// Brings one cached folder up to date; `Ok(false)` when nothing is cached.
pub async fn folder(folder: &str) -> Result<bool, Failure> {
    let Some(first) = store::get(&page_key(folder, 0)).await else {
        return Ok(false);
    };
    let Ok(first) = serde_json::from_str::<MessagePage>(&first) else {
        return Ok(false);
    };
    if first.highest_modseq == 0 {
        return Ok(false);
    }
    let url = format!(
        "/api/folders/{}/changes?uid_validity={}&modseq={}",
        encode_segment(folder),
        first.uid_validity,
        first.highest_modseq
    );
    let ch: FolderChanges = decode(&get_text(&url, None).await?)?;
    if ch.reset {
        for prefix in [format!("page:{folder}:"), format!("msg:{folder}:")] {
            for (key, _) in store::scan(&prefix).await {
                store::remove(&key).await;
            }
        }
        return Ok(true);
    }
    for (key, text) in store::scan(&format!("page:{folder}:")).await {
        if let Ok(mut p) = serde_json::from_str::<MessagePage>(&text)
            && patch_page(&mut p, &ch)
            && let Ok(t) = serde_json::to_string(&p)
        {
            store::put(&key, &t).await;
        }
    }
    for uid in &ch.vanished {
        store::remove(&message_key(folder, *uid)).await;
    }
    for c in &ch.changed {
        let key = message_key(folder, c.uid);
        if let Some(text) = store::get(&key).await
            && let Ok(mut m) = serde_json::from_str::<shared::mail::Message>(&text)
            && m.flags != c.flags
        {
            m.flags = c.flags;
            if let Ok(t) = serde_json::to_string(&m) {
                store::put(&key, &t).await;
            }
        }
    }
    Ok(true)
}
