//! The API of the offline web app against the real Dovecot started by
//! `tests/servers.sh start`: bulk bodies for prefetching (never marking
//! anything read) and folder resync with CONDSTORE/QRESYNC.
//!
//! Each test works in a folder of its own so that tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::{Router, http::StatusCode};
use facteur::imap;
use shared::mail::{FolderChanges, Message, MessagePage};

use crate::common::*;

/// A fresh folder for one test, emptied of any earlier run.
async fn fresh_folder(conn: &mut imap::ImapConn, name: &str) -> String {
    let path = format!("Hors-ligne/{name}");
    let _ = conn.delete_folder(&path).await;
    conn.create_folder(&path).await.unwrap();
    path
}

fn enc(folder: &str) -> String {
    shared::mail::encode_segment(folder)
}

fn mail(i: u32) -> Vec<u8> {
    format!(
        "From: Collègue {i} <collegue{i}@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\n\
Subject: Hors ligne {i}\r\nDate: Mon, 2 Mar 2026 10:{:02}:00 +0100\r\n\
Message-ID: <offline{i}@ac-demo.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Corps du message {i}.\r\n",
        i % 60
    )
    .into_bytes()
}

/// Appends `n` unread messages; their UIDs in order.
async fn fill(conn: &mut imap::ImapConn, folder: &str, n: u32) -> Vec<u32> {
    let mut uids = Vec::new();
    for i in 1..=n {
        let date = format!("02-Mar-2026 10:{i:02}:00 +0100");
        let uid = conn
            .append(folder, &[], Some(&date), &mail(i))
            .await
            .unwrap()
            .expect("UIDPLUS");
        uids.push(uid);
    }
    uids
}

async fn page(app: &Router, user: &User, folder: &str) -> MessagePage {
    get(app, &format!("/api/folders/{}/messages", enc(folder)), user)
        .await
        .ok()
}

async fn changes(
    app: &Router,
    user: &User,
    folder: &str,
    uid_validity: u32,
    modseq: u64,
) -> FolderChanges {
    get(
        app,
        &format!(
            "/api/folders/{}/changes?uid_validity={uid_validity}&modseq={modseq}",
            enc(folder)
        ),
        user,
    )
    .await
    .ok()
}

fn bulk_url(folder: &str, uids: &[u32]) -> String {
    let list: Vec<String> = uids.iter().map(u32::to_string).collect();
    format!(
        "/api/folders/{}/messages/bulk?uids={}",
        enc(folder),
        list.join(",")
    )
}

