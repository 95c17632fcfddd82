//! What the settings page does with the preferences, without the browser:
//! identities added, what is sent, what is wrong with it, the delays.

use shared::compose::valid_email;
use shared::mail::{Folder, FolderRole};
use shared::prefs::{Identity, MAX_OFFLINE_MESSAGES, MAX_UNDO_SEND_SECS, Preferences};

use crate::i18n::people::TrPeople;

/// The undo delays offered, in seconds.
pub const UNDO_CHOICES: [u8; 5] = [0, 5, 10, 20, 30];

/// The delays of the menu: the usual ones, plus the current one when it is
/// another (within the allowed range), in order.
pub fn undo_choices(current: u8) -> Vec<u8> {
    let mut out = UNDO_CHOICES.to_vec();
    let current = current.min(MAX_UNDO_SEND_SECS);
    if !out.contains(&current) {
        out.push(current);
        out.sort_unstable();
    }
    out
}

/// The numbers of recent messages one may keep on the device (0: none).
pub const OFFLINE_CHOICES: [u32; 6] = [0, 50, 100, 200, 500, 1000];

/// The numbers of the menu: the usual ones, plus the current one when it
/// is another (within the allowed range), in order.
pub fn offline_choices(current: u32) -> Vec<u32> {
    let mut out = OFFLINE_CHOICES.to_vec();
    let current = current.min(MAX_OFFLINE_MESSAGES);
    if !out.contains(&current) {
        out.push(current);
        out.sort_unstable();
    }
    out
}

/// Whether `folder` is the INBOX, which is always kept.
fn is_inbox(folder: &Folder) -> bool {
    folder.role == Some(FolderRole::Inbox) || folder.path.eq_ignore_ascii_case("INBOX")
}

/// The folders one may keep offline, in the tree's order: those holding
/// messages, the INBOX aside.
pub fn offline_folder_choices(folders: &[Folder]) -> Vec<&Folder> {
    folders
        .iter()
        .filter(|f| f.selectable && !is_inbox(f))
        .collect()
}

/// Marks the folder `path` as kept offline (`on`) or not, once.
pub fn set_offline_folder(kept: &mut Vec<String>, path: &str, on: bool) {
    kept.retain(|p| p != path);
    if on {
        kept.push(path.to_string());
    }
}

/// The preferences with the login identity first (the server always puts
/// it there; this covers an answer without identities).
pub fn with_login_identity(mut p: Preferences, login_email: &str) -> Preferences {
    if p.identities.is_empty() && !login_email.is_empty() {
        p.identities.push(Identity {
            id: "principal".into(),
            email: login_email.to_string(),
            ..Default::default()
        });
    }
    p
}

/// A new, empty identity with an id none of `p`'s has.
pub fn new_identity(p: &Preferences) -> Identity {
    let id = (p.identities.len()..)
        .map(|n| format!("identite-{n}"))
        .find(|id| p.identities.iter().all(|i| &i.id != id))
        .unwrap_or_default();
    Identity {
        id,
        ..Default::default()
    }
}

/// Whether an added identity was left entirely empty (then it is dropped).
fn is_blank(i: &Identity) -> bool {
    i.email.trim().is_empty()
        && i.name.trim().is_empty()
        && i.reply_to.as_deref().is_none_or(|r| r.trim().is_empty())
        && i.signature.trim().is_empty()
}

/// What is sent: fields trimmed, an empty reply-to left out, added
/// identities left empty dropped.
pub fn cleaned(p: &Preferences) -> Preferences {
    let mut out = p.clone();
    out.identities = p
        .identities
        .iter()
        .enumerate()
        .filter(|(n, i)| *n == 0 || !is_blank(i))
        .map(|(_, i)| Identity {
            id: i.id.clone(),
            email: i.email.trim().to_string(),
            name: i.name.trim().to_string(),
            reply_to: i
                .reply_to
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            signature: i.signature.trim_end().to_string(),
        })
        .collect();
    out.undo_send_secs = out.undo_send_secs.min(MAX_UNDO_SEND_SECS);
    out.offline_messages = out.offline_messages.min(MAX_OFFLINE_MESSAGES);
    let mut seen = std::collections::HashSet::new();
    out.offline_folders
        .retain(|f| !f.is_empty() && seen.insert(f.clone()));
    out
}

