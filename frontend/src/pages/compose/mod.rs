//! Writing a message.

use leptos::prelude::*;

use crate::components::page_header::{Here, PageHeader};
use crate::i18n::write::tw;

#[component]
pub fn ComposePage() -> impl IntoView {
    view! {
        <div class="app compose-app">
            <PageHeader here=Here::Compose />
            <main class="compose-page">
                <h1>{tw(|t| t.new_message)}</h1>
            </main>
        </div>
    }
}
