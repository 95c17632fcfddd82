//! Writing mail: limits, uploads (with progress), replies prepared by the
//! server, drafts, sending, and the addresses proposed while typing.

use js_sys::{Function, Promise};
use shared::ApiError;
use shared::compose::{
    ComposeLimits, ComposeMode, PreparedMessage, SaveDraft, SavedDraft, SendRequest, SendResult,
    UploadedAttachment,
};
use shared::contacts::Suggestion;
use shared::mail::encode_segment;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use super::{Failure, Method, decode, error_from_answer, get_text, json, send_text};
use crate::pages::links::mode_name;

pub const UPLOAD_URL: &str = "/api/compose/attachments";

pub async fn limits() -> Result<ComposeLimits, Failure> {
    decode(&get_text("/api/compose/limits", None).await?)
}

/// Every address of the address book and those used recently, to filter
/// locally as the user types.
pub async fn recipients() -> Result<Vec<Suggestion>, Failure> {
    decode(&get_text("/api/contacts/recipients", None).await?)
}

/// A reply or forward of a message (`mode`), or a draft (`None`).
pub async fn prepare(
    folder: &str,
    uid: u32,
    mode: Option<ComposeMode>,
    lang: &str,
) -> Result<PreparedMessage, Failure> {
    let mut url = format!(
        "/api/compose/from/{}/{uid}?lang={lang}",
        encode_segment(folder)
    );
    if let Some(m) = mode {
        url.push_str("&mode=");
        url.push_str(mode_name(m));
    }
    decode(&get_text(&url, None).await?)
}

pub async fn save_draft(req: &SaveDraft) -> Result<SavedDraft, Failure> {
    decode(&send_text(Method::Put, "/api/drafts", json(req)).await?)
}

pub async fn delete_draft(uid: u32) -> Result<(), Failure> {
    send_text(Method::Delete, &format!("/api/drafts/{uid}"), None).await?;
    Ok(())
}

pub async fn send(req: &SendRequest) -> Result<SendResult, Failure> {
    decode(&send_text(Method::Post, "/api/send", json(req)).await?)
}

/// An upload under way: abort it with [`Upload::abort`].
#[derive(Clone)]
pub struct Upload(XmlHttpRequest);

impl Upload {
    pub fn abort(&self) {
        let _ = self.0.abort();
    }
}

/// Uploads a file through `XMLHttpRequest` (`fetch` reports no upload
/// progress): `on_progress` gets the fraction sent, `started` the handle to
/// abort it.
pub async fn upload(
    file: &File,
    on_progress: impl Fn(f64) + 'static,
    started: impl FnOnce(Upload),
) -> Result<UploadedAttachment, Failure> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failure::Network)?;
    xhr.open_with_async("POST", UPLOAD_URL, true)
        .map_err(|_| Failure::Network)?;
    if let Some(token) = super::csrf_token() {
        let _ = xhr.set_request_header(shared::CSRF_HEADER, &token);
    }
    let _ = xhr.set_request_header("accept", "application/json");
    let _ = xhr.set_request_header("x-filename", &encode_segment(&file.name()));
    let ct = file.type_();
    let _ = xhr.set_request_header(
        "content-type",
        if ct.is_empty() {
            "application/octet-stream"
        } else {
            &ct
        },
    );
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
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
    started(Upload(xhr.clone()));
    let _ = JsFuture::from(promise).await;
    drop(done);
    drop(progress);
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