#[tokio::test]
async fn bulk_returns_bodies_without_marking_them_read() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Bulk").await;
    let uids = fill(&mut conn, &folder, 3).await;
    conn.add_flags(&folder, &[uids[2]], &["\\Flagged"])
        .await
        .unwrap();
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    // Asked newest first, with a UID that does not exist: it is skipped.
    let asked = [uids[2], 999_999, uids[0]];
    let got: Vec<Message> = get(&app, &bulk_url(&folder, &asked), &user).await.ok();
    assert_eq!(
        got.iter().map(|m| m.uid).collect::<Vec<_>>(),
        [uids[2], uids[0]]
    );
    assert_eq!(got[0].subject, "Hors ligne 3");
    assert_eq!(got[0].folder, folder);
    assert!(got[0].flags.flagged && !got[0].flags.seen);
    assert!(
        got[1]
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("Corps du message 1."),
        "{:?}",
        got[1].text
    );
    assert_eq!(got[1].from[0].email, "collegue1@ac-demo.fr");
    assert!(got[1].size > 0 && got[1].date > 0);

    // Nothing was marked read, neither on the server nor in the list.
    let list = page(&app, &user, &folder).await;
    assert_eq!(list.unread, 3);
    assert!(list.messages.iter().all(|m| !m.flags.seen));
    let mut other = imap_conn("alice", "secret").await;
    let (info, rows) = other.page(&folder, 0, 10).await.unwrap();
    assert_eq!(info.unread, 3);
    assert!(rows.iter().all(|r| !r.flags.seen));

    // Only unknown UIDs: an empty answer, not an error.
    let got: Vec<Message> = get(&app, &bulk_url(&folder, &[999_998, 999_999]), &user)
        .await
        .ok();
    assert!(got.is_empty());

    // Malformed or too long lists are refused.
    for bad in ["", "a,b", "0", "1:3", "1,,2"] {
        let r = get(
            &app,
            &format!("/api/folders/{}/messages/bulk?uids={bad}", enc(&folder)),
            &user,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.code(), "invalid_request");
    }
    let many: Vec<u32> = (1..=51).collect();
    let r = get(&app, &bulk_url(&folder, &many), &user).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(
        &app,
        "/api/folders/Hors-ligne%2FAbsent/messages/bulk?uids=1",
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.code());

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn bulk_leaves_out_messages_over_the_size_limit() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "BulkTaille").await;
    let small = fill(&mut conn, &folder, 1).await[0];
    // 5.5 MB of text lines.
    let mut big = b"From: gros@ac-demo.fr\r\nTo: alice@ac-demo.fr\r\nSubject: Gros\r\n\
Content-Type: text/plain\r\n\r\n"
        .to_vec();
    let line = [b'x'; 998];
    while big.len() < 5_500_000 {
        big.extend_from_slice(&line);
        big.extend_from_slice(b"\r\n");
    }
    let huge = conn
        .append(&folder, &[], None, &big)
        .await
        .unwrap()
        .unwrap();
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let got: Vec<Message> = get(&app, &bulk_url(&folder, &[huge, small]), &user)
        .await
        .ok();
    assert_eq!(got.iter().map(|m| m.uid).collect::<Vec<_>>(), [small]);
    // Alone, the big one is still read online.
    let r = get(
        &app,
        &format!("/api/folders/{}/messages/{huge}", enc(&folder)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);

    // The adapter's limits, directly: each and in all.
    let mut other = imap_conn("alice", "secret").await;
    let two = fill(&mut other, &folder, 2).await;
    let sizes: Vec<usize> = other
        .messages(&folder, &two, 10_000, 10_000)
        .await
        .unwrap()
        .iter()
        .map(|m| m.raw.len())
        .collect();
    assert_eq!(sizes.len(), 2);
    let one = other
        .messages(&folder, &two, 10_000, sizes[0] + sizes[1] - 1)
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert!(
        other
            .messages(&folder, &two, sizes[0].min(sizes[1]) - 1, 10_000)
            .await
            .unwrap()
            .is_empty()
    );

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn changes_report_flags_expunges_and_arrivals_since_the_page() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Changements").await;
    let uids = fill(&mut conn, &folder, 4).await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let first = page(&app, &user, &folder).await;
    assert!(first.highest_modseq > 0, "no HIGHESTMODSEQ in the page");
    assert_eq!((first.total, first.unread), (4, 4));

    // Unchanged: nothing to apply, same point.
    let ch = changes(
        &app,
        &user,
        &folder,
        first.uid_validity,
        first.highest_modseq,
    )
    .await;
    assert!(!ch.reset, "{ch:?}");
    assert!(ch.changed.is_empty() && ch.vanished.is_empty(), "{ch:?}");
    assert_eq!(ch.highest_modseq, first.highest_modseq);
    assert_eq!(ch.uid_validity, first.uid_validity);
    assert_eq!(ch.folder, folder);
    assert_eq!((ch.total, ch.unread), (4, 4));

    // Another client flags one, reads one and erases one.
    let mut other = imap_conn("alice", "secret").await;
    other
        .set_flags(&folder, &[uids[0]], Some(true), Some(true))
        .await
        .unwrap();
    other.erase(&folder, &[uids[1]]).await.unwrap();

    let ch = changes(
        &app,
        &user,
        &folder,
        first.uid_validity,
        first.highest_modseq,
    )
    .await;
    assert!(!ch.reset, "{ch:?}");
    assert_eq!(ch.vanished, [uids[1]]);
    assert_eq!(ch.changed.len(), 1, "{ch:?}");
    assert_eq!(ch.changed[0].uid, uids[0]);
    assert!(ch.changed[0].flags.seen && ch.changed[0].flags.flagged);
    assert!(ch.highest_modseq > first.highest_modseq);
    assert_eq!((ch.total, ch.unread), (3, 2));

    // From the new point: nothing again.
    let again = changes(&app, &user, &folder, ch.uid_validity, ch.highest_modseq).await;
    assert!(!again.reset && again.changed.is_empty() && again.vanished.is_empty());

    // New mail is listed in `changed` (a UID the client does not know).
    let new = fill(&mut other, &folder, 1).await[0];
    let ch2 = changes(&app, &user, &folder, ch.uid_validity, ch.highest_modseq).await;
    assert_eq!(ch2.changed.iter().map(|c| c.uid).collect::<Vec<_>>(), [new]);
    assert!(!ch2.changed[0].flags.seen);
    assert_eq!((ch2.total, ch2.unread), (4, 3));

    // The session's list is still right after the resync selected the
    // folder (cached order and counts follow the changes).
    let list = page(&app, &user, &folder).await;
    assert_eq!(list.total, 4);
    // (Sorted by arrival date: the new one was given an old date.)
    assert!(list.messages.iter().any(|m| m.uid == new));
    assert!(!list.messages.iter().any(|m| m.uid == uids[1]));
    assert!(list.highest_modseq >= ch2.highest_modseq);
    other.erase(&folder, &[uids[2]]).await.unwrap();
    let list = page(&app, &user, &folder).await;
    assert_eq!(list.total, 3);
    assert!(!list.messages.iter().any(|m| m.uid == uids[2]));

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn changes_ask_for_a_reload_when_they_cannot_be_told() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Reinitialisation").await;
    fill(&mut conn, &folder, 2).await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let first = page(&app, &user, &folder).await;

    // Another UIDVALIDITY: every cached UID is void.
    let ch = changes(
        &app,
        &user,
        &folder,
        first.uid_validity.wrapping_add(1),
        first.highest_modseq,
    )
    .await;
    assert!(ch.reset);
    assert!(ch.changed.is_empty() && ch.vanished.is_empty());
    assert_eq!(ch.uid_validity, first.uid_validity);
    assert_eq!(ch.highest_modseq, first.highest_modseq);
    assert_eq!((ch.total, ch.unread), (2, 2));

    // No starting point.
    let ch = changes(&app, &user, &folder, first.uid_validity, 0).await;
    assert!(ch.reset);
    assert!(ch.highest_modseq > 0);

    // Missing parameters, unknown folder.
    let r = get(
        &app,
        &format!("/api/folders/{}/changes?modseq=3", enc(&folder)),
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(
        &app,
        "/api/folders/Hors-ligne%2FAbsent/changes?uid_validity=1&modseq=1",
        &user,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.code());

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn resync_of_an_unchanged_folder_is_one_pipelined_exchange() {
    let mut setup = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut setup, "AllerRetour").await;
    let uids = fill(&mut setup, &folder, 3).await;

    let mut conn = imap_conn("alice", "secret").await;
    assert!(conn.has("QRESYNC"));
    let (info, _) = conn.page(&folder, 0, 10).await.unwrap();
    assert!(info.highest_modseq > 0);

    // The first resync on a connection also enables QRESYNC: ENABLE,
    // SELECT and SEARCH, written together.
    let before = conn.completed();
    let r = conn
        .select_qresync(&folder, info.uid_validity, info.highest_modseq)
        .await
        .unwrap();
    assert_eq!(conn.completed() - before, 3);
    assert!(!r.reset && r.changed.is_empty() && r.vanished.is_empty());

    // Then: SELECT and SEARCH only, sent together — one round trip.
    let before = conn.completed();
    let r = conn
        .select_qresync(&folder, info.uid_validity, info.highest_modseq)
        .await
        .unwrap();
    assert_eq!(conn.completed() - before, 2);
    assert_eq!(r.highest_modseq, info.highest_modseq);
    assert_eq!((r.total, r.unread), (3, 3));

    // The connection stays usable and in step: the folder is selected
    // (a page needs no SELECT) and reflects what others do.
    setup.erase(&folder, &[uids[0]]).await.unwrap();
    let (info2, rows) = conn.page(&folder, 0, 10).await.unwrap();
    assert_eq!(info2.total, 2);
    assert_eq!(rows.len(), 2);
    let r = conn
        .select_qresync(&folder, info.uid_validity, info.highest_modseq)
        .await
        .unwrap();
    assert_eq!(r.vanished, [uids[0]]);
    let full = conn.message(&folder, uids[1], false).await.unwrap();
    assert_eq!(full.uid, uids[1]);

    setup.delete_folder(&folder).await.unwrap();
}
