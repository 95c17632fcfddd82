//! The user's preferences as the mail page needs them (conversations,
//! saved searches), loaded once and saved when changed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::prefs::Preferences;

use crate::api::prefs;

#[derive(Clone, Copy)]
pub struct PrefsCtx {
    pub prefs: RwSignal<Option<Preferences>>,
}

impl PrefsCtx {
    pub fn provide() -> Self {
        let ctx = PrefsCtx {
            prefs: RwSignal::new(None),
        };
        provide_context(ctx);
        spawn_local(async move {
            if let Ok(p) = prefs::load().await {
                ctx.prefs.set(Some(p));
            }
        });
        ctx
    }

    /// Changes the preferences here at once, then on the server.
    pub fn update(self, f: impl FnOnce(&mut Preferences)) {
        let mut p = self.prefs.get_untracked().unwrap_or_default();
        f(&mut p);
        self.prefs.set(Some(p.clone()));
        spawn_local(async move {
            if let Ok(saved) = prefs::save(&p).await {
                self.prefs.set(Some(saved));
            }
        });
    }

    pub fn conversations(self) -> bool {
        self.prefs
            .with(|p| p.as_ref().is_some_and(|p| p.conversations))
    }
}

pub fn use_prefs() -> PrefsCtx {
    expect_context::<PrefsCtx>()
}
