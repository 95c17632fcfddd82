//! "Organise and find" against the real Dovecot started by
//! `tests/servers.sh start`: every UID of a folder, copies, a move of
//! 2,000 messages in one request, conversations (with the user's replies
//! found in Sent), and a folder exported to mbox and imported back.
//!
//! Each test works in folders of its own so that tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use facteur::imap;
use http_body_util::BodyExt;
use shared::{
    bulk::{FolderUids, ImportResult, ThreadPage},
    mail::{ActionResult, Message},
};
use tower::ServiceExt;

use crate::common::*;

/// A fresh folder for one test, emptied of any earlier run.
async fn fresh_folder(conn: &mut imap::ImapConn, name: &str) -> String {
    let path = format!("Organiser/{name}");
    let _ = conn.delete_folder(&path).await;
    conn.create_folder(&path).await.unwrap();
    path
}

fn enc(folder: &str) -> String {
    shared::mail::encode_segment(folder)
}

fn small(i: u32) -> Vec<u8> {
    format!(
        "From: Collègue {i} <c{i}@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\n\
Subject: Lot {i}\r\nMessage-ID: <lot{i}@ac-demo.fr>\r\n\r\nMessage {i}.\r\n"
    )
    .into_bytes()
}

/// Appends `n` small messages; their UIDs in order.
async fn fill(conn: &mut imap::ImapConn, folder: &str, n: u32) -> Vec<u32> {
    let mut uids = Vec::with_capacity(n as usize);
    for i in 1..=n {
        uids.push(
            conn.append(folder, &[], None, &small(i))
                .await
                .unwrap()
                .expect("UIDPLUS"),
        );
    }
    uids
}

/// Sends raw bytes (an import), with the session's cookie and CSRF token.
async fn post_bytes(app: &Router, uri: &str, user: &User, body: Vec<u8>) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &user.cookie)
        .header(shared::CSRF_HEADER, &user.csrf)
        .header(header::CONTENT_TYPE, "application/mbox")
        .body(Body::from(body))
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

/// The raw messages of a folder, by ascending UID.
async fn raws(conn: &mut imap::ImapConn, folder: &str) -> Vec<Vec<u8>> {
    let (_, uids) = conn.all_uids(folder).await.unwrap();
    let mut asc: Vec<u32> = uids.iter().copied().collect();
    asc.sort_unstable();
    if asc.is_empty() {
        return Vec::new();
    }
    conn.messages(folder, &asc, 10 << 20, 100 << 20)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.raw)
        .collect()
}

