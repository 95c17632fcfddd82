//! The ways into the pages of the compose bundle, known to every bundle
//! (the pages themselves are only in the compose bundle): going there is a
//! full page load, which the backend answers with that bundle.
//!
//! `/compose` a new message; `/compose?to=<address>` one to somebody;
//! `/compose?mode=reply&folder=<f>&uid=<n>` a reply (or `reply_all`,
//! `forward`, `forward_as_attachment`); `/compose?draft=<n>&folder=<f>` a
//! draft continued; `/compose?local=<id>` a message kept on this device.

use shared::compose::ComposeMode;
use shared::mail::encode_segment;

pub const COMPOSE_PATH: &str = "/compose";
pub const CONTACTS_PATH: &str = "/contacts";
pub const CALENDAR_PATH: &str = "/calendar";
pub const SETTINGS_PATH: &str = "/settings";

/// The name of a mode in the address.
pub fn mode_name(mode: ComposeMode) -> &'static str {
    match mode {
        ComposeMode::Reply => "reply",
        ComposeMode::ReplyAll => "reply_all",
        ComposeMode::Forward => "forward",
        ComposeMode::ForwardAsAttachment => "forward_as_attachment",
    }
}

/// The mode named in the address.
#[cfg_attr(not(feature = "compose"), allow(dead_code))]
pub fn mode_from_name(name: &str) -> Option<ComposeMode> {
    [
        ComposeMode::Reply,
        ComposeMode::ReplyAll,
        ComposeMode::Forward,
        ComposeMode::ForwardAsAttachment,
    ]
    .into_iter()
    .find(|m| mode_name(*m) == name)
}

/// A reply to or a forward of a message.
pub fn answer_href(mode: ComposeMode, folder: &str, uid: u32) -> String {
    format!(
        "{COMPOSE_PATH}?mode={}&folder={}&uid={uid}",
        mode_name(mode),
        encode_segment(folder)
    )
}

/// A draft, continued.
pub fn draft_href(folder: &str, uid: u32) -> String {
    format!(
        "{COMPOSE_PATH}?draft={uid}&folder={}",
        encode_segment(folder)
    )
}

/// A new message to `email`.
#[cfg(feature = "people")]
pub fn write_to_href(email: &str) -> String {
    format!("{COMPOSE_PATH}?to={}", encode_segment(email))
}

/// Goes to a page of another bundle (a full page load).
pub fn go(href: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(href);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::query_param;

    #[test]
    fn answer_addresses_round_trip() {
        let href = answer_href(ComposeMode::ReplyAll, "Projets/Voyage Rome", 42);
        let q = href.split_once('?').unwrap().1;
        assert_eq!(
            query_param(q, "mode").and_then(|m| mode_from_name(&m)),
            Some(ComposeMode::ReplyAll)
        );
        assert_eq!(
            query_param(q, "folder").as_deref(),
            Some("Projets/Voyage Rome")
        );
        assert_eq!(query_param(q, "uid").as_deref(), Some("42"));
        let d = draft_href("Brouillons", 7);
        assert!(d.starts_with("/compose?draft=7&folder="));
        assert_eq!(mode_from_name("nope"), None);
    }
}
