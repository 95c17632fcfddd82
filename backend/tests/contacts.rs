//! The contacts API against the real Radicale started by
//! `tests/servers.sh start`: discovery, create/list/update/delete with
//! ETags, properties Facteur does not model kept, `.vcf` import and
//! export, the recipients list (address book and recent mail), and a DAV
//! server that does not answer.
//!
//! Every test works on its own cards (names carry a unique tag) and
//! deletes them, so the tests run in parallel on alice's address book.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use facteur::{
    dav::{self, DavClient, IfMatch},
    vcard,
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::{
    contacts::{Contact, ContactList, ImportResult, Suggestion, SuggestionSource, Typed},
    mail::FolderRole,
};
use tower::ServiceExt;

use crate::common::*;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A tag unique to this run and call, for names and addresses.
fn tag() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("t{}x{n}", t % 1_000_000_000_000)
}

fn dav_client(user: &str) -> DavClient {
    let tls = facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap();
    DavClient::new(
        &server_env("FACTEUR_CALDAV_URL"),
        tls,
        user,
        "secret",
        TIMEOUT,
    )
    .unwrap()
}

async fn list(app: &Router, user: &User, q: &str) -> ContactList {
    let uri = format!("/api/contacts?q={}", dav::encode_segment(q));
    get(app, &uri, user).await.ok()
}

async fn create(app: &Router, user: &User, c: Value) -> Contact {
    post(app, "/api/contacts", user, c).await.ok()
}

async fn delete(app: &Router, user: &User, c: &Contact) -> Resp {
    let uri = format!(
        "/api/contacts/{}?etag={}",
        dav::encode_segment(&c.id),
        dav::encode_segment(c.etag.as_deref().unwrap_or(""))
    );
    send(app, Method::DELETE, &uri, Some(user), None).await
}

async fn put(app: &Router, user: &User, c: &Contact) -> Resp {
    let uri = format!("/api/contacts/{}", dav::encode_segment(&c.id));
    send(
        app,
        Method::PUT,
        &uri,
        Some(user),
        Some(serde_json::to_value(c).unwrap()),
    )
    .await
}

/// Sends a raw body (a `.vcf` file).
async fn send_raw(
    app: &Router,
    uri: &str,
    user: &User,
    content_type: &str,
    body: impl Into<Vec<u8>>,
) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &user.cookie)
        .header(shared::CSRF_HEADER, &user.csrf)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.into()))
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

/// Deletes, directly on the server, every card of alice's book whose
/// name holds `tag`.
async fn cleanup(tag: &str) {
    let mut client = dav_client("alice");
    let book = client.address_book().await.unwrap();
    for (href, etag, data) in client.cards(&book.href).await.unwrap() {
        if data.contains(tag) {
            client.delete(&href, Some(&etag)).await.unwrap();
        }
    }
}

#[tokio::test]
async fn discovery_finds_the_address_book() {
    let mut client = dav_client("alice");
    let p = client.principal().await.unwrap();
    assert_eq!(p.href, "/alice/");
    assert_eq!(p.addressbook_home.as_deref(), Some("/alice/"));
    assert_eq!(p.calendar_home.as_deref(), Some("/alice/"));
    let book = client.address_book().await.unwrap();
    assert_eq!(book.href, "/alice/contacts/");
    assert_eq!(book.name, "Contacts");
    let calendars = client
        .collections("/alice/", dav::CALDAV, "calendar", "<I:calendar-color/>")
        .await
        .unwrap();
    assert!(calendars.iter().any(|c| c.href == "/alice/agenda/"));
    // A wrong password is the DAV server's refusal, nothing else.
    let tls = facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap();
    let mut bad = DavClient::new(
        &server_env("FACTEUR_CALDAV_URL"),
        tls,
        "alice",
        "wrong",
        TIMEOUT,
    )
    .unwrap();
    assert!(matches!(
        bad.principal().await,
        Err(dav::DavError::AuthenticationFailed)
    ));
}

