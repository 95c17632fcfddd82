//! The list pane of a folder: its name, how many messages, and the list.

use leptos::prelude::*;
use shared::mail::FolderRole;

use super::RouteCtx;
use super::offline::{SearchBox, SearchOpts, SearchResults};
use crate::components::{error_banner::ErrorBanner, message_list::MessageList};
use crate::i18n::use_tr;
use crate::state::folders::use_folders;
use crate::state::mailbox::use_mailbox;

#[component]
pub fn FolderPane(#[prop(into)] name: Signal<String>) -> impl IntoView {
    let tr = use_tr();
    let route = expect_context::<RouteCtx>();
    let mailbox = use_mailbox();
    let folders = use_folders();
    let selected = Signal::derive(move || route.message.get().flatten());
    let show_recipient = Signal::derive(move || {
        let role = folders.find(&route.folder.get()).and_then(|f| f.role);
        matches!(role, Some(FolderRole::Sent | FolderRole::Drafts))
    });
    let count = Signal::derive(move || mailbox.total.get().map(|n| (tr().messages_count)(n)));
    let prefs = crate::state::prefs::use_prefs();
    let search = expect_context::<super::offline::SearchCtx>();
    let (query, opts) = (search.query, search.opts);
    let searching =
        Memo::new(move |_| !query.with(|q| q.trim().is_empty()) || opts.with(SearchOpts::any));
    view! {
        <div class="list-header">
            <h2 id="folder-title" class="folder-title">{name}</h2>
            <span class="folder-count">{count}</span>
            <button
                type="button"
                role="switch"
                class="button conversations-switch"
                aria-checked=move || prefs.conversations().to_string()
                on:click=move |_| {
                    let on = !prefs.conversations();
                    prefs.update(|p| p.conversations = on);
                }
            >
                {move || tr().show_conversations}
            </button>
        </div>
        <super::bulk::EmptyFolderButton />
        <SearchBox query opts />
        <super::bulk::BulkBar />
        <Show
            when=move || searching.get()
            fallback=move || {
                if prefs.conversations() {
                    view! { <super::conversation::ThreadList folder=mailbox.folder selected /> }.into_any()
                } else {
                    view! {
                        <ErrorBanner error=mailbox.error on_retry=Callback::new(move |_| mailbox.reload()) />
                        <MessageList list=mailbox selected show_recipient />
                    }
                    .into_any()
                }
            }
        >
            <SearchResults query opts />
        </Show>
    }
}
