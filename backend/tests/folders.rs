//! Managing folders through the API against the real Dovecot started by
//! `tests/servers.sh start`: create, rename and move, delete with
//! confirmation, subscriptions, emptying the Trash.
//!
//! Each test works under a top-level folder of its own, named with the
//! time, and deletes it at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    Router,
    http::{Method, StatusCode},
};
use serde_json::json;
use shared::mail::{Folder, FolderList, MessagePage};

use crate::common::*;

/// A top-level folder name no other test or run uses.
fn unique(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("Essai-{label}-{nanos}")
}

fn enc(folder: &str) -> String {
    shared::mail::encode_segment(folder)
}

async fn tree(app: &Router, user: &User) -> FolderList {
    get(app, "/api/folders", user).await.ok()
}

fn find<'a>(list: &'a FolderList, path: &str) -> Option<&'a Folder> {
    list.folders.iter().find(|f| f.path == path)
}

async fn create(app: &Router, user: &User, parent: Option<&str>, name: &str) -> FolderList {
    post(
        app,
        "/api/folders",
        user,
        json!({"parent": parent, "name": name}),
    )
    .await
    .ok()
}

async fn rename(app: &Router, user: &User, from: &str, to_parent: Option<&str>, to: &str) -> Resp {
    post(
        app,
        "/api/folders/rename",
        user,
        json!({"from": from, "to_parent": to_parent, "to_name": to}),
    )
    .await
}

async fn delete(app: &Router, user: &User, path: &str, confirm: Option<u32>) -> Resp {
    let query = confirm.map(|n| format!("?confirm={n}")).unwrap_or_default();
    send(
        app,
        Method::DELETE,
        &format!("/api/folders/{}{query}", enc(path)),
        Some(user),
        None,
    )
    .await
}

/// Deletes a test's folder whatever it holds.
async fn cleanup(app: &Router, user: &User, path: &str) {
    let r = delete(app, user, path, None).await;
    if r.status == StatusCode::NOT_FOUND {
        return;
    }
    assert_eq!(r.code(), "confirm_delete", "{}", r.json());
    let n = r.json()["messages"].as_u64().unwrap() as u32;
    delete(app, user, path, Some(n)).await.ok::<FolderList>();
}

async fn count(app: &Router, user: &User, path: &str) -> u32 {
    let page: MessagePage = get(app, &format!("/api/folders/{}/messages", enc(path)), user)
        .await
        .ok();
    page.total
}

fn mail(subject: &str) -> Vec<u8> {
    format!(
        "From: Collègue <collegue@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\nSubject: {subject}\r\n\
Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <{subject}@ac-demo.fr>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour.\r\n"
    )
    .into_bytes()
}

fn assert_invalid(r: &Resp, detail: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json());
    assert_eq!(r.code(), "invalid_request");
    let text = r.json()["detail"].as_str().unwrap().to_string();
    assert!(text.contains(detail), "{text}");
}

