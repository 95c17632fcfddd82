//! Facteur as an installed app: the service worker (`/sw.js`, written with
//! the backend), its updates, the install button and the manifest's
//! language. In every bundle.
//!
//! Updates never mix two versions: a new worker waits (it never activates
//! by itself); the bar offers "Mettre à jour", which asks it to take over
//! (`{type: 'skip-waiting'}`), and the page reloads once when it has.
//! Where service workers are unavailable (http on another host than
//! localhost, some private modes), nothing happens.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, RegistrationOptions, ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration,
    ServiceWorkerState,
};

use crate::i18n::{Lang, t};
use crate::state::lang::use_lang;

/// The service worker's script, served by the backend.
pub const SCRIPT_URL: &str = "/sw.js";
/// What the worker controls: the whole app.
pub const SCOPE: &str = "/";
/// How often an open page asks whether a new version is out.
pub const UPDATE_CHECK_EVERY: Duration = Duration::from_secs(30 * 60);

/// The manifest for the interface language (names and descriptions).
pub fn manifest_href(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "/manifest.webmanifest",
        Lang::En => "/manifest.webmanifest?lang=en",
    }
}

/// What the bar shows, shared through context.
#[derive(Clone, Copy)]
struct PwaCtx {
    /// A new version waits for the user's go.
    update_ready: RwSignal<bool>,
    /// The browser offered to install the app (the kept prompt).
    can_install: RwSignal<bool>,
}

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// The `beforeinstallprompt` event, kept until used.
    static INSTALL_PROMPT: RefCell<Option<Event>> = const { RefCell::new(None) };
    /// Whether a worker controlled the page: its change is then a new
    /// version taking over (else the first install claiming the page).
    static HAD_CONTROLLER: Cell<bool> = const { Cell::new(false) };
    static RELOADING: Cell<bool> = const { Cell::new(false) };
}

/// Registers the service worker, follows its updates and the install
/// prompt, and keeps the manifest link in the interface language. Call
/// once, in the app (it provides what [`PwaBar`] shows).
pub fn register() {
    let ctx = PwaCtx {
        update_ready: RwSignal::new(false),
        can_install: RwSignal::new(false),
    };
    provide_context(ctx);
    follow_manifest_lang();
    listen_install(ctx);
    let Some(container) = container() else {
        return;
    };
    HAD_CONTROLLER.set(container.controller().is_some());
    let on_change = Closure::<dyn FnMut()>::new(|| {
        if !HAD_CONTROLLER.replace(true) || RELOADING.replace(true) {
            return;
        }
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    spawn_local(async move {
        let options = RegistrationOptions::new();
        options.set_scope(SCOPE);
        let registered =
            JsFuture::from(container.register_with_options(SCRIPT_URL, &options)).await;
        let Some(reg) = registered
            .ok()
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
        else {
            return;
        };
        watch(&container, &reg, ctx);
        REGISTRATION.with(|r| *r.borrow_mut() = Some(reg));
    });
    // A page left open picks up new versions too.
    let _ = window_event_listener_untyped("visibilitychange", |_| {
        if !document().hidden() {
            check_for_update();
        }
    });
    let _ = set_interval_with_handle(check_for_update, UPDATE_CHECK_EVERY);
}

/// `navigator.serviceWorker`, where there is one.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let sw = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).ok()?;
    if sw.is_undefined() || sw.is_null() {
        return None;
    }
    sw.dyn_into().ok()
}

/// Shows the bar when a new version is installed and waits.
fn watch(container: &ServiceWorkerContainer, reg: &ServiceWorkerRegistration, ctx: PwaCtx) {
    if reg.waiting().is_some() {
        ctx.update_ready.try_set(true);
    }
    let (container, r) = (container.clone(), reg.clone());
    let on_found = Closure::<dyn FnMut()>::new(move || {
        let Some(worker) = r.installing() else {
            return;
        };
        let (w, container) = (worker.clone(), container.clone());
        let on_state = Closure::<dyn FnMut()>::new(move || match w.state() {
            // Without a controller, this is the first install: nothing
            // to update.
            ServiceWorkerState::Installed if container.controller().is_some() => {
                ctx.update_ready.try_set(true);
            }
            ServiceWorkerState::Installed
            | ServiceWorkerState::Activated
            | ServiceWorkerState::Redundant => w.set_onstatechange(None),
            _ => {}
        });
        worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
}

/// Asks the server for a newer `/sw.js` (quietly: offline it just fails).
fn check_for_update() {
    let Some(update) = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.update().ok()))
    else {
        return;
    };
    spawn_local(async move {
        let _ = JsFuture::from(update).await;
    });
}

/// Lets the waiting version take over; the page reloads when it has.
fn apply_update() {
    let waiting: Option<ServiceWorker> =
        REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    match waiting {
        Some(worker) => {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &message,
                &JsValue::from_str("type"),
                &JsValue::from_str("skip-waiting"),
            );
            let _ = worker.post_message(&message);
        }
        // Another tab already did: this one has only to reload.
        None => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    }
}

