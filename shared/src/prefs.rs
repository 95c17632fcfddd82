//! The user's preferences, stored with their mail account (IMAP METADATA)
//! so that every device sees the same.

use serde::{Deserialize, Serialize};

use crate::compose::BodyFormat;

/// An address the user sends as, with its name and signature.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Plain text, added under the body (after `-- `).
    #[serde(default)]
    pub signature: String,
}

/// Seconds "Envoyer" waits by default, with "Annuler" shown.
pub const DEFAULT_UNDO_SEND_SECS: u8 = 5;
/// The longest wait the user may choose.
pub const MAX_UNDO_SEND_SECS: u8 = 30;

fn default_undo() -> u8 {
    DEFAULT_UNDO_SEND_SECS
}

/// Messages of the INBOX kept for offline reading, by default.
pub const DEFAULT_OFFLINE_MESSAGES: u32 = 200;
/// The most one may ask for.
pub const MAX_OFFLINE_MESSAGES: u32 = 2000;

fn default_offline() -> u32 {
    DEFAULT_OFFLINE_MESSAGES
}

/// Everything the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    /// `fr` or `en`; the browser's choice when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// The first is the login address (always there, its address fixed).
    #[serde(default)]
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub compose_format: BodyFormat,
    #[serde(default = "default_undo")]
    pub undo_send_secs: u8,
    /// Senders whose remote images are shown without asking.
    #[serde(default)]
    pub trusted_image_senders: Vec<String>,
    /// How many of the most recent messages of the INBOX (and of each
    /// folder in `offline_folders`) are kept on the device, bodies
    /// included, for reading offline; 0 turns prefetching off.
    #[serde(default = "default_offline")]
    pub offline_messages: u32,
    /// Folders the user marked "disponible hors ligne" (besides the INBOX).
    #[serde(default)]
    pub offline_folders: Vec<String>,
    /// Lists show conversations (threads) instead of single messages.
    #[serde(default)]
    pub conversations: bool,
    /// Searches kept in the folder tree.
    #[serde(default)]
    pub saved_searches: Vec<SavedSearch>,
    /// Calendars hidden from the views (their ids).
    #[serde(default)]
    pub hidden_calendars: Vec<String>,
    /// Colleagues' calendars the user opened (their ids).
    #[serde(default)]
    pub other_calendars: Vec<String>,
}

/// A search the user named and kept.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedSearch {
    pub name: String,
    pub text: String,
    /// The folder it searches; every folder when absent.
    #[serde(default)]
    pub folder: Option<String>,
    #[serde(default)]
    pub unread: bool,
    #[serde(default)]
    pub flagged: bool,
    #[serde(default)]
    pub has_attachment: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            language: None,
            identities: Vec::new(),
            compose_format: BodyFormat::Html,
            undo_send_secs: DEFAULT_UNDO_SEND_SECS,
            trusted_image_senders: Vec::new(),
            offline_messages: DEFAULT_OFFLINE_MESSAGES,
            offline_folders: Vec::new(),
            conversations: false,
            saved_searches: Vec::new(),
            hidden_calendars: Vec::new(),
            other_calendars: Vec::new(),
        }
    }
}

impl Preferences {
    /// Puts the preferences in order for `login_email`: the login identity
    /// first (created when missing, its address fixed), ids unique, the
    /// undo delay within bounds, no control characters where they could
    /// reach a header. Returns what was wrong with what the user sent.
    pub fn normalize(&mut self, login_email: &str) -> Result<(), String> {
        self.undo_send_secs = self.undo_send_secs.min(MAX_UNDO_SEND_SECS);
        self.offline_messages = self.offline_messages.min(MAX_OFFLINE_MESSAGES);
        self.offline_folders
            .retain(|f| !f.is_empty() && !f.chars().any(char::is_control));
        self.offline_folders.dedup();
        for list in [&mut self.hidden_calendars, &mut self.other_calendars] {
            list.retain(|c| !c.is_empty() && !c.chars().any(char::is_control));
            list.dedup();
            list.truncate(100);
        }
        self.saved_searches.retain(|s| !s.name.trim().is_empty());
        self.saved_searches.truncate(50);
        for s in &mut self.saved_searches {
            s.name = s
                .name
                .chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect();
        }
        let pos = self
            .identities
            .iter()
            .position(|i| i.email.eq_ignore_ascii_case(login_email));
        let mut main = match pos {
            Some(p) => self.identities.remove(p),
            None => Identity::default(),
        };
        main.email = login_email.to_string();
        if main.id.is_empty() {
            main.id = "principal".into();
        }
        self.identities.insert(0, main);
        let mut seen = std::collections::HashSet::new();
        for (n, i) in self.identities.iter_mut().enumerate() {
            if i.id.is_empty() || !seen.insert(i.id.clone()) {
                i.id = format!("identite-{n}");
                seen.insert(i.id.clone());
            }
            i.name = i.name.trim().to_string();
            if i.name.chars().any(char::is_control) {
                return Err(format!("nom invalide : {}", i.name));
            }
            if !crate::compose::valid_email(&i.email) {
                return Err(format!("adresse invalide : {}", i.email));
            }
            if let Some(r) = &i.reply_to {
                let r = r.trim();
                if r.is_empty() {
                    i.reply_to = None;
                } else if !crate::compose::valid_email(r) {
                    return Err(format!("adresse de réponse invalide : {r}"));
                } else {
                    i.reply_to = Some(r.to_string());
                }
            }
        }
        if let Some(l) = &self.language
            && l != "fr"
            && l != "en"
        {
            self.language = None;
        }
        Ok(())
    }

    /// The identity `id`, else the first.
    pub fn identity(&self, id: Option<&str>) -> Option<&Identity> {
        id.and_then(|id| self.identities.iter().find(|i| i.id == id))
            .or_else(|| self.identities.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_identity_always_first_and_fixed() {
        let mut p = Preferences {
            identities: vec![
                Identity {
                    id: "x".into(),
                    email: "secretariat@ac-demo.fr".into(),
                    ..Default::default()
                },
                Identity {
                    id: "x".into(),
                    email: "SDupont@ac-demo.fr".into(),
                    name: " Sophie Dupont ".into(),
                    ..Default::default()
                },
            ],
            undo_send_secs: 99,
            ..Default::default()
        };
        p.normalize("sdupont@ac-demo.fr").unwrap();
        assert_eq!(p.identities[0].email, "sdupont@ac-demo.fr");
        assert_eq!(p.identities[0].name, "Sophie Dupont");
        assert_ne!(p.identities[0].id, p.identities[1].id);
        assert_eq!(p.undo_send_secs, 30);
        let mut q = Preferences::default();
        q.normalize("a@b.fr").unwrap();
        assert_eq!(q.identities.len(), 1);
        let mut bad = Preferences {
            identities: vec![Identity {
                name: "A\r\nBcc: x@y.fr".into(),
                email: "a@b.fr".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(bad.normalize("a@b.fr").is_err());
    }
}
