//! The SMTP submission adapter and the message builder against the real
//! Postfix (and Dovecot behind it) started by `tests/servers.sh start`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::server_env;
use facteur::{
    compose::{self, ResolvedAttachment, Sender},
    config::ServerUrl,
    imap::ImapConn,
    smtp::{self, SmtpError, SmtpServer},
};
use mail_parser::{MessageParser, MimeHeaders};
use shared::{
    compose::{BodyFormat, ComposeMessage},
    mail::Address,
};
use tokio_rustls::TlsConnector;

const TIMEOUT: Duration = Duration::from_secs(10);

fn url() -> ServerUrl {
    ServerUrl::parse(
        &server_env("FACTEUR_SMTP_URL"),
        ("smtp", 587),
        ("smtps", 465),
    )
    .unwrap()
}

fn tls() -> TlsConnector {
    let ca = server_env("FACTEUR_CA_FILE");
    facteur::tls::connector(Some(std::path::Path::new(&ca))).unwrap()
}

/// A suffix that makes a subject unique across runs.
fn unique() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn all_bytes() -> Vec<u8> {
    (0..=255u8).cycle().take(256 * 40).collect()
}

fn message_to(to: &[&str], subject: &str) -> ComposeMessage {
    ComposeMessage {
        to: to
            .iter()
            .map(|e| Address {
                name: None,
                email: e.to_string(),
            })
            .collect(),
        subject: subject.into(),
        format: BodyFormat::Html,
        body: "<p>Bonjour Bob,</p><p>Les pièces jointes.</p>".into(),
        ..Default::default()
    }
}

fn alice() -> Sender {
    Sender {
        name: "Alice Test".into(),
        email: "alice@ac-demo.fr".into(),
        reply_to: None,
    }
}

fn build(msg: &ComposeMessage, attachments: Vec<ResolvedAttachment>) -> Vec<u8> {
    compose::build(
        msg,
        &alice(),
        attachments,
        &compose::new_message_id("ac-demo.fr"),
        chrono::Utc::now().timestamp(),
        false,
    )
    .unwrap()
}

/// The UID of the message of bob's INBOX whose subject is `subject`.
async fn find(conn: &mut ImapConn, subject: &str) -> Option<u32> {
    let rows = conn.recent_headers("INBOX", 50, None).await.unwrap();
    rows.iter()
        .find(|r| {
            MessageParser::default()
                .parse_headers(&r.header)
                .and_then(|m| m.subject().map(|s| s == subject))
                .unwrap_or(false)
        })
        .map(|r| r.uid)
}

