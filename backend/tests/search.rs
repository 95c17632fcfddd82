//! Search across folders, the junk verdict and the space report against
//! the real Dovecot started by `tests/servers.sh start` (SEARCH, SORT,
//! ESEARCH; no FTS, so `BODY` searches read the messages).
//!
//! Each test works in a folder of its own and with words unique to the
//! run, so that tests run in parallel and again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::{Router, http::StatusCode};
use facteur::imap;
use serde_json::{Value, json};
use shared::{
    mail::ActionResult,
    search::{SearchResult, SpaceReport},
};

use crate::common::*;

/// A word no other run or test uses.
fn uniq(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}{:x}", nanos % (1 << 40))
}

/// A fresh folder for one test, emptied of any earlier run.
async fn fresh_folder(conn: &mut imap::ImapConn, name: &str) -> String {
    let path = format!("Recherche/{name}");
    let _ = conn.delete_folder(&path).await;
    conn.create_folder(&path).await.unwrap();
    path
}

fn mail(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Sophie Dupont <sophie.dupont@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\n\
Subject: {subject}\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn put(
    conn: &mut imap::ImapConn,
    folder: &str,
    flags: &[&str],
    date: &str,
    raw: &[u8],
) -> u32 {
    conn.append(folder, flags, Some(date), raw)
        .await
        .unwrap()
        .expect("UIDPLUS")
}

async fn search(app: &Router, user: &User, body: Value) -> SearchResult {
    post(app, "/api/search", user, body).await.ok()
}

fn uids(r: &SearchResult) -> Vec<u32> {
    r.hits.iter().map(|h| h.summary.uid).collect()
}

#[tokio::test]
async fn words_in_body_and_subject_are_found_all_of_them() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Mots").await;
    let (body_word, w1, w2) = (uniq("corps"), uniq("alpha"), uniq("beta"));
    let only_body = put(
        &mut conn,
        &folder,
        &[],
        "02-Mar-2026 10:00:00 +0100",
        &mail("Sans rapport", &format!("Le mot {body_word} est ici.")),
    )
    .await;
    let both = put(
        &mut conn,
        &folder,
        &[],
        "03-Mar-2026 10:00:00 +0100",
        &mail(&format!("Sujet {w1}"), &format!("Et {w2} dans le corps.")),
    )
    .await;
    let one = put(
        &mut conn,
        &folder,
        &[],
        "04-Mar-2026 10:00:00 +0100",
        &mail(&format!("Sujet {w1} seul"), "Rien d'autre."),
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let r = search(&app, &user, json!({"text": body_word, "folder": folder})).await;
    assert_eq!(uids(&r), [only_body]);
    assert_eq!((r.total, r.folders_searched), (1, 1));
    let hit = &r.hits[0];
    assert_eq!(hit.folder, folder);
    assert_eq!(hit.summary.subject, "Sans rapport");
    assert_eq!(
        hit.summary.from.as_ref().unwrap().email,
        "sophie.dupont@ac-demo.fr"
    );

    // Every word must match, each anywhere (subject or body).
    let r = search(
        &app,
        &user,
        json!({"text": format!("{w1} {w2}"), "folder": folder}),
    )
    .await;
    assert_eq!(uids(&r), [both]);
    // Newest arrival first.
    let r = search(&app, &user, json!({"text": w1, "folder": folder})).await;
    assert_eq!(uids(&r), [one, both]);
    // Case does not matter; the sender's address is searched too.
    let r = search(
        &app,
        &user,
        json!({"text": format!("{} SOPHIE.DUPONT", w1.to_uppercase()), "folder": folder}),
    )
    .await;
    assert_eq!(r.total, 2);

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn accents_quotes_and_backslashes_are_searched_literally() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Accents").await;
    let tag = uniq("acc");
    // The subject encoded as mail clients send it (RFC 2047).
    let accented = put(
        &mut conn,
        &folder,
        &[],
        "02-Mar-2026 10:00:00 +0100",
        &mail(&format!("=?UTF-8?Q?R=C3=A9union_{tag}?="), "Ordre du jour."),
    )
    .await;
    let quoted = put(
        &mut conn,
        &folder,
        &[],
        "03-Mar-2026 10:00:00 +0100",
        &mail(&format!("Devis \"x\\y\" {tag}"), "Chiffrage."),
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let r = search(
        &app,
        &user,
        json!({"text": format!("réunion {tag}"), "folder": folder}),
    )
    .await;
    assert_eq!(uids(&r), [accented]);
    assert_eq!(r.hits[0].summary.subject, format!("Réunion {tag}"));
    let r = search(
        &app,
        &user,
        json!({"text": format!("RÉUNION {tag}"), "folder": folder}),
    )
    .await;
    assert_eq!(uids(&r), [accented], "case folding of accented letters");
    let r = search(
        &app,
        &user,
        json!({"text": format!("reunion {tag}"), "folder": folder}),
    )
    .await;
    // Dovecot without FTS compares with i;unicode-casemap: case is folded
    // (É = é) but accents are not removed, so "reunion" misses
    // "Réunion". An FTS plugin with a normalizer would find it.
    assert_eq!(r.total, 0, "Dovecot sans FTS distingue e et é");

    // A quote and a backslash: sent as a literal, searched as they are.
    let r = search(&app, &user, json!({"text": "\"x\\y\"", "folder": folder})).await;
    assert_eq!(uids(&r), [quoted]);
    let r = search(
        &app,
        &user,
        json!({"text": format!("{tag}\" \\"), "folder": folder}),
    )
    .await;
    assert_eq!(r.total, 0);
    let r = search(&app, &user, json!({"text": "x\\\\y", "folder": folder})).await;
    assert_eq!(r.total, 0, "a backslash is not an escape");

    // Control characters are refused before anything is sent.
    for bad in ["a\u{7}b", "a\r\nA1 DELETE INBOX", "x\u{0}"] {
        let r = post(
            &app,
            "/api/search",
            &user,
            json!({"text": bad, "folder": folder}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(r.code(), "invalid_request");
    }
    // The connection is still fine afterwards.
    let r = search(&app, &user, json!({"text": tag, "folder": folder})).await;
    assert_eq!(r.total, 2);

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn all_folders_are_searched_newest_first() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Partout").await;
    let word = uniq("partout");
    let in_inbox = put(
        &mut conn,
        "INBOX",
        &[],
        "02-Mar-2026 10:00:00 +0100",
        &mail(&format!("Ancien {word}"), "Premier."),
    )
    .await;
    let in_folder = put(
        &mut conn,
        &folder,
        &[],
        "05-Mar-2026 10:00:00 +0100",
        &mail(&format!("Récent {word}"), "Second."),
    )
    .await;
    let older_in_folder = put(
        &mut conn,
        &folder,
        &[],
        "01-Mar-2026 10:00:00 +0100",
        &mail(&format!("Très ancien {word}"), "Troisième."),
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let r = search(&app, &user, json!({"text": word})).await;
    let got: Vec<(&str, u32)> = r
        .hits
        .iter()
        .map(|h| (h.folder.as_str(), h.summary.uid))
        .collect();
    assert_eq!(
        got,
        [
            (folder.as_str(), in_folder),
            ("INBOX", in_inbox),
            (folder.as_str(), older_in_folder)
        ]
    );
    assert_eq!(r.total, 3);
    assert!(r.folders_searched >= 7, "{}", r.folders_searched);
    // Paged across folders.
    let r = search(&app, &user, json!({"text": word, "offset": 1, "limit": 1})).await;
    assert_eq!(r.hits.len(), 1);
    assert_eq!(
        (r.hits[0].folder.as_str(), r.hits[0].summary.uid),
        ("INBOX", in_inbox)
    );
    assert_eq!(r.total, 3);

    conn.erase("INBOX", &[in_inbox]).await.unwrap();
    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn filters_dates_flags_size_and_attachments() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Filtres").await;
    let tag = uniq("filtre");
    let feb = put(
        &mut conn,
        &folder,
        &["\\Seen"],
        "01-Feb-2026 10:00:00 +0100",
        &mail(&format!("Février {tag}"), "Lu."),
    )
    .await;
    let march = put(
        &mut conn,
        &folder,
        &[],
        "15-Mar-2026 10:00:00 +0100",
        &mail(&format!("Mars {tag}"), "Non lu."),
    )
    .await;
    let big_body = "Ligne de remplissage pour grossir le message.\r\n".repeat(500);
    let april = put(
        &mut conn,
        &folder,
        &["\\Seen", "\\Flagged"],
        "10-Apr-2026 10:00:00 +0200",
        &mail(&format!("Avril {tag}"), &big_body),
    )
    .await;
    let mixed = format!(
        "From: bob@ac-demo.fr\r\nTo: alice@ac-demo.fr\r\nSubject: Pièce jointe {tag}\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir la pièce.\r\n\
--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n\
Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
JVBERi0xLjQK\r\n--b1--\r\n"
    );
    let with_attachment = put(
        &mut conn,
        &folder,
        &["\\Seen"],
        "20-Jan-2026 10:00:00 +0100",
        mixed.as_bytes(),
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let r = search(
        &app,
        &user,
        json!({"text": tag, "folder": folder, "since": "2026-03-01", "before": "2026-04-01"}),
    )
    .await;
    assert_eq!(uids(&r), [march]);
    let r = search(
        &app,
        &user,
        json!({"folder": folder, "since": "2026-03-01"}),
    )
    .await;
    assert_eq!(uids(&r), [april, march]);
    let r = search(
        &app,
        &user,
        json!({"folder": folder, "before": "2026-02-01"}),
    )
    .await;
    assert_eq!(uids(&r), [with_attachment]);
    let r = search(&app, &user, json!({"folder": folder, "unread": true})).await;
    assert_eq!(uids(&r), [march]);
    let r = search(&app, &user, json!({"folder": folder, "flagged": true})).await;
    assert_eq!(uids(&r), [april]);
    assert!(r.hits[0].summary.flags.flagged && r.hits[0].summary.flags.seen);
    let r = search(
        &app,
        &user,
        json!({"folder": folder, "larger_than": 10_000}),
    )
    .await;
    assert_eq!(uids(&r), [april]);
    assert!(r.hits[0].summary.size > 10_000);
    let r = search(
        &app,
        &user,
        json!({"folder": folder, "has_attachment": true}),
    )
    .await;
    assert_eq!(uids(&r), [with_attachment]);
    assert!(r.hits[0].summary.has_attachments);
    // No criterion at all: everything, newest arrival first.
    let r = search(&app, &user, json!({"folder": folder})).await;
    assert_eq!(uids(&r), [april, march, feb, with_attachment]);

    for bad in [
        json!({"folder": folder, "since": "2026-13-01"}),
        json!({"folder": folder, "before": "1er mars"}),
        json!({"folder": folder, "limit": 0}),
        json!({"folder": folder, "limit": 101}),
    ] {
        let r = post(&app, "/api/search", &user, bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = post(
        &app,
        "/api/search",
        &user,
        json!({"folder": "Recherche/Inexistant", "text": tag}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn results_come_in_pages() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Pages").await;
    let tag = uniq("page");
    let mut all = Vec::new();
    for i in 1..=5 {
        let date = format!("0{i}-Mar-2026 10:00:00 +0100");
        all.push(
            put(
                &mut conn,
                &folder,
                &[],
                &date,
                &mail(&format!("Page {i} {tag}"), "."),
            )
            .await,
        );
    }
    all.reverse();
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let mut got = Vec::new();
    for offset in [0, 2, 4, 6] {
        let r = search(
            &app,
            &user,
            json!({"text": tag, "folder": folder, "offset": offset, "limit": 2}),
        )
        .await;
        assert_eq!(r.total, 5);
        got.extend(uids(&r));
    }
    assert_eq!(got, all);
    conn.delete_folder(&folder).await.unwrap();
}

/// The UID of the message with this word in a folder, over IMAP.
async fn find(conn: &mut imap::ImapConn, folder: &str, word: &str) -> Vec<u32> {
    let criteria = imap::SearchCriteria {
        words: vec![word.to_string()],
        ..Default::default()
    };
    conn.search_uids(folder, &criteria, imap::SearchOrder::Arrival)
        .await
        .unwrap()
}

#[tokio::test]
async fn junk_moves_to_junk_and_back_with_keywords() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Indesirables").await;
    let tag = uniq("pourriel");
    let uid = put(
        &mut conn,
        &folder,
        &["$NotJunk"],
        "02-Mar-2026 10:00:00 +0100",
        &mail(&format!("Gagnez {tag}"), "Offre."),
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let url = format!(
        "/api/folders/{}/messages/junk",
        shared::mail::encode_segment(&folder)
    );

    let r: ActionResult = post(&app, &url, &user, json!({"uids": [uid], "junk": true}))
        .await
        .ok();
    assert_eq!(r.count, 1);
    assert_eq!(r.moved_to.as_deref(), Some("Junk"));
    assert!(find(&mut conn, &folder, &tag).await.is_empty());
    let in_junk = find(&mut conn, "Junk", &tag).await;
    assert_eq!(in_junk.len(), 1);
    let flags = conn.raw_flags("Junk", in_junk[0]).await.unwrap().unwrap();
    assert!(flags.iter().any(|f| f == "$Junk"), "{flags:?}");
    assert!(!flags.iter().any(|f| f == "$NotJunk"), "{flags:?}");

    let url = "/api/folders/Junk/messages/junk";
    let r: ActionResult = post(&app, url, &user, json!({"uids": in_junk, "junk": false}))
        .await
        .ok();
    assert_eq!(r.moved_to.as_deref(), Some("INBOX"));
    assert!(find(&mut conn, "Junk", &tag).await.is_empty());
    let in_inbox = find(&mut conn, "INBOX", &tag).await;
    assert_eq!(in_inbox.len(), 1);
    let flags = conn.raw_flags("INBOX", in_inbox[0]).await.unwrap().unwrap();
    assert!(flags.iter().any(|f| f == "$NotJunk"), "{flags:?}");
    assert!(!flags.iter().any(|f| f == "$Junk"), "{flags:?}");

    let r = post(&app, url, &user, json!({"uids": [], "junk": true})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    conn.erase("INBOX", &in_inbox).await.unwrap();
    conn.delete_folder(&folder).await.unwrap();
}

#[tokio::test]
async fn space_lists_the_largest_and_the_trash() {
    let mut conn = imap_conn("alice", "secret").await;
    let folder = fresh_folder(&mut conn, "Place").await;
    let tag = uniq("lourd");
    // About 3 MB: far larger than anything else the tests leave.
    let big = mail(&format!("Gros {tag}"), &"0123456789abcdef".repeat(200_000));
    let big_uid = put(&mut conn, &folder, &[], "02-Mar-2026 10:00:00 +0100", &big).await;
    let small = mail(&format!("Corbeille {tag}"), "Jeté.");
    let trash_uid = put(
        &mut conn,
        "Trash",
        &[],
        "02-Mar-2026 10:00:00 +0100",
        &small,
    )
    .await;
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;

    let started = Instant::now();
    let r: SpaceReport = get(&app, "/api/space", &user).await.ok();
    println!("GET /api/space (alice): {:?}", started.elapsed());
    assert!(r.largest.len() <= 20);
    let hit = r
        .largest
        .iter()
        .find(|h| h.folder == folder && h.summary.uid == big_uid)
        .expect("the big message among the largest");
    assert!(hit.summary.size as usize >= big.len() - 100);
    assert_eq!(hit.summary.subject, format!("Gros {tag}"));
    let sizes: Vec<u32> = r.largest.iter().map(|h| h.summary.size).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    let quota = r.quota.expect("quota");
    assert!(quota.used_bytes >= big.len() as u64 && quota.limit_bytes > 0);
    let trash = r.trash.expect("Trash");
    assert_eq!(trash.folder, "Trash");
    assert!(trash.messages >= 1 && trash.bytes >= small.len() as u64);
    let (messages, bytes) = conn.folder_usage("Trash").await.unwrap();
    println!("Trash: {messages} messages, {bytes} octets; rapport: {trash:?}");
    let junk = r.junk.expect("Junk");
    assert_eq!(junk.folder, "Junk");
    assert!(junk.messages as u64 <= junk.bytes);

    conn.erase("Trash", &[trash_uid]).await.unwrap();
    conn.delete_folder(&folder).await.unwrap();
}

/// The time of a quick search over a large INBOX (the `bench` account,
/// filled by `tests/servers.sh fill bench 10000`): a figure, printed with
/// `--nocapture`, not an assertion. Skipped when the INBOX is small.
#[tokio::test]
async fn quick_search_latency_on_a_large_inbox() {
    let mut conn = imap_conn("bench", "secret").await;
    let (folders, _, _) = conn.folders().await.unwrap();
    let total = folders
        .iter()
        .find(|f| f.path == "INBOX")
        .map(|f| f.total)
        .unwrap_or(0);
    if total < 1_000 {
        println!("bench: {total} messages dans INBOX, mesure sautée");
        return;
    }
    let app = app();
    let user = login_ok(&app, "bench", "secret").await;
    for text in ["réunion", "zzzintrouvable", "conseil classe"] {
        let started = Instant::now();
        let r = search(
            &app,
            &user,
            json!({"text": text, "folder": "INBOX", "limit": 50}),
        )
        .await;
        println!(
            "bench INBOX ({total} messages) « {text} » : {} résultats en {:?}",
            r.total,
            started.elapsed()
        );
    }
    let started = Instant::now();
    let r = search(&app, &user, json!({"text": "réunion", "limit": 50})).await;
    println!(
        "bench tous dossiers « réunion » : {} résultats ({} dossiers) en {:?}",
        r.total,
        r.folders_searched,
        started.elapsed()
    );
}
