//! Tests that run in a browser (`wasm-bindgen-test`, in Chromium through
//! chromedriver): the logic where the browser has a say (local time) and a
//! component mounted in a real page. The same pure functions are also
//! tested natively next to their code (`cargo test -p frontend`).
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test -p frontend --target wasm32-unknown-unknown`.

use leptos::prelude::*;
use shared::mail::Quota;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use crate::components::message_list::{MARGIN_ROWS, visible_window};
use crate::components::quota_bar::QuotaBar;
use crate::format::{format_list_date, format_size, local_seconds, now_secs};
use crate::i18n::Lang;
use crate::state::lang::provide_lang;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn local_time_is_utc_shifted_by_whole_minutes() {
    let ts = 1_709_214_300;
    let shift = local_seconds(ts) - ts;
    assert_eq!(shift % 60, 0);
    assert!(shift.abs() <= 14 * 3600);
    assert!(now_secs() > ts);
}

#[wasm_bindgen_test]
fn dates_and_sizes_in_french() {
    let fr = Lang::Fr.table();
    let now = local_seconds(now_secs());
    let today = format_list_date(now, now, fr);
    assert_eq!(today.len(), 5);
    assert_eq!(&today[2..3], ":");
    assert_eq!(
        format_list_date(1_678_622_400, 1_709_214_300, fr),
        "12/03/2023"
    );
    assert_eq!(format_size(212 * 1024 * 1024, fr), "212\u{a0}Mo");
}

#[wasm_bindgen_test]
fn the_virtual_window_stays_small_through_ten_thousand_rows() {
    for row in (0..10_000).step_by(997) {
        let w = visible_window(f64::from(row) * 64.0, 900.0, 64.0, 10_000, MARGIN_ROWS);
        assert!(w.contains(&row), "{row} in {w:?}");
        assert!(w.len() <= 100);
    }
}

#[wasm_bindgen_test]
fn the_quota_bar_says_how_full_the_mailbox_is() {
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
    let quota = Quota {
        used_bytes: 990 * 1024 * 1024,
        limit_bytes: 1 << 30,
    };
    let _mounted = leptos::mount::mount_to(host.clone(), move || {
        provide_lang();
        view! { <QuotaBar quota=Signal::stored(Some(quota)) /> }
    });
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("990\u{a0}Mo sur 1\u{a0}Go"), "{text}");
    let bar = host
        .query_selector(".quota")
        .ok()
        .flatten()
        .expect("a quota bar");
    assert_eq!(bar.get_attribute("data-level").as_deref(), Some("critical"));
}
