//! The filters API against the real Dovecot/Pigeonhole started by
//! `tests/servers.sh start`: reading, saving and activating the rules
//! through ManageSieve, a foreign script kept unless the user consents,
//! and the dry run on the INBOX.
//!
//! The scripts belong to `mmartin` (tests/sieve.rs works on bob's): the
//! tests that change them take [`SCRIPTS`] and leave no active script.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::{
    Router,
    http::{Method, StatusCode},
};
use facteur::{
    imap,
    routes::filters::{PREVIOUS_SCRIPT, SCRIPT},
    sieve::{self, SieveClient},
};
use serde_json::json;
use shared::filters::{
    Action, Condition, DryRunResult, Field, FilterRule, FilterSet, FiltersState, ForwardAll, Op,
    Vacation,
};

use crate::common::*;

const USER: &str = "mmartin";
const PASSWORD: &str = "demo";
const TIMEOUT: Duration = Duration::from_secs(10);
/// Name of the script another client leaves active.
const FOREIGN: &str = "facteur-test-autre-client";

/// Held by the tests that change mmartin's scripts.
static SCRIPTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn login(app: &Router) -> User {
    login_ok(app, USER, PASSWORD).await
}

async fn get_filters(app: &Router, user: &User) -> FiltersState {
    send(app, Method::GET, "/api/filters", Some(user), None)
        .await
        .ok()
}

async fn put_filters(app: &Router, user: &User, filters: &FilterSet, replace: bool) -> Resp {
    send(
        app,
        Method::PUT,
        "/api/filters",
        Some(user),
        Some(json!({"filters": filters, "replace_foreign": replace})),
    )
    .await
}

async fn sieve_login() -> SieveClient {
    let tls = facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap();
    sieve::connect(&config().sieve, &tls, USER, PASSWORD, TIMEOUT)
        .await
        .unwrap()
}

/// No active script, and none of the scripts these tests write.
async fn clean(client: &mut SieveClient) {
    client.deactivate().await.unwrap();
    for s in client.list_scripts().await.unwrap() {
        if [SCRIPT, PREVIOUS_SCRIPT, FOREIGN].contains(&s.name.as_str()) {
            client.delete_script(&s.name).await.unwrap();
        }
    }
}

fn text(field: Field, op: Op, value: &str) -> Condition {
    Condition::Text {
        field,
        op,
        value: value.into(),
    }
}

fn list_rule(list: &str) -> FilterRule {
    FilterRule {
        name: "Listes".into(),
        enabled: true,
        match_all: true,
        conditions: vec![text(Field::ListId, Op::Contains, list)],
        actions: vec![Action::MoveTo("Listes".into()), Action::MarkRead],
        stop: true,
    }
}

fn full_set() -> FilterSet {
    FilterSet {
        rules: vec![
            list_rule("enseignants.ac-demo.fr"),
            FilterRule {
                name: "Direction".into(),
                enabled: true,
                match_all: false,
                conditions: vec![
                    text(Field::From, Op::Matches, "*@direction.ac-demo.fr"),
                    text(Field::Header("X-Priority".into()), Op::BeginsWith, "1"),
                ],
                actions: vec![Action::Flag, Action::CopyTo("Direction".into())],
                stop: false,
            },
        ],
        vacation: Some(Vacation {
            enabled: true,
            first_day: Some("2026-12-19".into()),
            last_day: Some("2027-01-04".into()),
            subject: "Absent".into(),
            message: "Bonjour,\nje suis absent.\nMarc".into(),
            days: 7,
            addresses: vec!["marc.martin@ac-demo.fr".into()],
        }),
        forward: Some(ForwardAll {
            address: "secretariat@ac-demo.fr".into(),
            keep_copy: true,
        }),
    }
}

