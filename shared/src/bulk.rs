//! Organising and finding: every UID of a folder (select all), copies,
//! conversations, folder export and import.

use serde::{Deserialize, Serialize};

use crate::mail::MessageSummary;

/// `GET /api/folders/{folder}/uids`: every UID of the folder, newest
/// arrival first, to act on the whole folder in batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderUids {
    /// UIDVALIDITY: when it changes, these UIDs are void.
    pub uid_validity: u32,
    pub uids: Vec<u32>,
}

/// `POST /api/folders/{folder}/messages/copy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyRequest {
    pub uids: Vec<u32>,
    /// Path of the destination folder.
    pub to: String,
}

/// One conversation of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadSummary {
    /// The UIDs of the conversation in this folder, newest last.
    pub uids: Vec<u32>,
    pub count: u32,
    pub unread: u32,
    /// The newest message of the conversation.
    pub latest: MessageSummary,
    /// The subject of the conversation (its first message's).
    pub subject: String,
}

/// `GET /api/folders/{folder}/threads?offset=&limit=`: conversations,
/// the one with the newest message first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadPage {
    pub folder: String,
    pub total_threads: u32,
    pub offset: u32,
    pub threads: Vec<ThreadSummary>,
}

/// `POST /api/folders/{folder}/import`: what was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub imported: u32,
    /// One line per message left out, with its number (1 for the first).
    pub errors: Vec<String>,
    /// Why the import stopped before the end (`quota_exceeded`): the
    /// messages before were imported, the rest not.
    #[serde(default)]
    pub stopped: Option<crate::ApiError>,
}

/// What threading by references looks at in one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadKeys {
    /// `Message-ID`, without its angle brackets.
    pub message_id: Option<String>,
    /// The ids of `In-Reply-To` and `References`.
    pub refs: Vec<String>,
}

impl ThreadKeys {
    /// Reads `Message-ID`, `In-Reply-To` and `References` from a header
    /// (folded lines joined); other fields are ignored.
    pub fn from_header(header: &[u8]) -> Self {
        let text = String::from_utf8_lossy(header);
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.split('\n') {
            let line = line.trim_end_matches('\r');
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = fields.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let mut keys = ThreadKeys::default();
        for (name, value) in &fields {
            match name.as_str() {
                "message-id" => keys.message_id = message_ids(value).into_iter().next(),
                "in-reply-to" | "references" => {
                    for id in message_ids(value) {
                        if !keys.refs.contains(&id) {
                            keys.refs.push(id);
                        }
                    }
                }
                _ => {}
            }
        }
        keys
    }
}

/// The `<id>` tokens of a header value, without the brackets.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let id = after[..close].trim();
        if !id.is_empty() && !id.contains(char::is_whitespace) {
            ids.push(id.to_string());
        }
        rest = &after[close + 1..];
    }
    ids
}

/// Groups messages into conversations: two messages are in the same one
/// when one's Message-ID is referenced by the other, or both reference
/// the same id (a lost parent still joins its replies). Answers groups
/// of indexes into `msgs`, each ascending, the groups in the order of
/// their first member.
pub fn group_threads(msgs: &[ThreadKeys]) -> Vec<Vec<usize>> {
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut ids: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    // Nodes: the messages, then each id not yet seen.
    let mut parent: Vec<usize> = (0..msgs.len()).collect();
    for (i, m) in msgs.iter().enumerate() {
        if let Some(id) = &m.message_id {
            // A duplicate Message-ID joins the first message with it.
            match ids.get(id.as_str()) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    ids.insert(id, i);
                }
            }
        }
    }
    for (i, m) in msgs.iter().enumerate() {
        for r in &m.refs {
            let j = match ids.get(r.as_str()) {
                Some(&j) => j,
                None => {
                    let n = parent.len();
                    parent.push(n);
                    ids.insert(r, n);
                    n
                }
            };
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            if a != b {
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for i in 0..msgs.len() {
        let root = find(&mut parent, i);
        let g = *group_of.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

/// Reads the data of an untagged `THREAD` answer (RFC 5256 §4,
/// `(2)(3 6 (4 23)(44 7 96))`): the UIDs of each top-level thread, tree
/// order flattened. Malformed parts are skipped.
pub fn parse_thread_response(data: &str) -> Vec<Vec<u32>> {
    let mut threads = Vec::new();
    let mut depth = 0usize;
    let mut current: Vec<u32> = Vec::new();
    let mut number = String::new();
    for c in data.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            if depth > 0
                && let Ok(n) = number.parse::<u32>()
                && n > 0
            {
                current.push(n);
            }
            number.clear();
        }
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 && !current.is_empty() {
                    threads.push(std::mem::take(&mut current));
                }
            }
            _ => {}
        }
    }
    threads
}

/// Orders conversations by `sorted` (every UID, newest arrival first):
/// the conversation with the newest message first, each one's UIDs
/// oldest first. UIDs absent from `sorted` are dropped, and so are
/// conversations left empty.
pub fn order_threads(groups: Vec<Vec<u32>>, sorted: &[u32]) -> Vec<Vec<u32>> {
    let rank: std::collections::HashMap<u32, usize> =
        sorted.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let mut threads: Vec<(usize, Vec<u32>)> = groups
        .into_iter()
        .filter_map(|mut g| {
            g.retain(|u| rank.contains_key(u));
            g.sort_unstable();
            g.dedup();
            // Newest (smallest rank) last.
            g.sort_by_key(|u| std::cmp::Reverse(rank.get(u).copied().unwrap_or(usize::MAX)));
            let newest = g.last().and_then(|u| rank.get(u).copied())?;
            Some((newest, g))
        })
        .collect();
    threads.sort_by_key(|(newest, _)| *newest);
    threads.into_iter().map(|(_, g)| g).collect()
}

/// A subject without its reply and forward prefixes (`Re:`, `RE :`,
/// `Fwd:`, `TR:`, `Fw:`), for naming a conversation.
pub fn base_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re", "fwd", "fw", "tr", "aw", "wg"].iter().find_map(|p| {
            let rest = lower.strip_prefix(p)?;
            let trimmed = rest.trim_start();
            let rest2 = trimmed.strip_prefix(':')?;
            Some(lower.len() - rest2.len())
        });
        match cut {
            Some(n) => s = s.get(n..).unwrap_or("").trim_start(),
            None => return s.to_string(),
        }
    }
}