/// Waits up to ten seconds for the message to reach bob's INBOX.
async fn wait_for(conn: &mut ImapConn, subject: &str) -> Option<u32> {
    for _ in 0..40 {
        if let Some(uid) = find(conn, subject).await {
            return Some(uid);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

#[tokio::test]
async fn limits_are_what_postfix_announces() {
    let (url, tls) = (url(), tls());
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let limits = smtp::limits(&server).await.unwrap();
    // message_size_limit in the test server's main.cf.
    assert_eq!(limits.max_size, Some(26_214_400));
    assert!(limits.eight_bit);
}

#[tokio::test]
async fn a_message_with_attachments_reaches_bob_intact() {
    let (url, tls) = (url(), tls());
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let subject = format!("Pièces jointes {}", unique());
    let pdf = b"%PDF-1.4\n% fake\n.\r\n..\nend".to_vec();
    let raw = build(
        &message_to(&["bob@ac-demo.fr"], &subject),
        vec![
            ResolvedAttachment {
                filename: "octets été.bin".into(),
                content_type: "application/octet-stream".into(),
                data: all_bytes(),
                rfc822: false,
            },
            ResolvedAttachment {
                filename: "ordre du jour.pdf".into(),
                content_type: "application/pdf".into(),
                data: pdf.clone(),
                rfc822: false,
            },
        ],
    );
    smtp::submit(
        &server,
        "alice",
        "secret",
        "alice@ac-demo.fr",
        &["bob@ac-demo.fr".to_string()],
        &raw,
    )
    .await
    .unwrap();

    let mut bob = common::imap_conn("bob", "secret").await;
    let uid = wait_for(&mut bob, &subject)
        .await
        .expect("the message reached bob's INBOX");
    let got = bob.message("INBOX", uid, false).await.unwrap();
    let parsed = MessageParser::default().parse(&got.raw).unwrap();
    let parts: Vec<_> = parsed.attachments().collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].attachment_name(), Some("octets été.bin"));
    assert_eq!(parts[0].contents(), all_bytes().as_slice());
    assert_eq!(parts[1].attachment_name(), Some("ordre du jour.pdf"));
    assert_eq!(parts[1].contents(), pdf.as_slice());
    assert!(parsed.bcc().is_none());
    assert!(parsed.body_text(0).unwrap().contains("Les pièces jointes."));
    bob.erase("INBOX", &[uid]).await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_refused() {
    let (url, tls) = (url(), tls());
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let raw = build(
        &message_to(&["bob@ac-demo.fr"], "mauvais mot de passe"),
        vec![],
    );
    let err = smtp::submit(
        &server,
        "alice",
        "pas-le-bon",
        "alice@ac-demo.fr",
        &["bob@ac-demo.fr".to_string()],
        &raw,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SmtpError::AuthenticationFailed), "{err:?}");
    assert!(!err.to_string().contains("pas-le-bon"));
}

#[tokio::test]
async fn a_refused_recipient_stops_the_whole_message() {
    let (url, tls) = (url(), tls());
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let subject = format!("Destinataire inconnu {}", unique());
    let raw = build(
        &message_to(&["bob@ac-demo.fr", "personne@ac-demo.fr"], &subject),
        vec![],
    );
    let err = smtp::submit(
        &server,
        "alice",
        "secret",
        "alice@ac-demo.fr",
        &[
            "bob@ac-demo.fr".to_string(),
            "personne@ac-demo.fr".to_string(),
        ],
        &raw,
    )
    .await
    .unwrap_err();
    match &err {
        SmtpError::RecipientsRefused { addresses, detail } => {
            assert_eq!(addresses, &["personne@ac-demo.fr"]);
            assert!(detail.contains("personne@ac-demo.fr"), "{detail}");
            assert!(
                detail.contains("550") || detail.contains("5.1."),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Nothing went, not even to bob.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut bob = common::imap_conn("bob", "secret").await;
    assert_eq!(find(&mut bob, &subject).await, None);
}

#[tokio::test]
async fn a_message_above_size_is_refused_before_data() {
    let (url, tls) = (url(), tls());
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let mut raw = b"From: alice@ac-demo.fr\r\nTo: bob@ac-demo.fr\r\nSubject: gros\r\n\r\n".to_vec();
    let line = [b'a'; 76];
    while raw.len() < 26_214_400 + 1000 {
        raw.extend_from_slice(&line);
        raw.extend_from_slice(b"\r\n");
    }
    let err = smtp::submit(
        &server,
        "alice",
        "secret",
        "alice@ac-demo.fr",
        &["bob@ac-demo.fr".to_string()],
        &raw,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, SmtpError::TooLarge { max: 26_214_400 }),
        "{err:?}"
    );
    // Refused on the announced SIZE, before login and DATA: the rule is
    // unit-tested in smtp.rs (no timing here, it would flake).
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = ServerUrl {
        host: "127.0.0.1".into(),
        port,
        implicit_tls: false,
    };
    let tls = tls();
    let server = SmtpServer {
        url: &url,
        tls: &tls,
        timeout: TIMEOUT,
    };
    let err = smtp::limits(&server).await.unwrap_err();
    assert!(matches!(err, SmtpError::Unreachable(_)), "{err:?}");
    let err = smtp::submit(
        &server,
        "alice",
        "secret",
        "alice@ac-demo.fr",
        &["bob@ac-demo.fr".to_string()],
        b"Subject: x\r\n\r\nx\r\n",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SmtpError::Unreachable(_)), "{err:?}");
}
