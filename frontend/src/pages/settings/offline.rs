//! The settings' "Hors ligne" section: how many recent messages, and which
//! folders besides the INBOX, are kept on the device (saved with the other
//! preferences); the space used; clearing what this device keeps (the
//! IndexedDB cache and the attachments the service worker kept).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::prefs::Preferences;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CacheStorage, StorageEstimate, StorageManager};

use super::Ctx;
use super::edit::{offline_choices, offline_folder_choices, set_offline_folder};
use crate::api::Failure;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::format::format_size;
use crate::i18n::people::{tp, use_trp};
use crate::i18n::{t, use_tr};
use crate::state::folders::{FoldersCtx, display_name};
use crate::state::session::{SessionState, use_session};
use crate::store;

/// The names of the Cache Storage caches holding opened attachments
/// (kept by `/sw.js`) start with this.
pub const FILES_CACHE_PREFIX: &str = "facteur-files";

/// Whether the cache `name` holds opened attachments.
pub fn is_files_cache(name: &str) -> bool {
    name.starts_with(FILES_CACHE_PREFIX)
}

/// What the browser says of the space used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimate {
    Asking,
    /// The browser does not tell.
    Unknown,
    /// Bytes used, bytes available.
    Known(u64, u64),
}

/// The space used and the clearing, kept while the form is rebuilt.
#[derive(Clone, Copy)]
pub struct DeviceData {
    estimate: RwSignal<Estimate>,
    confirming: RwSignal<bool>,
    clearing: RwSignal<bool>,
    cleared: RwSignal<bool>,
}

impl DeviceData {
    pub fn new() -> Self {
        let data = DeviceData {
            estimate: RwSignal::new(Estimate::Asking),
            confirming: RwSignal::new(false),
            clearing: RwSignal::new(false),
            cleared: RwSignal::new(false),
        };
        data.refresh();
        data
    }

    /// Asks the browser for the space used again.
    fn refresh(self) {
        spawn_local(async move {
            let known = match estimate().await {
                Some((used, quota)) => Estimate::Known(used, quota),
                None => Estimate::Unknown,
            };
            self.estimate.try_set(known);
        });
    }

    /// Forgets the mail this device keeps, not what is waiting to be sent.
    fn clear(self, _username: String) {
        self.confirming.set(false);
        self.clearing.set(true);
        self.cleared.set(false);
        spawn_local(async move {
            store::clear_mail().await;
            clear_file_caches().await;
            self.clearing.try_set(false);
            self.cleared.try_set(true);
            self.refresh();
        });
    }
}

/// A property of a browser object, when it has it (`navigator.storage`
/// and `caches` are missing outside secure contexts).
fn property(target: &JsValue, name: &str) -> Option<JsValue> {
    let v = js_sys::Reflect::get(target, &JsValue::from_str(name)).ok()?;
    (!v.is_undefined() && !v.is_null()).then_some(v)
}

/// `(used, available)` bytes, as the browser estimates them.
async fn estimate() -> Option<(u64, u64)> {
    let navigator = web_sys::window()?.navigator();
    let storage: StorageManager = property(&navigator, "storage")?.dyn_into().ok()?;
    let answer = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    if !answer.is_object() {
        return None;
    }
    let answer: StorageEstimate = answer.unchecked_into();
    let bytes = |v: f64| (v.is_finite() && v >= 0.0).then_some(v as u64);
    Some((bytes(answer.get_usage()?)?, bytes(answer.get_quota()?)?))
}

/// Deletes the caches of opened attachments.
async fn clear_file_caches() {
    let Some(caches) = web_sys::window()
        .and_then(|w| property(&w, "caches"))
        .and_then(|c| c.dyn_into::<CacheStorage>().ok())
    else {
        return;
    };
    let Ok(names) = JsFuture::from(caches.keys()).await else {
        return;
    };
    for name in js_sys::Array::from(&names).iter() {
        if let Some(name) = name.as_string().filter(|n| is_files_cache(n)) {
            let _ = JsFuture::from(caches.delete(&name)).await;
        }
    }
}

