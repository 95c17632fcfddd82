//! The mail screen's offline parts: the banner that says the network is
//! gone, the outbox, searching what is kept on the device, and the work
//! done when the network comes back (changes replayed, outbox sent, cache
//! brought up to date, recent messages fetched ahead).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::NoticeCtx;
use crate::api::prefs;
use crate::components::folder_tree::folder_href;
use crate::format::{format_list_date, local_seconds, now_secs};
use crate::i18n::{t, use_tr};
use crate::offline::outbox::{self, LocalDraft};
use crate::offline::search::{Hit, search};
use crate::offline::{prefetch, queue, resync, use_online};
use crate::pages::links::COMPOSE_PATH;
use crate::router::use_router;
use crate::state::folders::use_folders;
use crate::state::mailbox::use_mailbox;

/// Says plainly that the network is gone.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let online = use_online().online;
    move || {
        (!online.get()).then(|| {
            view! { <p class="offline-banner" role="status">{t(|t| t.offline_banner)}</p> }
        })
    }
}

/// The outbox's content, shared with the page so that sending refreshes it.
#[derive(Clone, Copy)]
pub struct OutboxCtx(pub RwSignal<Vec<LocalDraft>>);

impl OutboxCtx {
    pub fn refresh(self) {
        let list = self.0;
        spawn_local(async move { list.set(outbox::list().await) });
    }
}

/// Everything the network's return sets off, in order: the changes made
/// offline, the messages waiting, the cache, then fetching ahead. Started
/// now, whenever the network comes back, and every ten minutes (new mail
/// gets fetched ahead).
pub fn keep_in_sync(notice: NoticeCtx, outbox_ctx: OutboxCtx) {
    let tr = use_tr();
    let mailbox = use_mailbox();
    let folders = use_folders();
    let online = use_online().online;
    let running = StoredValue::new(false);
    let sync = move || {
        if running.get_value() {
            return;
        }
        running.set_value(true);
        spawn_local(async move {
            let replayed = queue::replay().await;
            let flushed = outbox::flush().await;
            outbox_ctx.refresh();
            let t = tr();
            if flushed.sent > 0 {
                notice.show(Some((t.outbox_sent)(flushed.sent)));
            } else if replayed.done > 0 {
                notice.show(Some((t.changes_replayed)(replayed.done)));
            }
            if let Some((r, _)) = flushed.refused.first() {
                notice.show(Some((t.outbox_refused)(&r.message.subject)));
            }
            if replayed.done + replayed.dropped > 0 || flushed.sent > 0 {
                mailbox.reload();
                folders.refresh();
            }
            let p = prefs::load().await.unwrap_or_default();
            for f in prefetch::folders(&p) {
                let _ = resync::folder(&f).await;
            }
            let _ = prefetch::run(&p).await;
            running.set_value(false);
        });
    };
    outbox_ctx.refresh();
    Effect::new(move |was: Option<bool>| {
        let now = online.get();
        if now && was != Some(true) {
            sync();
        }
        now
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if online.get_untracked() {
                sync();
            }
        },
        Duration::from_secs(600),
    ) {
        on_cleanup(move || handle.clear());
    }
}

