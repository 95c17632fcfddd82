//! The settings page.

use leptos::prelude::*;

use crate::components::page_header::{Here, PageHeader};
use crate::i18n::people::tp;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <div class="app people-app">
            <PageHeader here=Here::Settings />
            <main class="people-page">
                <h1>{tp(|t| t.settings_heading)}</h1>
            </main>
        </div>
    }
}