/// Keeps the browser's install prompt for the button.
fn listen_install(ctx: PwaCtx) {
    let _ = window_event_listener_untyped("beforeinstallprompt", move |ev: Event| {
        ev.prevent_default();
        INSTALL_PROMPT.with(|p| *p.borrow_mut() = Some(ev));
        ctx.can_install.try_set(true);
    });
    let _ = window_event_listener_untyped("appinstalled", move |_| {
        INSTALL_PROMPT.with(|p| p.borrow_mut().take());
        ctx.can_install.try_set(false);
    });
}

/// Shows the browser's install dialog (once: the prompt is used up).
fn install(ctx: PwaCtx) {
    ctx.can_install.set(false);
    let Some(ev) = INSTALL_PROMPT.with(|p| p.borrow_mut().take()) else {
        return;
    };
    let prompt = js_sys::Reflect::get(&ev, &JsValue::from_str("prompt"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(answer) = prompt.and_then(|f| f.call0(&ev).ok())
        && let Ok(answer) = answer.dyn_into::<js_sys::Promise>()
    {
        spawn_local(async move {
            let _ = JsFuture::from(answer).await;
        });
    }
}

/// Points `<link rel="manifest">` at the manifest in the interface language.
fn follow_manifest_lang() {
    let lang = use_lang();
    Effect::new(move |_| {
        let href = manifest_href(lang.get());
        if let Ok(Some(link)) = document().query_selector("link[rel=\"manifest\"]") {
            let _ = link.set_attribute("href", href);
        }
    });
}

/// The bar at the bottom: a new version to load, or the app to install.
#[component]
pub fn PwaBar() -> impl IntoView {
    let ctx = use_context::<PwaCtx>().unwrap_or(PwaCtx {
        update_ready: RwSignal::new(false),
        can_install: RwSignal::new(false),
    });
    let update = ctx.update_ready;
    let offer_install = move || ctx.can_install.get() && !update.get();
    view! {
        <div class="pwa-bar" class:pwa-bar-on=move || update.get() || offer_install()>
            // Always there (empty when nothing is new), so that the news is read out.
            <p class="pwa-update" role="status">
                {move || update.get().then(|| view! {
                    <span class="pwa-text">{t(|t| t.update_available)}</span>
                    <button type="button" class="button primary" on:click=|_| apply_update()>
                        {t(|t| t.update_now)}
                    </button>
                })}
            </p>
            {move || offer_install().then(|| view! {
                <button type="button" class="button primary pwa-install" on:click=move |_| install(ctx)>
                    {t(|t| t.install_app)}
                </button>
                <button
                    type="button"
                    class="button pwa-later"
                    on:click=move |_| ctx.can_install.set(false)
                >
                    {t(|t| t.install_later)}
                </button>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_follows_the_language() {
        assert_eq!(manifest_href(Lang::Fr), "/manifest.webmanifest");
        assert_eq!(manifest_href(Lang::En), "/manifest.webmanifest?lang=en");
    }

    #[test]
    fn updates_are_looked_for_every_half_hour() {
        assert_eq!(UPDATE_CHECK_EVERY.as_secs(), 1800);
        assert_eq!(SCOPE, "/");
    }
}
