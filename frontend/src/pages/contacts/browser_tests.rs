//! The card form in a real page (run with the crate's other browser
//! tests, see `src/browser_tests.rs`).

use leptos::prelude::*;
use shared::contacts::{Contact, Typed};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::editor::{Lines, lines_field};
use crate::state::lang::provide_lang;

#[wasm_bindgen_test]
fn a_wrong_address_is_flagged_and_a_line_can_be_added() {
    let document = document();
    let host: web_sys::HtmlElement = document
        .create_element("div")
        .expect("a div")
        .unchecked_into();
    document
        .body()
        .expect("a body")
        .append_child(&host)
        .expect("appended");
    let form = RwSignal::new(Some(Contact {
        full_name: "Bob".into(),
        emails: vec![Typed {
            kind: Some("work".into()),
            value: "bob@".into(),
        }],
        ..Default::default()
    }));
    let version = RwSignal::new(0u32);
    let show_problems = RwSignal::new(true);
    let _mounted = leptos::mount::mount_to(host.clone(), move || {
        provide_lang();
        lines_field(form, Lines::Emails, version, show_problems)
    });
    let input = host
        .query_selector("input[type=email]")
        .ok()
        .flatten()
        .expect("the address input");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let kind: web_sys::HtmlSelectElement = host
        .query_selector("select")
        .ok()
        .flatten()
        .expect("the kind menu")
        .unchecked_into();
    assert_eq!(kind.value(), "work");
    let add: web_sys::HtmlElement = host
        .query_selector("fieldset > button")
        .ok()
        .flatten()
        .expect("the add button")
        .unchecked_into();
    assert!(
        add.text_content()
            .unwrap_or_default()
            .contains("Ajouter une adresse")
    );
    add.click();
    assert_eq!(
        form.with_untracked(|c| c.as_ref().map(|c| c.emails.len())),
        Some(2)
    );
    assert_eq!(version.get_untracked(), 1);
    host.remove();
}
