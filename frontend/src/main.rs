//! Facteur's web app: a Leptos single-page app compiled to WebAssembly,
//! talking JSON to the backend (`/api/…`) with the types of `shared`.
// An extra bundle built `lean` leaves out the mail pages (see Cargo.toml):
// the code only they use is compiled but not reached.
#![cfg_attr(feature = "lean", allow(dead_code, unused_imports))]

mod api;
mod app;
#[cfg(all(test, target_family = "wasm"))]
mod browser_tests;
mod components;
mod format;
mod i18n;
mod linkify;
mod offline;
mod pages;
mod pwa;
mod router;
mod state;
mod store;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
