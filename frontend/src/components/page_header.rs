//! The header of the compose, people and calendar bundles' pages: back to the mail, the other
//! pages, the language switch, log out.

use leptos::prelude::*;

use crate::app::HOME;
use crate::components::lang_switch::LangSwitch;
use crate::i18n::{t, write::tw};
use crate::pages::links::{CALENDAR_PATH, CONTACTS_PATH, SETTINGS_PATH};
use crate::state::session::use_session;

/// Which page is shown (its link is marked current).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Here {
    #[cfg_attr(not(feature = "compose"), allow(dead_code))]
    Compose,
    #[cfg_attr(not(feature = "people"), allow(dead_code))]
    Contacts,
    #[cfg_attr(not(feature = "calendar"), allow(dead_code))]
    Calendar,
    #[cfg_attr(not(feature = "people"), allow(dead_code))]
    Settings,
}

#[component]
pub fn PageHeader(here: Here) -> impl IntoView {
    let session = use_session();
    let current = move |h: Here| (h == here).then_some("page");
    // Each page is in another bundle: plain links, full page loads (the
    // files are cached).
    view! {
        <header class="app-header">
            <nav class="page-nav" aria-label=tw(|t| t.main_nav)>
                <a class="button" href=HOME>
                    <span aria-hidden="true">"‹ "</span>
                    {tw(|t| t.mail)}
                </a>
                <a class="button" href=CONTACTS_PATH aria-current=current(Here::Contacts)>
                    {tw(|t| t.contacts)}
                </a>
                <a class="button" href=CALENDAR_PATH aria-current=current(Here::Calendar)>
                    {t(|t| t.calendar)}
                </a>
                <a class="button" href=SETTINGS_PATH aria-current=current(Here::Settings)>
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
