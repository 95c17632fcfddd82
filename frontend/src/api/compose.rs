//! Writing mail: limits, uploads (with progress), replies prepared by the
//! server, drafts, sending, and the addresses proposed while typing.

use shared::compose::{
    ComposeLimits, ComposeMode, PreparedMessage, SaveDraft, SavedDraft, SendRequest, SendResult,
    UploadedAttachment,
};
use shared::contacts::Suggestion;
use shared::mail::encode_segment;
use web_sys::{File, XmlHttpRequest};

use super::{Failure, Method, decode, get_text, json, send_text};
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

/// Uploads a file for the message being written, with its progress.
pub async fn upload(
    file: &File,
    on_progress: impl Fn(f64) + 'static,
    started: impl FnOnce(Upload),
) -> Result<UploadedAttachment, Failure> {
    let ct = file.type_();
    let ct = if ct.is_empty() {
        "application/octet-stream".to_string()
    } else {
        ct
    };
    let name = encode_segment(&file.name());
    super::upload::send_file(
        UPLOAD_URL,
        file,
        &ct,
        &[("x-filename", &name)],
        on_progress,
        |xhr| started(Upload(xhr)),
    )
    .await
}