#[tokio::test]
async fn routes_are_described_in_openapi() {
    let app = app();
    let r = send(&app, Method::GET, "/api/openapi.json", None, None).await;
    let doc = r.json();
    for path in [
        "/api/contacts",
        "/api/contacts/{id}",
        "/api/contacts/import",
        "/api/contacts/export",
        "/api/contacts/recipients",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}

#[tokio::test]
async fn create_search_update_conflict_delete() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let t = tag();
    let created = create(
        &app,
        &user,
        json!({
            "full_name": format!("Hélène Lefèvre {t}"),
            "given_name": "Hélène",
            "family_name": format!("Lefèvre {t}"),
            "emails": [{"kind": "work", "value": format!("helene.{t}@ac-demo.fr")}],
            "phones": [{"kind": "cell", "value": "06 12 34 56 78"}],
            "organization": "Collège Jean Moulin",
            "title": "Principale",
            "note": "Réunion le mardi\nbureau 2, porte B; merci",
        }),
    )
    .await;
    assert!(created.id.ends_with(".vcf"));
    let etag1 = created.etag.clone().expect("etag");

    // Found, accents ignored, with everything written.
    let found = list(&app, &user, &format!("helene LEFEVRE {t}")).await;
    assert_eq!(found.book, "Contacts");
    assert_eq!(found.contacts.len(), 1, "{found:?}");
    let c = &found.contacts[0];
    assert_eq!(c.id, created.id);
    assert_eq!(c.etag.as_deref(), Some(etag1.as_str()));
    assert_eq!(c.note, "Réunion le mardi\nbureau 2, porte B; merci");
    assert_eq!(c.phones[0].kind.as_deref(), Some("cell"));
    assert!(
        list(&app, &user, &format!("dupont {t}"))
            .await
            .contacts
            .is_empty()
    );

    // Updated with the etag read.
    let mut changed = c.clone();
    changed.title = "Principale adjointe".into();
    changed.emails.push(Typed {
        kind: Some("home".into()),
        value: format!("h.{t}@perso.fr"),
    });
    let updated: Contact = put(&app, &user, &changed).await.ok();
    let etag2 = updated.etag.clone().unwrap();
    assert_ne!(etag2, etag1);
    assert_eq!(updated.title, "Principale adjointe");
    assert_eq!(updated.emails.len(), 2);

    // A stale etag: nothing is overwritten.
    let mut stale = c.clone();
    stale.title = "Écrasé".into();
    let r = put(&app, &user, &stale).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(r.code(), "edit_conflict");
    let now = list(&app, &user, &t).await.contacts;
    assert_eq!(now[0].title, "Principale adjointe");
    assert_eq!(now[0].etag.as_deref(), Some(etag2.as_str()));

    // No etag at all is a wrong request.
    let mut no_etag = updated.clone();
    no_etag.etag = None;
    let r = put(&app, &user, &no_etag).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Invalid input.
    let r = post(&app, "/api/contacts", &user, json!({"full_name": ""})).await;
    assert_eq!(r.code(), "invalid_request");
    let r = post(
        &app,
        "/api/contacts",
        &user,
        json!({"full_name": "x", "emails": [{"value": "pas une adresse"}]}),
    )
    .await;
    assert_eq!(r.code(), "invalid_request");
    let r = send(
        &app,
        Method::PUT,
        "/api/contacts/..",
        Some(&user),
        Some(serde_json::to_value(&updated).unwrap()),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Delete: a stale etag is refused, the right one deletes, twice is fine.
    let r = delete(&app, &user, &c.clone()).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = delete(&app, &user, &updated).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = delete(&app, &user, &updated).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(list(&app, &user, &t).await.contacts.is_empty());
    cleanup(&t).await;
}

#[tokio::test]
async fn editing_keeps_what_a_phone_stored() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let t = tag();
    let mut client = dav_client("alice");
    let book = client.address_book().await.unwrap();
    let id = format!("iphone-{t}.vcf");
    let path = dav::member_path(&book.href, &id).unwrap();
    let photo = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIy";
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n\
         N:Martin {t};Paul;;M.;\r\nFN:Paul Martin {t}\r\n\
         item1.EMAIL;type=INTERNET;type=pref:paul.{t}@ac-demo.fr\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n\
         ADR;type=HOME;type=pref:;;12 rue des Écoles;Lyon;;69001;France\r\n\
         BDAY:1980-05-04\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nUID:{t}-uid\r\nEND:VCARD\r\n"
    );
    client
        .put(
            &path,
            card.into_bytes(),
            "text/vcard; charset=utf-8",
            IfMatch::NoneMatch,
        )
        .await
        .unwrap();

    let mut c = list(&app, &user, &t).await.contacts.remove(0);
    assert_eq!(c.id, id);
    assert_eq!(c.family_name, format!("Martin {t}"));
    c.title = "Documentaliste".into();
    c.phones.push(Typed {
        kind: Some("work".into()),
        value: "04 00 00 00 00".into(),
    });
    let _: Contact = put(&app, &user, &c).await.ok();

    let (stored, _) = client.get(&path).await.unwrap();
    let stored = vcard::parse_one(&stored).unwrap();
    let value = |name: &str| stored.get(name).map(|p| p.value.clone());
    assert_eq!(value("PHOTO").as_deref(), Some(photo));
    assert_eq!(
        value("ADR").as_deref(),
        Some(";;12 rue des Écoles;Lyon;;69001;France")
    );
    assert_eq!(value("BDAY").as_deref(), Some("1980-05-04"));
    assert_eq!(value("UID"), Some(format!("{t}-uid")));
    assert_eq!(value("X-ABLABEL").as_deref(), Some("_$!<Other>!$_"));
    assert_eq!(value("N"), Some(format!("Martin {t};Paul;;M.;")));
    assert_eq!(value("TITLE").as_deref(), Some("Documentaliste"));
    let back = stored.to_contact();
    assert_eq!(back.phones[0].value, "04 00 00 00 00");
    assert_eq!(back.emails[0].value, format!("paul.{t}@ac-demo.fr"));
    cleanup(&t).await;
}

