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
    let selectable = folder.selectable;
    let folder_path = folder.path.clone();
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
    // Messages dropped here are moved (copied with Ctrl or Alt).
    let over = RwSignal::new(false);
    let drop_ctx = crate::pages::mail::bulk::DropCtx::here();
    let drop_path = folder_path.clone();
    let accepts = |ev: &leptos::ev::DragEvent| {
        ev.data_transfer().is_some_and(|d| {
            d.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some(crate::state::selection::DRAG_TYPE))
        })
    };
    view! {
        <li
            class="folder-item"
            class:drop-target=over
            style:padding-inline-start=depth
            data-role=role
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if selectable && accepts(&ev) {
                    ev.prevent_default();
                    over.set(true);
                }
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                over.set(false);
                if !selectable {
                    return;
                }
                let data = ev
                    .data_transfer()
                    .and_then(|d| d.get_data(crate::state::selection::DRAG_TYPE).ok())
                    .and_then(|t| serde_json::from_str::<crate::state::selection::Dragged>(&t).ok());
                if let (Some(dragged), Some(ctx)) = (data, drop_ctx) {
                    ev.prevent_default();
                    let copy = ev.ctrl_key() || ev.alt_key() || ev.meta_key();
                    crate::pages::mail::bulk::drop_on(ctx, dragged, drop_path.clone(), copy);
                }
            }
        >
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
