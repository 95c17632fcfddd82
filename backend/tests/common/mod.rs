//! Helpers shared by the integration tests that run against the real
//! servers started by `tests/servers.sh start`.

#![allow(dead_code)]

use std::{path::PathBuf, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use facteur::{AppState, config::Config, imap, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Reads the servers' environment file written by `tests/servers.sh start`;
/// a variable already set in the environment wins.
pub fn server_env(key: &str) -> String {
    if let Ok(v) = std::env::var(key) {
        return v;
    }
    let run = std::env::var("FACTEUR_RUN_DIR").unwrap_or_else(|_| "/tmp/facteur-run".into());
    let file = PathBuf::from(&run).join("env");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "the test servers are not running ({} missing): start them with `tests/servers.sh start`",
            file.display()
        )
    });
    text.lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{key} not in {}", file.display()))
}

pub fn config() -> Config {
    let mut c = Config::for_tests();
    c.imap = facteur::config::ServerUrl::parse(
        &server_env("FACTEUR_IMAP_URL"),
        ("imap", 143),
        ("imaps", 993),
    )
    .unwrap();
    c.sieve = facteur::config::ServerUrl::parse(
        &server_env("FACTEUR_SIEVE_URL"),
        ("sieve", 4190),
        ("sieves", 4190),
    )
    .unwrap();
    c.caldav_url = server_env("FACTEUR_CALDAV_URL");
    c.smtp = facteur::config::ServerUrl::parse(
        &server_env("FACTEUR_SMTP_URL"),
        ("smtp", 587),
        ("smtps", 465),
    )
    .unwrap();
    c.ca_file = Some(server_env("FACTEUR_CA_FILE").into());
    c.domain = Some("ac-demo.fr".into());
    c.lost_password_url = Some("https://mdp.ac-demo.fr/".into());
    c.dist_dir = PathBuf::from("/nonexistent");
    c.server_timeout = Duration::from_secs(10);
    c
}

pub fn app_with(c: Config) -> Router {
    router(AppState::new(c).unwrap())
}

pub fn app() -> Router {
    app_with(config())
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
    pub fn ok<T: serde::de::DeserializeOwned>(&self) -> T {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A logged-in client: the cookie and the CSRF token.
#[derive(Clone)]
pub struct User {
    pub cookie: String,
    pub csrf: String,
}

impl User {
    /// The same session without its anti-CSRF token.
    pub fn without_csrf(&self) -> User {
        User {
            cookie: self.cookie.clone(),
            csrf: String::new(),
        }
    }
}

pub async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    user: Option<&User>,
    body: Option<Value>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(u) = user {
        b = b
            .header(header::COOKIE, &u.cookie)
            .header(shared::CSRF_HEADER, &u.csrf);
    }
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str, user: &User) -> Resp {
    send(app, Method::GET, uri, Some(user), None).await
}

pub async fn post(app: &Router, uri: &str, user: &User, body: Value) -> Resp {
    send(app, Method::POST, uri, Some(user), Some(body)).await
}

pub async fn login(app: &Router, username: &str, password: &str) -> Resp {
    send(
        app,
        Method::POST,
        "/api/session",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

pub async fn login_ok(app: &Router, username: &str, password: &str) -> User {
    let r = login(app, username, password).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let set_cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    User {
        cookie,
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

/// A direct IMAP connection, to prepare and check data.
pub async fn imap_conn(user: &str, password: &str) -> imap::ImapConn {
    let c = config();
    let tls = facteur::tls::connector(c.ca_file.as_deref()).unwrap();
    let client = imap::connect(&c.imap, &tls, c.server_timeout)
        .await
        .unwrap();
    let session = imap::login(client, user, password, c.server_timeout)
        .await
        .unwrap();
    imap::ImapConn::new(session, c.server_timeout)
        .await
        .unwrap()
}