/// The section, built from the preferences `p` being edited.
pub(super) fn offline_section(
    ctx: Ctx,
    p: &Preferences,
    folders: FoldersCtx,
    data: DeviceData,
) -> AnyView {
    let trp = use_trp();
    let tr = use_tr();
    let session = use_session();
    let current = p.offline_messages;
    let shared = store::shared_device();
    // A list shown from the cache needs no error over it.
    let folders_error = Signal::derive(move || {
        if folders.list.with(Option::is_some) {
            None::<Failure>
        } else {
            folders.error.get()
        }
    });
    let answer = Callback::new(move |yes: bool| {
        if yes {
            let username = match session.state.get_untracked() {
                SessionState::LoggedIn(info) => info.username,
                _ => String::new(),
            };
            data.clear(username);
        } else {
            data.confirming.set(false);
        }
    });
    let space = move || match data.estimate.get() {
        Estimate::Asking => tr().loading.to_string(),
        Estimate::Unknown => trp().storage_unknown.to_string(),
        Estimate::Known(used, quota) => {
            (trp().storage_used)(&format_size(used, tr()), &format_size(quota, tr()))
        }
    };
    view! {
        <section class="settings-section" aria-labelledby="settings-offline">
            <h2 id="settings-offline">{tp(|t| t.offline_heading)}</h2>
            <p class="settings-help">{tp(|t| t.offline_help)}</p>
            {shared.then(|| view! { <p class="settings-note">{tp(|t| t.shared_device_note)}</p> })}
            <label class="field">
                <span class="settings-legend">{tp(|t| t.offline_messages)}</span>
                <span class="settings-help">{tp(|t| t.offline_messages_help)}</span>
                <select
                    class="settings-undo"
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                            ctx.edit(|p| p.offline_messages = n);
                        }
                    }
                >
                    {offline_choices(current)
                        .into_iter()
                        .map(|n| view! {
                            <option value=n.to_string() selected=n == current>
                                {move || (trp().offline_count)(n)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            <fieldset class="settings-choices settings-offline-folders">
                <legend class="settings-legend">{tp(|t| t.offline_folders)}</legend>
                <p class="settings-help">{tp(|t| t.offline_folders_help)}</p>
                <ErrorBanner error=folders_error on_retry=Callback::new(move |_| folders.refresh()) />
                {move || folder_boxes(ctx, folders)}
            </fieldset>
            <div class="settings-storage">
                <h3 class="settings-legend">{tp(|t| t.storage_heading)}</h3>
                <p>{space}</p>
                <p class="settings-help">{tp(|t| t.clear_data_help)}</p>
                <button
                    type="button"
                    class="button danger"
                    disabled=data.clearing
                    on:click=move |_| data.confirming.set(true)
                >
                    {move || if data.clearing.get() { trp().clearing } else { trp().clear_data }}
                </button>
                <p class="settings-cleared" role="status">
                    {move || data.cleared.get().then(|| trp().cleared)}
                </p>
            </div>
            {move || data.confirming.get().then(|| {
                let t = trp();
                view! {
                    <ConfirmDialog
                        heading=t.clear_confirm
                        text=t.clear_confirm_text
                        confirm_label=t.clear_confirm_button
                        on_answer=answer
                    />
                }
            })}
        </section>
    }
    .into_any()
}

/// A checkbox per folder that may be kept offline, once the tree is known.
fn folder_boxes(ctx: Ctx, folders: FoldersCtx) -> AnyView {
    let tr = use_tr()();
    let kept = ctx.prefs.with_untracked(|p| {
        p.as_ref()
            .map(|p| p.offline_folders.clone())
            .unwrap_or_default()
    });
    folders.list.with(|list| {
        let Some(list) = list else {
            return folders
                .error
                .with(Option::is_none)
                .then(|| view! { <p>{t(|t| t.loading)}</p> })
                .into_any();
        };
        let choices = offline_folder_choices(&list.folders);
        if choices.is_empty() {
            return view! { <p class="settings-help">{tp(|t| t.offline_no_folders)}</p> }
                .into_any();
        }
        choices
            .into_iter()
            .map(|f| {
                let path = f.path.clone();
                let checked = kept.contains(&path);
                view! {
                    <label
                        class="settings-radio"
                        style:padding-inline-start=format!("calc({} * 1.5rem)", f.depth.min(8))
                    >
                        <input
                            type="checkbox"
                            value=path.clone()
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ctx.edit(|p| set_offline_folder(&mut p.offline_folders, &path, on));
                            }
                        />
                        <span>{display_name(f, tr)}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_attachment_caches_are_cleared() {
        assert!(is_files_cache("facteur-files"));
        assert!(is_files_cache("facteur-files-v3"));
        assert!(!is_files_cache("facteur-shell-v3"));
        assert!(!is_files_cache("autre"));
    }
}
