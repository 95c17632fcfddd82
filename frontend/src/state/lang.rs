//! The interface language: French unless the user chose English, which is
//! remembered in localStorage and mirrored on `<html lang>`.

use leptos::prelude::*;

use crate::i18n::Lang;

/// The current language, shared through context.
#[derive(Clone, Copy)]
struct LangCtx(RwSignal<Lang>);

const STORAGE_KEY: &str = "facteur.lang";

/// Reads the remembered language (French when none or unknown).
fn stored_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Puts `<html lang>` in step with the language, and remembers it.
fn apply(l: Lang) {
    if let Some(w) = web_sys::window() {
        if let Some(el) = w.document().and_then(|d| d.document_element()) {
            let _ = el.set_attribute("lang", l.code());
        }
        if let Ok(Some(s)) = w.local_storage() {
            let _ = s.set_item(STORAGE_KEY, l.code());
        }
    }
}

/// Creates the language signal and provides it to the whole app.
pub fn provide_lang() {
    let l = stored_lang();
    apply(l);
    provide_context(LangCtx(RwSignal::new(l)));
}

/// The language signal (read it; change it with [`set_lang`]).
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<LangCtx>().0
}

/// Switches the interface to `l`.
pub fn set_lang(lang: RwSignal<Lang>, l: Lang) {
    apply(l);
    lang.set(l);
}
