//! Acting on several messages: the toolbar shown when messages are
//! selected (read, unread, flag, move, junk, delete; "all in this folder"
//! in batches with progress), dropping messages on a folder (Ctrl or Alt
//! copies), and emptying the Trash or Junk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::bulk::CopyRequest;
use shared::mail::{DeleteRequest, FlagsRequest, FolderRole, MoveRequest, encode_segment};
use shared::search::JunkRequest;

use super::NoticeCtx;
use crate::api::mail::Change;
use crate::api::{Failure, Method, json, send_text};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::i18n::{t, use_tr};
use crate::state::folders::{FoldersCtx, display_name, use_folders};
use crate::state::mailbox::use_mailbox;
use crate::state::selection::{BATCH, Dragged, use_selection};

/// What dropping messages needs, taken from the context where the drop
/// target is made (an event handler has no context of its own).
#[derive(Clone, Copy)]
pub struct DropCtx {
    folders: FoldersCtx,
    mailbox: crate::state::mailbox::MailboxCtx,
    selection: crate::state::selection::SelectionCtx,
    notice: NoticeCtx,
    lang: RwSignal<crate::i18n::Lang>,
}

impl DropCtx {
    /// From the mail page's context, when there is one.
    pub fn here() -> Option<Self> {
        Some(DropCtx {
            folders: use_context()?,
            mailbox: use_context()?,
            selection: use_context()?,
            notice: use_context()?,
            lang: crate::state::lang::use_lang(),
        })
    }
}

/// Moves (or copies) dropped messages to `to`, in batches.
pub fn drop_on(ctx: DropCtx, dragged: Dragged, to: String, copy: bool) {
    let DropCtx {
        folders,
        mailbox,
        selection,
        notice,
        lang,
    } = ctx;
    let tr = move || lang.get_untracked().table();
    if dragged.folder == to {
        return;
    }
    spawn_local(async move {
        let uids = if dragged.all {
            match selection.resolve(&dragged.folder).await {
                Ok(u) => u,
                Err(_) => return,
            }
        } else {
            dragged.uids
        };
        let total = uids.len();
        selection.progress.set(Some((0, total)));
        let mut done = 0;
        for chunk in uids.chunks(BATCH) {
            let r = if copy {
                send_text(
                    Method::Post,
                    &format!(
                        "/api/folders/{}/messages/copy",
                        encode_segment(&dragged.folder)
                    ),
                    json(&CopyRequest {
                        uids: chunk.to_vec(),
                        to: to.clone(),
                    }),
                )
                .await
                .map(drop)
            } else {
                crate::api::mail::change(
                    &dragged.folder,
                    &Change::Move(MoveRequest {
                        uids: chunk.to_vec(),
                        to: to.clone(),
                    }),
                )
                .await
            };
            if r.is_err() {
                break;
            }
            done += chunk.len();
            selection.progress.set(Some((done, total)));
        }
        selection.progress.set(None);
        selection.clear();
        let t = tr();
        let name = folders.find(&to).map(|f| display_name(&f, t)).unwrap_or(to);
        notice.show(Some(if copy {
            (t.dropped_copied)(done, &name)
        } else {
            (t.dropped_moved)(done, &name)
        }));
        mailbox.reload();
        folders.refresh();
    });
}

