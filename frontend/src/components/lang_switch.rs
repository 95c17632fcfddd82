//! Français / English.

use leptos::prelude::*;

use crate::i18n::{Lang, t};
use crate::state::lang::{set_lang, use_lang};

/// Two buttons, the current language pressed; each named in its own
/// language (and by its code where room is short).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="lang-switch" role="group" aria-label=t(|t| t.lang_label)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    let name = l.table().lang_name;
                    view! {
                        <button
                            type="button"
                            lang=l.code()
                            title=name
                            aria-label=name
                            aria-pressed=move || (lang.get() == l).to_string()
                            on:click=move |_| set_lang(lang, l)
                        >
                            <span class="lang-long">{name}</span>
                            <span class="lang-short" aria-hidden="true">{l.short()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