#[tokio::test]
async fn create_nested_folders_refusing_duplicates_and_bad_names() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let root = unique("creer");

    let list = create(&app, &user, None, &root).await;
    assert!(find(&list, &root).unwrap().subscribed);
    create(&app, &user, Some(&root), "Pédagogie").await;
    let parent = format!("{root}/Pédagogie");
    let list = create(&app, &user, Some(&parent), "Sorties").await;
    let path = format!("{root}/Pédagogie/Sorties");
    let f = find(&list, &path).expect("created");
    assert_eq!(f.name, "Sorties");
    assert_eq!(f.depth, 2);
    assert_eq!(f.parent.as_deref(), Some(parent.as_str()));
    assert!(f.subscribed && f.selectable);
    // The server holds it under the same name (modified UTF-7 both ways).
    let mut conn = imap_conn("alice", "secret").await;
    let (folders, _, _) = conn.folders().await.unwrap();
    assert!(folders.iter().any(|f| f.path == path && f.subscribed));

    // The same name again, under the same parent.
    let r = post(
        &app,
        "/api/folders",
        &user,
        json!({"parent": parent, "name": "Sorties"}),
    )
    .await;
    assert_invalid(&r, "un dossier porte déjà ce nom");
    let r = post(&app, "/api/folders", &user, json!({"name": root})).await;
    assert_invalid(&r, "déjà");

    for (bad, why) in [
        ("", "vide"),
        ("   ", "vide"),
        (".", "« . »"),
        ("..", "« . »"),
        ("a/b", "« / »"),
        ("a\tb", "invisible"),
        ("x\u{1b}[31m", "invisible"),
    ] {
        let r = post(
            &app,
            "/api/folders",
            &user,
            json!({"parent": root, "name": bad}),
        )
        .await;
        assert_invalid(&r, why);
    }
    let r = post(
        &app,
        "/api/folders",
        &user,
        json!({"parent": root, "name": "é".repeat(201)}),
    )
    .await;
    assert_invalid(&r, "200 caractères");
    // A parent that does not exist.
    let r = post(
        &app,
        "/api/folders",
        &user,
        json!({"parent": format!("{root}/Absent"), "name": "X"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "folder_not_found");

    cleanup(&app, &user, &root).await;
    assert!(find(&tree(&app, &user).await, &root).is_none());
}

#[tokio::test]
async fn rename_and_move_a_folder_with_its_subfolders() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let root = unique("renommer");
    create(&app, &user, None, &root).await;
    create(&app, &user, Some(&root), "Projets").await;
    let projets = format!("{root}/Projets");
    create(&app, &user, Some(&projets), "Voyage Rome").await;
    create(&app, &user, Some(&root), "Archives 2025").await;
    let archives = format!("{root}/Archives 2025");
    let mut conn = imap_conn("alice", "secret").await;
    conn.append(&projets, &[], None, &mail("projet-1"))
        .await
        .unwrap();
    conn.append(
        &format!("{projets}/Voyage Rome"),
        &[],
        None,
        &mail("rome-1"),
    )
    .await
    .unwrap();
    conn.append(
        &format!("{projets}/Voyage Rome"),
        &[],
        None,
        &mail("rome-2"),
    )
    .await
    .unwrap();
    // The session's connection has the folder selected while it is renamed.
    assert_eq!(
        count(&app, &user, &format!("{projets}/Voyage Rome")).await,
        2
    );

    let r = rename(&app, &user, &projets, Some(&root), "Projets ÉPS").await;
    let list: FolderList = r.ok();
    let renamed = format!("{root}/Projets ÉPS");
    assert!(find(&list, &projets).is_none());
    assert!(find(&list, &format!("{projets}/Voyage Rome")).is_none());
    let f = find(&list, &renamed).expect("renamed");
    assert!(f.subscribed);
    assert_eq!(f.total, 1);
    let child = find(&list, &format!("{renamed}/Voyage Rome")).expect("child follows");
    assert!(child.subscribed, "the subscription follows");
    assert_eq!(child.total, 2);
    assert_eq!(
        count(&app, &user, &format!("{renamed}/Voyage Rome")).await,
        2
    );
    let r = get(
        &app,
        &format!(
            "/api/folders/{}/messages",
            enc(&format!("{projets}/Voyage Rome"))
        ),
        &user,
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");
    // The old names' subscriptions went: made again (unsubscribed), they
    // show so.
    conn.create_folder(&format!("{projets}/Voyage Rome"))
        .await
        .unwrap();
    let list = tree(&app, &user).await;
    assert!(!find(&list, &projets).unwrap().subscribed);
    assert!(
        !find(&list, &format!("{projets}/Voyage Rome"))
            .unwrap()
            .subscribed
    );

    // Moved under another parent, children and messages with it.
    let r = rename(&app, &user, &renamed, Some(&archives), "Projets ÉPS").await;
    let list: FolderList = r.ok();
    let moved = format!("{archives}/Projets ÉPS");
    assert_eq!(find(&list, &moved).expect("moved").total, 1);
    assert_eq!(
        find(&list, &format!("{moved}/Voyage Rome")).unwrap().total,
        2
    );
    assert_eq!(find(&list, &moved).unwrap().depth, 2);
    let (folders, _, _) = conn.folders().await.unwrap();
    assert!(
        folders
            .iter()
            .any(|f| f.path == format!("{moved}/Voyage Rome"))
    );
    assert!(!folders.iter().any(|f| f.path.starts_with(&renamed)));

    // Not into itself nor its own subfolder; not over another folder.
    let r = rename(&app, &user, &archives, Some(&moved), "Boucle").await;
    assert_invalid(&r, "sous-dossiers");
    let r = rename(&app, &user, &archives, Some(&archives), "Boucle").await;
    assert_invalid(&r, "sous-dossiers");
    create(&app, &user, Some(&root), "Autre").await;
    let r = rename(
        &app,
        &user,
        &format!("{root}/Autre"),
        Some(&root),
        "Archives 2025",
    )
    .await;
    assert_invalid(&r, "un dossier porte déjà ce nom");
    let r = rename(&app, &user, &format!("{root}/Autre"), Some(&root), "a/b").await;
    assert_invalid(&r, "« / »");
    let r = rename(&app, &user, &format!("{root}/Absent"), None, "X").await;
    assert_eq!(r.code(), "folder_not_found");

    cleanup(&app, &user, &root).await;
}

#[tokio::test]
async fn special_folders_stay_where_they_are() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    for folder in ["INBOX", "Trash", "Sent"] {
        let r = rename(&app, &user, folder, None, "Renommé").await;
        assert_invalid(&r, "ce dossier ne peut pas être renommé");
        let r = delete(&app, &user, folder, Some(0)).await;
        assert_invalid(&r, "ce dossier ne peut pas être supprimé");
    }
    let r = rename(&app, &user, "inbox", None, "Renommé").await;
    assert_invalid(&r, "ce dossier ne peut pas être renommé");
    // Nothing can take INBOX's name.
    let r = post(&app, "/api/folders", &user, json!({"name": "Inbox"})).await;
    assert_invalid(&r, "déjà");
    // Only the Trash and the Junk folder can be emptied.
    let r = post(&app, "/api/folders/INBOX/empty?confirm=0", &user, json!({})).await;
    assert_invalid(&r, "corbeille");
    let list = tree(&app, &user).await;
    assert!(find(&list, "INBOX").is_some() && find(&list, "Trash").is_some());
    // Special folders stay subscribed.
    let r = post(
        &app,
        "/api/folders/subscription",
        &user,
        json!({"folder": "Trash", "subscribed": false}),
    )
    .await;
    assert_invalid(&r, "abonnés");
    // Folders named like the static routes are still folders.
    let r = send(
        &app,
        Method::DELETE,
        "/api/folders/rename?confirm=0",
        Some(&user),
        None,
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");
    let r = post(
        &app,
        "/api/folders/rename/empty?confirm=0",
        &user,
        json!({}),
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");
}

#[tokio::test]
async fn delete_needs_the_count_of_what_goes() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let root = unique("supprimer");
    create(&app, &user, None, &root).await;
    create(&app, &user, Some(&root), "Sorties").await;
    let sorties = format!("{root}/Sorties");
    create(&app, &user, Some(&sorties), "Musée").await;
    let mut conn = imap_conn("alice", "secret").await;
    for (folder, subject) in [
        (root.clone(), "racine-1"),
        (root.clone(), "racine-2"),
        (format!("{sorties}/Musée"), "musee-1"),
    ] {
        conn.append(&folder, &[], None, &mail(subject))
            .await
            .unwrap();
    }
    // Selected by the session's connection while it goes.
    assert_eq!(count(&app, &user, &format!("{sorties}/Musée")).await, 1);

    let r = delete(&app, &user, &root, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.json(),
        json!({"code": "confirm_delete", "messages": 3, "folders": 2})
    );
    let r = delete(&app, &user, &root, Some(2)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(find(&tree(&app, &user).await, &sorties).is_some());
    // A subfolder alone counts its own.
    let r = delete(&app, &user, &sorties, None).await;
    assert_eq!(
        r.json(),
        json!({"code": "confirm_delete", "messages": 1, "folders": 1})
    );

    let list: FolderList = delete(&app, &user, &root, Some(3)).await.ok();
    assert!(!list.folders.iter().any(|f| f.path.starts_with(&root)));
    let (folders, _, _) = conn.folders().await.unwrap();
    assert!(!folders.iter().any(|f| f.path.starts_with(&root)));
    let r = get(
        &app,
        &format!("/api/folders/{}/messages", enc(&format!("{sorties}/Musée"))),
        &user,
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");
    let r = delete(&app, &user, &root, Some(0)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // An empty folder is confirmed with 0.
    create(&app, &user, None, &root).await;
    let r = delete(&app, &user, &root, None).await;
    assert_eq!(
        r.json(),
        json!({"code": "confirm_delete", "messages": 0, "folders": 0})
    );
    let list: FolderList = delete(&app, &user, &root, Some(0)).await.ok();
    assert!(find(&list, &root).is_none());
}

#[tokio::test]
async fn subscriptions_show_in_the_tree() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let root = unique("abonner");
    create(&app, &user, None, &root).await;
    let r = post(
        &app,
        "/api/folders/subscription",
        &user,
        json!({"folder": root, "subscribed": false}),
    )
    .await;
    let list: FolderList = r.ok();
    assert!(!find(&list, &root).unwrap().subscribed);
    assert!(!find(&tree(&app, &user).await, &root).unwrap().subscribed);
    let r = post(
        &app,
        "/api/folders/subscription",
        &user,
        json!({"folder": root, "subscribed": true}),
    )
    .await;
    let list: FolderList = r.ok();
    assert!(find(&list, &root).unwrap().subscribed);
    let r = post(
        &app,
        "/api/folders/subscription",
        &user,
        json!({"folder": format!("{root}-absent"), "subscribed": true}),
    )
    .await;
    assert_eq!(r.code(), "folder_not_found");
    cleanup(&app, &user, &root).await;

    // The routes are described.
    let doc = get(&app, "/api/openapi.json", &user).await.json();
    let paths = &doc["paths"];
    assert!(paths["/api/folders"]["post"].is_object());
    assert!(paths["/api/folders/rename"]["post"].is_object());
    assert!(paths["/api/folders/subscription"]["post"].is_object());
    assert!(paths["/api/folders/{folder}"]["delete"].is_object());
    assert!(paths["/api/folders/{folder}/empty"]["post"].is_object());
}

#[tokio::test]
async fn emptying_the_trash_needs_its_count() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let tag = unique("corbeille");
    let mut conn = imap_conn("alice", "secret").await;
    for i in 0..3 {
        conn.append("Trash", &[], None, &mail(&format!("{tag}-{i}")))
            .await
            .unwrap();
    }
    let r = post(&app, "/api/folders/Trash/empty", &user, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "confirm_delete");
    assert_eq!(r.json()["folders"], 0);
    let mut held = r.json()["messages"].as_u64().unwrap() as u32;
    assert!(held >= 3, "{held}");
    let r = post(
        &app,
        &format!("/api/folders/Trash/empty?confirm={}", held + 1),
        &user,
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Other tests put messages in the Trash for a moment: confirm what the
    // server reports now.
    let mut erased = None;
    for _ in 0..5 {
        let r = post(
            &app,
            &format!("/api/folders/Trash/empty?confirm={held}"),
            &user,
            json!({}),
        )
        .await;
        if r.status == StatusCode::OK {
            erased = Some(r.json()["count"].as_u64().unwrap() as u32);
            break;
        }
        assert_eq!(r.code(), "confirm_delete");
        held = r.json()["messages"].as_u64().unwrap() as u32;
    }
    let erased = erased.expect("emptied");
    assert!(erased >= 3 && erased == held, "{erased} {held}");
    let page: MessagePage = get(&app, "/api/folders/Trash/messages", &user).await.ok();
    assert!(page.messages.iter().all(|m| !m.subject.starts_with(&tag)));
}