#[tokio::test]
async fn import_and_export() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let t = tag();
    let long_note = format!("{} Note très longue {t}", "é".repeat(40)).repeat(4);
    // Folded by hand at 75 octets, cutting an é in two.
    let line = format!("NOTE:{}", vcard::escape(&long_note));
    let bytes = line.as_bytes();
    let mut file: Vec<u8> = Vec::new();
    file.extend_from_slice(
        format!(
            "BEGIN:VCARD\nVERSION:4.0\nFN:Jean Dupont {t}\nN:Dupont {t};Jean;;;\n\
             EMAIL;TYPE=work;PREF=1:jean.{t}@ac-demo.fr\nUID:urn:uuid:{t}-jean\nEND:VCARD\n"
        )
        .as_bytes(),
    );
    file.extend_from_slice(
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Élodie \r\n Garnier {t}\r\nEMAIL:elodie.{t}@ac-demo.fr\r\n").as_bytes(),
    );
    for (i, chunk) in bytes.chunks(74).enumerate() {
        if i > 0 {
            file.extend_from_slice(b"\r\n ");
        }
        file.extend_from_slice(chunk);
    }
    file.extend_from_slice(b"\r\nEND:VCARD\r\n");
    file.extend_from_slice(
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cassé {t}\r\nligne sans deux-points\r\nEND:VCARD\r\n"
        )
        .as_bytes(),
    );
    assert!(
        std::str::from_utf8(&file).is_err(),
        "a fold cuts a character"
    );
    let r = send_raw(
        &app,
        "/api/contacts/import",
        &user,
        "text/vcard",
        file.clone(),
    )
    .await;
    let result: ImportResult = r.ok();
    assert_eq!(result.created, 2, "{result:?}");
    assert_eq!(result.errors.len(), 1, "{result:?}");
    assert!(result.errors[0].starts_with("carte 3"), "{result:?}");

    let found = list(&app, &user, &t).await.contacts;
    let names: Vec<_> = found.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(
        names,
        [format!("Élodie Garnier {t}"), format!("Jean Dupont {t}")]
    );
    assert_eq!(found[0].note.trim_end(), long_note.trim_end());
    assert_eq!(found[1].emails[0].kind.as_deref(), Some("work"));

    // Again: the same UIDs are not duplicated.
    let r = send_raw(
        &app,
        "/api/contacts/import",
        &user,
        "text/plain",
        file.clone(),
    )
    .await;
    let again: ImportResult = r.ok();
    assert_eq!(again.created, 0);
    assert_eq!(again.errors.len(), 3, "{again:?}");
    assert_eq!(list(&app, &user, &t).await.contacts.len(), 2);

    // More than 5 MB is refused before anything is read.
    let big = "NOTE:x\r\n".repeat(700_000);
    let r = send_raw(&app, "/api/contacts/import", &user, "text/vcard", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);

    // JSON is not a card file.
    let r = send_raw(
        &app,
        "/api/contacts/import",
        &user,
        "application/json",
        "{}",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The export holds both, readable.
    let r = get(&app, "/api/contacts/export", &user).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/vcard")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("contacts.vcf")
    );
    let cards: Vec<Contact> = vcard::parse(&r.body)
        .into_iter()
        .map(|c| c.unwrap().to_contact())
        .filter(|c| c.full_name.contains(&t))
        .collect();
    assert_eq!(cards.len(), 2);
    assert!(
        cards
            .iter()
            .any(|c| c.full_name == format!("Jean Dupont {t}"))
    );
    cleanup(&t).await;
}

