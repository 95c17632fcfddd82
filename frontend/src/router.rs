//! A small router of our own: the address as a signal, `pushState` to go
//! somewhere, `popstate` for the browser's back and forward buttons.
//!
//! Why not `leptos_router`: it weighs about 40 KB of gzipped wasm, a fifth
//! of the whole budget of the app shell, for three routes we can match by
//! hand. It also decodes paths once before matching, which garbles folder
//! names that hold `%` (they are percent-encoded as one segment); here the
//! path stays exactly as written until [`crate::pages::mail::parse_mail_path`]
//! decodes the folder.

use leptos::ev;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use shared::mail::decode_segment;
use wasm_bindgen::JsValue;

use crate::app::{HOME, Page, page_for};

/// The current address, shared through context.
#[derive(Clone, Copy)]
pub struct Router {
    /// `location.pathname`, still percent-encoded.
    pub path: RwSignal<String>,
    /// `location.search`, without the `?`.
    pub search: RwSignal<String>,
}

fn current() -> (String, String) {
    let loc = window().location();
    let path = loc.pathname().unwrap_or_else(|_| "/".into());
    let search = loc.search().unwrap_or_default();
    (path, search.trim_start_matches('?').to_string())
}

impl Router {
    /// Goes to `to` (a path with an optional query), adding a history
    /// entry, or replacing the current one.
    pub fn navigate(self, to: &str, replace: bool) {
        if let Ok(history) = window().history() {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(to))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(to))
            };
        }
        self.sync();
    }

    /// Follows an in-app link without reloading the page. Modified clicks
    /// (new tab, new window…) are left to the browser.
    pub fn follow(self, ev: &MouseEvent, href: &str) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        ev.prevent_default();
        self.navigate(href, false);
    }

    /// Reads the address again from the browser (`/` becomes the inbox).
    fn sync(self) {
        let (mut path, mut search) = current();
        if page_for(&path) == Page::Home {
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(HOME));
            }
            (path, search) = current();
        }
        if self.path.get_untracked() != path {
            self.path.set(path);
        }
        if self.search.get_untracked() != search {
            self.search.set(search);
        }
    }

    /// A query parameter of the address, decoded (untracked).
    pub fn query(self, key: &str) -> Option<String> {
        self.search.with_untracked(|s| query_param(s, key))
    }
}

/// The value of `key` in a query string (`a=1&next=%2Fmail`), decoded.
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| decode_segment(&v.replace('+', " ")).unwrap_or_else(|| v.to_string()))
    })
}

/// Creates the router, follows the back and forward buttons, and provides it.
pub fn provide_router() -> Router {
    let router = Router {
        path: RwSignal::new(String::new()),
        search: RwSignal::new(String::new()),
    };
    router.sync();
    // Lives as long as the app: never removed.
    let _ = window_event_listener(ev::popstate, move |_| router.sync());
    provide_context(router);
    router
}

/// The router.
pub fn use_router() -> Router {
    expect_context::<Router>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params() {
        assert_eq!(
            query_param("next=%2Fmail%2FINBOX%2F3", "next").as_deref(),
            Some("/mail/INBOX/3")
        );
        assert_eq!(query_param("a=1&next=x", "next").as_deref(), Some("x"));
        assert_eq!(query_param("a=1", "next"), None);
        assert_eq!(query_param("", "next"), None);
        assert_eq!(query_param("next", "next").as_deref(), Some(""));
    }
}