#[tokio::test]
async fn uids_copy_and_a_move_of_2000_messages() {
    let mut conn = imap_conn("alice", "secret").await;
    let from = fresh_folder(&mut conn, "Lot").await;
    let copies = fresh_folder(&mut conn, "Copies").await;
    let to = fresh_folder(&mut conn, "Rangés").await;
    let t = Instant::now();
    let uids = fill(&mut conn, &from, 2000).await;
    println!("FIGURE append of 2000 messages: {:?}", t.elapsed());
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let all: FolderUids = get(&app, &format!("/api/folders/{}/uids", enc(&from)), &user)
        .await
        .ok();
    assert_eq!(all.uids.len(), 2000);
    assert!(all.uid_validity > 0);
    // Newest arrival first; messages that arrived in the same second
    // come in the server's order.
    let mut got = all.uids.clone();
    got.sort_unstable();
    assert!(got == uids, "every UID, once");

    // Copy: the source keeps its messages.
    let r: ActionResult = post(
        &app,
        &format!("/api/folders/{}/messages/copy", enc(&from)),
        &user,
        serde_json::json!({"uids": &uids[..10], "to": copies}),
    )
    .await
    .ok();
    assert_eq!(r.count, 10);
    assert_eq!(conn.message_count(&copies).await.unwrap(), 10);
    assert_eq!(conn.message_count(&from).await.unwrap(), 2000);
    let r = post(
        &app,
        &format!("/api/folders/{}/messages/copy", enc(&from)),
        &user,
        serde_json::json!({"uids": [uids[0]], "to": "Organiser/Nulle part"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.code());

    // All 2,000 in one request.
    let t = Instant::now();
    let r: ActionResult = post(
        &app,
        &format!("/api/folders/{}/messages/move", enc(&from)),
        &user,
        serde_json::json!({"uids": all.uids, "to": to}),
    )
    .await
    .ok();
    println!(
        "FIGURE move of 2000 messages in one request: {:?}",
        t.elapsed()
    );
    assert_eq!(r.count, 2000);
    assert_eq!(conn.message_count(&from).await.unwrap(), 0);
    assert_eq!(conn.message_count(&to).await.unwrap(), 2000);
    let left: FolderUids = get(&app, &format!("/api/folders/{}/uids", enc(&from)), &user)
        .await
        .ok();
    assert!(left.uids.is_empty());

    for f in [&from, &copies, &to] {
        conn.delete_folder(f).await.unwrap();
    }
}

#[tokio::test]
async fn conversations_group_by_references_and_find_replies_in_sent() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Fils").await;
    let run = std::process::id();
    let id = |n: &str| format!("{n}.{run}@ac-demo.fr");
    let msg = |mid: &str, refs: &str, subject: &str, hour: u32| {
        format!(
            "From: Bob <bob@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: {subject}\r\n\
Date: Mon, 2 Mar 2026 {hour:02}:00:00 +0100\r\nMessage-ID: <{mid}>\r\n{refs}\r\n\
Corps {subject}.\r\n"
        )
        .into_bytes()
    };
    let first = conn
        .append(
            &folder,
            &[],
            Some("02-Mar-2026 10:00:00 +0100"),
            &msg(&id("a"), "", "Sortie au musée", 10),
        )
        .await
        .unwrap()
        .unwrap();
    let other = conn
        .append(
            &folder,
            &[],
            Some("02-Mar-2026 10:30:00 +0100"),
            &msg(&id("c"), "", "Autre sujet", 10),
        )
        .await
        .unwrap()
        .unwrap();
    let reply = conn
        .append(
            &folder,
            &["\\Seen"],
            Some("02-Mar-2026 11:00:00 +0100"),
            &msg(
                &id("b"),
                &format!(
                    "In-Reply-To: <{}>\r\nReferences: <{}>\r\n",
                    id("a"),
                    id("a")
                ),
                "Re: Sortie au musée",
                11,
            ),
        )
        .await
        .unwrap()
        .unwrap();
    // The user's own answer, in Sent.
    let mine = format!(
        "From: Alice <alice@ac-demo.fr>\r\nTo: bob@ac-demo.fr\r\nSubject: Re: Sortie au musée\r\n\
Date: Mon, 2 Mar 2026 12:00:00 +0100\r\nMessage-ID: <{}>\r\nIn-Reply-To: <{}>\r\n\
References: <{}> <{}>\r\n\r\nJe viens.\r\n",
        id("d"),
        id("b"),
        id("a"),
        id("b")
    );
    let sent_uid = conn
        .append("Sent", &["\\Seen"], None, mine.as_bytes())
        .await
        .unwrap()
        .unwrap();

    // THREAD is read past async-imap: the connection goes on working.
    let (_, direct) = conn.threads(&folder).await.unwrap();
    assert_eq!(direct, vec![vec![first, reply], vec![other]]);
    assert_eq!(conn.message_count(&folder).await.unwrap(), 3);
    assert!(conn.raw_flags(&folder, first).await.unwrap().is_some());

    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let page: ThreadPage = get(
        &app,
        &format!("/api/folders/{}/threads", enc(&folder)),
        &user,
    )
    .await
    .ok();
    assert_eq!(page.total_threads, 2);
    assert_eq!(page.threads[0].uids, [first, reply]);
    assert_eq!(page.threads[0].count, 2);
    assert_eq!(page.threads[0].unread, 1);
    assert_eq!(page.threads[0].latest.uid, reply);
    assert_eq!(page.threads[0].subject, "Sortie au musée");
    assert_eq!(page.threads[1].uids, [other]);
    // Paged, and from the cache the second time.
    let second: ThreadPage = get(
        &app,
        &format!("/api/folders/{}/threads?offset=1&limit=1", enc(&folder)),
        &user,
    )
    .await
    .ok();
    assert_eq!(second.total_threads, 2);
    assert_eq!(second.threads.len(), 1);
    assert_eq!(second.threads[0].uids, [other]);

    let conv: Vec<Message> = get(
        &app,
        &format!("/api/folders/{}/threads/{first}", enc(&folder)),
        &user,
    )
    .await
    .ok();
    let order: Vec<(String, u32)> = conv.iter().map(|m| (m.folder.clone(), m.uid)).collect();
    assert_eq!(
        order,
        [
            (folder.clone(), first),
            (folder.clone(), reply),
            ("Sent".to_string(), sent_uid)
        ]
    );
    assert!(conv[2].text.as_deref().unwrap_or("").contains("Je viens."));
    // Opening the conversation marked nothing read.
    let flags = conn.raw_flags(&folder, first).await.unwrap().unwrap();
    assert!(!flags.iter().any(|f| f == "\\Seen"), "{flags:?}");
    let r = get(
        &app,
        &format!("/api/folders/{}/threads/999999", enc(&folder)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    conn.erase("Sent", &[sent_uid]).await.unwrap();
    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn export_to_mbox_and_import_back() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Export").await;
    let back = fresh_folder(&mut conn, "Import").await;
    let tricky = b"From: Bob <bob@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: Lignes From\r\n\
Message-ID: <tricky@ac-demo.fr>\r\n\r\nFrom the desk of Bob\r\n>From quoted already\r\nfin\r\n";
    conn.append(&folder, &[], Some("02-Mar-2026 09:00:00 +0000"), tricky)
        .await
        .unwrap();
    fill(&mut conn, &folder, 2).await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let r = get(
        &app,
        &format!("/api/folders/{}/export", enc(&folder)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/mbox");
    let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("Export.mbox"), "{disposition}");
    let text = String::from_utf8(r.body.clone()).unwrap();
    let separators = text.lines().filter(|l| l.starts_with("From ")).count();
    assert_eq!(separators, 3, "{text}");
    assert!(
        text.starts_with("From bob@ac-demo.fr Mon Mar  2 09:00:00 2026\n"),
        "{text}"
    );
    assert!(
        text.contains("\n>From the desk of Bob\n>>From quoted already\n"),
        "{text}"
    );

    let imported: ImportResult = post_bytes(
        &app,
        &format!("/api/folders/{}/import", enc(&back)),
        &user,
        r.body,
    )
    .await
    .ok();
    assert_eq!(imported.imported, 3, "{:?}", imported.errors);
    assert!(imported.errors.is_empty() && imported.stopped.is_none());
    // The same messages, byte for byte (those that arrived in the same
    // second may come in another order).
    let (mut a, mut b) = (raws(&mut conn, &back).await, raws(&mut conn, &folder).await);
    a.sort();
    b.sort();
    assert!(a == b, "bodies differ");
    // Marked read by default; the arrival date kept.
    let (_, uids) = conn.all_uids(&back).await.unwrap();
    let oldest = *uids.last().unwrap();
    let flags = conn.raw_flags(&back, oldest).await.unwrap().unwrap();
    assert!(flags.iter().any(|f| f == "\\Seen"), "{flags:?}");
    let m = conn.message(&back, oldest, false).await.unwrap();
    assert_eq!(m.internal_date, Some(1_772_442_000));

    conn.delete_folder(&folder).await.unwrap();
    conn.delete_folder(&back).await.unwrap();
}

#[tokio::test]
async fn import_of_one_eml_and_of_an_mbox_with_a_bad_part() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Import eml").await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let eml = small(7);
    let r: ImportResult = post_bytes(
        &app,
        &format!("/api/folders/{}/import?seen=false", enc(&folder)),
        &user,
        eml.clone(),
    )
    .await
    .ok();
    assert_eq!((r.imported, r.errors.len()), (1, 0));
    assert_eq!(raws(&mut conn, &folder).await, vec![eml]);
    let (_, uids) = conn.all_uids(&folder).await.unwrap();
    let flags = conn.raw_flags(&folder, uids[0]).await.unwrap().unwrap();
    assert!(!flags.iter().any(|f| f == "\\Seen"), "{flags:?}");

    let mbox = "From a@x Mon Mar  2 09:00:00 2026\nFrom: a@x\nSubject: un\n\nun\n\n\
From b@x Mon Mar  2 09:01:00 2026\nceci n'est pas un message\n\n\
From c@x Mon Mar  2 09:02:00 2026\nFrom: c@x\nSubject: trois\n\ntrois\n\n";
    let r: ImportResult = post_bytes(
        &app,
        &format!("/api/folders/{}/import", enc(&folder)),
        &user,
        mbox.as_bytes().to_vec(),
    )
    .await
    .ok();
    assert_eq!(r.imported, 2, "{:?}", r.errors);
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].starts_with("message 2 "), "{:?}", r.errors);
    assert_eq!(conn.message_count(&folder).await.unwrap(), 3);

    // A folder that does not exist.
    let r = post_bytes(
        &app,
        "/api/folders/Organiser%2FAbsent/import",
        &user,
        small(1),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.code());

    conn.delete_folder(&folder).await.unwrap();
}

/// Peak memory of the test process (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A figure, not an assertion: the peak memory while the `bench`
/// account's INBOX is exported, the body read as it streams.
#[tokio::test]
async fn export_memory_figure() {
    let app = app();
    let user = login_ok(&app, "bench", "secret").await;
    let before = peak_kib();
    let t = Instant::now();
    let req = Request::builder()
        .uri("/api/folders/INBOX/export")
        .header(header::COOKIE, &user.cookie)
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.into_body();
    let (mut bytes, mut messages, mut at_line_start) = (0u64, 0u64, true);
    while let Some(frame) = body.frame().await {
        let frame = frame.unwrap();
        if let Some(data) = frame.data_ref() {
            bytes += data.len() as u64;
            for line in data.split_inclusive(|&b| b == b'\n') {
                if at_line_start && line.starts_with(b"From ") {
                    messages += 1;
                }
                at_line_start = line.ends_with(b"\n");
            }
        }
    }
    println!(
        "FIGURE export of bench INBOX: {messages} messages, {} MiB in {:?}; peak memory (VmHWM) {} MiB before, {} MiB after",
        bytes >> 20,
        t.elapsed(),
        before >> 10,
        peak_kib() >> 10
    );
    // Conversations of the same 10,000 messages: THREAD, then the cache.
    for round in ["first", "cached"] {
        let t = Instant::now();
        let page: ThreadPage = get(&app, "/api/folders/INBOX/threads?limit=50", &user)
            .await
            .ok();
        println!(
            "FIGURE threads of bench INBOX ({round}): {} conversations in {:?}",
            page.total_threads,
            t.elapsed()
        );
    }
}

#[tokio::test]
async fn a_full_quota_stops_the_import_with_the_count_so_far() {
    // `full` has a 100 KB quota.
    let mut conn = imap_conn("full", "secret").await;
    let folder = fresh_folder(&mut conn, "Quota").await;
    let app = app();
    let user = login_ok(&app, "full", "secret").await;
    let mut mbox = Vec::new();
    let big = format!(
        "From: a@x\r\nSubject: gros\r\n\r\n{}\r\n",
        "x".repeat(200 * 1024)
    );
    for raw in [small(1), big.into_bytes(), small(2)] {
        facteur::routes::bulk::write_mbox_message(&mut mbox, &raw, None);
    }
    let r: ImportResult = post_bytes(
        &app,
        &format!("/api/folders/{}/import", enc(&folder)),
        &user,
        mbox,
    )
    .await
    .ok();
    assert_eq!(r.stopped, Some(shared::ApiError::QuotaExceeded), "{r:?}");
    assert!(r.imported <= 1, "{r:?}");
    assert_eq!(conn.message_count(&folder).await.unwrap(), r.imported);
    conn.delete_folder(&folder).await.unwrap();
}
