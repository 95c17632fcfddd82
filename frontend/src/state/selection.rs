//! Messages selected in the list (checkboxes, shift-click ranges, "all in
//! this folder"), and acting on them in batches with progress.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bulk::FolderUids;
use shared::mail::encode_segment;

use crate::api::mail::{self, Change};
use crate::api::{Failure, decode, get_text};

/// UIDs per request when acting on many messages.
pub const BATCH: usize = 500;

/// The selection of the open folder, shared through context.
#[derive(Clone, Copy)]
pub struct SelectionCtx {
    pub uids: RwSignal<BTreeSet<u32>>,
    /// Every message of the folder, not only those loaded.
    pub all: RwSignal<bool>,
    /// The row index of the last click without shift (start of a range).
    pub anchor: StoredValue<Option<u32>>,
    /// Done / to do while a batch action runs.
    pub progress: RwSignal<Option<(usize, usize)>>,
}

impl SelectionCtx {
    pub fn provide() -> Self {
        let ctx = SelectionCtx {
            uids: RwSignal::new(BTreeSet::new()),
            all: RwSignal::new(false),
            anchor: StoredValue::new(None),
            progress: RwSignal::new(None),
        };
        provide_context(ctx);
        ctx
    }

    pub fn clear(self) {
        self.uids.set(BTreeSet::new());
        self.all.set(false);
        self.anchor.set_value(None);
    }

    pub fn is_empty(self) -> bool {
        !self.all.get() && self.uids.with(BTreeSet::is_empty)
    }

    /// A click on a row's checkbox; with shift, the range from the last
    /// click (`uid_at`: the UID loaded at a row index).
    pub fn toggle(self, index: u32, uid: u32, shift: bool, uid_at: impl Fn(u32) -> Option<u32>) {
        self.all.set(false);
        match (shift, self.anchor.get_value()) {
            (true, Some(from)) => {
                let (a, b) = if from <= index {
                    (from, index)
                } else {
                    (index, from)
                };
                let on = !self.uids.with_untracked(|s| s.contains(&uid));
                self.uids.update(|s| {
                    for u in (a..=b).filter_map(&uid_at) {
                        if on {
                            s.insert(u);
                        } else {
                            s.remove(&u);
                        }
                    }
                });
            }
            _ => {
                self.uids.update(|s| {
                    if !s.remove(&uid) {
                        s.insert(uid);
                    }
                });
            }
        }
        self.anchor.set_value(Some(index));
    }

    /// The UIDs to act on: every UID of the folder when "all" is chosen.
    pub async fn resolve(self, folder: &str) -> Result<Vec<u32>, Failure> {
        if self.all.get_untracked() {
            let url = format!("/api/folders/{}/uids", encode_segment(folder));
            let all: FolderUids = decode(&get_text(&url, None).await?)?;
            Ok(all.uids)
        } else {
            Ok(self.uids.with_untracked(|s| s.iter().copied().collect()))
        }
    }

    /// Runs `make(batch)` for every batch of the selection, showing
    /// progress; `done` gets how many were handled, or the failure.
    pub fn run(
        self,
        folder: String,
        make: impl Fn(Vec<u32>) -> Change + 'static,
        done: impl FnOnce(Result<usize, Failure>) + 'static,
    ) {
        spawn_local(async move {
            let uids = match self.resolve(&folder).await {
                Ok(u) => u,
                Err(e) => return done(Err(e)),
            };
            let total = uids.len();
            self.progress.set(Some((0, total)));
            let mut handled = 0;
            for chunk in uids.chunks(BATCH) {
                if let Err(e) = mail::change(&folder, &make(chunk.to_vec())).await {
                    self.progress.set(None);
                    return done(Err(e));
                }
                handled += chunk.len();
                self.progress.set(Some((handled, total)));
            }
            self.progress.set(None);
            self.clear();
            done(Ok(handled));
        });
    }
}

pub fn use_selection() -> SelectionCtx {
    expect_context::<SelectionCtx>()
}

/// The drag data of messages being dragged onto a folder.
pub const DRAG_TYPE: &str = "application/x-facteur-messages";

/// What is dragged: the folder and its UIDs (or all of it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dragged {
    pub folder: String,
    pub uids: Vec<u32>,
    #[serde(default)]
    pub all: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dragged_round_trips() {
        let d = Dragged {
            folder: "INBOX".into(),
            uids: vec![3, 4],
            all: false,
        };
        let t = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Dragged>(&t).unwrap(), d);
    }
}
