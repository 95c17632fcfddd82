//! Sending a file with upload progress: `fetch` reports none, so this goes
//! through `XMLHttpRequest`, with the anti-CSRF header like every other
//! state-changing request.

use js_sys::{Function, Promise};
use serde::de::DeserializeOwned;
use shared::ApiError;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use super::{Failure, decode, error_from_answer};

/// POSTs `file` to `url` as `content_type` (plus `headers`):
/// `on_progress` gets the fraction sent, `started` the request (to abort
/// it). An abort answers `Failure::Aborted`; a 413 without our error body,
/// `message_too_large`.
pub async fn send_file<T: DeserializeOwned>(
    url: &str,
    file: &File,
    content_type: &str,
    headers: &[(&str, &str)],
    on_progress: impl Fn(f64) + 'static,
    started: impl FnOnce(XmlHttpRequest),
) -> Result<T, Failure> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failure::Network)?;
    xhr.open_with_async("POST", url, true)
        .map_err(|_| Failure::Network)?;
    if let Some(token) = super::csrf_token() {
        let _ = xhr.set_request_header(shared::CSRF_HEADER, &token);
    }
    let _ = xhr.set_request_header("accept", "application/json");
    let _ = xhr.set_request_header("content-type", content_type);
    for (k, v) in headers {
        let _ = xhr.set_request_header(k, v);
    }
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let aborted = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_abort = {
        let aborted = aborted.clone();
        Closure::<dyn FnMut()>::new(move || aborted.set(true))
    };
    xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    let mut done: Option<Closure<dyn FnMut()>> = None;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let c = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        xhr.set_onloadend(Some(c.as_ref().unchecked_ref()));
        done = Some(c);
    });
    xhr.send_with_opt_blob(Some(file))
        .map_err(|_| Failure::Network)?;
    started(xhr.clone());
    let _ = JsFuture::from(promise).await;
    drop(done);
    drop(progress);
    drop(on_abort);
    if aborted.get() {
        return Err(Failure::Aborted);
    }
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(Failure::Network),
        200..=299 => decode(&text),
        s => {
            let e = error_from_answer(s, &text);
            Err(Failure::Api(
                if s == 413 && !matches!(e, ApiError::MessageTooLarge { .. }) {
                    ApiError::MessageTooLarge { max_bytes: 0 }
                } else {
                    e
                },
            ))
        }
    }
}
