//! A tiny typed JSON client over the browser's `fetch`: same-origin
//! cookies, the anti-CSRF header on state-changing requests, `ApiError`
//! decoded from any non-2xx answer, and network failures told apart.
//! One module per API area, like `shared`.

#[cfg(feature = "calendar")]
pub mod calendar;
#[cfg(feature = "compose")]
pub mod compose;
#[cfg(feature = "people")]
pub mod contacts;
#[cfg(feature = "filters")]
pub mod filters;
pub mod mail;
pub mod prefs;
pub mod session;
#[cfg(any(feature = "compose", feature = "people"))]
pub mod upload;

use std::cell::RefCell;

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};
use shared::ApiError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestCredentials, RequestInit, Response};

/// Why a request did not give its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The backend answered with an error.
    Api(ApiError),
    /// The request never got an answer (offline, server down, DNS…).
    Network,
    /// We cancelled it (the view went away); never shown.
    Aborted,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_UNAUTHENTICATED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Remembers the session's anti-CSRF token (from `SessionInfo`).
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|t| *t.borrow_mut() = token);
}

/// Forgets `token`, unless another session has replaced it meanwhile.
pub fn forget_csrf_token(token: &str) {
    CSRF_TOKEN.with(|t| {
        let mut t = t.borrow_mut();
        if t.as_deref() == Some(token) {
            *t = None;
        }
    });
}

/// The session's anti-CSRF token, for requests not made with `fetch`
/// (uploads with progress go through `XMLHttpRequest`).
#[cfg(any(feature = "compose", feature = "people"))]
pub fn csrf_token() -> Option<String> {
    CSRF_TOKEN.with(|t| t.borrow().clone())
}

/// Called when any request answers `not_authenticated`: the session is gone.
pub fn on_unauthenticated(f: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|h| *h.borrow_mut() = Some(Box::new(f)));
}

/// Hands out one `AbortController` at a time for a view: asking for the next
/// aborts the previous request, and so does the view's cleanup. The
/// generation number tells a late answer from the current one.
#[derive(Clone, Copy)]
pub struct Aborter(StoredValue<Slot, LocalStorage>);

#[derive(Default)]
struct Slot {
    generation: u64,
    controller: Option<AbortController>,
}

/// What one request needs from its [`Aborter`].
#[derive(Clone)]
pub struct Ticket {
    pub generation: u64,
    signal: Option<AbortSignal>,
}

impl Aborter {
    /// Creates an aborter bound to the current reactive owner.
    pub fn new() -> Self {
        let slot = StoredValue::new_local(Slot::default());
        on_cleanup(move || {
            slot.try_update_value(|s| {
                s.generation += 1;
                if let Some(c) = s.controller.take() {
                    c.abort();
                }
            });
        });
        Aborter(slot)
    }

    /// Aborts the request in flight, if any, and starts a new generation.
    pub fn next(&self) -> Ticket {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        let generation = self
            .0
            .try_update_value(|s| {
                if let Some(old) = s.controller.take() {
                    old.abort();
                }
                s.generation += 1;
                s.controller = controller;
                s.generation
            })
            .unwrap_or(0);
        Ticket { generation, signal }
    }

    /// Whether `ticket` is still the latest (its answer should be shown).
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        self.0
            .try_with_value(|s| s.generation == ticket.generation)
            .unwrap_or(false)
    }
}

impl Default for Aborter {
    fn default() -> Self {
        Self::new()
    }
}

/// The HTTP methods we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    #[cfg_attr(
        not(any(
            feature = "filters",
            feature = "compose",
            feature = "people",
            feature = "calendar"
        )),
        allow(dead_code)
    )]
    Put,
    #[cfg_attr(not(feature = "calendar"), allow(dead_code))]
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// The `fetch` options of a request.
fn request_init(
    method: Method,
    body: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<RequestInit, Failure> {
    let init = RequestInit::new();
    init.set_method(method.as_str());
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = Headers::new().map_err(|_| Failure::Network)?;
    let _ = headers.set("accept", "application/json");
    if method != Method::Get
        && let Some(token) = CSRF_TOKEN.with(|t| t.borrow().clone())
    {
        let _ = headers.set(shared::CSRF_HEADER, &token);
    }
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    init.set_signal(signal);
    Ok(init)
}

/// Fetches `url`: the status and the body text of the answer.
async fn fetch(url: &str, init: &RequestInit) -> Result<(u16, String), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?).await?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// The body of a 2xx answer, or what went wrong.
fn outcome(
    url: &str,
    answer: Result<(u16, String), JsValue>,
    aborted: bool,
) -> Result<String, Failure> {
    let (status, text) = match answer {
        _ if aborted => return Err(Failure::Aborted),
        Ok(answer) => answer,
        Err(_) => return Err(Failure::Network),
    };
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let error = error_from_answer(status, &text);
    if error == ApiError::NotAuthenticated && !url.starts_with(session::SESSION_URL) {
        ON_UNAUTHENTICATED.with(|h| {
            if let Some(f) = h.borrow().as_ref() {
                f();
            }
        });
    }
    Err(Failure::Api(error))
}

async fn send(
    method: Method,
    url: &str,
    body: Option<String>,
    ticket: Option<&Ticket>,
) -> Result<String, Failure> {
    let signal = ticket.and_then(|t| t.signal.clone());
    let init = request_init(method, body.as_deref(), signal.as_ref())?;
    let answer = fetch(url, &init).await;
    outcome(url, answer, signal.is_some_and(|s| s.aborted()))
}

/// The `ApiError` of a non-2xx answer; when the body is not ours (a proxy's
/// error page), a best guess from the status.
pub fn error_from_answer(status: u16, body: &str) -> ApiError {
    serde_json::from_str::<ApiError>(body).unwrap_or(match status {
        401 => ApiError::NotAuthenticated,
        502..=504 => ApiError::ServerUnavailable,
        _ => ApiError::Internal,
    })
}

/// Decodes an answer; an empty body (204) decodes as `null`, so `()` works.
/// The answer not being what we expect is the server's fault: `internal`.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(if text.is_empty() { "null" } else { text })
        .map_err(|_| Failure::Api(ApiError::Internal))
}

/// A request body as JSON.
pub fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// `GET url` → the body text (decode it with [`decode`]).
pub async fn get_text(url: &str, ticket: Option<&Ticket>) -> Result<String, Failure> {
    send(Method::Get, url, None, ticket).await
}

/// `method url` with an optional JSON body (also on `DELETE`) → the body text. Not
/// abortable: a change the user asked for goes through.
pub async fn send_text(method: Method, url: &str, body: Option<String>) -> Result<String, Failure> {
    send(method, url, body, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_decoded_or_guessed() {
        assert_eq!(
            error_from_answer(429, r#"{"code":"too_many_attempts","retry_after_secs":12}"#),
            ApiError::TooManyAttempts {
                retry_after_secs: 12
            }
        );
        assert_eq!(
            error_from_answer(502, "<html>Bad gateway</html>"),
            ApiError::ServerUnavailable
        );
        assert_eq!(error_from_answer(401, ""), ApiError::NotAuthenticated);
        assert_eq!(error_from_answer(500, "oops"), ApiError::Internal);
    }
}
