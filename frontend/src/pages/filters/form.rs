//! The few form controls the filters page is made of: one function each,
//! taking type-erased callbacks, so each is compiled once however many
//! fields use it (the app shell has a size budget).

use leptos::prelude::*;

use crate::i18n::{Tr, t};

/// A label picked from the current language's table.
pub type Label = fn(&Tr) -> &'static str;

/// A labelled `<input>` of `kind` (text, email, date, number), its value
/// sent up on every keystroke.
pub fn field(
    label: Label,
    kind: &'static str,
    value: String,
    on_input: Callback<String>,
) -> AnyView {
    view! {
        <label class="field">
            <span>{t(label)}</span>
            <input type=kind prop:value=value on:input=move |ev| on_input.run(event_target_value(&ev)) />
        </label>
    }
    .into_any()
}

/// A labelled checkbox.
pub fn check(label: Label, checked: bool, on_change: Callback<bool>) -> AnyView {
    view! {
        <label class="check">
            <input type="checkbox" prop:checked=checked on:change=move |ev| on_change.run(event_target_checked(&ev)) />
            <span>{t(label)}</span>
        </label>
    }
    .into_any()
}

/// A labelled `<select>` among fixed choices (value, label).
pub fn choice(
    label: Label,
    options: &'static [(&'static str, Label)],
    selected: &'static str,
    on_change: Callback<String>,
) -> AnyView {
    view! {
        <label class="field">
            <span>{t(label)}</span>
            <select on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options
                    .iter()
                    .map(|(value, label)| view! { <option value=*value selected=*value == selected>{t(*label)}</option> })
                    .collect_view()}
            </select>
        </label>
    }
    .into_any()
}

/// A labelled `<select>` of the user's folders (path, name shown); the
/// options follow the folder list as it loads.
pub fn folder_choice(
    current: String,
    folders: Signal<Vec<(String, String)>>,
    on_change: Callback<String>,
) -> AnyView {
    let none = current.is_empty();
    view! {
        <label class="field">
            <span>{t(|t| t.folder)}</span>
            <select on:change=move |ev| on_change.run(event_target_value(&ev))>
                <option value="" disabled selected=none>"—"</option>
                {move || {
                    folders
                        .get()
                        .into_iter()
                        .map(|(path, name)| {
                            let selected = path == current;
                            view! { <option value=path selected=selected>{name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
    .into_any()
}

/// A button that says `label` (`class` besides `button`: "", "danger"…).
pub fn button(label: Label, class: &'static str, on_click: Callback<()>) -> AnyView {
    view! {
        <button type="button" class=format!("button {class}") on:click=move |_| on_click.run(())>
            {t(label)}
        </button>
    }
    .into_any()
}
