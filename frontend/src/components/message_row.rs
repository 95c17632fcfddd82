//! One row of the message list: sender, subject, date, size and marks
//! (unread in bold, flagged, answered, attachment).

use leptos::either::Either;
use leptos::prelude::*;
use shared::mail::{MessageSummary, encode_segment};

use super::message_list::ROW_HEIGHT;
use crate::format::{format_list_date, format_size, local_seconds, now_secs};
use crate::i18n::{Tr, t, use_tr};
use crate::router::use_router;

const FLAG_ICON: &str = "M3 1v14h2V9h7l-2-3 2-3H5V1z";
const ANSWERED_ICON: &str = "M6 3 1 8l5 5V9.5c4 0 6.5 1 8.5 4C14 9 11 6.5 6 6.5z";
const ATTACHMENT_ICON: &str = "M11 4v7a3 3 0 0 1-6 0V3.5a2 2 0 0 1 4 0V11a1 1 0 0 1-2 0V4H6v7a2 2 0 0 0 4 0V3.5a3 3 0 0 0-6 0V11a4 4 0 0 0 8 0V4z";

/// A mark of the row (unread, flagged…): an icon (none for the unread
/// dot, drawn in CSS), its name as a tooltip and for screen readers.
fn mark(class: &'static str, name: fn(&Tr) -> &'static str, icon: &'static str) -> impl IntoView {
    let name = t(name);
    view! {
        <span class=class title=name>
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d=icon /></svg>
            <span class="visually-hidden">{name}</span>
        </span>
    }
}

/// The URL of a message.
pub fn message_href(folder: &str, uid: u32) -> String {
    format!("/mail/{}/{uid}", encode_segment(folder))
}

#[component]
pub fn MessageRow(
    index: u32,
    /// `None` while its page is on its way: a placeholder row.
    summary: Option<MessageSummary>,
    folder: Memo<String>,
    total: Signal<u32>,
    selected: Signal<Option<u32>>,
    show_recipient: Signal<bool>,
) -> impl IntoView {
    let tr = use_tr();
    let top = format!("translateY({}px)", u64::from(index) * u64::from(ROW_HEIGHT));
    let Some(m) = summary else {
        return Either::Left(view! {
            <div class="message-row-placeholder" aria-hidden="true" style:transform=top>
                <span class="placeholder-line"></span>
                <span class="placeholder-line short"></span>
            </div>
        });
    };
    let router = use_router();
    let uid = m.uid;
    // Rows are keyed by folder too: a row never outlives its folder.
    let href = folder.with_untracked(|f| message_href(f, uid));
    let flags = m.flags;
    let from = m.from.as_ref().map(|a| a.display().to_string());
    let to = m.to.first().map(|a| a.display().to_string());
    let who = Signal::derive(move || {
        let name = if show_recipient.get() { &to } else { &from };
        name.clone().unwrap_or_else(|| tr().no_sender.to_string())
    });
    let subject = m.subject;
    let subject = Signal::derive(move || {
        if subject.trim().is_empty() {
            tr().no_subject.to_string()
        } else {
            subject.clone()
        }
    });
    let (date, size) = (m.date, m.size);
    let date = Signal::derive(move || {
        format_list_date(local_seconds(date), local_seconds(now_secs()), tr())
    });
    let size = Signal::derive(move || format_size(u64::from(size), tr()));
    let is_selected = Signal::derive(move || selected.get() == Some(uid));
    let current = Signal::derive(move || is_selected.get().then(|| "true".to_string()));
    let setsize = Signal::derive(move || total.get().to_string());
    let target = href.clone();
    let selection = crate::state::selection::use_selection();
    let mailbox = crate::state::mailbox::use_mailbox();
    let checked =
        Signal::derive(move || selection.all.get() || selection.uids.with(|s| s.contains(&uid)));
    let check_label = Signal::derive(move || tr().select_message.to_string());
    // Dragged onto a folder: this message, or the selection it is part of.
    let drag = move |ev: leptos::ev::DragEvent| {
        let folder = folder.get_untracked();
        let (uids, all) = if checked.get_untracked() {
            (
                selection
                    .uids
                    .with_untracked(|s| s.iter().copied().collect()),
                selection.all.get_untracked(),
            )
        } else {
            (vec![uid], false)
        };
        let data = crate::state::selection::Dragged { folder, uids, all };
        if let (Some(dt), Ok(text)) = (ev.data_transfer(), serde_json::to_string(&data)) {
            let _ = dt.set_data(crate::state::selection::DRAG_TYPE, &text);
            dt.set_effect_allowed("copyMove");
        }
    };
    Either::Right(view! {
        <div
            class="message-row"
            class:unread=!flags.seen
            class:selected=is_selected
            role="listitem"
            aria-setsize=setsize
            aria-posinset=(index + 1).to_string()
            data-uid=uid.to_string()
            style:transform=top
            draggable="true"
            on:dragstart=drag
        >
            <button
                type="button"
                role="checkbox"
                class="row-check"
                aria-checked=move || checked.get().to_string()
                aria-label=check_label
                on:click=move |ev| {
                    selection.toggle(index, uid, ev.shift_key(), |i| mailbox.uid_at(i));
                }
            >
                <span aria-hidden="true">{move || if checked.get() { "☑" } else { "☐" }}</span>
            </button>
            <a
                class="message-link"
                href=href
                aria-current=current
                on:click=move |ev| router.follow(&ev, &target)
            >
                <span class="row-from">
                    {(!flags.seen).then(|| mark("mark mark-unread", |t| t.mark_unread_title, ""))}
                    {who}
                </span>
                <span class="row-date">{date}</span>
                <span class="row-subject">{subject}</span>
                <span class="row-meta">
                    {flags.flagged.then(|| mark("mark mark-flagged", |t| t.mark_flagged_title, FLAG_ICON))}
                    {flags.answered.then(|| mark("mark mark-answered", |t| t.mark_answered_title, ANSWERED_ICON))}
                    {m.has_attachments.then(|| mark("mark mark-attachment", |t| t.mark_attachment_title, ATTACHMENT_ICON))}
                    <span class="row-size">{size}</span>
                </span>
            </a>
        </div>
    })
}
