//! Integration tests of writing mail through the API, against the real
//! Postfix submission and Dovecot started by `tests/servers.sh start`:
//! preferences, uploads, drafts, sending (with attachments, idempotent),
//! replies marking the original, and what happens when submission fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::{User, app, app_with, config, get, imap_conn, login_ok, post, send};
use facteur::imap::ImapConn;
use http_body_util::BodyExt;
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::{Value, json};
use shared::compose::{PreparedMessage, SavedDraft, SendResult, UploadedAttachment};
use tower::ServiceExt;

fn unique() -> String {
    format!(
        "{:x}{:04x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros(),
        rand_u16()
    )
}

fn rand_u16() -> u16 {
    let mut b = [0u8; 2];
    getrandom::fill(&mut b).unwrap();
    u16::from_le_bytes(b)
}

fn all_bytes() -> Vec<u8> {
    (0..4096u32).map(|i| (i % 256) as u8).collect()
}

async fn upload(
    app: &axum::Router,
    user: &User,
    name: &str,
    ct: &str,
    data: Vec<u8>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/compose/attachments")
        .header(header::COOKIE, &user.cookie)
        .header(shared::CSRF_HEADER, &user.csrf)
        .header(header::CONTENT_TYPE, ct)
        .header("x-filename", shared::mail::encode_segment(name))
        .body(Body::from(data))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn find(conn: &mut ImapConn, folder: &str, subject: &str) -> Vec<u32> {
    let page = conn
        .page(folder, 0, 200)
        .await
        .map(|(_, rows)| rows)
        .unwrap_or_default();
    page.into_iter()
        .filter(|r| String::from_utf8_lossy(&r.header).contains(subject))
        .map(|r| r.uid)
        .collect()
}

async fn wait_for(conn: &mut ImapConn, folder: &str, subject: &str) -> Vec<u32> {
    for _ in 0..60 {
        let found = find(conn, folder, subject).await;
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Vec::new()
}

fn message(to: &str, subject: &str, attachments: Value) -> Value {
    json!({
        "to": [{"name": "Bob Garnier", "email": to}],
        "subject": subject,
        "format": "html",
        "body": "<p>Bonjour Bob,</p><p>Voici les <b>documents</b>.</p><script>alert(1)</script>",
        "attachments": attachments,
    })
}

#[tokio::test]
async fn preferences_are_kept_with_the_account() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let mut prefs: Value = get(&app, "/api/preferences", &user).await.ok();
    assert_eq!(prefs["identities"][0]["email"], "alice@ac-demo.fr");
    let sig = format!("Alice Martin\nProfesseure de lettres {}", unique());
    prefs["identities"][0]["name"] = json!("Alice Martin");
    prefs["identities"][0]["signature"] = json!(sig);
    prefs["undo_send_secs"] = json!(99);
    let saved: Value = send(
        &app,
        Method::PUT,
        "/api/preferences",
        Some(&user),
        Some(prefs),
    )
    .await
    .ok();
    assert_eq!(saved["undo_send_secs"], 30, "bounded");
    // Another session (another device) sees the same.
    let other = login_ok(&app, "alice", "secret").await;
    let again: Value = get(&app, "/api/preferences", &other).await.ok();
    assert_eq!(again["identities"][0]["signature"], json!(sig));
    // A name that would inject a header is refused.
    let mut bad = again.clone();
    bad["identities"][0]["name"] = json!("A\r\nBcc: x@y.fr");
    let r = send(
        &app,
        Method::PUT,
        "/api/preferences",
        Some(&user),
        Some(bad),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    again["undo_send_secs"].as_u64().unwrap();
    let mut reset = again;
    reset["undo_send_secs"] = json!(5);
    send(
        &app,
        Method::PUT,
        "/api/preferences",
        Some(&user),
        Some(reset),
    )
    .await
    .ok::<Value>();
}

#[tokio::test]
async fn alice_sends_bob_two_attachments_and_the_original_is_answered() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let subject = format!("Documents conseil {}", unique());
    // The message alice answers.
    let mut alice_imap = imap_conn("alice", "secret").await;
    let original = format!("Question {subject}");
    let original_uid = alice_imap
        .append(
            "INBOX",
            &[],
            None,
            format!("From: Bob <bob@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: {original}\r\nMessage-ID: <{}@test>\r\n\r\nDes documents ?\r\n", unique()).as_bytes(),
        )
        .await
        .unwrap()
        .expect("UIDPLUS");
    let limits: Value = get(&app, "/api/compose/limits", &alice).await.ok();
    assert_eq!(limits["max_message_bytes"], 26_214_400);
    assert!(limits["max_attachments_bytes"].as_u64().unwrap() > 18_000_000);

    let (s, bin) = upload(
        &app,
        &alice,
        "relevé de notes.bin",
        "application/octet-stream",
        all_bytes(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{bin}");
    let bin: UploadedAttachment = serde_json::from_value(bin).unwrap();
    assert_eq!(bin.size, 4096);
    let (s, txt) = upload(
        &app,
        &alice,
        "../../ordre du jour.txt",
        "text/plain; charset=utf-8",
        "Point 1 : emplois du temps\n".into(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(txt["filename"], "ordre du jour.txt", "no path in a name");

    let mut msg = message(
        "bob@ac-demo.fr",
        &subject,
        json!([
            {"source": {"kind": "upload", "id": bin.id}, "filename": bin.filename, "content_type": bin.content_type, "size": bin.size},
            {"source": {"kind": "upload", "id": txt["id"]}, "filename": txt["filename"], "content_type": txt["content_type"], "size": txt["size"]},
        ]),
    );
    msg["original"] = json!({"folder": "INBOX", "uid": original_uid, "mode": "reply"});
    let send_id = format!("envoi-{}", unique());
    let req = json!({"message": msg, "send_id": send_id});
    let started = std::time::Instant::now();
    let r = post(&app, "/api/send", &alice, req.clone()).await;
    let result: SendResult = r.ok();
    assert!(result.saved_to_sent, "{result:?}");
    // The same request again (a retry): the first answer, nothing sent twice.
    let again: SendResult = post(&app, "/api/send", &alice, req).await.ok();
    assert_eq!(again, result);

    let mut bob = imap_conn("bob", "secret").await;
    let got = wait_for(&mut bob, "INBOX", &subject).await;
    eprintln!(
        "delivered to bob's INBOX {} ms after the send request",
        started.elapsed().as_millis()
    );
    assert_eq!(got.len(), 1, "exactly one copy");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        find(&mut bob, "INBOX", &subject).await.len(),
        1,
        "still one copy"
    );
    let raw = bob.message("INBOX", got[0], false).await.unwrap().raw;
    let parsed = MessageParser::default().parse(&raw).unwrap();
    let names: Vec<_> = parsed
        .attachments()
        .map(|a| a.attachment_name().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, vec!["relevé de notes.bin", "ordre du jour.txt"]);
    let att = parsed.attachments().next().unwrap();
    assert_eq!(att.contents(), all_bytes().as_slice(), "bytes identical");
    let html = parsed.body_html(0).unwrap();
    assert!(
        html.contains("<b>documents</b>") && !html.contains("script"),
        "{html}"
    );
    assert!(parsed.body_text(0).unwrap().contains("documents"));
    assert_eq!(parsed.header_raw("Bcc"), None);

    let sent = wait_for(&mut alice_imap, "Sent", &subject).await;
    assert_eq!(sent.len(), 1, "one copy in Sent");
    let orig = alice_imap
        .message("INBOX", original_uid, false)
        .await
        .unwrap();
    assert!(orig.flags.answered, "the original is marked answered");

    bob.erase("INBOX", &got).await.unwrap();
    alice_imap.erase("Sent", &sent).await.unwrap();
    alice_imap.erase("INBOX", &[original_uid]).await.unwrap();
}

#[tokio::test]
async fn a_draft_is_saved_replaced_reopened_with_its_attachment_and_sent() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let subject = format!("Brouillon sortie {}", unique());
    let (_, up) = upload(
        &app,
        &alice,
        "autorisation.pdf",
        "application/pdf",
        all_bytes(),
    )
    .await;
    let mut msg = message(
        "bob@ac-demo.fr",
        &subject,
        json!([
            {"source": {"kind": "upload", "id": up["id"]}, "filename": "autorisation.pdf", "content_type": "application/pdf", "size": 4096},
        ]),
    );
    msg["bcc"] = json!([{"email": "alice@ac-demo.fr"}]);
    let first: SavedDraft = send(
        &app,
        Method::PUT,
        "/api/drafts",
        Some(&alice),
        Some(json!({"message": msg})),
    )
    .await
    .ok();
    let uid1 = first.uid.expect("UIDPLUS gives the UID");
    msg["body"] = json!("<p>Version 2</p>");
    let second: SavedDraft = send(
        &app,
        Method::PUT,
        "/api/drafts",
        Some(&alice),
        Some(json!({"message": msg, "replaces": uid1})),
    )
    .await
    .ok();
    let uid2 = second.uid.unwrap();
    assert_ne!(uid1, uid2);
    let mut imap = imap_conn("alice", "secret").await;
    assert_eq!(
        find(&mut imap, &second.folder, &subject).await,
        vec![uid2],
        "the old version removed"
    );

    // Reopened: the same message, its attachment now a part of the draft.
    let url = format!(
        "/api/compose/from/{}/{uid2}",
        shared::mail::encode_segment(&second.folder)
    );
    let p: PreparedMessage = get(&app, &url, &alice).await.ok();
    assert_eq!(p.draft_uid, Some(uid2));
    assert_eq!(p.message.subject, subject);
    assert_eq!(p.message.bcc.len(), 1, "Bcc kept in the draft");
    assert!(p.message.body.contains("Version 2"));
    assert_eq!(p.message.attachments.len(), 1);
    assert!(matches!(
        p.message.attachments[0].source,
        shared::compose::AttachmentSource::Part { .. }
    ));

    // Sent from the draft: the draft goes away.
    let req =
        json!({"message": p.message, "send_id": format!("envoi-{}", unique()), "draft_uid": uid2});
    let r: SendResult = post(&app, "/api/send", &alice, req).await.ok();
    assert!(r.saved_to_sent);
    assert!(
        find(&mut imap, &second.folder, &subject).await.is_empty(),
        "draft removed"
    );
    let mut bob = imap_conn("bob", "secret").await;
    let got = wait_for(&mut bob, "INBOX", &subject).await;
    assert_eq!(got.len(), 1);
    let raw = bob.message("INBOX", got[0], false).await.unwrap().raw;
    let parsed = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        parsed.attachments().next().unwrap().contents(),
        all_bytes().as_slice()
    );
    assert_eq!(
        parsed.header_raw("Bcc"),
        None,
        "the Bcc is not shown to bob"
    );
    // The Bcc copy reached alice; the Sent copy says whom it went to.
    let sent = wait_for(&mut imap, "Sent", &subject).await;
    let copy = imap.message("Sent", sent[0], false).await.unwrap().raw;
    assert!(
        String::from_utf8_lossy(&copy).contains("Bcc: <alice@ac-demo.fr>")
            || String::from_utf8_lossy(&copy).contains("Bcc: alice@ac-demo.fr")
    );
    let bcc_copy = wait_for(&mut imap, "INBOX", &subject).await;
    assert_eq!(bcc_copy.len(), 1);
    bob.erase("INBOX", &got).await.unwrap();
    imap.erase("Sent", &sent).await.unwrap();
    imap.erase("INBOX", &bcc_copy).await.unwrap();
}

#[tokio::test]
async fn when_submission_fails_the_draft_survives_and_the_error_is_clear() {
    // The submission server is down (a closed port).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = config();
    c.smtp.port = port;
    let app = app_with(c);
    let alice = login_ok(&app, "alice", "secret").await;
    let subject = format!("Envoi impossible {}", unique());
    let msg = message("bob@ac-demo.fr", &subject, json!([]));
    let saved: SavedDraft = send(
        &app,
        Method::PUT,
        "/api/drafts",
        Some(&alice),
        Some(json!({"message": msg})),
    )
    .await
    .ok();
    let uid = saved.uid.unwrap();
    let r = post(
        &app,
        "/api/send",
        &alice,
        json!({"message": msg, "send_id": format!("envoi-{}", unique()), "draft_uid": uid}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.code(), "server_unavailable");
    let mut imap = imap_conn("alice", "secret").await;
    assert_eq!(
        find(&mut imap, &saved.folder, &subject).await,
        vec![uid],
        "the draft is still there"
    );
    assert!(find(&mut imap, "Sent", &subject).await.is_empty());
    imap.erase(&saved.folder, &[uid]).await.unwrap();
}

#[tokio::test]
async fn refused_recipients_are_named_and_nothing_is_sent() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let subject = format!("Destinataire inconnu {}", unique());
    let mut msg = message("bob@ac-demo.fr", &subject, json!([]));
    msg["cc"] = json!([{"email": "personne@ac-demo.fr"}]);
    let r = post(
        &app,
        "/api/send",
        &alice,
        json!({"message": msg, "send_id": format!("envoi-{}", unique())}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "recipients_refused");
    assert_eq!(r.json()["addresses"], json!(["personne@ac-demo.fr"]));
    // An address that would inject a header never gets that far.
    let bad = message("bob@ac-demo.fr\r\nBcc: eve@ac-demo.fr", &subject, json!([]));
    let r = post(
        &app,
        "/api/send",
        &alice,
        json!({"message": bad, "send_id": format!("envoi-{}", unique())}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut bob = imap_conn("bob", "secret").await;
    assert!(find(&mut bob, "INBOX", &subject).await.is_empty());
    // An upload expired (unknown id) is said so.
    let gone = message(
        "bob@ac-demo.fr",
        &subject,
        json!([
            {"source": {"kind": "upload", "id": "inconnu"}, "filename": "x.pdf", "content_type": "application/pdf", "size": 1},
        ]),
    );
    let r = post(
        &app,
        "/api/send",
        &alice,
        json!({"message": gone, "send_id": format!("envoi-{}", unique())}),
    )
    .await;
    assert_eq!(r.code(), "attachment_expired");
}

#[tokio::test]
async fn a_file_larger_than_the_server_accepts_is_refused_while_uploading() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    // Declared too large: refused at once.
    let (s, e) = upload(
        &app,
        &alice,
        "film.mp4",
        "video/mp4",
        vec![0u8; 20 * 1024 * 1024],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    assert_eq!(e["code"], "message_too_large");
    assert_eq!(e["max_bytes"], 26_214_400);
    // Streamed without a length: refused once the limit is passed.
    let chunks = futures_util::stream::iter(
        (0..40).map(|_| Ok::<_, std::io::Error>(vec![0u8; 1024 * 1024])),
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/compose/attachments")
        .header(header::COOKIE, &alice.cookie)
        .header(shared::CSRF_HEADER, &alice.csrf)
        .header("x-filename", "flux.bin")
        .body(Body::from_stream(chunks))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without the CSRF token, nothing is stored.
    let (s, _) = upload(
        &app,
        &alice.without_csrf(),
        "a.txt",
        "text/plain",
        b"x".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn replies_and_forwards_are_prepared_by_the_server() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let subject = format!("Convocation {}", unique());
    let mut imap = imap_conn("alice", "secret").await;
    let raw = format!(
        "From: Rectorat <dpe@ac-demo.fr>\r\nTo: alice@ac-demo.fr, bob@ac-demo.fr\r\nCc: mmartin@ac-demo.fr\r\nSubject: {subject}\r\nMessage-ID: <conv-{}@ac-demo.fr>\r\nDate: Tue, 3 Mar 2026 10:15:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVous êtes convoquée.\r\n--b\r\nContent-Type: application/pdf; name=convocation.pdf\r\nContent-Disposition: attachment; filename=convocation.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        unique()
    );
    let uid = imap
        .append("INBOX", &[], None, raw.as_bytes())
        .await
        .unwrap()
        .unwrap();
    let url = |mode: &str| format!("/api/compose/from/INBOX/{uid}?mode={mode}&lang=fr");
    let reply: PreparedMessage = get(&app, &url("reply_all"), &alice).await.ok();
    let m = reply.message;
    assert_eq!(m.subject, format!("Re: {subject}"));
    let to: Vec<_> = m.to.iter().chain(&m.cc).map(|a| a.email.as_str()).collect();
    assert!(
        to.contains(&"dpe@ac-demo.fr")
            && to.contains(&"bob@ac-demo.fr")
            && to.contains(&"mmartin@ac-demo.fr")
    );
    assert!(!to.contains(&"alice@ac-demo.fr"), "not to oneself: {to:?}");
    assert!(m.body.contains("a écrit") && m.body.contains("Vous êtes convoquée."));
    assert!(m.in_reply_to.is_some());
    let fwd: PreparedMessage = get(&app, &url("forward"), &alice).await.ok();
    assert_eq!(fwd.message.subject, format!("Fwd: {subject}"));
    assert_eq!(
        fwd.message.attachments.len(),
        1,
        "the convocation goes along"
    );
    assert!(fwd.message.to.is_empty());
    let att: PreparedMessage = get(&app, &url("forward_as_attachment"), &alice).await.ok();
    assert_eq!(att.message.attachments[0].content_type, "message/rfc822");
    imap.erase("INBOX", &[uid]).await.unwrap();
}

#[tokio::test]
async fn a_copy_that_cannot_be_saved_is_reported_and_never_sent_twice() {
    // `full` has a 100 KB quota: the message leaves, its copy does not fit.
    let app = app();
    let full = login_ok(&app, "full", "secret").await;
    let subject = format!("Copie impossible {}", unique());
    let (s, up) = upload(
        &app,
        &full,
        "gros.bin",
        "application/octet-stream",
        vec![7u8; 300 * 1024],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{up}");
    let msg = message(
        "bob@ac-demo.fr",
        &subject,
        json!([
            {"source": {"kind": "upload", "id": up["id"]}, "filename": "gros.bin", "content_type": "application/octet-stream", "size": 300 * 1024},
        ]),
    );
    let req = json!({"message": msg, "send_id": format!("envoi-{}", unique())});
    let r: SendResult = post(&app, "/api/send", &full, req.clone()).await.ok();
    assert!(!r.saved_to_sent);
    assert_eq!(r.sent_copy_error, Some(shared::ApiError::QuotaExceeded));
    let again: SendResult = post(&app, "/api/send", &full, req).await.ok();
    assert_eq!(again, r);
    let mut bob = imap_conn("bob", "secret").await;
    let got = wait_for(&mut bob, "INBOX", &subject).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        find(&mut bob, "INBOX", &subject).await.len(),
        1,
        "sent once: {got:?}"
    );
    bob.erase("INBOX", &got).await.unwrap();
}
