//! Conversations: the list of a folder as threads (grouped by the server,
//! `THREAD=REFERENCES`), and, above an open message, the other messages of
//! its conversation, the user's own replies from Sent included.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bulk::ThreadPage;
use shared::mail::{FlagsRequest, Message, encode_segment};

use crate::api::mail::{self, Change};
use crate::api::{Failure, decode, get_text};
use crate::components::error_banner::ErrorBanner;
use crate::components::folder_tree::folder_href;
use crate::format::{format_full_date, format_list_date, local_seconds, now_secs};
use crate::i18n::{t, use_tr};
use crate::router::use_router;

const PAGE: u32 = 50;

/// The folder's conversations, newest first, 50 at a time.
#[component]
pub fn ThreadList(
    #[prop(into)] folder: Signal<String>,
    #[prop(into)] selected: Signal<Option<u32>>,
) -> impl IntoView {
    let tr = use_tr();
    let router = use_router();
    let pages = RwSignal::new(Vec::<ThreadPage>::new());
    let error = RwSignal::new(None::<Failure>);
    let loading = RwSignal::new(false);
    let load = move |offset: u32| {
        let f = folder.get_untracked();
        loading.set(true);
        spawn_local(async move {
            let url = format!(
                "/api/folders/{}/threads?offset={offset}&limit={PAGE}",
                encode_segment(&f)
            );
            let r = get_text(&url, None)
                .await
                .and_then(|t| decode::<ThreadPage>(&t));
            // The list may be gone meanwhile (another folder, the switch).
            loading.try_set(false);
            match r {
                Ok(p) if folder.try_get_untracked().as_deref() == Some(p.folder.as_str()) => {
                    pages.try_update(|ps| ps.push(p));
                }
                Ok(_) => {}
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    Effect::new(move |_| {
        folder.track();
        pages.set(Vec::new());
        error.set(None);
        load(0);
    });
    let now = local_seconds(now_secs());
    view! {
        <ErrorBanner error on_retry=Callback::new(move |_| load(0)) />
        <ul class="thread-list" aria-label=move || tr().conversations>
            {move || pages.get().into_iter().flat_map(|p| p.threads).map(|th| {
                let f = folder.get_untracked();
                let uid = th.latest.uid;
                let href = format!("{}/{uid}", folder_href(&f));
                let to = href.clone();
                let from = th.latest.from.as_ref().map(|a| a.display().to_string()).unwrap_or_default();
                let date = format_list_date(local_seconds(th.latest.date), now, tr());
                let subject = if th.subject.trim().is_empty() { tr().no_subject.to_string() } else { th.subject.clone() };
                let count = th.count;
                let uids = th.uids.clone();
                let is_selected = move || uids.contains(&selected.get().unwrap_or(0));
                let unread = th.unread > 0;
                view! {
                    <li class="thread-row" class:unread=unread class:selected=is_selected>
                        <a class="thread-link" href=href on:click=move |ev| router.follow(&ev, &to)>
                            <span class="row-from">{from}</span>
                            <span class="row-date">{date}</span>
                            <span class="row-subject">
                                {subject}
                                {(count > 1).then(|| view! {
                                    <span class="thread-count" title=move || (tr().messages_count)(count)>{count}</span>
                                })}
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || {
            let shown: u32 = pages.with(|ps| ps.iter().map(|p| p.threads.len() as u32).sum());
            let total = pages.with(|ps| ps.last().map_or(0, |p| p.total_threads));
            (shown < total && !loading.get()).then(|| view! {
                <button type="button" class="button more-threads" on:click=move |_| load(shown)>
                    {t(|t| t.more_conversations)}
                </button>
            })
        }}
    }
}

/// The other messages of the open message's conversation, oldest first,
/// each to unfold; unfolding one marks it read.
#[component]
pub fn ConversationStack(folder: String, uid: u32) -> impl IntoView {
    let tr = use_tr();
    let messages = RwSignal::new(Vec::<Message>::new());
    let f = folder.clone();
    spawn_local(async move {
        let url = format!("/api/folders/{}/threads/{uid}", encode_segment(&f));
        if let Ok(list) = get_text(&url, None)
            .await
            .and_then(|t| decode::<Vec<Message>>(&t))
        {
            messages.try_set(
                list.into_iter()
                    .filter(|m| !(m.folder == f && m.uid == uid))
                    .collect(),
            );
        }
    });
    move || {
        let list = messages.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|m| {
                    let who = m.from.first().map(|a| a.display().to_string()).unwrap_or_default();
                    let date = m.date;
                    let text = m.text.clone().unwrap_or_default();
                    let (mf, muid, unread) = (m.folder.clone(), m.uid, !m.flags.seen);
                    let mark_read = move |_| {
                        if unread {
                            let mf = mf.clone();
                            spawn_local(async move {
                                let _ = mail::change(&mf, &Change::Flags(FlagsRequest { uids: vec![muid], seen: Some(true), flagged: None })).await;
                            });
                        }
                    };
                    view! {
                        <details class="conversation-item" class:unread=unread on:toggle=mark_read>
                            <summary>
                                <span class="row-from">{who}</span>
                                <span class="row-date">{move || format_full_date(local_seconds(date), tr())}</span>
                            </summary>
                            <div class="message-text">{text}</div>
                        </details>
                    }
                })
                .collect_view();
            view! {
                <section class="conversation" aria-label=move || tr().conversation>
                    {items}
                </section>
            }
        })
    }
}
