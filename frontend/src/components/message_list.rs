//! The message list, virtualized: rows of a fixed height inside a spacer
//! as tall as the whole folder, and only the rows in view (± a margin) in
//! the page. Pages of rows are fetched as they come into view.

use std::ops::Range;

use leptos::html::Div;
use leptos::prelude::*;
use shared::mail::MessageSummary;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::ResizeObserver;

use super::message_row::MessageRow;
use crate::i18n::{t, use_tr};
use crate::state::mailbox::MailboxCtx;

/// Height of a row, in CSS pixels (`--row-h` in style/list.css).
pub const ROW_HEIGHT: u32 = 64;
/// Rows kept above and below the visible ones.
pub const MARGIN_ROWS: u32 = 20;
/// At most this many visible rows, whatever the screen.
pub const MAX_VISIBLE_ROWS: u32 = 50;

/// The rows to render for a scroll position: those in view plus `margin`
/// on each side, within `0..total`.
pub fn visible_window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    total: u32,
    margin: u32,
) -> Range<u32> {
    if total == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as u32;
    let first = first.min(total - 1);
    let in_view = ((viewport.max(0.0) / row_height).ceil() as u32 + 1).min(MAX_VISIBLE_ROWS);
    let start = first.saturating_sub(margin);
    let end = first
        .saturating_add(in_view)
        .saturating_add(margin)
        .min(total);
    start..end
}

/// FNV-1a: a small hash to tell folders apart in row keys.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One row to render: its position, and its message once its page is here.
#[derive(Clone, PartialEq)]
struct RowItem {
    /// Tells rows of different folders apart (UIDs are per folder).
    folder_hash: u64,
    index: u32,
    summary: Option<MessageSummary>,
}

impl RowItem {
    /// Changes when what the row shows changes (position, message, flags).
    fn key(&self) -> (u64, u32, u32, u8) {
        match &self.summary {
            Some(m) => {
                let f = m.flags;
                let bits = u8::from(f.seen) | u8::from(f.flagged) << 1 | u8::from(f.answered) << 2;
                (self.folder_hash, self.index, m.uid, bits)
            }
            None => (self.folder_hash, self.index, 0, u8::MAX),
        }
    }
}

#[component]
pub fn MessageList(
    list: MailboxCtx,
    /// The open message, highlighted.
    #[prop(into)]
    selected: Signal<Option<u32>>,
    /// Show recipients instead of senders (Sent, Drafts).
    #[prop(into)]
    show_recipient: Signal<bool>,
) -> impl IntoView {
    let tr = use_tr();
    let scroller = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(900.0);

    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            let h = f64::from(el.client_height());
            if h > 0.0 {
                viewport.set(h);
            }
        }
    };
    // The viewport changes with the window, the panes, the phone's keyboard…
    let observer = StoredValue::new_local(None::<(ResizeObserver, Closure<dyn FnMut()>)>);
    let observe = move |el: &web_sys::Element| {
        if observer.with_value(Option::is_some) {
            return;
        }
        let callback = Closure::<dyn FnMut()>::new(measure);
        if let Ok(o) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            o.observe(el);
            observer.set_value(Some((o, callback)));
        }
    };
    on_cleanup(move || {
        if let Some((o, _)) = observer.try_update_value(Option::take).flatten() {
            o.disconnect();
        }
    });

    let total = move || list.total.get().unwrap_or(0);
    let window = Memo::new(move |_| {
        visible_window(
            scroll_top.get(),
            viewport.get(),
            f64::from(ROW_HEIGHT),
            total(),
            MARGIN_ROWS,
        )
    });

    // A new folder starts empty and at the top (measured once mounted);
    // then the pages of the rows in view are fetched (the first one alone
    // until the total is known).
    Effect::new(move |prev: Option<String>| {
        let folder = list.folder.get();
        if prev.as_ref() != Some(&folder) {
            list.reset();
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        }
        if let Some(el) = scroller.get_untracked() {
            observe(&el);
        }
        let rows = window.get();
        list.pages.track();
        if list.total.get().is_none() {
            list.ensure(0..1);
        } else {
            list.ensure(rows);
        }
        folder
    });

    let items = move || {
        let folder_hash = list.folder.with(|f| fnv1a(f.as_bytes()));
        window
            .get()
            .map(|index| RowItem {
                folder_hash,
                index,
                summary: list.row(index),
            })
            .collect::<Vec<_>>()
    };
    let loading = Signal::derive(move || list.total.get().is_none() && list.error.get().is_none());
    let status = move || {
        let t = tr();
        let text = match list.total.get() {
            Some(0) => Some(t.empty_folder),
            None if loading.get() => Some(t.loading),
            _ => None,
        };
        text.map(|text| view! { <p class="list-empty">{text}</p> })
    };

    view! {
        <div
            class="message-list"
            node_ref=scroller
            role="list"
            aria-label=t(|t| t.list_label)
            aria-busy=Signal::derive(move || loading.get().to_string())
            on:scroll=move |_| {
                if let Some(el) = scroller.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                }
                // Layout may have settled since the last measure.
                measure();
            }
        >
            {status}
            <div class="message-list-spacer" style:height=Signal::derive(move || format!("{}px", u64::from(total()) * u64::from(ROW_HEIGHT)))>
                <For each=items key=RowItem::key let:row>
                    <MessageRow
                        index=row.index
                        summary=row.summary
                        folder=list.folder
                        total=Signal::derive(total)
                        selected
                        show_recipient
                    />
                </For>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_at_the_top() {
        assert_eq!(visible_window(0.0, 640.0, 64.0, 10_000, 20), 0..31);
        assert_eq!(visible_window(0.0, 640.0, 64.0, 5, 20), 0..5);
        assert_eq!(visible_window(0.0, 640.0, 64.0, 0, 20), 0..0);
    }

    #[test]
    fn window_scrolled_far() {
        let w = visible_window(64.0 * 5000.0, 640.0, 64.0, 10_000, 20);
        assert_eq!(w, 4980..5031);
        // The end of the list.
        let w = visible_window(64.0 * 9990.0, 640.0, 64.0, 10_000, 20);
        assert_eq!(w, 9970..10_000);
        // Scrolled past the end (the list shrank): still a window near the end.
        let w = visible_window(64.0 * 20_000.0, 640.0, 64.0, 10_000, 20);
        assert_eq!(w, 9979..10_000);
    }

    #[test]
    fn window_never_exceeds_a_hundred_rows() {
        for viewport in [100.0, 1000.0, 4000.0, 100_000.0] {
            let w = visible_window(64.0 * 300.0, viewport, 64.0, 10_000, MARGIN_ROWS);
            assert!(w.len() <= 100, "{viewport}: {}", w.len());
        }
    }
}
