//! The open folder's message list: pages of [`PAGE_SIZE`] rows fetched as
//! they come into view, each shown from the cache first, then the network.
//! Shared by the list pane and the message pane (which marks rows read and
//! removes the ones moved away).

use std::ops::Range;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::mail::{Flags, MessagePage, MessageSummary};

use crate::api::{Aborter, Failure, Ticket, decode, mail::page_url};
use crate::store::{self, Source, page_key};

/// Rows per request.
pub const PAGE_SIZE: u32 = 50;

/// The page indexes that hold the rows of `range`.
pub fn pages_for(range: Range<u32>) -> Range<u32> {
    if range.is_empty() {
        0..0
    } else {
        range.start / PAGE_SIZE..(range.end - 1) / PAGE_SIZE + 1
    }
}

/// Rows by page index, in the order they arrived (a few hundred pages at
/// most: a vector is smaller code than a map).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pages(Vec<(u32, Vec<MessageSummary>)>);

impl Pages {
    pub fn get(&self, page: u32) -> Option<&Vec<MessageSummary>> {
        self.0
            .iter()
            .find(|(p, _)| *p == page)
            .map(|(_, rows)| rows)
    }

    fn insert(&mut self, page: u32, rows: Vec<MessageSummary>) {
        match self.0.iter_mut().find(|(p, _)| *p == page) {
            Some(slot) => slot.1 = rows,
            None => self.0.push((page, rows)),
        }
    }

    fn indexes(&self) -> Vec<u32> {
        self.0.iter().map(|(p, _)| *p).collect()
    }

    fn rows_mut(&mut self) -> impl Iterator<Item = &mut Vec<MessageSummary>> {
        self.0.iter_mut().map(|(_, rows)| rows)
    }

    fn all(&self) -> impl Iterator<Item = &MessageSummary> {
        self.0.iter().flat_map(|(_, rows)| rows.iter())
    }

    /// The UIDs loaded, in the list's order (pages may have come in any
    /// order); a gap where a page is missing.
    pub fn uids_in_order(&self) -> Vec<u32> {
        let mut pages: Vec<&(u32, Vec<MessageSummary>)> = self.0.iter().collect();
        pages.sort_by_key(|(p, _)| *p);
        pages
            .into_iter()
            .flat_map(|(_, rows)| rows.iter().map(|m| m.uid))
            .collect()
    }
}

/// The open folder's list, shared through context.
#[derive(Clone, Copy)]
pub struct MailboxCtx {
    pub folder: Memo<String>,
    /// Messages in the folder; `None` until the first page is known.
    pub total: RwSignal<Option<u32>>,
    /// Rows by page index.
    pub pages: RwSignal<Pages>,
    pub error: RwSignal<Option<Failure>>,
    uid_validity: StoredValue<Option<u32>>,
    /// Pages on their way.
    loading: StoredValue<Vec<u32>>,
    ticket: StoredValue<Option<Ticket>, LocalStorage>,
    aborter: Aborter,
}

impl MailboxCtx {
    /// Creates the list of `folder` and provides it. The list pane calls
    /// [`MailboxCtx::reset`] when the folder changes.
    pub fn provide(folder: Memo<String>) -> Self {
        let ctx = MailboxCtx {
            folder,
            total: RwSignal::new(None),
            pages: RwSignal::new(Pages::default()),
            error: RwSignal::new(None),
            uid_validity: StoredValue::new(None),
            loading: StoredValue::new(Vec::new()),
            ticket: StoredValue::new_local(None),
            aborter: Aborter::new(),
        };
        provide_context(ctx);
        ctx
    }

    /// Forgets everything shown and aborts what is in flight.
    pub fn reset(self) {
        self.ticket.set_value(Some(self.aborter.next()));
        self.loading.update_value(|l| l.clear());
        self.uid_validity.set_value(None);
        self.pages.set(Pages::default());
        self.total.set(None);
        self.error.set(None);
    }

    /// Starts loading the pages of `rows` that are neither shown nor on their way.
    pub fn ensure(self, rows: Range<u32>) {
        let shown = self.pages.with_untracked(Pages::indexes);
        for page in pages_for(rows) {
            let busy = self.loading.with_value(|l| l.contains(&page));
            if !busy && !shown.contains(&page) {
                self.load(page, true);
            }
        }
    }

