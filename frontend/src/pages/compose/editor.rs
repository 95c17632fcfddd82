//! The body: rich text in a `contenteditable` with a small toolbar (bold,
//! italic, lists, link, quote), or plain text in a `textarea`. What the
//! rich editor produces is sanitized again by the backend before it leaves.

use leptos::html;
use leptos::prelude::*;
use shared::compose::BodyFormat;
use wasm_bindgen::JsCast;

use super::local::text_to_html;
use crate::i18n::write::{TrWrite, use_trw};

/// Runs an editing command on the selection (`document.execCommand`: still
/// the one way every browser offers to edit a `contenteditable`).
fn exec(cmd: &str, value: Option<&str>) {
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = match value {
            Some(v) => doc.exec_command_with_show_ui_and_value(cmd, false, v),
            None => doc.exec_command(cmd),
        };
    }
}

/// A link the editor may insert: web and mail addresses only.
pub fn safe_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        Some(url.to_string())
    } else if !url.is_empty() && !url.contains(':') && url.contains('.') {
        Some(format!("https://{url}"))
    } else {
        None
    }
}

type Tool = (fn(&TrWrite) -> &'static str, &'static str, &'static str);

const TOOLS: [Tool; 6] = [
    (|t| t.bold, "bold", "B"),
    (|t| t.italic, "italic", "I"),
    (|t| t.bullet_list, "insertUnorderedList", "•"),
    (|t| t.numbered_list, "insertOrderedList", "1."),
    (|t| t.link, "createLink", "🔗"),
    (|t| t.quote, "formatBlock", "❝"),
];

#[component]
pub fn BodyEditor(
    format: RwSignal<BodyFormat>,
    body: RwSignal<String>,
    /// Bumped when `body` is replaced from outside (a draft loaded): the
    /// rich editor then shows it; typing does not re-render it.
    reset: RwSignal<u32>,
    on_change: Callback<()>,
) -> impl IntoView {
    let trw = use_trw();
    let rich = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        reset.track();
        if format.get() == BodyFormat::Html
            && let Some(el) = rich.get()
        {
            el.set_inner_html(&body.get_untracked());
        }
    });
    let switch = move |to: BodyFormat| {
        if format.get_untracked() == to {
            return;
        }
        match to {
            BodyFormat::Text => {
                let text = rich
                    .get_untracked()
                    .map(|el| el.inner_text())
                    .unwrap_or_default();
                body.set(text);
            }
            BodyFormat::Html => body.update(|b| *b = text_to_html(b)),
        }
        format.set(to);
        reset.update(|r| *r += 1);
        on_change.run(());
    };
    let tool = move |(label, cmd, glyph): Tool| {
        view! {
            <button
                type="button"
                class="tool"
                title=move || label(trw())
                aria-label=move || label(trw())
                // Keep the selection in the text.
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| {
                    match cmd {
                        "createLink" => {
                            let asked = window()
                                .prompt_with_message(trw().link_prompt)
                                .ok()
                                .flatten()
                                .and_then(|u| safe_link(&u));
                            if let Some(url) = asked {
                                exec(cmd, Some(&url));
                            }
                        }
                        "formatBlock" => exec(cmd, Some("blockquote")),
                        _ => exec(cmd, None),
                    }
                    if let Some(el) = rich.get_untracked() {
                        body.set(el.inner_html());
                    }
                    on_change.run(());
                }
            >
                {glyph}
            </button>
        }
    };
    view! {
        <div class="compose-body">
            <div class="toolbar" role="toolbar" aria-label=move || trw().format_label>
                <Show when=move || format.get() == BodyFormat::Html>
                    {TOOLS.into_iter().map(tool).collect_view()}
                </Show>
                <span class="toolbar-gap"></span>
                <label class="format-switch">
                    <input
                        type="checkbox"
                        prop:checked=move || format.get() == BodyFormat::Text
                        on:change=move |ev| {
                            switch(if event_target_checked(&ev) { BodyFormat::Text } else { BodyFormat::Html })
                        }
                    />
                    {move || trw().plain_text}
                </label>
            </div>
            <Show
                when=move || format.get() == BodyFormat::Html
                fallback=move || view! {
                    <textarea
                        id="compose-body"
                        class="editor plain"
                        aria-label=move || trw().body_label
                        prop:value=move || body.get()
                        on:input=move |ev| {
                            body.set(event_target_value(&ev));
                            on_change.run(());
                        }
                    ></textarea>
                }
            >
                <div
                    id="compose-body"
                    class="editor rich"
                    node_ref=rich
                    contenteditable="true"
                    role="textbox"
                    aria-multiline="true"
                    aria-label=move || trw().body_label
                    on:input=move |_| {
                        if let Some(el) = rich.get_untracked() {
                            body.set(el.inner_html());
                        }
                        on_change.run(());
                    }
                ></div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links() {
        assert_eq!(
            safe_link(" https://eduscol.fr "),
            Some("https://eduscol.fr".into())
        );
        assert_eq!(
            safe_link("eduscol.education.fr"),
            Some("https://eduscol.education.fr".into())
        );
        assert_eq!(safe_link("mailto:a@b.fr"), Some("mailto:a@b.fr".into()));
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,x"), None);
        assert_eq!(safe_link(""), None);
    }
}
