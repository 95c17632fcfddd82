//! `GET /api/events` (Server-Sent Events) against the real Dovecot started
//! by `tests/servers.sh start`: new mail, flags changed and messages
//! expunged from another connection arrive as typed events.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
    response::Response,
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::*;

/// How long an event may take to arrive.
const WAIT: Duration = Duration::from_secs(10);

async fn open(app: &Router, user: Option<&User>, gzip: bool) -> Response {
    let mut b = Request::builder().uri("/api/events");
    if let Some(u) = user {
        b = b.header(header::COOKIE, &u.cookie);
    }
    if gzip {
        b = b.header(header::ACCEPT_ENCODING, "gzip, br");
    }
    app.clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

/// Reads a streaming SSE body event by event.
struct Events {
    body: Body,
    buf: String,
}

impl Events {
    fn new(resp: Response) -> Self {
        Events {
            body: resp.into_body(),
            buf: String::new(),
        }
    }

    /// The next event (name, JSON data) within `wait`; comments skipped.
    async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if !data.is_empty() {
                    let json = serde_json::from_str(&data)
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {data}"));
                    return Some((name, json));
                }
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()??
                .expect("body error");
            if let Ok(bytes) = frame.into_data() {
                self.buf
                    .push_str(std::str::from_utf8(&bytes).expect("UTF-8"));
            }
        }
    }

    /// Skips events until one named `name` satisfies `pred`.
    async fn until(&mut self, name: &str, wait: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (n, data) = self
                .next(left)
                .await
                .unwrap_or_else(|| panic!("no `{name}` event within {wait:?}"));
            if n != "error" {
                assert_eq!(data["type"], n.as_str(), "event name = JSON type");
            }
            if n == name && pred(&data) {
                return data;
            }
            eprintln!("(skipped while waiting for `{name}`: {data})");
        }
    }
}

fn mail(subject: &str) -> Vec<u8> {
    format!(
        "From: Secrétariat <secretariat@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\n\
Subject: {subject}\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nArrivé pendant l'écoute.\r\n"
    )
    .into_bytes()
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix} {nanos}")
}

#[tokio::test]
async fn new_mail_flags_and_expunge_arrive_as_events() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let mut other = imap_conn("alice", "secret").await;

    let resp = open(&app, Some(&user), false).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
    let mut events = Events::new(resp);

    // First: the INBOX counts.
    let (name, first) = events.next(WAIT).await.expect("a first event");
    assert_eq!(name, "folder");
    assert_eq!(first["folder"], "INBOX");
    let total_before = first["total"].as_u64().unwrap();

    // The stream's IDLE is on once the first event is out; new mail.
    let subject = unique("Écoute");
    let started = Instant::now();
    let uid = other
        .append("INBOX", &[], None, &mail(&subject))
        .await
        .unwrap()
        .expect("UIDPLUS");
    let new = events
        .until("new_messages", WAIT, |d| {
            d["messages"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["subject"] == subject.as_str()))
        })
        .await;
    let took = started.elapsed();
    println!("new-mail event after {} ms", took.as_millis());
    assert_eq!(new["folder"], "INBOX");
    let row = new["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uid"] == uid)
        .expect("the row of the appended UID");
    assert_eq!(row["from"]["email"], "secretariat@ac-demo.fr");
    assert_eq!(row["flags"]["seen"], false);
    let counts = events
        .until("folder", WAIT, |d| d["folder"] == "INBOX")
        .await;
    assert!(counts["total"].as_u64().unwrap() > total_before);

    // Flagged from another device.
    let started = Instant::now();
    other
        .add_flags("INBOX", &[uid], &["\\Flagged"])
        .await
        .unwrap();
    let flags = events
        .until("flags", WAIT, |d| {
            d["uid"] == uid && d["flags"]["flagged"] == true
        })
        .await;
    assert_eq!(flags["folder"], "INBOX");
    println!("flags event after {} ms", started.elapsed().as_millis());

    // Erased from another device.
    let started = Instant::now();
    other.erase("INBOX", &[uid]).await.unwrap();
    events
        .until("expunged", WAIT, |d| {
            d["uids"]
                .as_array()
                .is_some_and(|u| u.iter().any(|u| *u == uid))
        })
        .await;
    println!("expunged event after {} ms", started.elapsed().as_millis());
}

#[tokio::test]
async fn without_a_session_the_answer_is_401() {
    let app = app();
    let doc = send(
        &app,
        axum::http::Method::GET,
        "/api/openapi.json",
        None,
        None,
    )
    .await;
    assert!(doc.json()["paths"]["/api/events"]["get"].is_object());
    let resp = open(&app, None, false).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["code"], "not_authenticated");
}

#[tokio::test]
async fn events_are_never_compressed() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let resp = open(&app, Some(&user), true).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers().get(header::CONTENT_ENCODING).is_none(),
        "{:?}",
        resp.headers()
    );
    assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
    let mut events = Events::new(resp);
    let (name, data) = events.next(WAIT).await.expect("a readable first event");
    assert_eq!(
        (name.as_str(), &data["folder"]),
        ("folder", &Value::from("INBOX"))
    );
    // The JSON API itself still is.
    let r = {
        let req = Request::builder()
            .uri("/api/folders")
            .header(header::COOKIE, &user.cookie)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        app.clone().oneshot(req).await.unwrap()
    };
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn a_third_stream_replaces_the_oldest() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let mut first = Events::new(open(&app, Some(&user), false).await);
    first.next(WAIT).await.expect("first stream up");
    let mut second = Events::new(open(&app, Some(&user), false).await);
    second.next(WAIT).await.expect("second stream up");
    let mut third = Events::new(open(&app, Some(&user), false).await);
    third.next(WAIT).await.expect("third stream up");
    let (name, data) = first.next(WAIT).await.expect("an end event");
    assert_eq!(name, "error");
    assert_eq!(data["reason"], "replaced");
    assert!(first.next(WAIT).await.is_none(), "the oldest stream ended");
}

#[tokio::test]
async fn logging_out_ends_the_stream() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let mut events = Events::new(open(&app, Some(&user), false).await);
    events.next(WAIT).await.expect("stream up");
    let r = send(
        &app,
        axum::http::Method::DELETE,
        "/api/session",
        Some(&user),
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.status);
    // Checked every minute (and whenever IDLE wakes up); other tests may
    // bring events of alice's INBOX meanwhile.
    let data = events
        .until("error", Duration::from_secs(75), |_| true)
        .await;
    assert_eq!(data["reason"], "session_ended");
    assert!(events.next(WAIT).await.is_none(), "the stream ended");
}