    /// Fetches the pages shown again, from the network (after a move, a
    /// delete, or when the user asks to retry).
    pub fn reload(self) {
        self.ticket.set_value(Some(self.aborter.next()));
        self.loading.update_value(|l| l.clear());
        self.error.set(None);
        let mut shown = self.pages.with_untracked(Pages::indexes);
        if shown.is_empty() {
            shown.push(0);
        }
        for page in shown {
            self.load(page, false);
        }
    }

    fn load(self, page: u32, use_cache: bool) {
        let Some(ticket) = self.ticket.get_value() else {
            return;
        };
        self.loading.update_value(|l| l.push(page));
        let folder = self.folder.get_untracked();
        let aborter = self.aborter;
        spawn_local(async move {
            let offset = page * PAGE_SIZE;
            let key = page_key(&folder, offset);
            let url = page_url(&folder, offset, PAGE_SIZE);
            let mut show = |text: &str, source: Source| match decode::<MessagePage>(text) {
                Ok(p) => {
                    if aborter.is_current(&ticket) {
                        self.accept(page, p, source);
                    }
                    true
                }
                Err(_) => false,
            };
            let result = store::swr(Some(&key), &url, Some(&ticket), use_cache, &mut show).await;
            if aborter.is_current(&ticket) {
                self.loading.update_value(|l| l.retain(|p| *p != page));
                match result {
                    Err(Failure::Aborted) => {}
                    // Offline with the list kept on the device: the banner says so.
                    Err(Failure::Network) if self.total.get_untracked().is_some() => {}
                    Err(e) => self.error.set(Some(e)),
                    Ok(()) => {}
                }
            }
        });
    }

    fn accept(self, page: u32, p: MessagePage, source: Source) {
        let known = self.uid_validity.get_value();
        if source == Source::Network {
            if known.is_some_and(|v| v != p.uid_validity) {
                // Every UID of this folder changed meaning: drop the other pages.
                self.pages.set(Pages::default());
            }
            self.uid_validity.set_value(Some(p.uid_validity));
        } else if known.is_some_and(|v| v != p.uid_validity) {
            return;
        }
        self.total.set(Some(p.total));
        self.pages.update(|pages| pages.insert(page, p.messages));
    }

    /// The row at `index`, if its page is loaded (tracked).
    pub fn row(self, index: u32) -> Option<MessageSummary> {
        self.pages.with(|p| {
            p.get(index / PAGE_SIZE)
                .and_then(|rows| rows.get((index % PAGE_SIZE) as usize))
                .cloned()
        })
    }

    /// The UID at row `index`, if its page is loaded (untracked).
    pub fn uid_at(self, index: u32) -> Option<u32> {
        self.pages.with_untracked(|p| {
            p.get(index / PAGE_SIZE)
                .and_then(|rows| rows.get((index % PAGE_SIZE) as usize))
                .map(|m| m.uid)
        })
    }

    /// The row of `uid`, if loaded (untracked).
    pub fn find(self, uid: u32) -> Option<MessageSummary> {
        self.pages
            .with_untracked(|p| p.all().find(|m| m.uid == uid).cloned())
    }

    /// Changes the flags of `uid`'s row in place.
    pub fn update_flags(self, uid: u32, change: impl Fn(&mut Flags)) {
        self.pages.update(|p| {
            for m in p.rows_mut().flat_map(|rows| rows.iter_mut()) {
                if m.uid == uid {
                    change(&mut m.flags);
                }
            }
        });
    }

    /// Takes `uid`'s row out at once, then reloads the list.
    pub fn remove(self, uid: u32) {
        let mut removed = false;
        self.pages.update(|p| {
            for rows in p.rows_mut() {
                let before = rows.len();
                rows.retain(|m| m.uid != uid);
                removed |= rows.len() != before;
            }
        });
        if removed {
            self.total.update(|t| {
                if let Some(t) = t {
                    *t = t.saturating_sub(1);
                }
            });
        }
        self.reload();
    }
}

/// The list context.
pub fn use_mailbox() -> MailboxCtx {
    expect_context::<MailboxCtx>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_a_window() {
        assert_eq!(pages_for(0..0), 0..0);
        assert_eq!(pages_for(0..1), 0..1);
        assert_eq!(pages_for(0..50), 0..1);
        assert_eq!(pages_for(30..70), 0..2);
        assert_eq!(pages_for(9950..10000), 199..200);
    }
}
