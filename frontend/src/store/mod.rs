//! The IndexedDB cache: one database `facteur`, one object store `cache`
//! mapping string keys (`folders`, `page:{folder}:{offset}`,
//! `msg:{folder}:{uid}`) to the JSON text the API answered. Views show the
//! cached copy first, then the network's ([`swr`]). The cache belongs to one
//! user at a time: it is emptied at logout and when someone else logs in.
//!
//! Each operation runs in its own transaction: awaiting anything else
//! inside a transaction would commit it early.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use shared::ApiError;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use crate::api::{self, Failure, Ticket};

const DB_NAME: &str = "facteur";
const STORE: &str = "cache";
const USER_KEY: &str = "user";

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Cache key of the folder tree.
pub const FOLDERS_KEY: &str = "folders";

/// Cache key of one page of a folder's list.
pub fn page_key(folder: &str, offset: u32) -> String {
    format!("page:{folder}:{offset}")
}

/// Cache key of one message.
pub fn message_key(folder: &str, uid: u32) -> String {
    format!("msg:{folder}:{uid}")
}

/// A callback handed to IndexedDB, kept alive while it may be called.
type Handler = Closure<dyn FnMut()>;

/// Waits for an IndexedDB request; `Err` when it fails.
async fn wait(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let mut handlers: Option<(Handler, Handler)> = None;
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let r = req.clone();
        let ok = Handler::new(move || {
            let _ = resolve.call1(
                &JsValue::UNDEFINED,
                &r.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let err = Handler::new(move || {
            let _ = reject.call0(&JsValue::UNDEFINED);
        });
        req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
        req.set_onerror(Some(err.as_ref().unchecked_ref()));
        handlers = Some((ok, err));
    });
    let result = JsFuture::from(promise).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    drop(handlers);
    result
}

async fn open() -> Option<IdbDatabase> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Some(db);
    }
    let factory = web_sys::window()?.indexed_db().ok()??;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, 1).ok()?;
    let r = req.clone();
    let upgrade = Handler::new(move || {
        if let Ok(db) = r.result().and_then(|v| v.dyn_into::<IdbDatabase>()) {
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = wait(&req).await;
    req.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = result.ok()?.dyn_into().ok()?;
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Some(db)
}

async fn object_store(mode: IdbTransactionMode) -> Option<IdbObjectStore> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(STORE, mode).ok()?;
    tx.object_store(STORE).ok()
}

/// The cached text under `key`.
pub async fn get(key: &str) -> Option<String> {
    let store = object_store(IdbTransactionMode::Readonly).await?;
    let req = store.get(&JsValue::from_str(key)).ok()?;
    wait(&req).await.ok()?.as_string()
}

/// Caches `value` under `key`; a failure (quota, private mode) is ignored:
/// the cache only saves time. On a shared computer nothing is kept.
pub async fn put(key: &str, value: &str) {
    if shared_device() {
        return;
    }
    if let Some(store) = object_store(IdbTransactionMode::Readwrite).await
        && let Ok(req) = store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
    {
        let _ = wait(&req).await;
    }
}

/// Removes `key` from the cache.
pub async fn remove(key: &str) {
    if let Some(store) = object_store(IdbTransactionMode::Readwrite).await
        && let Ok(req) = store.delete(&JsValue::from_str(key))
    {
        let _ = wait(&req).await;
    }
}

/// Every `(key, value)` whose key starts with `prefix`, in key order (one
/// transaction: both requests are made before either is awaited).
pub async fn scan(prefix: &str) -> Vec<(String, String)> {
    let Some(store) = object_store(IdbTransactionMode::Readonly).await else {
        return Vec::new();
    };
    // Keys are strings: every key with the prefix sorts below prefix + U+FFFF.
    let upper = format!("{prefix}\u{ffff}");
    let Ok(range) =
        web_sys::IdbKeyRange::bound(&JsValue::from_str(prefix), &JsValue::from_str(&upper))
    else {
        return Vec::new();
    };
    let (Ok(keys), Ok(values)) = (
        store.get_all_keys_with_key(&range),
        store.get_all_with_key(&range),
    ) else {
        return Vec::new();
    };
    let (Ok(keys), Ok(values)) = (wait(&keys).await, wait(&values).await) else {
        return Vec::new();
    };
    let keys = js_sys::Array::from(&keys);
    let values = js_sys::Array::from(&values);
    keys.iter()
        .zip(values.iter())
        .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
        .collect()
}

/// The browser's localStorage key saying this is a shared computer.
const SHARED_DEVICE_KEY: &str = "facteur-ordinateur-partage";

/// Whether the user said this computer is shared ("ordinateur partagé"):
/// then nothing of the mail is kept on it.
pub fn shared_device() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(SHARED_DEVICE_KEY).ok().flatten())
        .is_some()
}

/// Remembers whether this computer is shared (the login page offers the
/// same choice to the next person).
pub fn set_shared_device(shared: bool) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = if shared {
            s.set_item(SHARED_DEVICE_KEY, "1")
        } else {
            s.remove_item(SHARED_DEVICE_KEY)
        };
    }
}

/// Forgets the mail kept for reading (folders, lists, messages), but not
/// what the user wrote and has not sent yet (drafts, outbox, changes made
/// offline).
#[cfg(feature = "people")]
pub async fn clear_mail() {
    remove(FOLDERS_KEY).await;
    for prefix in ["page:", "msg:"] {
        for (key, _) in scan(prefix).await {
            remove(&key).await;
        }
    }
}

/// Forgets the attachments the service worker kept (Cache Storage caches
/// named `facteur-files…`).
pub async fn clear_files() {
    let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) else {
        return;
    };
    let Ok(names) = JsFuture::from(caches.keys()).await else {
        return;
    };
    for name in js_sys::Array::from(&names)
        .iter()
        .filter_map(|n| n.as_string())
    {
        if name.starts_with("facteur-files") {
            let _ = JsFuture::from(caches.delete(&name)).await;
        }
    }
}

/// Empties the cache.
pub async fn clear() {
    if let Some(store) = object_store(IdbTransactionMode::Readwrite).await
        && let Ok(req) = store.clear()
    {
        let _ = wait(&req).await;
    }
}

/// Makes the cache `username`'s: another user's cached mail is erased.
pub async fn claim_for(username: &str) {
    if get(USER_KEY).await.as_deref() != Some(username) {
        clear().await;
        put(USER_KEY, username).await;
    }
}

/// Where a value shown came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cache,
    Network,
}

/// Stale-while-revalidate: shows the text cached under `key` (if any, and
/// unless `read_cache` is false), then fetches `url`, shows the fresh text
/// and caches it (without a key, nothing is read from or written to the
/// cache). `show` decodes and shows a text, and says whether it
/// could; the error is the network's (or `internal` when the server's
/// answer does not decode).
pub async fn swr(
    key: Option<&str>,
    url: &str,
    ticket: Option<&Ticket>,
    read_cache: bool,
    show: &mut dyn FnMut(&str, Source) -> bool,
) -> Result<(), Failure> {
    if let (Some(key), true) = (key, read_cache)
        && let Some(text) = get(key).await
    {
        show(&text, Source::Cache);
    }
    let text = api::get_text(url, ticket).await?;
    if !show(&text, Source::Network) {
        return Err(Failure::Api(ApiError::Internal));
    }
    if let Some(key) = key {
        put(key, &text).await;
    }
    Ok(())
}
