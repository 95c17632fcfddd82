//! The folder tree and quota, shared by the folder pane, the move menu and
//! the page title. Shown from the cache first, then refreshed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::mail::{Folder, FolderList};

use crate::api::{Failure, decode, mail::FOLDERS_URL};
use crate::i18n::Tr;
use crate::store::{self, FOLDERS_KEY};

/// The folder tree, shared through context.
#[derive(Clone, Copy)]
pub struct FoldersCtx {
    pub list: RwSignal<Option<FolderList>>,
    pub error: RwSignal<Option<Failure>>,
}

impl FoldersCtx {
    /// Shows the cached tree, then the server's.
    pub fn refresh(self) {
        spawn_local(async move {
            let mut show = |text: &str, _| match decode::<FolderList>(text) {
                Ok(list) => {
                    self.list.set(Some(list));
                    true
                }
                Err(_) => false,
            };
            let result = store::swr(Some(FOLDERS_KEY), FOLDERS_URL, None, true, &mut show).await;
            self.error
                .set(result.err().filter(|e| *e != Failure::Aborted));
        });
    }

    /// The folder at `path`, if known.
    pub fn find(self, path: &str) -> Option<Folder> {
        self.list.with(|l| {
            l.as_ref()
                .and_then(|l| l.folders.iter().find(|f| f.path == path).cloned())
        })
    }

    /// Changes a folder's unread count locally (after reading or marking).
    pub fn adjust_unread(self, path: &str, delta: i64) {
        self.list.update(|l| {
            if let Some(f) = l
                .as_mut()
                .and_then(|l| l.folders.iter_mut().find(|f| f.path == path))
            {
                f.unread = (i64::from(f.unread) + delta).clamp(0, i64::from(u32::MAX)) as u32;
            }
        });
    }
}

/// The name shown for a folder: the translated name of a special-use
/// folder, else its own.
pub fn display_name(folder: &Folder, tr: &Tr) -> String {
    match folder.role {
        Some(role) => tr.role_name(role).to_string(),
        None if folder.path.eq_ignore_ascii_case("INBOX") => tr.role_inbox.to_string(),
        None => folder.name.clone(),
    }
}

/// Creates the folder context and provides it.
pub fn provide_folders() -> FoldersCtx {
    let ctx = FoldersCtx {
        list: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    provide_context(ctx);
    ctx
}

/// The folder context.
pub fn use_folders() -> FoldersCtx {
    expect_context::<FoldersCtx>()
}
