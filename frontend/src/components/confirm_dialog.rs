//! A question that needs a clear yes or no before something irreversible.

use leptos::prelude::*;

use crate::i18n::t;

/// A modal dialog; `on_answer(true)` for the confirming button.
#[component]
pub fn ConfirmDialog(
    heading: &'static str,
    #[prop(into)] text: String,
    confirm_label: &'static str,
    on_answer: Callback<bool>,
) -> impl IntoView {
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    // The safe choice has the focus (once shown); Escape also answers no.
    request_animation_frame(move || {
        if let Some(b) = cancel_ref.get_untracked() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_answer.run(false)>
            <div
                class="dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="dialog-heading"
                aria-describedby="dialog-text"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_answer.run(false);
                    }
                }
            >
                <h2 id="dialog-heading">{heading}</h2>
                <p id="dialog-text">{text}</p>
                <div class="dialog-buttons">
                    <button type="button" class="button" node_ref=cancel_ref on:click=move |_| on_answer.run(false)>
                        {t(|t| t.cancel)}
                    </button>
                    <button type="button" class="button danger" on:click=move |_| on_answer.run(true)>
                        {confirm_label}
                    </button>
                </div>
            </div>
        </div>
    }
}