/// What keeps the settings from being saved (identities numbered as
/// shown, the login one being 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NoAddress(usize),
    InvalidEmail(usize, String),
    InvalidReplyTo(usize, String),
}

impl Problem {
    pub fn text(&self, t: &TrPeople) -> String {
        match self {
            Problem::NoAddress(_) => t.identity_email_required.to_string(),
            Problem::InvalidEmail(_, a) => (t.invalid_email)(a),
            Problem::InvalidReplyTo(_, a) => (t.invalid_reply_to)(a),
        }
    }

    /// The identity it is about.
    pub fn identity(&self) -> usize {
        match self {
            Problem::NoAddress(n) | Problem::InvalidEmail(n, _) | Problem::InvalidReplyTo(n, _) => {
                *n
            }
        }
    }
}

/// What is wrong with the identities as typed (the login address is the
/// server's and not checked here).
pub fn problems(p: &Preferences) -> Vec<Problem> {
    let mut out = Vec::new();
    for (n, i) in p.identities.iter().enumerate() {
        if n > 0 && !is_blank(i) {
            let email = i.email.trim();
            if email.is_empty() {
                out.push(Problem::NoAddress(n));
            } else if !valid_email(email) {
                out.push(Problem::InvalidEmail(n, email.to_string()));
            }
        }
        if let Some(r) = i.reply_to.as_deref().map(str::trim)
            && !r.is_empty()
            && !valid_email(r)
        {
            out.push(Problem::InvalidReplyTo(n, r.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::people::FR;
    use shared::compose::BodyFormat;

    fn identity(id: &str, email: &str) -> Identity {
        Identity {
            id: id.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_usual_delays_and_the_current_one() {
        assert_eq!(undo_choices(5), vec![0, 5, 10, 20, 30]);
        assert_eq!(undo_choices(15), vec![0, 5, 10, 15, 20, 30]);
        assert_eq!(undo_choices(200), vec![0, 5, 10, 20, 30]);
    }

    fn folder(path: &str, role: Option<FolderRole>, selectable: bool) -> Folder {
        Folder {
            path: path.into(),
            name: path.rsplit('/').next().unwrap_or(path).into(),
            depth: path.matches('/').count() as u32,
            parent: None,
            role,
            selectable,
            subscribed: true,
            total: 0,
            unread: 0,
        }
    }

    #[test]
    fn the_usual_offline_counts_and_the_current_one() {
        assert_eq!(offline_choices(200), vec![0, 50, 100, 200, 500, 1000]);
        assert_eq!(offline_choices(0), vec![0, 50, 100, 200, 500, 1000]);
        assert_eq!(offline_choices(300), vec![0, 50, 100, 200, 300, 500, 1000]);
        assert_eq!(
            offline_choices(5000),
            vec![0, 50, 100, 200, 500, 1000, MAX_OFFLINE_MESSAGES]
        );
        assert_eq!(Preferences::default().offline_messages, 200);
    }

    #[test]
    fn every_folder_but_the_inbox_may_be_kept() {
        let folders = vec![
            folder("INBOX", Some(FolderRole::Inbox), true),
            folder("Inbox", None, true),
            folder("Projets", None, false),
            folder("Projets/Voyage Rome", None, true),
            folder("Sent", Some(FolderRole::Sent), true),
        ];
        let paths: Vec<&str> = offline_folder_choices(&folders)
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(paths, vec!["Projets/Voyage Rome", "Sent"]);
        assert!(offline_folder_choices(&[]).is_empty());
    }

    #[test]
    fn folders_are_ticked_and_unticked_once() {
        let mut kept = vec!["Sent".to_string()];
        set_offline_folder(&mut kept, "Projets/Voyage Rome", true);
        set_offline_folder(&mut kept, "Projets/Voyage Rome", true);
        assert_eq!(kept, vec!["Sent", "Projets/Voyage Rome"]);
        set_offline_folder(&mut kept, "Sent", false);
        set_offline_folder(&mut kept, "Archives", false);
        assert_eq!(kept, vec!["Projets/Voyage Rome"]);
    }

    #[test]
    fn what_is_kept_offline_is_sent_clean() {
        let p = Preferences {
            offline_messages: 99_999,
            offline_folders: vec![
                "Sent".into(),
                String::new(),
                "Archives".into(),
                "Sent".into(),
            ],
            ..Default::default()
        };
        let out = cleaned(&p);
        assert_eq!(out.offline_messages, MAX_OFFLINE_MESSAGES);
        assert_eq!(out.offline_folders, vec!["Sent", "Archives"]);
    }

    #[test]
    fn identities_get_new_ids_and_the_login_one_is_there() {
        let p = with_login_identity(Preferences::default(), "sdupont@ac-demo.fr");
        assert_eq!(p.identities[0].email, "sdupont@ac-demo.fr");
        let mut p = Preferences {
            identities: vec![
                identity("principal", "a@ac-demo.fr"),
                identity("identite-2", "b@ac-demo.fr"),
            ],
            ..Default::default()
        };
        let added = new_identity(&p);
        assert_eq!(added.id, "identite-3");
        p.identities.push(added);
        assert_eq!(new_identity(&p).id, "identite-4");
        assert_eq!(with_login_identity(p.clone(), "x@y.fr"), p);
    }

    #[test]
    fn what_is_sent_is_clean() {
        let p = Preferences {
            identities: vec![
                Identity {
                    name: " Sophie Dupont ".into(),
                    reply_to: Some("  ".into()),
                    signature: "S. Dupont\nCollège\n\n".into(),
                    ..identity("principal", "sdupont@ac-demo.fr")
                },
                identity("identite-1", ""),
                Identity {
                    reply_to: Some(" secretariat@ac-demo.fr ".into()),
                    ..identity("identite-2", " ce.0750001a@ac-demo.fr ")
                },
            ],
            compose_format: BodyFormat::Text,
            undo_send_secs: 10,
            ..Default::default()
        };
        let out = cleaned(&p);
        assert_eq!(out.identities.len(), 2);
        assert_eq!(out.identities[0].name, "Sophie Dupont");
        assert_eq!(out.identities[0].reply_to, None);
        assert_eq!(out.identities[0].signature, "S. Dupont\nCollège");
        assert_eq!(out.identities[1].email, "ce.0750001a@ac-demo.fr");
        assert_eq!(
            out.identities[1].reply_to.as_deref(),
            Some("secretariat@ac-demo.fr")
        );
        assert_eq!(out.compose_format, BodyFormat::Text);
        assert_eq!(out.undo_send_secs, 10);
        assert!(problems(&p).is_empty());
    }

    #[test]
    fn wrong_addresses_are_told() {
        let p = Preferences {
            identities: vec![
                Identity {
                    reply_to: Some("pas-une-adresse".into()),
                    ..identity("principal", "sdupont@ac-demo.fr")
                },
                Identity {
                    name: "Secrétariat".into(),
                    ..identity("identite-1", "")
                },
                identity("identite-2", "secretariat@"),
            ],
            ..Default::default()
        };
        let found = problems(&p);
        assert_eq!(
            found,
            vec![
                Problem::InvalidReplyTo(0, "pas-une-adresse".into()),
                Problem::NoAddress(1),
                Problem::InvalidEmail(2, "secretariat@".into()),
            ]
        );
        assert_eq!(found[1].identity(), 1);
        assert_eq!(
            found[0].text(&FR),
            "« pas-une-adresse » n'est pas une adresse de réponse valide."
        );
        assert_eq!(found[1].text(&FR), FR.identity_email_required);
    }
}
