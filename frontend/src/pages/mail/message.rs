//! The message pane: loads the open message (cache first, then the server,
//! which marks it read), and carries out what the user asks of it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::mail::{DeleteRequest, Flags, FlagsRequest, FolderRole, Message, MoveRequest};

use super::{NoticeCtx, RouteCtx};
use crate::api::mail::{self, Change};
use crate::api::{Aborter, Failure, decode};
use crate::components::{
    confirm_dialog::ConfirmDialog,
    error_banner::ErrorBanner,
    folder_tree::folder_href,
    message_view::{MessageActions, MessageView},
};
use crate::i18n::{t, use_tr};
use crate::router::use_router;
use crate::state::folders::{display_name, use_folders};
use crate::state::mailbox::use_mailbox;
use crate::store::{self, Source, message_key};

/// What the user asked of the open message.
enum Action {
    MarkUnread,
    Flag(bool),
    MoveTo(String),
    Delete { permanent: bool },
    Junk(bool),
}

/// Shown in the message pane when no message is open.
#[component]
pub fn NoMessage() -> impl IntoView {
    view! { <p class="no-message">{t(|t| t.no_message_selected)}</p> }
}

#[component]
pub fn MessagePage() -> impl IntoView {
    let tr = use_tr();
    let route = expect_context::<RouteCtx>();
    let notice = expect_context::<NoticeCtx>();
    let mailbox = use_mailbox();
    let folders = use_folders();
    let router = use_router();

    let message = RwSignal::new(None::<Message>);
    let flags = RwSignal::new(Flags::default());
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let aborter = Aborter::new();
    // Bumped by every action on the message: an answer to a load started
    // before it must not put the old flags back.
    let changes = StoredValue::new(0u64);

    // The message to show: (folder, uid), or an error for a bad address.
    let target = Memo::new(move |_| (route.folder.get(), route.message.get().flatten()));

    let load = move |remote: bool| {
        let (folder, uid) = target.get_untracked();
        let ticket = aborter.next();
        error.set(None);
        confirming.set(false);
        let Some(uid) = uid else {
            message.set(None);
            error.set(Some(Failure::Api(ApiError::MessageNotFound)));
            return;
        };
        if !remote {
            message.set(None);
        }
        let changes_at_start = changes.get_value();
        spawn_local(async move {
            let mut show = |text: &str, source: Source| {
                let Ok(m) = decode::<Message>(text) else {
                    return false;
                };
                if aborter.is_current(&ticket) {
                    if changes.try_get_value() == Some(changes_at_start) {
                        flags.set(m.flags);
                    }
                    message.set(Some(m));
                    if source == Source::Network {
                        // The server marked it read: so does the list.
                        if mailbox.find(uid).is_some_and(|s| !s.flags.seen) {
                            mailbox.update_flags(uid, |f| f.seen = true);
                            folders.adjust_unread(&folder, -1);
                        }
                        flags.update(|f| f.seen = true);
                    }
                }
                true
            };
            // With images allowed, for this viewing only: not cached.
            let key = (!remote).then(|| message_key(&folder, uid));
            let url = mail::message_url(&folder, uid, remote);
            let result = store::swr(key.as_deref(), &url, Some(&ticket), true, &mut show).await;
            if aborter.is_current(&ticket)
                && let Err(e) = result
                // Offline with the message kept on the device: the banner says so.
                && !(e == Failure::Network && message.with_untracked(Option::is_some))
            {
                error.set(Some(e));
            }
        });
    };
    Effect::new(move |_| {
        target.track();
        load(false);
    });

    let in_trash = Signal::derive(move || {
        folders
            .find(&route.folder.get())
            .is_some_and(|f| f.role == Some(FolderRole::Trash))
    });
    let in_drafts = Signal::derive(move || {
        folders
            .find(&route.folder.get())
            .is_some_and(|f| f.role == Some(FolderRole::Drafts))
    });
    let in_junk = Signal::derive(move || {
        folders
            .find(&route.folder.get())
            .is_some_and(|f| f.role == Some(FolderRole::Junk))
    });
    let move_targets = Signal::derive(move || {
        let t = tr();
        let current = route.folder.get();
        folders.list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.folders
                        .iter()
                        .filter(|f| f.selectable && f.path != current)
                        .map(|f| {
                            let indent = "\u{a0}\u{a0}".repeat(f.depth as usize);
                            (f.path.clone(), format!("{indent}{}", display_name(f, t)))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });

    let leave = move |folder: &str| router.navigate(&folder_href(folder), false);
    // Carries out one action on the open message; errors show in the pane.
    let run = move |action: Action| {
        let (folder, Some(uid)) = target.get_untracked() else {
            return;
        };
        let uids = vec![uid];
        let change = match &action {
            Action::MarkUnread => Change::Flags(FlagsRequest {
                uids,
                seen: Some(false),
                flagged: None,
            }),
            Action::Flag(on) => Change::Flags(FlagsRequest {
                uids,
                seen: None,
                flagged: Some(*on),
            }),
            Action::MoveTo(to) => Change::Move(MoveRequest {
                uids,
                to: to.clone(),
            }),
            Action::Delete { permanent } => Change::Delete(DeleteRequest {
                uids,
                permanent: *permanent,
            }),
            Action::Junk(junk) => Change::Junk(shared::search::JunkRequest { uids, junk: *junk }),
        };
        let t = tr();
        let done = match &action {
            Action::MarkUnread => Some(t.marked_unread.to_string()),
            Action::Flag(_) => None,
            Action::MoveTo(to) => {
                let name = folders
                    .find(to)
                    .map(|f| display_name(&f, t))
                    .unwrap_or_else(|| to.clone());
                Some((t.moved_to)(&name))
            }
            Action::Delete { permanent: true } => Some(t.deleted_forever.to_string()),
            Action::Delete { permanent: false } => Some(t.moved_to_trash.to_string()),
            Action::Junk(true) => Some(t.moved_to_junk.to_string()),
            Action::Junk(false) => Some(t.moved_to_inbox.to_string()),
        };
        busy.set(true);
        error.set(None);
        changes.update_value(|c| *c += 1);
        spawn_local(async move {
            let mut done = done;
            let result = mail::change(&folder, &change).await;
            busy.set(false);
            match result {
                Ok(()) => {}
                // Offline: done here at once, on the server when it is back.
                Err(Failure::Network) if !crate::store::shared_device() => {
                    crate::offline::queue::enqueue(&folder, &change).await;
                    done = Some(tr().queued_action.to_string());
                }
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            }
            match action {
                Action::MarkUnread => {
                    flags.update(|f| f.seen = false);
                    mailbox.update_flags(uid, |f| f.seen = false);
                    folders.adjust_unread(&folder, 1);
                }
                Action::Flag(on) => {
                    flags.update(|f| f.flagged = on);
                    mailbox.update_flags(uid, |f| f.flagged = on);
                }
                Action::MoveTo(_) | Action::Delete { .. } | Action::Junk(_) => {
                    mailbox.remove(uid);
                    folders.refresh();
                    leave(&folder);
                    store::remove(&message_key(&folder, uid)).await;
                }
            }
            notice.show(done);
        });
    };
    let delete = Callback::new(move |_| {
        if in_trash.get_untracked() {
            confirming.set(true);
        } else {
            run(Action::Delete { permanent: false });
        }
    });
    let answer = Callback::new(move |yes: bool| {
        confirming.set(false);
        if yes {
            run(Action::Delete { permanent: true });
        }
    });
    let actions = MessageActions {
        mark_unread: Callback::new(move |_| run(Action::MarkUnread)),
        toggle_flag: Callback::new(move |_| run(Action::Flag(!flags.get_untracked().flagged))),
        move_to: Callback::new(move |to| run(Action::MoveTo(to))),
        delete,
        show_images: Callback::new(move |_| load(true)),
        junk: Callback::new(move |junk| run(Action::Junk(junk))),
    };
    // The keyboard's commands on the open message (e, #, s, !).
    let keys = expect_context::<super::KeyCmd>();
    Effect::new(move |_| {
        let Some(cmd) = keys.0.get() else {
            return;
        };
        keys.0.set(None);
        if busy.get_untracked() || message.with_untracked(Option::is_none) {
            return;
        }
        match cmd {
            super::MessageKey::Archive => {
                let archive = folders.list.with_untracked(|l| {
                    l.as_ref().and_then(|l| {
                        l.folders
                            .iter()
                            .find(|f| f.role == Some(FolderRole::Archive))
                            .map(|f| f.path.clone())
                    })
                });
                if let Some(to) = archive.filter(|a| *a != route.folder.get_untracked()) {
                    run(Action::MoveTo(to));
                }
            }
            super::MessageKey::Delete => actions.delete.run(()),
            super::MessageKey::Flag => run(Action::Flag(!flags.get_untracked().flagged)),
            super::MessageKey::Junk => run(Action::Junk(!in_junk.get_untracked())),
        }
    });

    let prefs = crate::state::prefs::use_prefs();
    view! {
        <ErrorBanner error />
        {move || {
            let (folder, uid) = target.get();
            (prefs.conversations() && uid.is_some()).then(|| view! {
                <super::conversation::ConversationStack folder uid=uid.unwrap_or(0) />
            })
        }}
        {move || {
            message.get().map(|m| {
                view! {
                    <MessageView
                        message=m
                        flagged=Signal::derive(move || flags.get().flagged)
                        busy
                        move_targets
                        in_trash
                        in_drafts
                        in_junk
                        actions
                    />
                }
            })
        }}
        {move || {
            (message.with(Option::is_none) && error.with(Option::is_none))
                .then(|| view! { <p class="no-message">{t(|t| t.loading)}</p> })
        }}
        {move || {
            confirming.get().then(|| {
                let t = tr();
                view! {
                    <ConfirmDialog
                        heading=t.confirm_delete_heading
                        text=t.confirm_delete_text
                        confirm_label=t.delete_forever
                        on_answer=answer
                    />
                }
            })
        }}
    }
}
