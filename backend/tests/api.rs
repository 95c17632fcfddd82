//! Every API route against the real servers started by `tests/servers.sh
//! start` (Dovecot, Postfix, Radicale on 127.0.0.1). The router is driven
//! with `oneshot`; test messages are appended over IMAP with the adapter.
//!
//! Each test works in a folder of its own so that tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{process::Command, time::Duration};

use axum::{
    Router,
    http::{Method, StatusCode, header},
};
use facteur::imap;
use serde_json::{Value, json};
use shared::mail::{FolderList, Message, MessagePage};

use crate::common::*;

/// A fresh folder for one test, emptied of any earlier run.
async fn fresh_folder(conn: &mut imap::ImapConn, name: &str) -> String {
    let path = format!("Tests/{name}");
    let _ = conn.delete_folder(&path).await;
    conn.create_folder(&path).await.unwrap();
    path
}

/// Distinct arrival times, so that "newest first" is well defined (the
/// server orders messages that arrived in the same second by UID).
fn date(minute: u32) -> String {
    format!(
        "02-Mar-2026 {:02}:{:02}:00 +0100",
        8 + minute / 60,
        minute % 60
    )
}

/// The first page of a folder.
async fn list(app: &Router, user: &User, folder: &str) -> MessagePage {
    let r = get(app, &format!("/api/folders/{}/messages", enc(folder)), user).await;
    serde_json::from_slice(&r.body).unwrap()
}

fn enc(folder: &str) -> String {
    shared::mail::encode_segment(folder)
}

fn simple_mail(i: u32, subject: &str) -> Vec<u8> {
    format!(
        "From: Collègue {i} <collegue{i}@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: {subject}\r\n\
Date: Mon, 2 Mar 2026 10:{:02}:00 +0100\r\nMessage-ID: <m{i}.{subject}@ac-demo.fr>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nMessage numéro {i}.\r\n",
        i % 60
    )
    .into_bytes()
}

const MULTIPART: &[u8] = b"From: =?utf-8?q?Rectorat_de_l=27acad=C3=A9mie?= <rectorat@ac-demo.fr>\r\n\
To: alice@ac-demo.fr\r\n\
Subject: =?utf-8?q?Note_de_service_n=C2=B012?=\r\n\
Date: Tue, 3 Mar 2026 09:15:00 +0100\r\n\
Message-ID: <note12@ac-demo.fr>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
--outer\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n\
--rel\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBonjour =C3=A0 tous,\r\nveuillez trouver la note.\r\n\
--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour <b>\xc3\xa0 tous</b></p><img src=\"cid:logo@ac\"><script>alert(1)</script>\r\n\
--alt--\r\n\
--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@ac>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n\
--rel--\r\n\
--outer\r\nContent-Type: application/pdf; name=\"note.pdf\"\r\nContent-Disposition: attachment; filename*=UTF-8''compte-rendu%20r%C3%A9union.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\r\n\
--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"donnees.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECA/8=\r\n\
--outer--\r\n";

const HOSTILE: &[u8] = b"From: Newsletter <news@exemple.org>\r\nTo: alice@ac-demo.fr\r\nSubject: Offre\r\n\
Date: Wed, 4 Mar 2026 08:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">\
<a href=\"javascript:alert(1)\">clic</a><iframe src=\"https://evil.example/\"></iframe>\
<img src=\"https://tracker.example.org/pixel.gif\"><div style=\"background:url(http://tracker.example/bg.png)\">texte</div>\r\n";