/// The messages waiting to be sent, each to edit or to cancel.
#[component]
pub fn OutboxPane(outbox_ctx: OutboxCtx) -> impl IntoView {
    let tr = use_tr();
    move || {
        let list = outbox_ctx.0.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|r| {
                    let id = r.local_id.clone();
                    let subject = if r.message.subject.trim().is_empty() {
                        tr().no_subject.to_string()
                    } else {
                        r.message.subject.clone()
                    };
                    let to = r
                        .message
                        .to
                        .iter()
                        .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let edit = format!("{COMPOSE_PATH}?local={id}");
                    view! {
                        <li class="outbox-item">
                            <span class="outbox-subject">{subject}</span>
                            <span class="outbox-to">{to}</span>
                            <span class="outbox-actions">
                                <a class="button" href=edit>{t(|t| t.outbox_edit)}</a>
                                <button type="button" class="button" on:click=move |_| {
                                    let id = id.clone();
                                    spawn_local(async move {
                                        outbox::take_out(&id).await;
                                        outbox_ctx.refresh();
                                    });
                                }>
                                    {t(|t| t.outbox_cancel)}
                                </button>
                            </span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="outbox" aria-labelledby="outbox-heading">
                    <h2 id="outbox-heading">{t(|t| t.outbox)}</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}

/// The search of the list pane, shared with the saved searches of the
/// folder pane.
#[derive(Clone, Copy)]
pub struct SearchCtx {
    pub query: RwSignal<String>,
    pub opts: RwSignal<SearchOpts>,
}

/// The saved searches under the folders: one click runs one again.
#[component]
pub fn SavedSearches() -> impl IntoView {
    let tr = use_tr();
    let prefs = crate::state::prefs::use_prefs();
    let search = expect_context::<SearchCtx>();
    let router = use_router();
    move || {
        let list = prefs.prefs.with(|p| {
            p.as_ref()
                .map(|p| p.saved_searches.clone())
                .unwrap_or_default()
        });
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let name = s.name.clone();
                    let remove_label = (tr().remove_saved_search)(&name);
                    view! {
                        <li class="saved-search">
                            <button type="button" class="link-button" on:click=move |_| {
                                if let Some(f) = &s.folder {
                                    router.navigate(&folder_href(f), false);
                                }
                                search.opts.set(SearchOpts {
                                    all_folders: s.folder.is_none(),
                                    unread: s.unread,
                                    flagged: s.flagged,
                                    has_attachment: s.has_attachment,
                                    ..Default::default()
                                });
                                search.query.set(s.text.clone());
                            }>
                                {name}
                            </button>
                            <button type="button" class="chip-remove" aria-label=remove_label on:click=move |_| {
                                prefs.update(|p| {
                                    if i < p.saved_searches.len() {
                                        p.saved_searches.remove(i);
                                    }
                                });
                            }>"×"</button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="saved-searches" aria-labelledby="saved-searches-heading">
                    <h2 id="saved-searches-heading">{t(|t| t.saved_searches)}</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}

/// The search's filters (the "Options" of the search box).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchOpts {
    pub all_folders: bool,
    pub since: String,
    pub before: String,
    pub has_attachment: bool,
    pub unread: bool,
    pub flagged: bool,
    /// Larger than this many MB.
    pub larger_mb: String,
}

impl SearchOpts {
    pub fn any(&self) -> bool {
        *self
            != SearchOpts {
                all_folders: self.all_folders,
                ..Default::default()
            }
    }

    /// The server's request for `text` in `folder`.
    pub fn request(&self, text: &str, folder: &str) -> shared::search::SearchRequest {
        shared::search::SearchRequest {
            text: text.trim().to_string(),
            folder: (!self.all_folders).then(|| folder.to_string()),
            since: Some(self.since.clone()).filter(|d| !d.is_empty()),
            before: Some(self.before.clone()).filter(|d| !d.is_empty()),
            has_attachment: self.has_attachment,
            unread: self.unread,
            flagged: self.flagged,
            larger_than: self
                .larger_mb
                .trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|mb| *mb > 0.0)
                .map(|mb| (mb * 1024.0 * 1024.0) as u32),
            offset: 0,
            limit: 100,
        }
    }
}

/// The search box of the list pane, with its options; its results, when
/// there is a query or a filter, take the list's place.
#[component]
pub fn SearchBox(query: RwSignal<String>, opts: RwSignal<SearchOpts>) -> impl IntoView {
    let tr = use_tr();
    let prefs = crate::state::prefs::use_prefs();
    let mailbox = use_mailbox();
    let show_opts = RwSignal::new(false);
    let check = move |label: fn(&crate::i18n::Tr) -> &'static str,
                      get: fn(&SearchOpts) -> bool,
                      set: fn(&mut SearchOpts, bool)| {
        view! {
            <label class="search-check">
                <input
                    type="checkbox"
                    prop:checked=move || opts.with(get)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        opts.update(|o| set(o, on));
                    }
                />
                {move || label(tr())}
            </label>
        }
    };
    let date = move |label: fn(&crate::i18n::Tr) -> &'static str,
                     get: fn(&SearchOpts) -> String,
                     set: fn(&mut SearchOpts, String)| {
        view! {
            <label class="search-field">
                {move || label(tr())}
                <input type="date" prop:value=move || opts.with(get) on:change=move |ev| {
                    let v = event_target_value(&ev);
                    opts.update(|o| set(o, v));
                } />
            </label>
        }
    };
    view! {
        <div class="search-box" role="search">
            <div class="search-row">
                <input
                    type="search"
                    aria-label=move || tr().search_label
                    placeholder=move || tr().search_placeholder
                    aria-keyshortcuts="/"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            query.set(String::new());
                            opts.set(SearchOpts::default());
                        }
                    }
                />
                <Show when=move || !query.with(|q| q.trim().is_empty())>
                    <button type="button" class="button" on:click=move |_| {
                        let name = window()
                            .prompt_with_message_and_default(tr().save_search_prompt, &query.get_untracked())
                            .ok()
                            .flatten()
                            .map(|n| n.trim().to_string())
                            .filter(|n| !n.is_empty());
                        if let Some(name) = name {
                            let o = opts.get_untracked();
                            let folder = (!o.all_folders).then(|| mailbox.folder.get_untracked());
                            let text = query.get_untracked();
                            prefs.update(|p| {
                                p.saved_searches.push(shared::prefs::SavedSearch {
                                    name,
                                    text,
                                    folder,
                                    unread: o.unread,
                                    flagged: o.flagged,
                                    has_attachment: o.has_attachment,
                                })
                            });
                        }
                    }>
                        {t(|t| t.save_search)}
                    </button>
                </Show>
                <button
                    type="button"
                    class="button"
                    aria-expanded=move || show_opts.get().to_string()
                    on:click=move |_| show_opts.update(|s| *s = !*s)
                >
                    {t(|t| t.search_options)}
                </button>
            </div>
            <Show when=move || show_opts.get()>
                <div class="search-options">
                    {check(|t| t.search_all_folders, |o| o.all_folders, |o, v| o.all_folders = v)}
                    {check(|t| t.search_unread, |o| o.unread, |o, v| o.unread = v)}
                    {check(|t| t.search_flagged, |o| o.flagged, |o, v| o.flagged = v)}
                    {check(|t| t.search_attachment, |o| o.has_attachment, |o, v| o.has_attachment = v)}
                    {date(|t| t.search_since, |o| o.since.clone(), |o, v| o.since = v)}
                    {date(|t| t.search_before, |o| o.before.clone(), |o, v| o.before = v)}
                    <label class="search-field">
                        {move || tr().search_larger}
                        <input type="number" min="0" step="0.5" inputmode="decimal" prop:value=move || opts.with(|o| o.larger_mb.clone())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                opts.update(|o| o.larger_mb = v);
                            } />
                    </label>
                </div>
            </Show>
        </div>
    }
}

