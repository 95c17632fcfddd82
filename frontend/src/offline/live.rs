//! Live updates: the server's events (`/api/events`, Server-Sent Events
//! from IMAP IDLE) patch the folder counts (and so the page title), bring
//! new mail into the open list, follow flags changed on another device and
//! take out messages expunged elsewhere; a desktop notification is shown
//! for new mail when the user allowed it and the page is not in view.
//! `EventSource` reconnects by itself after a network or server drop; the
//! first event after a (re)connection carries the INBOX's counts, and the
//! open list is reloaded whole, so no row is ever shown twice.

use leptos::prelude::*;
use shared::events::{ServerEvent, StreamEnd};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

use crate::state::folders::FoldersCtx;
use crate::state::mailbox::MailboxCtx;

/// What an event changes in the open list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListChange {
    Nothing,
    /// Reload the pages shown (new messages, counts changed).
    Reload,
    Flags(u32, shared::mail::Flags),
    Remove(Vec<u32>),
}

/// The effect of an event on the list of `open` (a folder path).
pub fn list_change(ev: &ServerEvent, open: &str, shown_total: Option<u32>) -> ListChange {
    match ev {
        ServerEvent::NewMessages { folder, .. } if folder == open => ListChange::Reload,
        ServerEvent::Folder { folder, total, .. }
            if folder == open && shown_total != Some(*total) =>
        {
            ListChange::Reload
        }
        ServerEvent::Flags { folder, uid, flags } if folder == open => {
            ListChange::Flags(*uid, *flags)
        }
        ServerEvent::Expunged { folder, uids } if folder == open => {
            ListChange::Remove(uids.clone())
        }
        _ => ListChange::Nothing,
    }
}

/// Whether this browser has desktop notifications (iOS Safari outside an
/// installed app has none: calling them would throw).
pub fn notifications_supported() -> bool {
    js_sys::Reflect::has(&window(), &wasm_bindgen::JsValue::from_str("Notification"))
        .unwrap_or(false)
}

/// Whether the user may still be asked to allow notifications.
pub fn can_ask_notifications() -> bool {
    notifications_supported()
        && web_sys::Notification::permission() == web_sys::NotificationPermission::Default
}

fn notify(ev: &ServerEvent, title: &str) {
    if !notifications_supported() {
        return;
    }
    let ServerEvent::NewMessages { messages, .. } = ev else {
        return;
    };
    let hidden = document().visibility_state() != web_sys::VisibilityState::Visible;
    if !hidden || web_sys::Notification::permission() != web_sys::NotificationPermission::Granted {
        return;
    }
    for m in messages.iter().take(3) {
        let from = m
            .from
            .as_ref()
            .map(|a| a.display().to_string())
            .unwrap_or_default();
        let opts = web_sys::NotificationOptions::new();
        opts.set_body(&m.subject);
        opts.set_tag(&format!("facteur-{}", m.uid));
        let _ = web_sys::Notification::new_with_options(&format!("{title} {from}"), &opts);
    }
}

/// Opens the stream for the mail page; it closes when the page goes.
pub fn follow(folders: FoldersCtx, mailbox: MailboxCtx, lang: RwSignal<crate::i18n::Lang>) {
    let Ok(source) = EventSource::new("/api/events") else {
        return;
    };
    let on_event = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        let Ok(ev) = serde_json::from_str::<ServerEvent>(&text) else {
            return;
        };
        if let ServerEvent::Folder {
            folder,
            total,
            unread,
        } = &ev
        {
            folders.list.update(|l| {
                if let Some(f) = l
                    .as_mut()
                    .and_then(|l| l.folders.iter_mut().find(|f| &f.path == folder))
                {
                    f.total = *total;
                    f.unread = *unread;
                }
            });
        }
        match list_change(
            &ev,
            &mailbox.folder.get_untracked(),
            mailbox.total.get_untracked(),
        ) {
            ListChange::Nothing => {}
            ListChange::Reload => mailbox.reload(),
            ListChange::Flags(uid, flags) => mailbox.update_flags(uid, |f| *f = flags),
            ListChange::Remove(uids) => {
                for uid in uids {
                    mailbox.remove(uid);
                }
            }
        }
        notify(&ev, lang.get_untracked().table().new_mail_from);
    });
    for name in ["folder", "new_messages", "flags", "expunged"] {
        let _ = source.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
    }
    // The server ends the stream on purpose (another tab took it, the
    // session ended): no retrying then.
    let src = source.clone();
    let on_end = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let reason = e
            .data()
            .as_string()
            .and_then(|t| serde_json::from_str::<StreamEnd>(&t).ok())
            .map(|s| s.reason);
        if reason.is_some() {
            // (replaced, session ended, server error)
            src.close();
        }
    });
    let _ = source.add_event_listener_with_callback("error", on_end.as_ref().unchecked_ref());
    let handlers = StoredValue::new_local((source, on_event, on_end));
    on_cleanup(move || handlers.with_value(|(source, _, _)| source.close()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_change_only_the_open_folder() {
        let new = ServerEvent::NewMessages {
            folder: "INBOX".into(),
            messages: vec![],
        };
        assert_eq!(list_change(&new, "INBOX", Some(3)), ListChange::Reload);
        assert_eq!(list_change(&new, "Archive", Some(3)), ListChange::Nothing);
        let counts = ServerEvent::Folder {
            folder: "INBOX".into(),
            total: 3,
            unread: 1,
        };
        assert_eq!(list_change(&counts, "INBOX", Some(3)), ListChange::Nothing);
        assert_eq!(list_change(&counts, "INBOX", Some(2)), ListChange::Reload);
        let gone = ServerEvent::Expunged {
            folder: "INBOX".into(),
            uids: vec![4],
        };
        assert_eq!(
            list_change(&gone, "INBOX", None),
            ListChange::Remove(vec![4])
        );
    }
}
