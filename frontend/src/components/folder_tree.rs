//! The folder pane: the tree indented by depth, special folders under their
//! translated names, unread counts.

use leptos::prelude::*;
use shared::mail::{Folder, FolderRole, encode_segment};

use crate::format::{Numbers, format_count};
use crate::i18n::use_tr;
use crate::router::use_router;
use crate::state::folders::{display_name, use_folders};

/// The special use as a stable word, for styling and tests (`data-role`).
fn role_code(role: FolderRole) -> &'static str {
    match role {
        FolderRole::Inbox => "inbox",
        FolderRole::Drafts => "drafts",
        FolderRole::Sent => "sent",
        FolderRole::Archive => "archive",
        FolderRole::Junk => "junk",
        FolderRole::Trash => "trash",
    }
}

/// The URL of a folder's list.
pub fn folder_href(path: &str) -> String {
    format!("/mail/{}", encode_segment(path))
}

/// The tree of the folder context; `current` is highlighted, `on_select`
/// runs when the user picks a folder.
#[component]
pub fn FolderTree(#[prop(into)] current: Signal<String>, on_select: Callback<()>) -> impl IntoView {
    let folders = use_folders();
    // A few dozen folders, changing rarely: redrawn whole, no keyed diffing.
    move || {
        let items = folders
            .list
            .with(|l| l.as_ref().map(|l| l.folders.clone()).unwrap_or_default());
        view! {
            <ul class="folder-tree">
                {items
                    .into_iter()
                    .map(|folder| view! { <FolderItem folder current on_select /> })
                    .collect_view()}
            </ul>
        }
    }
}

#[component]
fn FolderItem(folder: Folder, current: Signal<String>, on_select: Callback<()>) -> impl IntoView {
    let tr = use_tr();
    let router = use_router();
    // A `\Noselect` folder only holds others: an anchor without href, not a link.
    let href = folder.selectable.then(|| folder_href(&folder.path));
    let target = href.clone();
    let path = folder.path.clone();
    let is_current =
        Signal::derive(move || current.with(|c| *c == path).then(|| "page".to_string()));
    let unread = folder.unread;
    let role = folder.role.map(role_code);
    let depth = format!("{}rem", folder.depth);
    let name = Signal::derive(move || display_name(&folder, tr()));
    let badge = (unread > 0).then(|| {
        let count = Signal::derive(move || format_count(unread.into(), Numbers::of(tr())));
        let spoken = Signal::derive(move || (tr().unread_count)(unread));
        view! {
            <span class="badge">
                <span aria-hidden="true">{count}</span>
                <span class="visually-hidden">{spoken}</span>
            </span>
        }
    });
    view! {
        <li class="folder-item" style:padding-inline-start=depth data-role=role>
            <a
                class="folder"
                class:unread={unread > 0}
                class:noselect=target.is_none()
                href=href
                aria-current=is_current
                on:click=move |ev| {
                    if let Some(target) = &target {
                        router.follow(&ev, target);
                        on_select.run(());
                    }
                }
            >
                <span class="folder-name">{name}</span>
                {badge}
            </a>
        </li>
    }
}
