//! Filters against the real Dovecot/Pigeonhole started by `tests/servers.sh
//! start`: the ManageSieve client, the compiled scripts as the server judges
//! them, and a delivery over LMTP sorted by a rule.
//!
//! A user has one active script: the tests that activate one take
//! [`ACTIVE`] and leave bob without an active script when they end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use facteur::{
    config::ServerUrl,
    imap,
    sieve::{
        self, SieveClient, SieveError,
        script::{self, ScriptOptions},
    },
};
use shared::filters::{Action, Condition, Field, FilterRule, FilterSet, Op, Vacation};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::UnixStream,
};

use crate::common::server_env;

/// Held by the tests that make a script active.
static ACTIVE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const TIMEOUT: Duration = Duration::from_secs(10);

fn sieve_url() -> ServerUrl {
    ServerUrl::parse(
        &server_env("FACTEUR_SIEVE_URL"),
        ("sieve", 4190),
        ("sieves", 4190),
    )
    .unwrap()
}

fn tls() -> tokio_rustls::TlsConnector {
    facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap()
}

async fn sieve_login(user: &str, password: &str) -> Result<SieveClient, SieveError> {
    sieve::connect(&sieve_url(), &tls(), user, password, TIMEOUT).await
}

/// Leaves no active script and none of these names behind.
async fn clean(client: &mut SieveClient, names: &[&str]) {
    client.deactivate().await.unwrap();
    for s in client.list_scripts().await.unwrap() {
        if names.contains(&s.name.as_str()) {
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

fn two_rules_and_vacation() -> FilterSet {
    FilterSet {
        forward: None,
        rules: vec![
            FilterRule {
                name: "Listes".into(),
                enabled: true,
                match_all: true,
                conditions: vec![text(Field::ListId, Op::Contains, "enseignants.ac-demo.fr")],
                actions: vec![
                    Action::MoveTo("Listes/Enseignants".into()),
                    Action::MarkRead,
                ],
                stop: true,
            },
            FilterRule {
                name: "Direction « urgente »".into(),
                enabled: true,
                match_all: false,
                conditions: vec![
                    text(Field::From, Op::Matches, "*@direction.ac-demo.fr"),
                    text(Field::Header("X-Priority".into()), Op::BeginsWith, "1"),
                    Condition::SizeOver { bytes: 5_000_000 },
                ],
                actions: vec![
                    Action::Flag,
                    Action::CopyTo("Direction".into()),
                    Action::Forward {
                        address: "secretariat@ac-demo.fr".into(),
                        keep_copy: true,
                    },
                ],
                stop: false,
            },
        ],
        vacation: Some(Vacation {
            enabled: true,
            first_day: Some("2026-12-19".into()),
            last_day: Some("2027-01-04".into()),
            subject: "Absent jusqu'au 4 janvier".into(),
            message: "Bonjour,\nje suis absent jusqu'au 4 janvier.\nBob".into(),
            days: 7,
            addresses: vec!["bob@ac-demo.fr".into()],
        }),
    }
}

#[tokio::test]
async fn bob_uploads_checks_activates_and_reads_back_his_rules() {
    const NAME: &str = "facteur-test-aller-retour";
    let _active = ACTIVE.lock().await;
    let mut client = sieve_login("bob", "secret").await.unwrap();
    clean(&mut client, &[NAME]).await;
    let caps = client.capabilities().clone();
    assert!(caps.sieve.iter().any(|e| e == "vacation"), "{caps:?}");
    assert!(!caps.starttls, "STARTTLS is not offered again once in TLS");

    let set = two_rules_and_vacation();
    let text = script::generate(&set, caps.script_options()).unwrap();
    assert_eq!(client.check_script(&text).await.unwrap(), None);
    client.put_script(NAME, &text).await.unwrap();
    client.set_active(NAME).await.unwrap();

    let scripts = client.list_scripts().await.unwrap();
    let ours = scripts.iter().find(|s| s.name == NAME).unwrap();
    assert!(ours.active, "{scripts:?}");
    assert_eq!(scripts.iter().filter(|s| s.active).count(), 1);

    let back = client.get_script(NAME).await.unwrap();
    assert_eq!(back, text, "byte for byte");
    assert_eq!(
        client.active_script().await.unwrap(),
        Some((NAME.to_string(), text.clone()))
    );
    assert_eq!(script::read_own(&back), Some(set));

    // The active script cannot be deleted.
    assert!(matches!(
        client.delete_script(NAME).await,
        Err(SieveError::ScriptActive)
    ));
    clean(&mut client, &[NAME]).await;
    let scripts = client.list_scripts().await.unwrap();
    assert!(scripts.iter().all(|s| s.name != NAME && !s.active));
    assert_eq!(client.active_script().await.unwrap(), None);
    assert!(matches!(
        client.get_script(NAME).await,
        Err(SieveError::NoSuchScript)
    ));
    client.logout().await.unwrap();
}

#[tokio::test]
async fn a_script_facteur_did_not_write_is_recognised_as_foreign() {
    const NAME: &str = "facteur-test-etranger";
    let _active = ACTIVE.lock().await;
    let mut client = sieve_login("bob", "secret").await.unwrap();
    clean(&mut client, &[NAME]).await;
    // Another client's script, even one that copies our marker line.
    let ours = script::generate(&two_rules_and_vacation(), ScriptOptions::default()).unwrap();
    let foreign = format!("{ours}# ajouté à la main\r\nkeep;\r\n");
    client.put_script(NAME, &foreign).await.unwrap();
    client.set_active(NAME).await.unwrap();
    let (name, text) = client.active_script().await.unwrap().unwrap();
    assert_eq!(name, NAME);
    assert_eq!(text, foreign);
    assert_eq!(script::read_own(&text), None);
    clean(&mut client, &[NAME]).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn an_invalid_script_gets_a_clear_error_and_is_not_stored() {
    const NAME: &str = "facteur-test-invalide";
    let mut client = sieve_login("bob", "secret").await.unwrap();
    let bad = "require [\"fileinto\"];\r\nfileinto \"A\"\r\nstop;\r\n";
    match client.check_script(bad).await {
        Err(SieveError::InvalidScript(msg)) => {
            assert!(msg.contains("line 3") || msg.contains("line 2"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    let unknown = "require [\"pas-une-extension\"];\r\n";
    assert!(matches!(
        client.check_script(unknown).await,
        Err(SieveError::InvalidScript(_))
    ));
    assert!(matches!(
        client.put_script(NAME, bad).await,
        Err(SieveError::InvalidScript(_))
    ));
    assert!(
        client
            .list_scripts()
            .await
            .unwrap()
            .iter()
            .all(|s| s.name != NAME)
    );
    // The connection is still in step after the refusals.
    client.capability().await.unwrap();
    client.logout().await.unwrap();
}

#[tokio::test]
async fn hostile_values_compile_to_a_script_the_server_accepts() {
    let hostile = "\"; discard; # \\ } { \r\n stop;";
    let one_line = "\"; discard; # \\ } { stop; ${x} *?";
    let set = FilterSet {
        forward: None,
        rules: vec![FilterRule {
            name: one_line.into(),
            enabled: true,
            match_all: true,
            conditions: vec![
                text(Field::Subject, Op::Contains, one_line),
                text(Field::Subject, Op::BeginsWith, one_line),
                text(Field::Subject, Op::Matches, one_line),
                text(Field::From, Op::Is, one_line),
                text(Field::Header("X-\"}".into()), Op::Is, "été"),
            ],
            actions: vec![Action::MoveTo(format!("Dossier {one_line}"))],
            stop: false,
        }],
        vacation: Some(Vacation {
            enabled: true,
            first_day: None,
            last_day: None,
            subject: one_line.into(),
            message: format!("{hostile}\n.\n"),
            days: 1,
            addresses: vec![],
        }),
    };
    let mut client = sieve_login("bob", "secret").await.unwrap();
    let text = script::generate(&set, client.capabilities().script_options()).unwrap();
    assert_eq!(client.check_script(&text).await.unwrap(), None, "{text}");
    assert_eq!(script::read_own(&text), Some(set));
    client.logout().await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_an_authentication_error() {
    let err = sieve_login("bob", "pas-le-bon").await.unwrap_err();
    assert!(matches!(err, SieveError::AuthenticationFailed), "{err:?}");
    assert!(!err.is_connection());
}

/// Delivers a message to one recipient over LMTP (RFC 2033), where
/// Dovecot runs the active Sieve script.
async fn deliver_lmtp(sender: &str, rcpt: &str, message: &str) {
    let stream = UnixStream::connect(server_env("FACTEUR_LMTP_SOCKET"))
        .await
        .unwrap();
    let mut s = BufReader::new(stream);
    async fn reply(s: &mut BufReader<UnixStream>, code: &str) {
        loop {
            let mut line = String::new();
            s.read_line(&mut line).await.unwrap();
            assert!(line.starts_with(code), "expected {code}: {line}");
            if line.as_bytes().get(3) == Some(&b' ') {
                return;
            }
        }
    }
    reply(&mut s, "220").await;
    for (cmd, code) in [
        ("LHLO facteur.test".to_string(), "250"),
        (format!("MAIL FROM:<{sender}>"), "250"),
        (format!("RCPT TO:<{rcpt}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        s.get_mut()
            .write_all(format!("{cmd}\r\n").as_bytes())
            .await
            .unwrap();
        reply(&mut s, code).await;
    }
    s.get_mut().write_all(message.as_bytes()).await.unwrap();
    s.get_mut().write_all(b"\r\n.\r\n").await.unwrap();
    reply(&mut s, "250").await;
    s.get_mut().write_all(b"QUIT\r\n").await.unwrap();
}

#[tokio::test]
async fn a_list_rule_files_delivered_mail_read_and_flagged() {
    const NAME: &str = "facteur-test-livraison";
    let folder = "Tests/Sieve listes";
    let token = format!("liste-{}.ac-demo.fr", std::process::id());
    let _active = ACTIVE.lock().await;

    let config = imap_config();
    let tls = tls();
    let client = imap::connect(&config, &tls, TIMEOUT).await.unwrap();
    let session = imap::login(client, "bob", "secret", TIMEOUT).await.unwrap();
    let mut conn = imap::ImapConn::new(session, TIMEOUT).await.unwrap();
    let _ = conn.delete_folder(folder).await;

    let mut client = sieve_login("bob", "secret").await.unwrap();
    clean(&mut client, &[NAME]).await;
    let set = FilterSet {
        forward: None,
        rules: vec![FilterRule {
            name: "Liste de test".into(),
            enabled: true,
            match_all: true,
            conditions: vec![text(Field::ListId, Op::Contains, &token)],
            actions: vec![
                Action::MoveTo(folder.into()),
                Action::MarkRead,
                Action::Flag,
            ],
            stop: true,
        }],
        vacation: None,
    };
    let text = script::generate(&set, ScriptOptions::default()).unwrap();
    client.put_script(NAME, &text).await.unwrap();
    client.set_active(NAME).await.unwrap();

    let message = format!(
        "From: Liste enseignants <liste@enseignants.ac-demo.fr>\r\n\
         To: bob@ac-demo.fr\r\n\
         Subject: Sieve {token}\r\n\
         List-Id: Enseignants <{token}>\r\n\
         Message-ID: <{token}@ac-demo.fr>\r\n\
         Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n\
         \r\n\
         Bonjour."
    );
    deliver_lmtp("liste@enseignants.ac-demo.fr", "bob@ac-demo.fr", &message).await;

    let result = conn.page(folder, 0, 10).await;
    clean(&mut client, &[NAME]).await;
    client.logout().await.unwrap();
    let (info, rows) = result.expect("the rule created and filled the folder");
    assert_eq!(info.total, 1);
    assert!(rows[0].flags.seen, "marked read");
    assert!(rows[0].flags.flagged, "flagged");
    assert!(String::from_utf8_lossy(&rows[0].header).contains(&token));
    conn.delete_folder(folder).await.unwrap();
}

async fn imap_login(user: &str) -> imap::ImapConn {
    let client = imap::connect(&imap_config(), &tls(), TIMEOUT)
        .await
        .unwrap();
    let session = imap::login(client, user, "secret", TIMEOUT).await.unwrap();
    imap::ImapConn::new(session, TIMEOUT).await.unwrap()
}

/// The UIDs and headers of the INBOX messages whose headers contain `needle`.
async fn inbox_with(conn: &mut imap::ImapConn, needle: &str) -> Vec<(u32, String)> {
    let (_, rows) = conn.page("INBOX", 0, 200).await.unwrap();
    rows.into_iter()
        .map(|r| (r.uid, String::from_utf8_lossy(&r.header).into_owned()))
        .filter(|(_, h)| h.contains(needle))
        .collect()
}

#[tokio::test]
async fn out_of_office_answers_once_and_never_a_mailing_list() {
    const NAME: &str = "facteur-test-absence";
    let _active = ACTIVE.lock().await;
    // The server remembers whom it answered for each vacation action,
    // told apart by its subject (RFC 5230 §4.2): a subject of its own for
    // each run.
    let run = format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    // The test server knows no sub-addresses: the same sender for the
    // list and the person; one reply in all proves both rules.
    let person = "alice@ac-demo.fr".to_string();
    let list = person.clone();
    let subject = format!("Absent {run}");

    let mut client = sieve_login("bob", "secret").await.unwrap();
    clean(&mut client, &[NAME]).await;
    let set = FilterSet {
        forward: None,
        rules: vec![],
        vacation: Some(Vacation {
            enabled: true,
            first_day: Some("2000-01-01".into()),
            last_day: Some("2999-12-31".into()),
            subject: subject.clone(),
            message: "Je suis absent.\nBob".into(),
            days: 1,
            addresses: vec!["bob@ac-demo.fr".into()],
        }),
    };
    let text = script::generate(&set, ScriptOptions::default()).unwrap();
    client.put_script(NAME, &text).await.unwrap();
    client.set_active(NAME).await.unwrap();

    let mail = |from: &str, extra: &str, n: u32| {
        format!(
            "From: <{from}>\r\nTo: Bob <bob@ac-demo.fr>\r\nSubject: Question {n} {run}\r\n\
             Message-ID: <q{n}.{run}@ac-demo.fr>\r\n{extra}\
             Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n\r\nBonjour."
        )
    };
    deliver_lmtp(
        &list,
        "bob@ac-demo.fr",
        &mail(&list, "List-Id: <enseignants.ac-demo.fr>\r\n", 1),
    )
    .await;
    deliver_lmtp(&person, "bob@ac-demo.fr", &mail(&person, "", 2)).await;
    deliver_lmtp(&person, "bob@ac-demo.fr", &mail(&person, "", 3)).await;

    // The replies go through Postfix: wait for the first, then a little
    // more for any that should not come.
    let mut alice = imap_login("alice").await;
    let mut replies = Vec::new();
    for _ in 0..100 {
        replies = inbox_with(&mut alice, &subject).await;
        if !replies.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let replies_after = inbox_with(&mut alice, &subject).await;
    clean(&mut client, &[NAME]).await;
    client.logout().await.unwrap();
    let uids: Vec<u32> = replies_after.iter().map(|(u, _)| *u).collect();
    if !uids.is_empty() {
        alice.erase("INBOX", &uids).await.unwrap();
    }
    let mut bob = imap_login("bob").await;
    let ours = inbox_with(&mut bob, &run).await;
    let ours: Vec<u32> = ours.iter().map(|(u, _)| *u).collect();
    if !ours.is_empty() {
        bob.erase("INBOX", &ours).await.unwrap();
    }

    assert_eq!(replies.len(), 1, "one reply arrived: {replies:?}");
    assert_eq!(
        replies_after.len(),
        1,
        "only one, to the person, none to the list: {replies_after:?}"
    );
    assert!(replies_after[0].1.contains(&person), "{replies_after:?}");
    assert_eq!(ours.len(), 3, "all three were kept in bob's INBOX");
}

fn imap_config() -> ServerUrl {
    ServerUrl::parse(
        &server_env("FACTEUR_IMAP_URL"),
        ("imap", 143),
        ("imaps", 993),
    )
    .unwrap()
}
