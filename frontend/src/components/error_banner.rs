//! A failed request, said in the user's language, with a way to retry.

use leptos::prelude::*;

use crate::api::Failure;
use crate::i18n::{t, use_tr};

/// Shows `error` (when there is one) in an alert region.
#[component]
pub fn ErrorBanner(
    #[prop(into)] error: Signal<Option<Failure>>,
    /// Offered as a "Try again" button when given.
    #[prop(optional)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let tr = use_tr();
    // Re-rendered when the error or the language changes.
    move || {
        let text = error
            .with(|e| e.as_ref().map(|e| tr().failure(e)))
            .filter(|t| !t.is_empty())?;
        Some(view! {
            <div class="error-banner" role="alert">
                <p>{text}</p>
                {on_retry.map(|cb| view! {
                    <button type="button" class="button" on:click=move |_| cb.run(())>
                        {t(|t| t.retry)}
                    </button>
                })}
            </div>
        })
    }
}