#[tokio::test]
async fn recipients_lists_contacts_then_recent_addresses() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let t = tag();
    let contact = create(
        &app,
        &user,
        json!({"full_name": format!("Contact {t}"),
               "emails": [{"value": format!("contact.{t}@ac-demo.fr")}]}),
    )
    .await;
    // One message received, one sent (also to the contact: it stays a contact).
    let mut conn = imap_conn("alice", "secret").await;
    let received = format!(
        "From: Expéditeur {t} <from.{t}@ac-demo.fr>\r\nTo: alice@ac-demo.fr\r\n\
         Subject: test {t}\r\nMessage-ID: <{t}@test>\r\n\r\nBonjour\r\n"
    );
    let in_uid = conn
        .append("INBOX", &[], None, received.as_bytes())
        .await
        .unwrap();
    let sent_folder = conn
        .folder_with_role(FolderRole::Sent)
        .await
        .unwrap()
        .unwrap();
    let sent = format!(
        "From: alice@ac-demo.fr\r\nTo: Destinataire {t} <to.{t}@ac-demo.fr>, CONTACT.{t}@ac-demo.fr\r\n\
         Cc: alice@ac-demo.fr\r\nSubject: envoi {t}\r\nMessage-ID: <s{t}@test>\r\n\r\nBonjour\r\n"
    );
    let sent_uid = conn
        .append(&sent_folder, &["\\Seen"], None, sent.as_bytes())
        .await
        .unwrap();

    let list: Vec<Suggestion> = get(&app, "/api/contacts/recipients", &user).await.ok();
    let pos = |email: &str| {
        list.iter()
            .position(|s| s.email.eq_ignore_ascii_case(email))
    };
    let c = pos(&format!("contact.{t}@ac-demo.fr")).expect("contact");
    assert_eq!(list[c].source, SuggestionSource::Contact);
    assert_eq!(list[c].name, Some(format!("Contact {t}")));
    let to = pos(&format!("to.{t}@ac-demo.fr")).expect("sent to");
    let from = pos(&format!("from.{t}@ac-demo.fr")).expect("received from");
    assert_eq!(list[to].source, SuggestionSource::Recent);
    assert_eq!(list[to].name, Some(format!("Destinataire {t}")));
    assert_eq!(list[from].name, Some(format!("Expéditeur {t}")));
    assert!(c < to && c < from);
    assert!(pos("alice@ac-demo.fr").is_none());
    let lower: std::collections::HashSet<String> =
        list.iter().map(|s| s.email.to_lowercase()).collect();
    assert_eq!(lower.len(), list.len(), "duplicates");

    // The DAV server down: the recent addresses still come.
    let mut cfg = config();
    cfg.caldav_url = "http://127.0.0.1:1".into();
    let down = app_with(cfg);
    let user2 = login_ok(&down, "alice", "secret").await;
    let r = get(&down, "/api/contacts", &user2).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.code(), "server_unavailable");
    let list: Vec<Suggestion> = get(&down, "/api/contacts/recipients", &user2).await.ok();
    assert!(list.iter().any(|s| s.email == format!("to.{t}@ac-demo.fr")));
    assert!(list.iter().all(|s| s.source == SuggestionSource::Recent));

    if let Some(u) = in_uid {
        conn.erase("INBOX", &[u]).await.unwrap();
    }
    if let Some(u) = sent_uid {
        conn.erase(&sent_folder, &[u]).await.unwrap();
    }
    let r = delete(&app, &user, &contact).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    cleanup(&t).await;
}

/// How long listing takes with 200 contacts (bench's book); run with
/// `cargo test -p facteur --test contacts -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn list_latency_with_200_contacts() {
    let app = app();
    let user = login_ok(&app, "bench", "secret").await;
    let t = tag();
    let mut file = String::new();
    for i in 0..200 {
        file.push_str(&format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Personne {i} {t}\r\nN:{t};Personne {i};;;\r\n\
             EMAIL;TYPE=work:p{i}.{t}@ac-demo.fr\r\nTEL;TYPE=cell:06 00 00 {i:02}\r\n\
             ORG:Collège {i}\r\nUID:{t}-{i}\r\nEND:VCARD\r\n"
        ));
    }
    let started = Instant::now();
    let r: ImportResult = send_raw(&app, "/api/contacts/import", &user, "text/vcard", file)
        .await
        .ok();
    println!("import of 200: {:?}", started.elapsed());
    assert_eq!(r.created, 200);
    for _ in 0..3 {
        let started = Instant::now();
        let l: ContactList = get(&app, "/api/contacts", &user).await.ok();
        println!("list of {}: {:?}", l.contacts.len(), started.elapsed());
        let started = Instant::now();
        let s: Vec<Suggestion> = get(&app, "/api/contacts/recipients", &user).await.ok();
        println!("recipients ({}): {:?}", s.len(), started.elapsed());
    }
    let mut client = dav_client("bench");
    let book = client.address_book().await.unwrap();
    for (href, etag, data) in client.cards(&book.href).await.unwrap() {
        if data.contains(&t) {
            client.delete(&href, Some(&etag)).await.unwrap();
        }
    }
}