#[tokio::test]
async fn login_with_identifier_or_address_and_session_lifecycle() {
    let app = app();
    // No session yet.
    let r = send(&app, Method::GET, "/api/session", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "not_authenticated");

    let r = login(&app, "alice", "secret").await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !r.body.windows(6).any(|w| w == b"secret"),
        "password echoed"
    );
    assert_eq!(r.json()["email"], "alice@ac-demo.fr");

    // The full address reaches the same account.
    let user = login_ok(&app, "alice@ac-demo.fr", "secret").await;
    let r = get(&app, "/api/session", &user).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["username"], "alice@ac-demo.fr");

    // Logout needs the CSRF token.
    let no_csrf = User {
        csrf: "forged".into(),
        ..user.clone()
    };
    let r = send(&app, Method::DELETE, "/api/session", Some(&no_csrf), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_rejected");
    let r = send(&app, Method::DELETE, "/api/session", Some(&user), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let r = get(&app, "/api/folders", &user).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn each_login_failure_has_its_own_error() {
    let app = app();
    for (user, pass, status, code) in [
        ("alice", "wrong", 401, "bad_credentials"),
        ("nobody-at-all", "x", 401, "bad_credentials"),
        ("disabled", "secret", 401, "account_disabled"),
        ("expired", "secret", 401, "password_expired"),
        ("", "x", 400, "invalid_request"),
    ] {
        let r = login(&app, user, pass).await;
        assert_eq!(
            (r.status.as_u16(), r.code().as_str()),
            (status, code),
            "{user}"
        );
    }
    // Unknown server name, and a server that does not answer.
    let mut c = config();
    c.imap.host = "imap.nonexistent.invalid".into();
    let r = login(&app_with(c), "alice", "secret").await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (503, "server_unknown")
    );
    let mut c = config();
    c.imap.port = 1; // nothing listens there
    let r = login(&app_with(c), "alice", "secret").await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (503, "server_unavailable")
    );
    // A malformed body is an API error too.
    let r = send(
        &app,
        Method::POST,
        "/api/session",
        None,
        Some(json!({"user": 1})),
    )
    .await;
    assert_eq!(r.code(), "invalid_request");
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_for_identifier_and_address() {
    let app = app();
    for _ in 0..3 {
        assert_eq!(
            login(&app, "throttled", "bad").await.code(),
            "bad_credentials"
        );
    }
    // The fourth try, by address this time, must wait.
    let r = login(&app, "throttled@ac-demo.fr", "bad").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.json()["retry_after_secs"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn expired_session_is_refused() {
    let mut c = config();
    c.session_idle = Duration::from_secs(1);
    let app = app_with(c);
    let user = login_ok(&app, "alice", "secret").await;
    assert_eq!(
        get(&app, "/api/folders", &user).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = get(&app, "/api/folders", &user).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "not_authenticated");
}

#[tokio::test]
async fn folders_tree_roles_counts_and_quota() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Pédagogie/Sorties").await;
    conn.append(&path, &["\\Seen"], Some(&date(1)), &simple_mail(1, "lu"))
        .await
        .unwrap();
    conn.append(&path, &[], Some(&date(2)), &simple_mail(2, "nonlu"))
        .await
        .unwrap();
    let user = login_ok(&app, "alice", "secret").await;
    let r = get(&app, "/api/folders", &user).await;
    assert_eq!(r.status, StatusCode::OK);
    let list: FolderList = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(list.folders[0].path, "INBOX");
    for role in ["drafts", "sent", "trash", "junk", "archive"] {
        assert!(
            list.folders.iter().any(|f| f
                .role
                .map(|r| serde_json::to_value(r).unwrap() == role)
                .unwrap_or(false)),
            "{role} missing"
        );
    }
    let f = list
        .folders
        .iter()
        .find(|f| f.path == path)
        .expect("nested folder listed");
    assert_eq!(
        (f.name.as_str(), f.depth, f.total, f.unread),
        ("Sorties", 2, 2, 1)
    );
    assert_eq!(f.parent.as_deref(), Some("Tests/Pédagogie"));
    // Children come right after their parent.
    let pos = |p: &str| list.folders.iter().position(|f| f.path == p).unwrap();
    assert_eq!(pos(&path), pos("Tests/Pédagogie") + 1);
    let q = list.quota.expect("quota");
    assert_eq!(q.limit_bytes, 1024 * 1024 * 1024);
    assert!(q.used_bytes > 0);
}

#[tokio::test]
async fn message_list_pages_newest_first() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Pages").await;
    for i in 0..120 {
        conn.append(
            &path,
            &["\\Seen"],
            Some(&date(i)),
            &simple_mail(i, &format!("Sujet {i}")),
        )
        .await
        .unwrap();
    }
    let user = login_ok(&app, "alice", "secret").await;
    let r = get(
        &app,
        &format!("/api/folders/{}/messages?offset=0&limit=50", enc(&path)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let page: MessagePage = serde_json::from_slice(&r.body).unwrap();
    assert_eq!((page.total, page.messages.len()), (120, 50));
    assert_eq!(page.messages[0].subject, "Sujet 119");
    assert_eq!(page.messages[49].subject, "Sujet 70");
    let uids: Vec<u32> = page.messages.iter().map(|m| m.uid).collect();
    assert!(
        uids.windows(2).all(|w| w[0] > w[1]),
        "newest (highest UID) first"
    );
    let m = &page.messages[0];
    assert_eq!(
        m.from.as_ref().unwrap().name.as_deref(),
        Some("Collègue 119")
    );
    assert!(m.flags.seen && m.size > 100 && m.date > 0);

    let r = get(
        &app,
        &format!("/api/folders/{}/messages?offset=100&limit=50", enc(&path)),
        &user,
    )
    .await;
    let page: MessagePage = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(page.messages.len(), 20);
    assert_eq!(page.messages[19].subject, "Sujet 0");

    // A message arriving meanwhile shows up on top of the next request.
    conn.append(&path, &[], None, &simple_mail(500, "Nouveau"))
        .await
        .unwrap();
    let r = get(
        &app,
        &format!("/api/folders/{}/messages?limit=1", enc(&path)),
        &user,
    )
    .await;
    let page: MessagePage = serde_json::from_slice(&r.body).unwrap();
    assert_eq!((page.total, page.unread), (121, 1));
    assert_eq!(page.messages[0].subject, "Nouveau");

    let r = get(&app, "/api/folders/Nulle%20part/messages", &user).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (404, "folder_not_found")
    );
    let r = get(
        &app,
        &format!("/api/folders/{}/messages?limit=abc", enc(&path)),
        &user,
    )
    .await;
    assert_eq!(r.code(), "invalid_request");
}

#[tokio::test]
async fn reading_a_multipart_message_with_attachments() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Lecture").await;
    conn.append(&path, &[], None, MULTIPART).await.unwrap();
    let user = login_ok(&app, "alice", "secret").await;
    let page: MessagePage = serde_json::from_slice(
        &get(
            &app,
            &format!("/api/folders/{}/messages", enc(&path)),
            &user,
        )
        .await
        .body,
    )
    .unwrap();
    let row = &page.messages[0];
    assert!(row.has_attachments && !row.flags.seen);
    assert_eq!(row.subject, "Note de service n°12");

    let base = format!("/api/folders/{}/messages/{}", enc(&path), row.uid);
    let r = get(&app, &base, &user).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let m: Message = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(m.from[0].name.as_deref(), Some("Rectorat de l'académie"));
    assert!(m.text.as_deref().unwrap().contains("Bonjour à tous"));
    let html = m.html.as_deref().unwrap();
    assert!(html.contains("<b>à tous</b>"));
    assert!(
        html.contains("src=\"data:image/png;base64,iVBOR"),
        "cid image inline"
    );
    assert!(!html.contains("<script"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(m.flags.seen, "opening marks read");
    let names: Vec<_> = m
        .attachments
        .iter()
        .filter(|a| !a.inline)
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(names, ["compte-rendu réunion.pdf", "donnees.bin"]);

    // The flag is on the server too.
    let page: MessagePage = serde_json::from_slice(
        &get(
            &app,
            &format!("/api/folders/{}/messages", enc(&path)),
            &user,
        )
        .await
        .body,
    )
    .unwrap();
    assert!(page.messages[0].flags.seen);

    let pdf = m
        .attachments
        .iter()
        .find(|a| a.filename.ends_with(".pdf"))
        .unwrap();
    let r = get(&app, &format!("{base}/attachments/{}", pdf.part), &user).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        "attachment; filename=\"compte-rendu r_union.pdf\"; filename*=UTF-8''compte-rendu%20r%C3%A9union.pdf"
    );
    assert!(r.body.starts_with(b"%PDF-1.4"));
    let bin = m
        .attachments
        .iter()
        .find(|a| a.filename == "donnees.bin")
        .unwrap();
    let r = get(&app, &format!("{base}/attachments/{}", bin.part), &user).await;
    assert_eq!(r.body, [0u8, 1, 2, 3, 255]);
    let r = get(&app, &format!("{base}/attachments/99"), &user).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = get(&app, &format!("{base}/raw"), &user).await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "message/rfc822");
    assert_eq!(r.body, MULTIPART);

    let r = get(
        &app,
        &format!("/api/folders/{}/messages/999999", enc(&path)),
        &user,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (404, "message_not_found")
    );
}

#[tokio::test]
async fn hostile_html_is_defused_and_remote_content_waits_for_consent() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Hostile").await;
    conn.append(&path, &[], Some(&date(1)), HOSTILE)
        .await
        .unwrap();
    conn.append(&path, &[], Some(&date(2)), b"Subject: cass\xc3\xa9\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=x-inconnu\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!pas du base64\r\n").await.unwrap();
    let user = login_ok(&app, "alice", "secret").await;
    let page: MessagePage = serde_json::from_slice(
        &get(
            &app,
            &format!("/api/folders/{}/messages", enc(&path)),
            &user,
        )
        .await
        .body,
    )
    .unwrap();
    let (malformed, hostile) = (page.messages[0].uid, page.messages[1].uid);
    let base = format!("/api/folders/{}/messages/{hostile}", enc(&path));
    let m: Message = serde_json::from_slice(&get(&app, &base, &user).await.body).unwrap();
    let html = m.html.unwrap().to_lowercase();
    for bad in [
        "<script",
        "onerror",
        "javascript:",
        "<iframe",
        "tracker.example",
        "pwned",
    ] {
        assert!(!html.contains(bad), "{bad} survived");
    }
    assert!(m.remote_content_blocked);
    let m: Message =
        serde_json::from_slice(&get(&app, &format!("{base}?remote=true"), &user).await.body)
            .unwrap();
    let html = m.html.unwrap();
    assert!(html.contains("https://tracker.example.org/pixel.gif"));
    assert!(!html.contains("onerror") && !html.contains("<script"));
    assert!(!m.remote_content_blocked);

    // Broken MIME still opens, with what could be read.
    let r = get(
        &app,
        &format!("/api/folders/{}/messages/{malformed}", enc(&path)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let m: Message = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(m.subject, "cassé");
}

#[tokio::test]
async fn flags_move_and_delete_by_uid() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Actions").await;
    let dest = fresh_folder(&mut conn, "Actions-Destination").await;
    for i in 0..4 {
        conn.append(
            &path,
            &[],
            Some(&date(i)),
            &simple_mail(i, &format!("Action {i}")),
        )
        .await
        .unwrap();
    }
    let user = login_ok(&app, "alice", "secret").await;
    let page = list(&app, &user, &path).await;
    let uids: Vec<u32> = page.messages.iter().map(|m| m.uid).collect();

    // CSRF is required.
    let forged = User {
        csrf: String::new(),
        ..user.clone()
    };
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/flags", enc(&path)),
        &forged,
        json!({"uids": [uids[0]], "seen": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = post(
        &app,
        &format!("/api/folders/{}/messages/flags", enc(&path)),
        &user,
        json!({"uids": [uids[0], uids[1]], "seen": true, "flagged": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let page = list(&app, &user, &path).await;
    assert!(page.messages[0].flags.seen && page.messages[0].flags.flagged);
    assert!(!page.messages[2].flags.seen);
    assert_eq!(page.unread, 2);
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/flags", enc(&path)),
        &user,
        json!({"uids": [uids[0]], "seen": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(list(&app, &user, &path).await.unread, 3);

    let r = post(
        &app,
        &format!("/api/folders/{}/messages/move", enc(&path)),
        &user,
        json!({"uids": [uids[0]], "to": dest}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.json()["count"], 1);
    assert_eq!(
        list(&app, &user, &dest).await.messages[0].subject,
        "Action 3"
    );
    assert_eq!(list(&app, &user, &path).await.total, 3);
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/move", enc(&path)),
        &user,
        json!({"uids": [uids[1]], "to": "Dossier inexistant"}),
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");

    // Delete goes to the Trash…
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/delete", enc(&path)),
        &user,
        json!({"uids": [uids[1]]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["moved_to"], "Trash");
    let trash = list(&app, &user, "Trash").await;
    let in_trash = trash
        .messages
        .iter()
        .find(|m| m.subject == "Action 2")
        .expect("in the Trash")
        .uid;
    // …and from the Trash, only with confirmation, for good.
    let r = post(
        &app,
        "/api/folders/Trash/messages/delete",
        &user,
        json!({"uids": [in_trash]}),
    )
    .await;
    assert_eq!(r.code(), "invalid_request");
    let r = post(
        &app,
        "/api/folders/Trash/messages/delete",
        &user,
        json!({"uids": [in_trash], "permanent": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["moved_to"], Value::Null);
    let trash = list(&app, &user, "Trash").await;
    assert!(trash.messages.iter().all(|m| m.uid != in_trash));

    let r = post(
        &app,
        &format!("/api/folders/{}/messages/flags", enc(&path)),
        &user,
        json!({"uids": []}),
    )
    .await;
    assert_eq!(r.code(), "invalid_request");
}

#[tokio::test]
async fn a_dropped_imap_connection_is_reopened_transparently() {
    let app = app();
    let user = login_ok(&app, "bob", "secret").await;
    assert_eq!(
        get(&app, "/api/folders", &user).await.status,
        StatusCode::OK
    );
    // The server drops every connection of bob.
    let out = Command::new("doveadm")
        .args(["-c", &server_env("FACTEUR_DOVECOT_CONF"), "kick", "bob"])
        .output()
        .expect("doveadm");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = get(&app, "/api/folders", &user).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let r = get(&app, "/api/folders/INBOX/messages", &user).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn public_config_and_openapi_document() {
    let app = app();
    let r = send(&app, Method::GET, "/api/config", None, None).await;
    assert_eq!(r.json()["lost_password_url"], "https://mdp.ac-demo.fr/");
    assert_eq!(r.json()["brand"], "Facteur");
    let r = send(&app, Method::GET, "/api/openapi.json", None, None).await;
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/session",
        "/api/folders",
        "/api/folders/{folder}/messages/{uid}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }
    assert!(doc["components"]["schemas"].get("MessagePage").is_some());
    let r = send(&app, Method::GET, "/api/nothing-here", None, None).await;
    assert_eq!(r.code(), "invalid_request");
}

#[tokio::test]
async fn new_mail_after_a_delete_still_shows_up() {
    let app = app();
    let mut conn = imap_conn("alice", "secret").await;
    let path = fresh_folder(&mut conn, "Suivi").await;
    for i in 0..3 {
        conn.append(
            &path,
            &[],
            Some(&date(i)),
            &simple_mail(i, &format!("Suivi {i}")),
        )
        .await
        .unwrap();
    }
    let user = login_ok(&app, "alice", "secret").await;
    let page = list(&app, &user, &path).await;
    assert_eq!(page.total, 3);
    // Delete one (an EXPUNGE on this connection), then mail arrives
    // through another connection, bringing the count back to 3.
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/delete", enc(&path)),
        &user,
        json!({"uids": [page.messages[0].uid]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    conn.append(&path, &[], None, &simple_mail(9, "Arrivé après"))
        .await
        .unwrap();
    let page = list(&app, &user, &path).await;
    assert_eq!(page.total, 3);
    assert_eq!(page.messages[0].subject, "Arrivé après");
    assert_eq!(page.unread, 3);
}
