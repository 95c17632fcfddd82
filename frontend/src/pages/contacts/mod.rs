//! The address book page.

use leptos::prelude::*;

use crate::components::page_header::{Here, PageHeader};
use crate::i18n::people::tp;

#[component]
pub fn ContactsPage() -> impl IntoView {
    view! {
        <div class="app people-app">
            <PageHeader here=Here::Contacts />
            <main class="people-page">
                <h1>{tp(|t| t.contacts_heading)}</h1>
            </main>
        </div>
    }
}
