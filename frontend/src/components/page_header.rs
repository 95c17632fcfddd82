//! The header of the compose bundle's pages: back to the mail, the other
//! pages, the language switch, log out.

use leptos::prelude::*;

use crate::app::HOME;
use crate::components::lang_switch::LangSwitch;
use crate::i18n::{t, write::tw};
use crate::pages::links::{CONTACTS_PATH, SETTINGS_PATH};
use crate::router::use_router;
use crate::state::session::use_session;

/// Which page is shown (its link is marked current).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Here {
    Compose,
    Contacts,
    Settings,
}

#[component]
pub fn PageHeader(here: Here) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let current = move |h: Here| (h == here).then_some("page");
    // The mail pages are in the main bundle: a plain link, a full page
    // load; contacts and settings are in this one.
    view! {
        <header class="app-header">
            <nav class="page-nav" aria-label=tw(|t| t.main_nav)>
                <a class="button" href=HOME>
                    <span aria-hidden="true">"‹ "</span>
                    {tw(|t| t.mail)}
                </a>
                <a
                    class="button"
                    href=CONTACTS_PATH
                    aria-current=current(Here::Contacts)
                    on:click=move |ev| router.follow(&ev, CONTACTS_PATH)
                >
                    {tw(|t| t.contacts)}
                </a>
                <a
                    class="button"
                    href=SETTINGS_PATH
                    aria-current=current(Here::Settings)
                    on:click=move |ev| router.follow(&ev, SETTINGS_PATH)
                >
                    {tw(|t| t.settings)}
                </a>
            </nav>
            <span class="brand">{move || session.brand()}</span>
            <LangSwitch />
            <button type="button" class="button logout" on:click=move |_| session.logout()>
                {t(|t| t.logout)}
            </button>
        </header>
    }
}