#[tokio::test]
async fn save_read_back_and_refuse_what_is_invalid() {
    let _scripts = SCRIPTS.lock().await;
    let mut client = sieve_login().await;
    clean(&mut client).await;
    let app = app();
    let user = login(&app).await;

    let empty = get_filters(&app, &user).await;
    assert_eq!(empty.filters, FilterSet::default());
    assert_eq!(empty.foreign_script, None);
    assert!(
        empty.extensions.iter().any(|e| e == "vacation"),
        "{empty:?}"
    );

    let set = full_set();
    let saved: FiltersState = put_filters(&app, &user, &set, false).await.ok();
    assert_eq!(saved.filters, set);
    assert_eq!(saved.foreign_script, None);
    assert_eq!(get_filters(&app, &user).await.filters, set);
    let active = client.active_script().await.unwrap().unwrap();
    assert_eq!(active.0, SCRIPT);
    assert!(
        active
            .1
            .contains("redirect :copy \"secretariat@ac-demo.fr\";")
    );

    // Saving again replaces our own script without asking.
    let mut fewer = set.clone();
    fewer.rules.truncate(1);
    fewer.forward = None;
    let saved: FiltersState = put_filters(&app, &user, &fewer, false).await.ok();
    assert_eq!(saved.filters, fewer);

    // Incomplete rules and bad addresses: 400 with the reason, nothing stored.
    let mut no_action = fewer.clone();
    no_action.rules[0].actions.clear();
    let mut bad_forward = fewer.clone();
    bad_forward.forward = Some(ForwardAll {
        address: "pas une adresse".into(),
        keep_copy: false,
    });
    let mut bad_vacation = fewer.clone();
    bad_vacation.vacation = Some(Vacation {
        last_day: Some("2026-02-30".into()),
        ..full_set().vacation.unwrap()
    });
    for (bad, reason) in [
        (no_action, "action"),
        (bad_forward, "transfert"),
        (bad_vacation, "date"),
    ] {
        let r = put_filters(&app, &user, &bad, false).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.code(), "invalid_filters");
        let detail = r.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains(reason), "{detail}");
    }
    assert_eq!(get_filters(&app, &user).await.filters, fewer);

    // Without the CSRF header, nothing is written.
    let r = send(
        &app,
        Method::PUT,
        "/api/filters",
        Some(&user.without_csrf()),
        Some(json!({"filters": set, "replace_foreign": false})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_rejected");
    assert_eq!(get_filters(&app, &user).await.filters, fewer);

    clean(&mut client).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn a_foreign_script_is_kept_unless_the_user_replaces_it() {
    let _scripts = SCRIPTS.lock().await;
    let mut client = sieve_login().await;
    clean(&mut client).await;
    let foreign = "require [\"fileinto\"];\r\n# écrit par un autre client\r\n\
                   if header :contains \"subject\" \"[spam]\" { fileinto \"Junk\"; }\r\n";
    client.put_script(FOREIGN, foreign).await.unwrap();
    client.set_active(FOREIGN).await.unwrap();
    let app = app();
    let user = login(&app).await;

    let state = get_filters(&app, &user).await;
    assert_eq!(state.filters, FilterSet::default());
    let shown = state.foreign_script.expect("the foreign script is shown");
    assert_eq!(shown.name, FOREIGN);
    assert_eq!(shown.content, foreign);

    let set = full_set();
    let r = put_filters(&app, &user, &set, false).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "foreign_filters");
    assert_eq!(
        client.active_script().await.unwrap(),
        Some((FOREIGN.to_string(), foreign.to_string())),
        "untouched"
    );

    let saved: FiltersState = put_filters(&app, &user, &set, true).await.ok();
    assert_eq!(saved.filters, set);
    assert_eq!(saved.foreign_script, None);
    let scripts = client.list_scripts().await.unwrap();
    let kept = scripts.iter().find(|s| s.name == FOREIGN).expect("kept");
    assert!(!kept.active);
    assert!(scripts.iter().any(|s| s.name == SCRIPT && s.active));
    assert_eq!(client.get_script(FOREIGN).await.unwrap(), foreign);

    // A foreign script that took our name is set aside, not lost.
    let foreign_named_like_us = "keep;\r\n";
    client
        .put_script(SCRIPT, foreign_named_like_us)
        .await
        .unwrap();
    let state = get_filters(&app, &user).await;
    assert_eq!(
        state.foreign_script.map(|f| f.name).as_deref(),
        Some(SCRIPT)
    );
    let r = put_filters(&app, &user, &set, false).await;
    assert_eq!(r.code(), "foreign_filters");
    let _: FiltersState = put_filters(&app, &user, &set, true).await.ok();
    assert_eq!(
        client.get_script(PREVIOUS_SCRIPT).await.unwrap(),
        foreign_named_like_us
    );
    assert_eq!(get_filters(&app, &user).await.filters, set);

    clean(&mut client).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn dry_run_on_the_latest_inbox_messages() {
    let token = format!(
        "essai-{}-{}.ac-demo.fr",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let tls = facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap();
    let c = config();
    let session = imap::login(
        imap::connect(&c.imap, &tls, TIMEOUT).await.unwrap(),
        USER,
        PASSWORD,
        TIMEOUT,
    )
    .await
    .unwrap();
    let mut conn = imap::ImapConn::new(session, TIMEOUT).await.unwrap();
    for i in 0..4 {
        let list = if i % 2 == 0 {
            format!("List-Id: Liste d'essai <{token}>\r\n")
        } else {
            String::new()
        };
        let mail = format!(
            "From: Expéditeur {i} <expediteur{i}@ac-demo.fr>\r\nTo: marc.martin@ac-demo.fr\r\n\
             Subject: Essai {i} {token}\r\n{list}X-Essai: valeur-{i}\r\n\
             Message-ID: <{i}.{token}>\r\nDate: Mon, 2 Mar 2026 10:0{i}:00 +0100\r\n\r\nBonjour.\r\n"
        );
        conn.append("INBOX", &[], None, mail.as_bytes())
            .await
            .unwrap();
    }
    let (_, rows) = conn.page("INBOX", 0, 20).await.unwrap();
    let ours: Vec<(u32, String)> = rows
        .iter()
        .map(|r| (r.uid, String::from_utf8_lossy(&r.header).into_owned()))
        .filter(|(_, h)| h.contains(&token))
        .collect();
    assert_eq!(ours.len(), 4);
    let with_list: Vec<u32> = ours
        .iter()
        .filter(|(_, h)| h.contains("Essai 0") || h.contains("Essai 2"))
        .map(|(u, _)| *u)
        .collect();

    let app = app();
    let user = login(&app).await;
    let rules = vec![
        FilterRule {
            name: "Essai 3 par en-tête".into(),
            enabled: true,
            match_all: true,
            conditions: vec![text(Field::Header("X-Essai".into()), Op::Is, "valeur-3")],
            actions: vec![Action::Flag],
            stop: false,
        },
        FilterRule {
            name: "Liste d'essai".into(),
            actions: vec![Action::MoveTo("Listes".into()), Action::MarkRead],
            ..list_rule(&token)
        },
        FilterRule {
            // After a stop: never reached for the list's messages.
            name: "Tout le reste".into(),
            enabled: true,
            match_all: true,
            conditions: vec![text(Field::Subject, Op::Contains, &token)],
            actions: vec![Action::Delete],
            stop: false,
        },
    ];
    let r = send(
        &app,
        Method::POST,
        "/api/filters/dry-run",
        Some(&user),
        Some(json!({"rules": rules, "limit": 10})),
    )
    .await;
    let result: DryRunResult = r.ok();
    assert_eq!(result.examined, 10.min(rows.len() as u32));
    let mine: Vec<_> = result
        .matches
        .iter()
        .filter(|m| m.subject.contains(&token))
        .collect();
    assert_eq!(mine.len(), 4, "{:?}", result.matches);
    for m in &mine {
        if with_list.contains(&m.uid) {
            assert_eq!(m.rule, "Liste d'essai");
            assert_eq!(
                m.actions,
                [Action::MoveTo("Listes".into()), Action::MarkRead]
            );
        } else if m.subject.starts_with("Essai 3") {
            assert_eq!(m.rule, "Essai 3 par en-tête");
            assert_eq!(m.actions, [Action::Flag, Action::Delete]);
        } else {
            assert_eq!(m.rule, "Tout le reste");
            assert_eq!(m.actions, [Action::Delete]);
        }
    }
    // In the order the message list shows them (newest arrival first;
    // the server orders those of the same second by UID).
    let uids: Vec<u32> = mine.iter().map(|m| m.uid).collect();
    let listed: Vec<u32> = ours.iter().map(|(u, _)| *u).collect();
    assert_eq!(uids, listed);
    let third = mine
        .iter()
        .find(|m| m.subject.starts_with("Essai 3"))
        .unwrap();
    assert_eq!(
        third.from.as_ref().map(|a| a.email.as_str()),
        Some("expediteur3@ac-demo.fr")
    );

    // Only the list rule: the messages without List-Id do not match.
    let r = send(
        &app,
        Method::POST,
        "/api/filters/dry-run",
        Some(&user),
        Some(json!({"rules": [list_rule(&token)]})),
    )
    .await;
    let result: DryRunResult = r.ok();
    let mut matched: Vec<u32> = result.matches.iter().map(|m| m.uid).collect();
    matched.sort_unstable();
    let mut expected = with_list.clone();
    expected.sort_unstable();
    assert_eq!(matched, expected);

    // The CSRF header is required here too.
    let r = send(
        &app,
        Method::POST,
        "/api/filters/dry-run",
        Some(&user.without_csrf()),
        Some(json!({"rules": []})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let uids: Vec<u32> = ours.iter().map(|(u, _)| *u).collect();
    conn.erase("INBOX", &uids).await.unwrap();
}