/// The toolbar over the list while messages are selected.
#[component]
pub fn BulkBar() -> impl IntoView {
    let tr = use_tr();
    let selection = use_selection();
    let mailbox = use_mailbox();
    let folders = use_folders();
    let notice = expect_context::<NoticeCtx>();
    let drop_ctx = DropCtx::here();
    let error = RwSignal::new(None::<Failure>);
    let run = move |make: fn(Vec<u32>, &str) -> Change| {
        let folder = mailbox.folder.get_untracked();
        let f2 = folder.clone();
        error.set(None);
        selection.run(
            folder,
            move |uids| make(uids, &f2),
            move |r| match r {
                Ok(n) => {
                    notice.show(Some((tr().bulk_done)(n)));
                    mailbox.reload();
                    folders.refresh();
                }
                Err(e) => {
                    error.set(Some(e));
                    mailbox.reload();
                }
            },
        )
    };
    let count = move || {
        let t = tr();
        if selection.all.get() {
            (t.all_selected)(mailbox.total.get().unwrap_or(0))
        } else {
            (t.selected_count)(selection.uids.with(|s| s.len()) as u32)
        }
    };
    let targets = move || {
        let t = tr();
        let here = mailbox.folder.get();
        folders.list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.folders
                        .iter()
                        .filter(|f| f.selectable && f.path != here)
                        .map(|f| (f.path.clone(), display_name(f, t)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || !selection.is_empty() || selection.progress.get().is_some()>
            <div class="bulk-bar" role="toolbar" aria-label=move || tr().bulk_label>
                <span class="bulk-count" role="status">{count}</span>
                {move || {
                    let total = mailbox.total.get().unwrap_or(0);
                    (!selection.all.get() && total > selection.uids.with(|s| s.len()) as u32).then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| selection.all.set(true)>
                            {move || (tr().select_all_folder)(total)}
                        </button>
                    })
                }}
                {move || selection.progress.get().map(|(done, total)| view! {
                    <progress max=total.to_string() value=done.to_string()></progress>
                    <span>{move || (tr().bulk_progress)(done, total)}</span>
                })}
                <div class="bulk-actions">
                    <button type="button" class="button" on:click=move |_| run(|uids, _| Change::Flags(FlagsRequest { uids, seen: Some(true), flagged: None }))>
                        {t(|t| t.bulk_read)}
                    </button>
                    <button type="button" class="button" on:click=move |_| run(|uids, _| Change::Flags(FlagsRequest { uids, seen: Some(false), flagged: None }))>
                        {t(|t| t.bulk_unread)}
                    </button>
                    <button type="button" class="button" on:click=move |_| run(|uids, _| Change::Flags(FlagsRequest { uids, seen: None, flagged: Some(true) }))>
                        {t(|t| t.bulk_flag)}
                    </button>
                    <select class="button move-select" aria-label=move || tr().move_to on:change=move |ev| {
                        let to = event_target_value(&ev);
                        let select: web_sys::HtmlSelectElement = event_target(&ev);
                        select.set_value("");
                        if to.is_empty() {
                            return;
                        }
                        let here = mailbox.folder.get_untracked();
                        let dragged = Dragged {
                            folder: here,
                            uids: selection.uids.with_untracked(|s| s.iter().copied().collect()),
                            all: selection.all.get_untracked(),
                        };
                        if let Some(ctx) = drop_ctx {
                            drop_on(ctx, dragged, to, false);
                        }
                    }>
                        <option value="" selected>{t(|t| t.move_to)}</option>
                        {move || targets().into_iter().map(|(p, n)| view! { <option value=p>{n}</option> }).collect_view()}
                    </select>
                    <button type="button" class="button" on:click=move |_| run(|uids, _| Change::Junk(JunkRequest { uids, junk: true }))>
                        {t(|t| t.junk)}
                    </button>
                    <button type="button" class="button danger" on:click=move |_| run(|uids, _| Change::Delete(DeleteRequest { uids, permanent: false }))>
                        {t(|t| t.bulk_delete)}
                    </button>
                    <button type="button" class="button" on:click=move |_| selection.clear()>
                        {t(|t| t.bulk_cancel)}
                    </button>
                </div>
                <ErrorBanner error />
            </div>
        </Show>
    }
}

/// "Vider la corbeille" / "Vider les indésirables", with the count.
#[component]
pub fn EmptyFolderButton() -> impl IntoView {
    let tr = use_tr();
    let mailbox = use_mailbox();
    let folders = use_folders();
    let notice = expect_context::<NoticeCtx>();
    let asking = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<Failure>);
    let role = Memo::new(move |_| folders.find(&mailbox.folder.get()).and_then(|f| f.role));
    let empty = move |count: u32| {
        let folder = mailbox.folder.get_untracked();
        spawn_local(async move {
            let url = format!(
                "/api/folders/{}/empty?confirm={count}",
                encode_segment(&folder)
            );
            match send_text(Method::Post, &url, None).await {
                Ok(_) => {
                    notice.show(Some((tr().bulk_done)(count as usize)));
                    mailbox.reload();
                    folders.refresh();
                }
                // The count changed meanwhile: ask again with the new one.
                Err(Failure::Api(ApiError::ConfirmDelete { messages, .. })) => {
                    asking.try_set(Some(messages));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let answer = Callback::new(move |yes: bool| {
        let n = asking.get_untracked();
        asking.set(None);
        if let (true, Some(n)) = (yes, n) {
            empty(n);
        }
    });
    move || {
        let trash = match role.get() {
            Some(FolderRole::Trash) => true,
            Some(FolderRole::Junk) => false,
            _ => return None,
        };
        let total = mailbox.total.get().unwrap_or(0);
        Some(view! {
            <button type="button" class="button danger empty-folder" disabled=total == 0 on:click=move |_| asking.set(Some(total))>
                {move || (tr().empty_folder_button)(trash)}
            </button>
            <ErrorBanner error />
            {move || asking.get().map(|n| {
                let t = tr();
                view! { <ConfirmDialog heading=t.empty_folder_confirm text=(t.empty_folder_text)(n) confirm_label=(t.empty_folder_button)(trash) on_answer=answer /> }
            })}
        })
    }
}
