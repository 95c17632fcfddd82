//! Reading offline: the most recent messages of the INBOX (and of the
//! folders marked "disponible hors ligne") are fetched ahead, bodies
//! included, and kept in IndexedDB within the number the user chose.
//! Fetched with `BODY.PEEK[]` on the server: prefetching marks nothing read.

use std::collections::HashSet;

use shared::mail::{Message, MessagePage, encode_segment};
use shared::prefs::Preferences;

use crate::api::mail::page_url;
use crate::api::{Failure, decode, get_text};
use crate::store::{self, message_key, page_key};

const PAGE: u32 = 50;
/// Messages per bulk request.
const CHUNK: usize = 25;
/// Larger messages are not fetched ahead (the server leaves them out of
/// bulk answers); they open online as usual.
const MAX_SIZE: u32 = 5 * 1024 * 1024;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Prefetched {
    pub fetched: u32,
    pub evicted: u32,
}

/// The folders kept for offline reading, the INBOX first.
pub fn folders(prefs: &Preferences) -> Vec<String> {
    let mut out = vec!["INBOX".to_string()];
    for f in &prefs.offline_folders {
        if !out.contains(f) {
            out.push(f.clone());
        }
    }
    out
}

/// The UID of a cached message key `msg:{folder}:{uid}`.
pub fn uid_of_key(key: &str, folder: &str) -> Option<u32> {
    key.strip_prefix("msg:")?
        .strip_prefix(folder)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

/// Fetches ahead what is missing; nothing on a shared computer.
pub async fn run(prefs: &Preferences) -> Result<Prefetched, Failure> {
    let mut done = Prefetched::default();
    let want = prefs.offline_messages;
    if want == 0 || store::shared_device() {
        return Ok(done);
    }
    for folder in folders(prefs) {
        // The newest `want` UIDs, from the list pages (cached on the way).
        let mut uids = Vec::new();
        let mut too_large = HashSet::new();
        let mut offset = 0;
        while (uids.len() as u32) < want {
            let text = get_text(&page_url(&folder, offset, PAGE), None).await?;
            let page: MessagePage = decode(&text)?;
            store::put(&page_key(&folder, offset), &text).await;
            let n = page.messages.len() as u32;
            uids.extend(page.messages.iter().map(|m| m.uid));
            too_large.extend(
                page.messages
                    .iter()
                    .filter(|m| m.size > MAX_SIZE)
                    .map(|m| m.uid),
            );
            offset += PAGE;
            if n < PAGE || offset >= page.total {
                break;
            }
        }
        uids.truncate(want as usize);
        let wanted: HashSet<u32> = uids.iter().copied().collect();
        let prefix = format!("msg:{folder}:");
        let cached: Vec<u32> = store::scan(&prefix)
            .await
            .iter()
            .filter_map(|(k, _)| uid_of_key(k, &folder))
            .collect();
        let have: HashSet<u32> = cached.iter().copied().collect();
        let missing: Vec<u32> = uids
            .iter()
            .copied()
            .filter(|u| !have.contains(u) && !too_large.contains(u))
            .collect();
        for chunk in missing.chunks(CHUNK) {
            let list = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let url = format!(
                "/api/folders/{}/messages/bulk?uids={list}",
                encode_segment(&folder)
            );
            let messages: Vec<Message> = decode(&get_text(&url, None).await?)?;
            for m in messages {
                if let Ok(t) = serde_json::to_string(&m) {
                    store::put(&message_key(&folder, m.uid), &t).await;
                    done.fetched += 1;
                }
            }
        }
        // Within the budget: older messages beyond it leave the device.
        let extra = cached.len().saturating_sub(want as usize);
        if extra > 0 {
            let mut old: Vec<u32> = cached.into_iter().filter(|u| !wanted.contains(u)).collect();
            old.sort_unstable();
            for uid in old.into_iter().take(extra) {
                store::remove(&message_key(&folder, uid)).await;
                done.evicted += 1;
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_folders() {
        assert_eq!(uid_of_key("msg:INBOX:42", "INBOX"), Some(42));
        assert_eq!(uid_of_key("msg:INBOX.old:42", "INBOX"), None);
        assert_eq!(uid_of_key("msg:Projets/Rome:7", "Projets/Rome"), Some(7));
        let prefs = Preferences {
            offline_folders: vec!["Administration".into(), "INBOX".into()],
            ..Default::default()
        };
        assert_eq!(folders(&prefs), vec!["INBOX", "Administration"]);
    }
}