#[component]
pub fn SearchResults(query: RwSignal<String>, opts: RwSignal<SearchOpts>) -> impl IntoView {
    let tr = use_tr();
    let router = use_router();
    let online = use_online().online;
    let folders = use_folders();
    let mailbox = use_mailbox();
    let hits = RwSignal::new(None::<Vec<Hit>>);
    let local = RwSignal::new(false);
    let error = RwSignal::new(None::<crate::api::Failure>);
    let generation = StoredValue::new(0u64);
    // Debounced: searched 250 ms after the last key.
    Effect::new(move |_| {
        let q = query.get();
        let o = opts.get();
        let on = online.get();
        let folder = mailbox.folder.get();
        generation.update_value(|g| *g += 1);
        let g = generation.get_value();
        set_timeout(
            move || {
                if generation.try_get_value() != Some(g) {
                    return;
                }
                spawn_local(async move {
                    // The server when it can be reached; what is kept otherwise.
                    let server = if on {
                        Some(crate::api::mail::search(&o.request(&q, &folder)).await)
                    } else {
                        None
                    };
                    let (found, is_local, err) = match server {
                        Some(Ok(r)) => (
                            r.hits
                                .into_iter()
                                .map(|h| Hit {
                                    folder: h.folder,
                                    uid: h.summary.uid,
                                    subject: h.summary.subject,
                                    from: h
                                        .summary
                                        .from
                                        .map(|a| a.name.unwrap_or(a.email))
                                        .unwrap_or_default(),
                                    date: h.summary.date,
                                })
                                .collect(),
                            false,
                            None,
                        ),
                        Some(Err(crate::api::Failure::Network)) | None => {
                            (search(&q).await, true, None)
                        }
                        Some(Err(e)) => (Vec::new(), false, Some(e)),
                    };
                    // The results may be gone meanwhile (search cleared).
                    if generation.try_get_value() == Some(g) {
                        hits.try_set(Some(found));
                        local.try_set(is_local);
                        error.try_set(err);
                    }
                });
            },
            Duration::from_millis(250),
        );
    });
    let now = local_seconds(now_secs());
    view! {
        <div class="search-results">
            {move || local.get().then(|| view! { <p class="search-note">{t(|t| t.search_note)}</p> })}
            <crate::components::error_banner::ErrorBanner error />
            {move || hits.get().map(|list| {
                let count = if list.is_empty() {
                    if local.get() { tr().search_none.to_string() } else { (tr().search_results)(0) }
                } else {
                    (tr().search_results)(list.len())
                };
                let several = list.iter().any(|h| h.folder != list[0].folder);
                let rows = list.into_iter().map(|h| {
                    let href = format!("{}/{}", folder_href(&h.folder), h.uid);
                    let to = href.clone();
                    let date = format_list_date(local_seconds(h.date), now, tr());
                    let subject = if h.subject.trim().is_empty() { tr().no_subject.to_string() } else { h.subject.clone() };
                    let where_ = several.then(|| {
                        let name = folders
                            .find(&h.folder)
                            .map(|f| crate::state::folders::display_name(&f, tr()))
                            .unwrap_or_else(|| h.folder.clone());
                        view! { <span class="hit-folder">{name}</span> }
                    });
                    view! {
                        <li>
                            <a class="search-hit" href=href on:click=move |ev| router.follow(&ev, &to)>
                                <span class="hit-from">{h.from.clone()}</span>
                                <span class="hit-date">{date}</span>
                                <span class="hit-subject">{subject}</span>
                                {where_}
                            </a>
                        </li>
                    }
                }).collect_view();
                view! {
                    <p class="search-count" role="status">{count}</p>
                    <ul class="search-hits">{rows}</ul>
                }
            })}
            <button type="button" class="button" on:click=move |_| {
                query.set(String::new());
                opts.set(SearchOpts::default());
            }>
                {t(|t| t.clear_search)}
            </button>
        </div>
    }
}
