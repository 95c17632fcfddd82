//! The app: contexts (language, session, address) and the page for the
//! address.
//!
//! Routes: `/` and `/mail` → `/mail/INBOX`; `/login?next=…`;
//! `/mail/:folder` and `/mail/:folder/:uid`, the folder being one
//! percent-encoded segment (`shared::mail::encode_segment`). Both mail
//! routes are one page, so opening a message keeps the list (and its
//! scroll position) in place. `/filters[?new=from:<address>&name=…]`: the
//! filter rules and the out-of-office reply. `/compose[?…]` (see
//! [`crate::pages::links`]): writing mail, in the compose bundle;
//! `/contacts`, `/settings`: the address book and the settings, in the
//! people bundle; `/calendar`: the calendar, in the calendar bundle.

use leptos::prelude::*;
use shared::mail::encode_segment;

use crate::i18n::t;
#[cfg(feature = "calendar")]
use crate::pages::calendar::CalendarPage;
#[cfg(feature = "compose")]
use crate::pages::compose::ComposePage;
#[cfg(feature = "filters")]
use crate::pages::filters::FiltersPage;
use crate::pages::login::{LoginPage, safe_next};
#[cfg(not(feature = "lean"))]
use crate::pages::mail::MailPage;
#[cfg(feature = "people")]
use crate::pages::{contacts::ContactsPage, settings::SettingsPage};
use crate::pwa::PwaBar;
use crate::router::{provide_router, use_router};
use crate::state::lang::provide_lang;
use crate::state::session::{LoggedOutReason, SessionState, provide_session, use_session};

/// Where the app starts.
pub const HOME: &str = "/mail/INBOX";

/// The pages, as the address selects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Login,
    Mail,
    Filters,
    Compose,
    Contacts,
    Settings,
    Calendar,
    /// `/` and `/mail`: go to [`HOME`].
    Home,
    NotFound,
}

/// The page for a path.
pub fn page_for(path: &str) -> Page {
    match path.trim_end_matches('/') {
        "" | "/mail" => Page::Home,
        "/login" => Page::Login,
        "/filters" => Page::Filters,
        "/compose" => Page::Compose,
        "/contacts" => Page::Contacts,
        "/settings" => Page::Settings,
        "/calendar" => Page::Calendar,
        p if p.starts_with("/mail/") => Page::Mail,
        _ => Page::NotFound,
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_lang();
    provide_session();
    let router = provide_router();
    let page = Memo::new(move |_| router.path.with(|p| page_for(p)));
    let session = use_session();
    // The session decides where one may be: the mail pages need one (then
    // back to where the user was going), the login page is left once
    // logged in.
    Effect::new(move |_| match (page.get(), session.state.get()) {
        (
            Page::Mail
            | Page::Filters
            | Page::Compose
            | Page::Contacts
            | Page::Settings
            | Page::Calendar,
            SessionState::LoggedOut(reason),
        ) => {
            let to = if reason == LoggedOutReason::LoggedOut {
                "/login".to_string()
            } else {
                let mut here = router.path.get_untracked();
                let search = router.search.get_untracked();
                if !search.is_empty() {
                    here = format!("{here}?{search}");
                }
                format!("/login?next={}", encode_segment(&here))
            };
            router.navigate(&to, true);
        }
        (Page::Login, SessionState::LoggedIn(_)) => {
            router.navigate(&safe_next(router.query("next").as_deref()), true);
        }
        _ => {}
    });
    crate::pwa::register();
    let current = move || match page.get() {
        Page::Login => LoginPage().into_any(),
        Page::Mail => mail_page(),
        Page::Filters => filters_page(),
        Page::Compose => compose_page(Page::Compose),
        Page::Contacts => people_page(Page::Contacts),
        Page::Settings => people_page(Page::Settings),
        Page::Calendar => calendar_page(),
        // Home: on its way to the inbox.
        Page::Home | Page::NotFound => (page.get() == Page::NotFound).then(NotFound).into_any(),
    };
    view! {
        {current}
        <PwaBar />
    }
}

/// The mail pages: in the main bundle; an extra bundle built `lean`
/// loads them from index.html.
#[cfg(not(feature = "lean"))]
fn mail_page() -> AnyView {
    MailPage().into_any()
}

#[cfg(feature = "lean")]
fn mail_page() -> AnyView {
    load_other_bundle();
    ().into_any()
}

/// The filters page lives in its own bundle (filters.html, built with the
/// `filters` feature) so that the mail pages load fast: without it, going
/// there is a full page load, which the backend answers with that bundle.
#[cfg(feature = "filters")]
fn filters_page() -> AnyView {
    FiltersPage().into_any()
}

#[cfg(not(feature = "filters"))]
fn filters_page() -> AnyView {
    load_other_bundle();
    ().into_any()
}

/// Writing mail lives in the compose bundle (compose.html, the `compose`
/// feature), the address book and the settings in the people bundle
/// (people.html, `people`), the same way.
#[cfg(feature = "compose")]
fn compose_page(_page: Page) -> AnyView {
    ComposePage().into_any()
}

#[cfg(not(feature = "compose"))]
fn compose_page(_page: Page) -> AnyView {
    load_other_bundle();
    ().into_any()
}

#[cfg(feature = "people")]
fn people_page(page: Page) -> AnyView {
    if page == Page::Contacts {
        ContactsPage().into_any()
    } else {
        SettingsPage().into_any()
    }
}

#[cfg(not(feature = "people"))]
fn people_page(_page: Page) -> AnyView {
    load_other_bundle();
    ().into_any()
}

/// The calendar lives in the calendar bundle (calendar.html, `calendar`).
#[cfg(feature = "calendar")]
fn calendar_page() -> AnyView {
    CalendarPage().into_any()
}

#[cfg(not(feature = "calendar"))]
fn calendar_page() -> AnyView {
    load_other_bundle();
    ().into_any()
}

/// Loads the current address again from the server, which answers with the
/// bundle that has its page.
#[cfg_attr(
    all(
        feature = "filters",
        feature = "compose",
        feature = "people",
        feature = "calendar"
    ),
    allow(dead_code)
)]
fn load_other_bundle() {
    if let Some(w) = web_sys::window() {
        let loc = w.location();
        let path = loc.pathname().unwrap_or_default();
        let search = loc.search().unwrap_or_default();
        let _ = loc.replace(&format!("{path}{search}"));
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let router = use_router();
    view! {
        <main class="not-found">
            <p>{t(|t| t.not_found)}</p>
            <a href=HOME on:click=move |ev| router.follow(&ev, HOME)>
                {t(|t| t.go_to_inbox)}
            </a>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        assert_eq!(page_for("/"), Page::Home);
        assert_eq!(page_for("/mail"), Page::Home);
        assert_eq!(page_for("/mail/"), Page::Home);
        assert_eq!(page_for("/login"), Page::Login);
        assert_eq!(page_for("/mail/INBOX"), Page::Mail);
        assert_eq!(page_for("/mail/INBOX/4"), Page::Mail);
        assert_eq!(page_for("/filters"), Page::Filters);
        assert_eq!(page_for("/compose"), Page::Compose);
        assert_eq!(page_for("/contacts/"), Page::Contacts);
        assert_eq!(page_for("/settings"), Page::Settings);
        assert_eq!(page_for("/calendar"), Page::Calendar);
        assert_eq!(page_for("/calendar/"), Page::Calendar);
        assert_eq!(page_for("/nope"), Page::NotFound);
    }
}
