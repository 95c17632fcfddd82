//! Searching what is kept on the device: every word typed (accents and
//! case ignored) in the subject, the people or the text of the cached
//! messages, and in the subjects and senders of the cached list pages.

use std::collections::HashSet;

use shared::contacts::fold;
use shared::mail::{Message, MessagePage};

use crate::store;

/// One message found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub folder: String,
    pub uid: u32,
    pub subject: String,
    pub from: String,
    pub date: i64,
}

/// At most this many hits.
pub const MAX_HITS: usize = 100;

fn words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_string).collect()
}

fn all_in(words: &[String], hay: &str) -> bool {
    let hay = fold(hay);
    words.iter().all(|w| hay.contains(w.as_str()))
}

fn people(list: &[shared::mail::Address]) -> String {
    list.iter()
        .map(|a| format!("{} {}", a.name.as_deref().unwrap_or(""), a.email))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a cached message matches.
pub fn message_matches(m: &Message, words: &[String]) -> bool {
    let hay = format!(
        "{} {} {} {} {}",
        m.subject,
        people(&m.from),
        people(&m.to),
        people(&m.cc),
        m.text.as_deref().unwrap_or("")
    );
    all_in(words, &hay)
}

/// The cached messages matching `query`, newest first.
pub async fn search(query: &str) -> Vec<Hit> {
    let words = words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    let mut seen = HashSet::new();
    for (_, text) in store::scan("msg:").await {
        let Ok(m) = serde_json::from_str::<Message>(&text) else {
            continue;
        };
        if message_matches(&m, &words) && seen.insert((m.folder.clone(), m.uid)) {
            hits.push(Hit {
                folder: m.folder.clone(),
                uid: m.uid,
                subject: m.subject.clone(),
                from: m
                    .from
                    .first()
                    .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
                    .unwrap_or_default(),
                date: m.date,
            });
        }
    }
    // Messages listed but never opened: their subject and sender.
    for (_, text) in store::scan("page:").await {
        let Ok(p) = serde_json::from_str::<MessagePage>(&text) else {
            continue;
        };
        for s in p.messages {
            let from = s
                .from
                .as_ref()
                .map(|a| format!("{} {}", a.name.as_deref().unwrap_or(""), a.email))
                .unwrap_or_default();
            if all_in(&words, &format!("{} {from}", s.subject))
                && seen.insert((p.folder.clone(), s.uid))
            {
                hits.push(Hit {
                    folder: p.folder.clone(),
                    uid: s.uid,
                    subject: s.subject.clone(),
                    from: s
                        .from
                        .map(|a| a.name.unwrap_or(a.email))
                        .unwrap_or_default(),
                    date: s.date,
                });
            }
        }
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.date));
    hits.truncate(MAX_HITS);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_in_the_text_without_accents() {
        let m: Message = serde_json::from_value(serde_json::json!({
            "uid": 1, "folder": "INBOX", "subject": "Convocation", "from": [{"name": "Rectorat", "email": "dpe@ac-demo.fr"}],
            "to": [], "cc": [], "reply_to": [], "date": 0, "message_id": null,
            "flags": {"seen": false, "flagged": false, "answered": false, "draft": false, "forwarded": false},
            "size": 10, "text": "Réunion au collège le 12 mars.", "html": null,
            "remote_content_blocked": false, "attachments": []
        }))
        .unwrap();
        assert!(message_matches(&m, &words("reunion COLLEGE")));
        assert!(message_matches(&m, &words("rectorat convocation")));
        assert!(!message_matches(&m, &words("réunion avril")));
    }
}
